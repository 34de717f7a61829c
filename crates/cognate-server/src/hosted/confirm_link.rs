//! The link in CONFIRM_WITH_LINK sign-up emails:
//! `GET /confirmUser?client_id=..&user_name=..&confirmation_code=..` (Cognito's shape),
//! which confirms the account with `ConfirmSignUp`'s rules and then says so.
//!
//! The GET only shows a "Confirm my account" button; its POST (CSRF token bound to the
//! pre-session cookie the GET set) spends the code. Mail scanners and link previews
//! fetch every URL in a message: a GET that confirmed would let a scanner confirm an
//! account its address's owner never asked for (someone else signed up with their
//! address), and would spend the code before the person clicks. One click from the
//! email still confirms, and the POST counts toward the account rate limits like every
//! other form. The link is not an authorize request, so it carries no redirect URI and
//! the page never redirects anywhere.
//!
//! The page exists only in pools whose `DefaultEmailOption` is `CONFIRM_WITH_LINK`
//! (elsewhere it 404s like any unknown page). For a client that hides user existence
//! every link that does not confirm (wrong, expired, spent, disabled user) gets one
//! message.

use super::render::{Frame, Page, bare_error, message_page, origin_of};
use super::signin::{check_username_limit, value};
use super::{Fields, branding, check_csrf, csrf_token, i18n};
use crate::app::AppState;
use crate::ratelimit::Class;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use cognate_core::CoreError;
use cognate_core::auth::client::ClientContext;

/// The link's client (within the page's pool) and the page frame around it.
struct LinkPage {
    ctx: ClientContext,
    frame: Frame,
    new_csrf_cookie: Option<HeaderValue>,
}

impl LinkPage {
    async fn start(
        state: &AppState,
        pool_id: &str,
        base: String,
        headers: &HeaderMap,
        fields: &Fields,
    ) -> Result<Self, Box<Response>> {
        let client_id = fields.get("client_id").cloned();
        let ctx = match state.core.client_context(&client_id, Some(pool_id)).await {
            Ok(ctx) => ctx,
            Err(CoreError::ResourceNotFound(_) | CoreError::InvalidParameter(_)) => {
                return Err(Box::new(bare_error(
                    StatusCode::BAD_REQUEST,
                    "err_link_client",
                )));
            }
            Err(e) => {
                tracing::error!(error = %e, "loading the confirmation link's client failed");
                return Err(Box::new(bare_error(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "err_server",
                )));
            }
        };
        let lang = i18n::negotiate(
            fields.get("lang").map(String::as_str),
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok()),
        );
        let (csrf, new_csrf_cookie) = csrf_token(state, pool_id, &base, headers);
        let (custom_css, logo) = branding(state, pool_id, &ctx.client.id, &base).await;
        let frame = Frame {
            lang,
            base,
            app_name: ctx.client.name.clone(),
            custom_css,
            logo,
            csrf,
            ..Default::default()
        };
        Ok(Self {
            ctx,
            frame,
            new_csrf_cookie,
        })
    }

    fn finish(&self, mut resp: Response) -> Response {
        if let Some(c) = &self.new_csrf_cookie {
            resp.headers_mut().append(header::SET_COOKIE, c.clone());
        }
        resp
    }

    fn message(&self, status: StatusCode, title: &str, body: &str) -> Response {
        self.finish(message_page(&self.frame, status, title, body, None))
    }

    /// "Your account is confirmed", with a way on to the app when its callback URL
    /// names a web origin (a sign-in link of our own would need the app's PKCE
    /// challenge, so the app starts the sign-in itself).
    fn confirmed(&self) -> Response {
        let s = &self.ctx.client.settings;
        let app = s
            .default_redirect_uri
            .iter()
            .chain(s.callback_urls.iter().flatten())
            .filter_map(|u| origin_of(u))
            .find(|o| o.starts_with("https://") || o.starts_with("http://"));
        let name = self.frame.app_name.as_str();
        let body = self
            .frame
            .t_with("confirm_link_done_body", &[("app", name)]);
        let label = self.frame.t_with("confirm_link_continue", &[("app", name)]);
        let link = app.map(|origin| (label.as_str(), format!("{origin}/")));
        self.finish(message_page(
            &self.frame,
            StatusCode::OK,
            "confirm_link_done_title",
            &body,
            link,
        ))
    }
}

/// Only link pools have the page (GET and POST, before anything else runs): elsewhere
/// it would confirm sign-ups without the SECRET_HASH their clients require.
async fn require_link_pool(state: &AppState, pool_id: &str) -> Result<(), Box<Response>> {
    match state.core.pool_confirms_by_link(pool_id).await {
        Ok(true) => Ok(()),
        Ok(false) => Err(Box::new(bare_error(StatusCode::NOT_FOUND, "err_not_found"))),
        Err(e) => {
            tracing::error!(error = %e, "loading the confirmation link's pool failed");
            Err(Box::new(bare_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "err_server",
            )))
        }
    }
}

/// The fields the link carries, for the button's form.
fn carried(fields: &Fields) -> Vec<(String, String)> {
    ["client_id", "user_name", "confirmation_code", "lang"]
        .into_iter()
        .filter_map(|k| fields.get(k).map(|v| (k.to_owned(), v.clone())))
        .collect()
}

/// `GET /<poolId>/confirmUser?client_id=..&user_name=..&confirmation_code=..`: the
/// button that confirms.
pub(crate) async fn page(
    state: &AppState,
    pool_id: &str,
    base: String,
    headers: &HeaderMap,
    query: &Fields,
) -> Response {
    if let Err(resp) = require_link_pool(state, pool_id).await {
        return *resp;
    }
    let p = match LinkPage::start(state, pool_id, base, headers, query).await {
        Ok(p) => p,
        Err(resp) => return *resp,
    };
    let intro = p
        .frame
        .t_with("confirm_link_intro", &[("app", &p.frame.app_name)]);
    let page = Page::new("confirm_link.html", p.frame.t("confirm_title"))
        .var("intro", intro)
        .var("carry", carried(query));
    p.finish(page.render(&p.frame))
}

/// `POST /<poolId>/confirmUser` from the button: spends the link's code.
pub(crate) async fn submit(
    state: &AppState,
    pool_id: &str,
    base: String,
    headers: &HeaderMap,
    fields: Fields,
) -> Response {
    if let Err(resp) = require_link_pool(state, pool_id).await {
        return *resp;
    }
    if let Err(resp) = check_csrf(state, pool_id, &base, headers, &fields) {
        return *resp;
    }
    let username = value(&fields, "user_name");
    let code = value(&fields, "confirmation_code");
    let client = value(&fields, "client_id");
    if let Err(resp) = check_username_limit(state, Class::Account, client, username) {
        return *resp;
    }
    let p = match LinkPage::start(state, pool_id, base, headers, &fields).await {
        Ok(p) => p,
        Err(resp) => return *resp,
    };
    if username.is_empty() || code.is_empty() {
        let key = if p.ctx.hides_user_existence() {
            "err_link_invalid"
        } else {
            "err_link_mismatch"
        };
        return p.message(StatusCode::BAD_REQUEST, "error_title", &p.frame.t(key));
    }
    let key = match state.core.hosted_confirm_link(&p.ctx, username, code).await {
        Ok(()) => return p.confirmed(),
        Err(e) => failure_key(&e, p.ctx.hides_user_existence()),
    };
    let Some(key) = key else {
        return p.message(
            StatusCode::INTERNAL_SERVER_ERROR,
            "error_title",
            &p.frame.t("err_server"),
        );
    };
    if key == "err_not_found" {
        return bare_error(StatusCode::NOT_FOUND, key);
    }
    p.message(StatusCode::BAD_REQUEST, "error_title", &p.frame.t(key))
}

/// The message for a confirmation that failed, `None` for a server fault (logged
/// here). A client that hides user existence gets one message for every link that
/// does not confirm (core already folds those causes into `CodeMismatch`).
fn failure_key(e: &CoreError, hide: bool) -> Option<&'static str> {
    Some(match e {
        CoreError::CodeMismatch(_) | CoreError::UserNotFound | CoreError::InvalidParameter(_)
            if hide =>
        {
            "err_link_invalid"
        }
        CoreError::CodeMismatch(_) | CoreError::UserNotFound | CoreError::InvalidParameter(_) => {
            "err_link_mismatch"
        }
        CoreError::ExpiredCode => "err_link_expired",
        CoreError::NotAuthorized(m) if m.contains("cannot be confirmed") => "err_already_confirmed",
        CoreError::NotAuthorized(m) if m.contains("disabled") => "err_disabled",
        CoreError::AliasExists(_) => "err_link_alias_exists",
        CoreError::LimitExceeded(_) | CoreError::TooManyRequests(_) => "err_too_many",
        CoreError::ResourceNotFound(_) => "err_not_found",
        e => {
            tracing::error!(error = %e, "confirming by link failed");
            return None;
        }
    })
}
