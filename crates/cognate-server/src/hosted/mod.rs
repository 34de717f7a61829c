//! The hosted sign-in pages at Cognito's classic paths under each pool's issuer
//! (`/<poolId>/login`, `/signup`, `/confirmUser`, `/resendCode`, `/forgotPassword`,
//! `/confirmForgotPassword`, `/newPassword` for the first sign-in after AdminCreateUser,
//! `/mfa` for the second factor, `/passkey` for passkey sign-in), or at the root of a
//! custom domain.
//!
//! Every page carries the authorize request along (hidden fields and link queries) and
//! re-runs its checks on each step, so nothing a browser posts is trusted beyond what
//! `/oauth2/authorize` would accept. Every form posts a CSRF token bound to a
//! pre-session cookie; pages are server-rendered, work without JavaScript, and are
//! never framed or cached.

mod assets;
mod confirm_link;
mod fields;
pub(crate) mod i18n;
mod mfa;
mod mount;
mod passkey;
mod recovery;
pub(crate) mod render;
pub(crate) mod signin;
mod signup;

pub(crate) use mount::{Mount, require_domain, route_custom_domains};

use crate::app::AppState;
use crate::oauth::{CSRF_COOKIE, cookie, set_cookie};
use axum::Router;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use axum::routing::{get, post};
use cognate_core::oauth::authorize::{AuthorizeFailure, AuthorizeRequest, Authorized, SESSION_MS};
use render::{Frame, Page, bare_error};
use std::collections::BTreeMap;

/// The hosted pages' routes (pool-scoped; a custom domain reaches them by rewrite).
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/{pool_id}/newPassword", post(signin::new_password))
        .route("/{pool_id}/mfa", post(mfa::submit))
        .route("/{pool_id}/passkey", post(passkey::start))
        .route("/{pool_id}/passkey/verify", post(passkey::verify))
        .route("/{pool_id}/passkey/add", post(passkey::add))
        .route("/{pool_id}/signup", get(signup::page).post(signup::submit))
        .route(
            "/{pool_id}/confirmUser",
            get(signup::confirm_page).post(signup::confirm),
        )
        .route("/{pool_id}/resendCode", post(signup::resend))
        .route(
            "/{pool_id}/forgotPassword",
            get(recovery::page).post(recovery::submit),
        )
        .route(
            "/{pool_id}/confirmForgotPassword",
            get(recovery::reset_page).post(recovery::reset),
        )
        .route("/{pool_id}/ui/custom.css", get(assets::custom_css))
        .route("/{pool_id}/ui/logo", get(assets::logo))
}

/// Routes outside any pool: the pages' own style sheet and script, and the (empty)
/// favicon.
pub(crate) fn global_routes() -> Router<AppState> {
    Router::new()
        .route("/favicon.ico", get(assets::favicon))
        .route("/_cognate/hosted.css", get(assets::stylesheet))
        .route("/_cognate/passkey.js", get(assets::passkey_script))
}

/// A form post or page query: every field by name.
pub(crate) type Fields = BTreeMap<String, String>;

/// The authorize request carried in a page's fields.
pub(crate) fn authorize_request(f: &Fields) -> AuthorizeRequest {
    let get = |k: &str| f.get(k).cloned();
    AuthorizeRequest {
        response_type: get("response_type"),
        client_id: get("client_id"),
        redirect_uri: get("redirect_uri"),
        state: get("state"),
        scope: get("scope"),
        nonce: get("nonce"),
        code_challenge: get("code_challenge"),
        code_challenge_method: get("code_challenge_method"),
        prompt: get("prompt"),
        login_hint: get("login_hint"),
        lang: get("lang"),
    }
}

/// The authorize request's fields that every later step needs again.
fn carried(req: &AuthorizeRequest) -> Vec<(String, String)> {
    [
        ("response_type", &req.response_type),
        ("client_id", &req.client_id),
        ("redirect_uri", &req.redirect_uri),
        ("state", &req.state),
        ("scope", &req.scope),
        ("nonce", &req.nonce),
        ("code_challenge", &req.code_challenge),
        ("code_challenge_method", &req.code_challenge_method),
        ("lang", &req.lang),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.as_ref().map(|v| (k.to_owned(), v.clone())))
    .collect()
}

/// The path prefix of the pages: empty on a custom domain, else `/<poolId>`.
pub(crate) fn base_path(mount: Option<&Mount>, pool_id: &str) -> String {
    match mount {
        Some(m) => m.base.clone(),
        None => format!("/{pool_id}"),
    }
}

/// An authorize request that passed its checks, with the page frame built for it.
pub(crate) struct Flow {
    pub pool_id: String,
    pub base: String,
    pub req: AuthorizeRequest,
    pub a: Authorized,
    pub frame: Frame,
    new_csrf_cookie: Option<HeaderValue>,
}

/// The human page for an authorize failure.
pub(crate) fn failure_page(f: AuthorizeFailure, state: Option<&str>, implicit: bool) -> Response {
    match f {
        AuthorizeFailure::Page(message) => {
            let key = if message.contains("Unknown client") {
                "err_unknown_client"
            } else if message.contains("not enabled") {
                "err_not_oauth_client"
            } else if message.contains("redirect") {
                "err_bad_redirect"
            } else {
                "err_malformed"
            };
            bare_error(StatusCode::BAD_REQUEST, key)
        }
        other => crate::oauth::authorize::failure(other, state, implicit),
    }
}

impl Flow {
    /// Runs the authorize checks on the carried request and builds the page frame:
    /// language, branding, the CSRF token (a new pre-session cookie when the browser
    /// has no valid one).
    pub(crate) async fn start(
        state: &AppState,
        pool_id: &str,
        base: String,
        headers: &HeaderMap,
        req: AuthorizeRequest,
    ) -> Result<Self, Box<Response>> {
        let a = match state.core.check_authorize(pool_id, &req).await {
            Ok(a) => a,
            Err(f) => {
                let implicit = req.response_type.as_deref() == Some("token");
                return Err(Box::new(failure_page(f, req.state.as_deref(), implicit)));
            }
        };
        let lang = i18n::negotiate(
            req.lang.as_deref(),
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok()),
        );
        let (csrf, new_csrf_cookie) = csrf_token(state, pool_id, &base, headers);
        let (custom_css, logo) = branding(state, pool_id, &a.ctx.client.id, &base).await;
        let hidden = carried(&req);
        let query = serde_urlencoded::to_string(&hidden).unwrap_or_default();
        let frame = Frame {
            lang,
            base: base.clone(),
            app_name: a.ctx.client.name.clone(),
            custom_css,
            logo,
            hidden,
            query,
            csrf,
            callback_origin: render::origin_of(&a.redirect_uri),
        };
        Ok(Self {
            pool_id: pool_id.to_owned(),
            base,
            req,
            a,
            frame,
            new_csrf_cookie,
        })
    }

    /// The binding of the browser that sent `headers` to its pre-session cookie, when
    /// it holds a valid one (forms only post with one).
    pub(crate) fn browser_binding(&self, state: &AppState, headers: &HeaderMap) -> Option<String> {
        cookie(state, &self.base, headers, CSRF_COOKIE)
            .and_then(|c| state.core.login_browser_binding(&self.pool_id, c))
    }

    /// A page in this flow's frame.
    pub(crate) fn page(&self, template: &'static str, title_key: &str) -> Page {
        Page::new(template, self.frame.t(title_key))
    }

    /// Renders `page`, setting the CSRF cookie when this flow made a new one.
    pub(crate) fn show(&self, page: Page) -> Response {
        self.finish(page.render(&self.frame))
    }

    /// Adds the new CSRF cookie (if any) to a response.
    pub(crate) fn finish(&self, mut resp: Response) -> Response {
        if let Some(c) = &self.new_csrf_cookie {
            resp.headers_mut().append(header::SET_COOKIE, c.clone());
        }
        resp
    }

    /// The generic page for a server failure (the cause is logged, never shown).
    pub(crate) fn server_error(&self, e: &cognate_core::CoreError) -> Response {
        tracing::error!(error = %e, "a hosted-page step failed");
        let body = self.frame.t("err_server");
        self.finish(render::message_page(
            &self.frame,
            StatusCode::INTERNAL_SERVER_ERROR,
            "error_title",
            &body,
            None,
        ))
    }
}

/// The CSRF check of every form post; `Err` is the "form expired" answer.
pub(crate) fn check_csrf(
    state: &AppState,
    pool_id: &str,
    base: &str,
    headers: &HeaderMap,
    fields: &Fields,
) -> Result<(), Box<Response>> {
    let ok = state.core.check_login_csrf(
        pool_id,
        cookie(state, base, headers, CSRF_COOKIE),
        fields.get("csrf_token").map(String::as_str),
    );
    if ok {
        Ok(())
    } else {
        Err(Box::new(bare_error(
            StatusCode::FORBIDDEN,
            "err_form_expired",
        )))
    }
}

/// The CSRF token for the browser's pre-session cookie, with a new cookie to set when
/// the browser has no valid one.
fn csrf_token(
    state: &AppState,
    pool_id: &str,
    base: &str,
    headers: &HeaderMap,
) -> (String, Option<HeaderValue>) {
    let existing = cookie(state, base, headers, CSRF_COOKIE)
        .and_then(|c| state.core.login_csrf_for(pool_id, c));
    match existing {
        Some(token) => (token, None),
        None => {
            let (pre, token) = state.core.new_login_csrf(pool_id);
            let c = set_cookie(state, base, CSRF_COOKIE, &pre, SESSION_MS / 1000);
            (token, Some(c))
        }
    }
}

/// URLs of the pool's or client's style sheet and logo, versioned by their last change.
async fn branding(
    state: &AppState,
    pool_id: &str,
    client_id: &str,
    base: &str,
) -> (Option<String>, Option<String>) {
    let found = match state.core.ui_customization_for(pool_id, client_id).await {
        Ok(found) => found,
        Err(e) => {
            tracing::warn!(error = %e, "reading the UI customization failed; pages stay unbranded");
            None
        }
    };
    let Some(c) = found else {
        return (None, None);
    };
    let url = |what: &str| format!("{base}/ui/{what}?client_id={client_id}&v={}", c.updated_at);
    (
        c.css
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .map(|_| url("custom.css")),
        c.image
            .as_deref()
            .filter(|s| !s.is_empty())
            .map(|_| url("logo")),
    )
}
