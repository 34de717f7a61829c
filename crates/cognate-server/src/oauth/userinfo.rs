//! `GET|POST /oauth2/userInfo` with RFC 6750 Bearer errors.

use super::json_response;
use crate::app::AppState;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use cognate_core::oauth::OAuthError;

fn bearer_error(status: StatusCode, challenge: &'static str) -> Response {
    let mut resp = (status, [(header::CACHE_CONTROL, "no-store")]).into_response();
    resp.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static(challenge),
    );
    resp
}

/// `GET|POST /<poolId>/oauth2/userInfo`.
#[tracing::instrument(skip_all, fields(pool_id = %pool_id))]
pub(super) async fn user_info(
    State(state): State<AppState>,
    Path(pool_id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty());
    let Some(token) = token else {
        // RFC 6750 §3.1: no error code when the request carries no credentials.
        return bearer_error(StatusCode::UNAUTHORIZED, "Bearer");
    };
    let result = state.core.user_info(token).await;
    match result {
        Ok(claims) if claims_of_pool(&state, &pool_id, token) => {
            json_response(StatusCode::OK, &claims)
        }
        Ok(_) | Err(OAuthError::InvalidToken) => bearer_error(
            StatusCode::UNAUTHORIZED,
            "Bearer error=\"invalid_token\", error_description=\"Access token is expired, disabled, or deleted, or the user has globally signed out.\"",
        ),
        Err(OAuthError::InsufficientScope) => bearer_error(
            StatusCode::FORBIDDEN,
            "Bearer error=\"insufficient_scope\", scope=\"openid\"",
        ),
        Err(e) => super::json_error(&e),
    }
}

/// A token is only good at its own pool's endpoint.
fn claims_of_pool(state: &AppState, pool_id: &str, token: &str) -> bool {
    let issuer = state.core.issuer(pool_id);
    cognate_core::token::peek_claims(token).is_ok_and(|c| c["iss"] == issuer.as_str())
}
