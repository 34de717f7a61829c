//! `POST /oauth2/token` and `POST /oauth2/revoke`: form bodies, client authentication
//! from `Authorization: Basic` or the body, RFC 6749 JSON answers.

use super::{json_error, json_response, not_a_pool};
use crate::app::AppState;
use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use cognate_core::oauth::OAuthError;
use cognate_core::oauth::token_endpoint::TokenRequest;

/// RFC 6749 §2.3.1: `Basic base64(urlencode(id) ":" urlencode(secret))`.
fn basic_auth(headers: &HeaderMap) -> Result<Option<(String, String)>, OAuthError> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let decode = |s: &str| {
        percent_encoding::percent_decode_str(&s.replace('+', " "))
            .decode_utf8()
            .map(|c| c.into_owned())
    };
    value
        .to_str()
        .ok()
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|b| STANDARD.decode(b.trim()).ok())
        .and_then(|raw| String::from_utf8(raw).ok())
        .and_then(|text| {
            let (id, secret) = text.split_once(':')?;
            Some((decode(id).ok()?, decode(secret).ok()?))
        })
        .map(Some)
        .ok_or(OAuthError::InvalidClient)
}

fn decode(
    headers: &HeaderMap,
    form: Result<Form<TokenRequest>, FormRejection>,
) -> Result<(TokenRequest, Option<(String, String)>), OAuthError> {
    let Ok(Form(req)) = form else {
        return Err(OAuthError::InvalidRequest("the body must be a form".into()));
    };
    Ok((req, basic_auth(headers)?))
}

/// `POST /<poolId>/oauth2/token`.
#[tracing::instrument(skip_all, fields(pool_id = %pool_id))]
pub(super) async fn token(
    State(state): State<AppState>,
    Path(pool_id): Path<String>,
    headers: HeaderMap,
    form: Result<Form<TokenRequest>, FormRejection>,
) -> Response {
    if let Some(r) = not_a_pool(&pool_id) {
        return r;
    }
    let (req, basic) = match decode(&headers, form) {
        Ok(decoded) => decoded,
        Err(e) => return json_error(&e),
    };
    match state.core.oauth_token(&pool_id, req, basic).await {
        Ok(tokens) => json_response(
            StatusCode::OK,
            &serde_json::to_value(tokens).unwrap_or_default(),
        ),
        Err(e) => json_error(&e),
    }
}

/// `POST /<poolId>/oauth2/revoke`.
#[tracing::instrument(skip_all, fields(pool_id = %pool_id))]
pub(super) async fn revoke(
    State(state): State<AppState>,
    Path(pool_id): Path<String>,
    headers: HeaderMap,
    form: Result<Form<TokenRequest>, FormRejection>,
) -> Response {
    if let Some(r) = not_a_pool(&pool_id) {
        return r;
    }
    let (req, basic) = match decode(&headers, form) {
        Ok(decoded) => decoded,
        Err(e) => return json_error(&e),
    };
    match state.core.oauth_revoke(&pool_id, req, basic).await {
        Ok(()) => json_response(StatusCode::OK, &serde_json::json!({})),
        Err(e) => json_error(&e),
    }
}
