//! Passkey sign-in on the hosted pages: the sign-in form's "Sign in with a passkey"
//! button posts the username to `/passkey`, which answers a page carrying the request
//! options; `passkey.js` asks the browser for the passkey and posts the assertion to
//! `/passkey/verify`. Both steps run the same checks as USER_AUTH with WEB_AUTHN.
//! After a sign-in by other means, a user without a passkey is offered to add one
//! (`/passkey/add`, identified by the new browser session), or to skip it.

use super::fields::Problem;
use super::signin::{posted, value};
use super::{Flow, Mount};
use crate::app::AppState;
use crate::oauth::authorize::{signed_in, with_session};
use crate::oauth::{SESSION_COOKIE, cookie, redirect};
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::{Extension, Form};
use cognate_core::store::UserRecord;

fn refused(state: &AppState, flow: &Flow, username: &str) -> Response {
    let p = Problem {
        key: "err_passkey",
        field: None,
    };
    super::signin::show(state, flow, Some(username.to_owned()), Some(p), None)
}

/// `POST /<poolId>/passkey`.
#[tracing::instrument(skip_all, fields(pool_id = %pool_id))]
pub(crate) async fn start(
    State(state): State<AppState>,
    Path(pool_id): Path<String>,
    mount: Option<Extension<Mount>>,
    headers: HeaderMap,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let (flow, f) = match posted(&state, &pool_id, mount.as_deref(), &headers, form).await {
        Ok(x) => x,
        Err(resp) => return *resp,
    };
    let username = value(&f, "username");
    if username.is_empty() {
        let p = Problem {
            key: "err_required",
            field: Some("username"),
        };
        return super::signin::show(&state, &flow, None, Some(p), None);
    }
    let (options, passkey_state) = match state
        .core
        .hosted_passkey_options(&flow.a.ctx, username)
        .await
    {
        Ok(x) => x,
        Err(e) => {
            tracing::info!(error = %e, "passkey sign-in refused");
            return refused(&state, &flow, username);
        }
    };
    let frame = &flow.frame;
    let page = flow
        .page("passkey.html", "passkey_title")
        .var("intro", frame.t("passkey_intro"))
        .var("form_id", "passkey-verify-form")
        .var("action", "passkey/verify")
        .var("mode", "get")
        .var("options_json", options)
        .var("button", frame.t("passkey_continue"))
        .var("skip_href", format!("{}/login?{}", flow.base, frame.query))
        .var("skip_label", frame.t("passkey_other_way"))
        .var(
            "carry",
            vec![
                ("username".to_owned(), username.to_owned()),
                ("passkey_state".to_owned(), passkey_state),
            ],
        );
    flow.show(page)
}

/// `POST /<poolId>/passkey/verify`.
#[tracing::instrument(skip_all, fields(pool_id = %pool_id))]
pub(crate) async fn verify(
    State(state): State<AppState>,
    Path(pool_id): Path<String>,
    mount: Option<Extension<Mount>>,
    headers: HeaderMap,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let (flow, f) = match posted(&state, &pool_id, mount.as_deref(), &headers, form).await {
        Ok(x) => x,
        Err(resp) => return *resp,
    };
    let username = value(&f, "username");
    match state
        .core
        .hosted_passkey_sign_in(
            &flow.a.ctx,
            username,
            value(&f, "passkey_state"),
            value(&f, "credential"),
        )
        .await
    {
        Ok(step) => super::mfa::next(&state, &flow, step).await,
        Err(e) => {
            tracing::info!(error = %e, "passkey assertion refused");
            refused(&state, &flow, username)
        }
    }
}

/// Signs a user in; when the pool offers passkeys and they have none, the new session
/// first shows the offer to add one (skipping it continues to the app).
pub(crate) async fn offer_or_continue(
    state: &AppState,
    flow: &Flow,
    user: &UserRecord,
    auth_time: i64,
) -> Response {
    let pool = &flow.a.ctx.pool;
    if !state.core.hosted_offer_passkey(pool, user).await {
        return signed_in(state, flow, user, auth_time).await;
    }
    let options = match state.core.hosted_passkey_creation(&flow.a.ctx, user).await {
        Ok(o) => o,
        Err(e) => {
            tracing::warn!(error = %e, "passkey offer skipped");
            return signed_in(state, flow, user, auth_time).await;
        }
    };
    let frame = &flow.frame;
    let continue_href = format!("{}/oauth2/authorize?{}", flow.base, frame.query);
    let page = flow
        .page("passkey.html", "passkey_add_title")
        .var("intro", frame.t("passkey_add_intro"))
        .var("form_id", "passkey-add-form")
        .var("action", "passkey/add")
        .var("mode", "create")
        .var("options_json", options)
        .var("button", frame.t("passkey_add_button"))
        .var("skip_href", continue_href)
        .var("skip_label", frame.t("passkey_add_skip"))
        .var("carry", Vec::<(String, String)>::new());
    // The page's CSRF token stays valid: this session cookie is added, the CSRF
    // cookie is kept for the add form.
    let resp = flow.show(page);
    with_session_keep_csrf(state, flow, user, auth_time, resp)
}

fn with_session_keep_csrf(
    state: &AppState,
    flow: &Flow,
    user: &UserRecord,
    auth_time: i64,
    resp: Response,
) -> Response {
    let mut resp = with_session(state, flow, user, auth_time, resp);
    // `with_session` clears the CSRF cookie; the add form still needs it.
    let deletion = format!(
        "{}=;",
        crate::oauth::cookie_name(state, &flow.base, crate::oauth::CSRF_COOKIE)
    );
    let cleared: Vec<_> = resp
        .headers()
        .get_all(axum::http::header::SET_COOKIE)
        .iter()
        .filter(|v| !v.to_str().is_ok_and(|s| s.starts_with(&deletion)))
        .cloned()
        .collect();
    let h = resp.headers_mut();
    h.remove(axum::http::header::SET_COOKIE);
    for v in cleared {
        h.append(axum::http::header::SET_COOKIE, v);
    }
    resp
}

/// `POST /<poolId>/passkey/add`: stores the passkey, then continues to the app.
#[tracing::instrument(skip_all, fields(pool_id = %pool_id))]
pub(crate) async fn add(
    State(state): State<AppState>,
    Path(pool_id): Path<String>,
    mount: Option<Extension<Mount>>,
    headers: HeaderMap,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let (flow, f) = match posted(&state, &pool_id, mount.as_deref(), &headers, form).await {
        Ok(x) => x,
        Err(resp) => return *resp,
    };
    let continue_href = format!("{}/oauth2/authorize?{}", flow.base, flow.frame.query);
    let user = match cookie(&state, &flow.base, &headers, SESSION_COOKIE) {
        Some(c) => state.core.oauth_session_user(&pool_id, c).await,
        None => Ok(None),
    };
    let user = match user {
        Ok(Some((user, _))) => user,
        Ok(None) => return super::signin::show(&state, &flow, None, None, None),
        Err(e) => return flow.server_error(&e),
    };
    if let Err(e) = state
        .core
        .hosted_register_passkey(&flow.a.ctx, &user, value(&f, "credential"))
        .await
    {
        // Not added: the sign-in still stands; continue to the app.
        tracing::info!(error = %e, "passkey registration refused");
    }
    redirect(&continue_href)
}
