//! The pool's public documents, unauthenticated as in Cognito:
//! `GET /<poolId>/.well-known/jwks.json` and `GET /<poolId>/.well-known/openid-configuration`.

use crate::app::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use cognate_core::CoreError;

fn answer(result: Result<serde_json::Value, CoreError>) -> Response {
    match result {
        Ok(doc) => (
            [
                (header::CACHE_CONTROL, "public, max-age=300"),
                (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
            ],
            Json(doc),
        )
            .into_response(),
        Err(CoreError::ResourceNotFound(m)) => (
            StatusCode::NOT_FOUND,
            Json(serde_json::json!({"message": m})),
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "well-known document failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                Json(serde_json::json!({"message": "internal error"})),
            )
                .into_response()
        }
    }
}

/// `GET /<poolId>/.well-known/jwks.json`.
pub async fn jwks(State(state): State<AppState>, Path(pool_id): Path<String>) -> Response {
    if !cognate_proto::validate::is_user_pool_id(&pool_id) {
        return (
            StatusCode::NOT_FOUND,
            Json(serde_json::json!({"message": "not found"})),
        )
            .into_response();
    }
    answer(state.core.jwks(&pool_id).await)
}

/// `GET /<poolId>/.well-known/openid-configuration`.
pub async fn openid_configuration(
    State(state): State<AppState>,
    Path(pool_id): Path<String>,
) -> Response {
    if !cognate_proto::validate::is_user_pool_id(&pool_id) {
        return (
            StatusCode::NOT_FOUND,
            Json(serde_json::json!({"message": "not found"})),
        )
            .into_response();
    }
    answer(state.core.openid_configuration(&pool_id).await)
}

/// `GET /identity/.well-known/jwks.json`: keys of identity-pool OpenID tokens.
pub async fn identity_jwks(State(state): State<AppState>) -> Response {
    answer(state.core.identity_jwks().await)
}

/// `GET /identity/.well-known/openid-configuration`.
pub async fn identity_openid_configuration(State(state): State<AppState>) -> Response {
    answer(Ok(state.core.identity_openid_configuration()))
}
