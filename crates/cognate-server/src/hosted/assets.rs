//! The pages' style sheet and passkey script, and each pool's or client's branding (CSS and logo from
//! SetUICustomization) served from our own origin so the CSP can stay strict.

use crate::app::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use std::collections::BTreeMap;

const STYLESHEET: &str = include_str!("../../assets/hosted.css");
const PASSKEY_SCRIPT: &str = include_str!("../../assets/passkey.js");

fn not_found() -> Response {
    (StatusCode::NOT_FOUND, [(header::CACHE_CONTROL, "no-store")]).into_response()
}

fn asset(content_type: &'static str, body: impl IntoResponse) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=3600"),
            ),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static("default-src 'none'"),
            ),
        ],
        body,
    )
        .into_response()
}

/// `GET /favicon.ico` on the public URL and on custom domains: the pages have no icon,
/// and an empty answer keeps browsers from logging a failed request on every page.
pub(crate) async fn favicon() -> Response {
    (
        StatusCode::NO_CONTENT,
        [(header::CACHE_CONTROL, "public, max-age=86400")],
    )
        .into_response()
}

/// `GET /_cognate/passkey.js`.
pub(crate) async fn passkey_script() -> Response {
    asset("text/javascript; charset=utf-8", PASSKEY_SCRIPT)
}

/// `GET /_cognate/hosted.css`.
pub(crate) async fn stylesheet() -> Response {
    asset("text/css; charset=utf-8", STYLESHEET)
}

async fn customization(
    state: &AppState,
    pool_id: &str,
    query: &BTreeMap<String, String>,
) -> Option<cognate_core::store::UiCustomizationRecord> {
    if !cognate_proto::validate::is_user_pool_id(pool_id) {
        return None;
    }
    let client = query.get("client_id").map_or("ALL", String::as_str);
    match state.core.ui_customization_for(pool_id, client).await {
        Ok(found) => found,
        Err(e) => {
            tracing::warn!(error = %e, "reading the UI customization failed");
            None
        }
    }
}

/// `GET /<poolId>/ui/custom.css?client_id=...`.
pub(crate) async fn custom_css(
    State(state): State<AppState>,
    Path(pool_id): Path<String>,
    Query(query): Query<BTreeMap<String, String>>,
) -> Response {
    match customization(&state, &pool_id, &query)
        .await
        .and_then(|c| c.css)
    {
        Some(css) => asset("text/css; charset=utf-8", css),
        None => not_found(),
    }
}

/// The image type of a logo, from its first bytes; anything else (SVG included,
/// which could carry script) is not served.
fn image_type(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some("image/gif")
    } else if bytes.len() > 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}

/// `GET /<poolId>/ui/logo?client_id=...`.
pub(crate) async fn logo(
    State(state): State<AppState>,
    Path(pool_id): Path<String>,
    Query(query): Query<BTreeMap<String, String>>,
) -> Response {
    let bytes = customization(&state, &pool_id, &query)
        .await
        .and_then(|c| c.image)
        .and_then(|b64| STANDARD.decode(b64.trim()).ok());
    match bytes.as_deref().and_then(image_type) {
        Some(kind) => asset(kind, bytes.unwrap_or_default()),
        None => not_found(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_raster_images_are_served() {
        assert_eq!(image_type(b"\x89PNG\r\n\x1a\nrest"), Some("image/png"));
        assert_eq!(image_type(&[0xff, 0xd8, 0xff, 0xe0]), Some("image/jpeg"));
        assert_eq!(image_type(b"<svg onload=alert(1)>"), None);
    }
}
