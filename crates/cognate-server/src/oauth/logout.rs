//! `GET /logout`: clears the session cookie, then redirects only to a registered
//! `LogoutURLs` entry (or back to authorize for a registered callback).

use super::login_page::error_page;
use super::{SESSION_COOKIE, not_a_pool, redirect, set_cookie};
use crate::app::AppState;
use axum::extract::{Path, RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::Response;
use cognate_core::oauth::authorize::LogoutTarget;
use std::collections::HashMap;

/// `GET /<poolId>/logout`.
#[tracing::instrument(skip_all, fields(pool_id = %pool_id))]
pub(super) async fn logout(
    State(state): State<AppState>,
    Path(pool_id): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    if let Some(r) = not_a_pool(&pool_id) {
        return r;
    }
    let query = query.unwrap_or_default();
    let params: HashMap<String, String> = serde_urlencoded::from_str(&query).unwrap_or_default();
    let target = state
        .core
        .check_logout(
            &pool_id,
            params.get("client_id").cloned(),
            params.get("logout_uri").map(String::as_str),
            params.get("redirect_uri").map(String::as_str),
        )
        .await;
    let mut resp = match target {
        Ok(LogoutTarget::LogoutUri(uri)) => redirect(&uri),
        Ok(LogoutTarget::SignInAgain) => redirect(&format!("/{pool_id}/oauth2/authorize?{query}")),
        Err(message) => error_page(StatusCode::BAD_REQUEST, &message),
    };
    resp.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(&state, &pool_id, SESSION_COOKIE, "", 0),
    );
    resp
}
