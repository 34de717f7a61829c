//! `GET /logout`: ends the browser session, then redirects only to a registered
//! `LogoutURLs` entry, back to authorize for a registered callback, or shows the
//! signed-out page.

use super::{SESSION_COOKIE, not_a_pool, redirect, set_cookie};
use crate::app::AppState;
use crate::hosted::render::{Frame, bare_error, message_page};
use crate::hosted::{Mount, base_path, i18n};
use axum::Extension;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use cognate_core::oauth::authorize::LogoutTarget;
use std::collections::HashMap;

/// `GET /<poolId>/logout`.
#[tracing::instrument(skip_all, fields(pool_id = %pool_id))]
pub(super) async fn logout(
    State(state): State<AppState>,
    Path(pool_id): Path<String>,
    mount: Option<Extension<Mount>>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    if let Some(r) = not_a_pool(&pool_id) {
        return r;
    }
    let base = base_path(mount.as_deref(), &pool_id);
    if let Some(c) = super::cookie(&state, &base, &headers, SESSION_COOKIE)
        && let Err(e) = state.core.end_oauth_session(&pool_id, c).await
    {
        tracing::error!(error = %e, "ending the browser session failed");
        return bare_error(StatusCode::SERVICE_UNAVAILABLE, "err_server");
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
        Ok(LogoutTarget::SignInAgain) => redirect(&format!("{base}/oauth2/authorize?{query}")),
        Ok(LogoutTarget::SignedOut) => {
            let lang = i18n::negotiate(
                params.get("lang").map(String::as_str),
                headers
                    .get(header::ACCEPT_LANGUAGE)
                    .and_then(|v| v.to_str().ok()),
            );
            let frame = Frame {
                lang,
                base: base.clone(),
                ..Default::default()
            };
            let body = frame.t("signed_out_body");
            message_page(&frame, StatusCode::OK, "signed_out_title", &body, None)
        }
        Err(message) => {
            let key = if message.contains("logout_uri") {
                "err_logout_uri"
            } else if message.contains("redirect") {
                "err_bad_redirect"
            } else if message.contains("not enabled") {
                "err_not_oauth_client"
            } else {
                "err_unknown_client"
            };
            bare_error(StatusCode::BAD_REQUEST, key)
        }
    };
    resp.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(&state, &base, SESSION_COOKIE, "", 0),
    );
    resp
}
