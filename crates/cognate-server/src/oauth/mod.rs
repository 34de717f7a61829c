//! OAuth 2.0 / OpenID Connect endpoints under each pool's issuer
//! (`<public_url>/<poolId>/oauth2/...`, `/<poolId>/login`, `/<poolId>/logout`), for
//! pools with a domain; the same paths at the root of a custom domain.
//! Handlers decode the request, call one `cognate_core::oauth` step and encode the
//! answer: RFC 6749 JSON errors for the token endpoint, RFC 6750 headers for UserInfo,
//! and HTML pages (never a redirect) while the redirect URI is not yet trusted.

pub(crate) mod authorize;
mod logout;
mod token;
mod userinfo;

use crate::app::AppState;
use axum::Router;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use cognate_core::oauth::OAuthError;

/// The hosted sign-in session cookie.
pub(crate) const SESSION_COOKIE: &str = "cognate-session";
/// The pre-session cookie the forms' CSRF tokens are bound to.
pub(crate) const CSRF_COOKIE: &str = "cognate-xsrf";

/// The OAuth endpoints and hosted pages of pools with a domain.
pub fn routes(state: AppState) -> Router<AppState> {
    Router::new()
        .route("/{pool_id}/oauth2/authorize", get(authorize::authorize))
        .route(
            "/{pool_id}/login",
            get(authorize::authorize).post(crate::hosted::signin::submit),
        )
        .route("/{pool_id}/oauth2/token", post(token::token))
        .route("/{pool_id}/oauth2/revoke", post(token::revoke))
        .route(
            "/{pool_id}/oauth2/userInfo",
            get(userinfo::user_info).post(userinfo::user_info),
        )
        .route("/{pool_id}/logout", get(logout::logout))
        .merge(crate::hosted::routes())
        .route_layer(axum::middleware::from_fn_with_state(
            state,
            crate::hosted::require_domain,
        ))
}

/// How a hosted cookie is named, scoped and flagged.
struct CookieShape {
    name: String,
    path: String,
    secure: bool,
}

/// The shape of hosted cookie `name` for pages under `base` (RFC 6265bis §4.1.3).
/// Over HTTPS every cookie takes the `__Host-` prefix, which browsers accept only
/// `Secure`, scoped to `/` and without `Domain`, so no sibling subdomain or plain-HTTP
/// page can set or overwrite it (a planted pre-session cookie would bind a sign-up
/// hand-off to an attacker's browser). A custom domain (`base` empty) serves one pool
/// and is HTTPS in production, as Cognito's custom domains are HTTPS-only, so its
/// cookies are `Secure` unless the public URL itself is plain `http://`. Under the
/// issuer path (`/<poolId>`) pools share the host, so over `https://` each pool's
/// cookies carry its id in their name (`__Host-cognate-session-<poolId>`); over plain
/// `http://` (development) they keep their plain names, scoped to `/<poolId>`.
fn cookie_policy(state: &AppState, base: &str, name: &str) -> CookieShape {
    let public = state.config.public_url();
    let pool_id = base.trim_start_matches('/');
    let secure = if base.is_empty() {
        !public.starts_with("http://")
    } else {
        public.starts_with("https://")
    };
    let (name, path) = match (secure, base.is_empty()) {
        (true, true) => (format!("__Host-{name}"), "/".to_owned()),
        (true, false) => (format!("__Host-{name}-{pool_id}"), "/".to_owned()),
        (false, true) => (name.to_owned(), "/".to_owned()),
        (false, false) => (name.to_owned(), base.to_owned()),
    };
    CookieShape { name, path, secure }
}

/// The name a hosted cookie has for pages under `base` (see [`cookie_policy`]).
pub(crate) fn cookie_name(state: &AppState, base: &str, name: &str) -> String {
    cookie_policy(state, base, name).name
}

/// A hosted cookie's value from the request, read only under the name [`set_cookie`]
/// gives it for `base` (a plain-named copy is ignored, or the prefix would protect
/// nothing).
pub(crate) fn cookie<'a>(
    state: &AppState,
    base: &str,
    headers: &'a HeaderMap,
    name: &str,
) -> Option<&'a str> {
    let name = cookie_name(state, base, name);
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// A `Set-Cookie` value named, scoped and flagged by [`cookie_policy`]; `max_age` 0
/// deletes it. Every hosted cookie, deletions included, is set through here.
pub(crate) fn set_cookie(
    state: &AppState,
    base: &str,
    name: &str,
    value: &str,
    max_age: i64,
) -> HeaderValue {
    let c = cookie_policy(state, base, name);
    let secure = if c.secure { "; Secure" } else { "" };
    let text = format!(
        "{}={value}; Path={}; Max-Age={max_age}; HttpOnly; SameSite=Lax{secure}",
        c.name, c.path
    );
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// `302` to `location`, never cached.
pub(crate) fn redirect(location: &str) -> Response {
    match HeaderValue::from_str(location) {
        Ok(loc) => (
            StatusCode::FOUND,
            [
                (header::LOCATION, loc),
                (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            ],
        )
            .into_response(),
        Err(_) => crate::hosted::render::bare_error(StatusCode::BAD_REQUEST, "err_bad_redirect"),
    }
}

/// `redirect_uri` with parameters added to its query.
pub(crate) fn with_query(uri: &str, params: &[(&str, Option<&str>)]) -> String {
    let present: Vec<(&str, &str)> = params
        .iter()
        .filter_map(|(k, v)| v.map(|v| (*k, v)))
        .collect();
    let query = serde_urlencoded::to_string(present).unwrap_or_default();
    let sep = if uri.contains('?') { '&' } else { '?' };
    format!("{uri}{sep}{query}")
}

/// RFC 6749 §5.2 JSON error with the headers the token endpoint always sends.
fn json_error(e: &OAuthError) -> Response {
    let status = match e {
        OAuthError::InvalidClient | OAuthError::InvalidToken => StatusCode::UNAUTHORIZED,
        OAuthError::InsufficientScope => StatusCode::FORBIDDEN,
        OAuthError::Server(cause) => {
            tracing::error!(error = %cause, "oauth request failed");
            StatusCode::INTERNAL_SERVER_ERROR
        }
        _ => StatusCode::BAD_REQUEST,
    };
    let mut body = serde_json::json!({ "error": e.code() });
    if let Some(d) = e.description() {
        body["error_description"] = d.into();
    }
    let mut resp = json_response(status, &body);
    if matches!(e, OAuthError::InvalidClient) {
        resp.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Basic realm=\"cognate\""),
        );
    }
    resp
}

/// JSON with `Cache-Control: no-store` and `Access-Control-Allow-Origin: *`.
fn json_response(status: StatusCode, body: &serde_json::Value) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, "application/json;charset=UTF-8"),
            (header::CACHE_CONTROL, "no-store"),
            (header::PRAGMA, "no-cache"),
            (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
        ],
        body.to_string(),
    )
        .into_response()
}

/// A 404 page when the path segment is not a pool id.
fn not_a_pool(pool_id: &str) -> Option<Response> {
    (!cognate_proto::validate::is_user_pool_id(pool_id))
        .then(|| crate::hosted::render::bare_error(StatusCode::NOT_FOUND, "err_not_found"))
}
