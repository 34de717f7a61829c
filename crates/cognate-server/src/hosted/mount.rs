//! Where the OAuth endpoints and hosted pages live: under `/<poolId>/` on the public
//! URL for every pool that has a domain, and at the root of a custom domain, which
//! requests reach by their `Host` header (TLS terminates in front of Cognate).

use crate::app::AppState;
use crate::ratelimit::Class;
use axum::Json;
use axum::extract::{Request, State};
use axum::http::{StatusCode, Uri, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The path prefix the hosted pages were reached under.
#[derive(Debug, Clone)]
pub(crate) struct Mount {
    /// Empty on a custom domain.
    pub base: String,
}

/// First path segments served on a custom domain.
const DOMAIN_PATHS: &[&str] = &[
    "oauth2",
    "login",
    "logout",
    "signup",
    "confirmUser",
    "resendCode",
    "forgotPassword",
    "confirmForgotPassword",
    "newPassword",
    "mfa",
    "passkey",
    "ui",
];

/// The request's host name, lower-cased, without a port.
fn host_name(req: &Request) -> Option<String> {
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .or_else(|| req.uri().host())?;
    let name = match host.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
        _ => host,
    };
    Some(name.to_ascii_lowercase())
}

/// Runs before routing: a request for a custom domain's page is rewritten to the
/// pool's path and marked with an empty [`Mount`] base.
pub(crate) async fn route_custom_domains(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let path = req.uri().path().to_owned();
    let first = path.trim_start_matches('/').split('/').next().unwrap_or("");
    if let Some(host) = host_name(&req)
        && host != state.config.public_host()
    {
        match state.core.custom_domain_pool(&host).await {
            Ok(Some(pool_id)) if DOMAIN_PATHS.contains(&first) => {
                let query = req
                    .uri()
                    .query()
                    .map(|q| format!("?{q}"))
                    .unwrap_or_default();
                if let Ok(uri) = format!("/{pool_id}{path}{query}").parse::<Uri>() {
                    *req.uri_mut() = uri;
                    req.extensions_mut().insert(Mount {
                        base: String::new(),
                    });
                }
            }
            // A custom domain serves its own pool's pages and the shared assets only.
            Ok(Some(_)) if first != "_cognate" && path != "/favicon.ico" => {
                return super::render::bare_error(StatusCode::NOT_FOUND, "err_not_found");
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "custom domain lookup failed"),
        }
    }
    next.run(req).await
}

/// The rate-limit class of a form post or token request (per client IP).
fn limited(method: &axum::http::Method, path: &str) -> Option<Class> {
    if method != axum::http::Method::POST {
        return None;
    }
    let last = path.rsplit('/').next().unwrap_or_default();
    match last {
        "login" | "newPassword" | "mfa" | "passkey" | "verify" | "add" | "token" => {
            Some(Class::SignIn)
        }
        "signup" | "confirmUser" | "resendCode" | "forgotPassword" | "confirmForgotPassword" => {
            Some(Class::Account)
        }
        _ => None,
    }
}

/// In front of the pool-scoped OAuth endpoints and pages: they exist only for a pool
/// that has a domain (prefix or custom); form posts and token requests also count
/// toward the client address's rate limit.
pub(crate) async fn require_domain(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    let path = req.uri().path();
    let pool_id = path.trim_start_matches('/').split('/').next().unwrap_or("");
    let api = path.contains("/oauth2/") && !path.ends_with("/oauth2/authorize");
    let refuse = |status: StatusCode, key: &str| -> Response {
        if api {
            let body = serde_json::json!({
                "error": "invalid_request",
                "error_description": super::i18n::text("en", key, &[]),
            });
            (status, Json(body)).into_response()
        } else {
            super::render::bare_error(status, key)
        }
    };
    if !cognate_proto::validate::is_user_pool_id(pool_id) {
        return refuse(StatusCode::NOT_FOUND, "err_not_found");
    }
    if let Some(class) = limited(req.method(), path) {
        let ip = crate::ratelimit::client_ip(
            req.extensions(),
            req.headers(),
            state.config.trust_forwarded_for,
        );
        if state.limits.check(class, ip, None).is_err() {
            return refuse(StatusCode::TOO_MANY_REQUESTS, "err_too_many");
        }
    }
    match state.core.pool_has_domain(pool_id).await {
        Ok(true) => next.run(req).await,
        Ok(false) => refuse(StatusCode::NOT_FOUND, "err_no_domain"),
        Err(e) => {
            tracing::error!(error = %e, "domain lookup failed");
            refuse(StatusCode::SERVICE_UNAVAILABLE, "err_server")
        }
    }
}
