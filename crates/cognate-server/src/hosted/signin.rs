//! The sign-in page (`POST /login`) and the new-password page shown when a user
//! signs in with a temporary password (`POST /newPassword`).

use super::fields::{self, Problem, problem};
use super::{Fields, Flow, Mount, authorize_request, base_path, check_csrf};
use crate::app::AppState;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::{Extension, Form};
use cognate_core::CoreError;
use cognate_core::oauth::hosted::IdentifierKind;
use std::collections::BTreeMap;

/// Whether the pool lets users sign themselves up.
fn can_sign_up(flow: &Flow) -> bool {
    flow.a
        .ctx
        .pool
        .settings
        .admin_create_user_config
        .as_ref()
        .and_then(|c| c.allow_admin_create_user_only)
        != Some(true)
}

/// Renders the sign-in page with an optional problem (from a refused attempt) or
/// notice (after a reset or confirmation).
pub(crate) fn show(
    state: &AppState,
    flow: &Flow,
    username: Option<String>,
    trouble: Option<Problem>,
    notice: Option<String>,
) -> Response {
    let frame = &flow.frame;
    let kind = IdentifierKind::of(&flow.a.ctx.pool);
    let mut identifier = fields::identifier(frame, kind, "username", username.clone());
    if username.is_some() {
        identifier.autofocus = false;
    }
    let status = if trouble.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let mut page = flow
        .page("signin.html", "signin_title")
        .status(status)
        .var(
            "subtitle",
            frame.t_with("sign_in_to", &[("app", &frame.app_name)]),
        )
        .var("can_sign_up", can_sign_up(flow))
        .var(
            "passkeys",
            state.core.hosted_passkeys_enabled(&flow.a.ctx.pool),
        )
        .var("notice", notice);
    if let Some(p) = trouble {
        let message = frame.t(p.key);
        identifier = identifier.error_if(p.field, &message);
        if p.field.is_none() {
            page = page.var("error", message).var("password_error", true);
        }
    }
    flow.show(page.var("identifier", identifier))
}

/// The new-password page for a user who signed in with a temporary password.
pub(crate) fn show_new_password(
    flow: &Flow,
    session: &str,
    missing: &[String],
    values: &Fields,
    trouble: Option<Problem>,
) -> Response {
    let frame = &flow.frame;
    let message = trouble.as_ref().map(|p| frame.t(p.key));
    let field_of = |p: &Option<Problem>| p.as_ref().and_then(|p| p.field);
    let mut password = fields::password(frame, "new_password_label", "new-password");
    password.autofocus = true;
    if let Some(m) = &message {
        password = password.error_if(field_of(&trouble), m);
    }
    let attrs: Vec<_> = missing
        .iter()
        .map(|n| {
            let f = fields::attribute(frame, n, values.get(n).cloned());
            match &message {
                Some(m) => f.error_if(field_of(&trouble), m),
                None => f,
            }
        })
        .collect();
    let carry = vec![
        ("session".to_owned(), session.to_owned()),
        ("missing".to_owned(), missing.join(" ")),
    ];
    let above = trouble
        .as_ref()
        .filter(|p| p.field.is_none())
        .map(|_| message.clone());
    let status = if trouble.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let page = flow
        .page("new_password.html", "new_password_title")
        .status(status)
        .var("password", password)
        .var("fields", attrs)
        .var("rules", fields::password_rules(frame, &flow.a.ctx.pool))
        .var("carry", carry)
        .var("error", above.flatten());
    flow.show(page)
}

/// The per-username rate limit of a form post (the per-address one applies before
/// routing); an empty username is not counted.
pub(crate) fn check_username_limit(
    state: &AppState,
    class: crate::ratelimit::Class,
    client: &str,
    username: &str,
) -> Result<(), Box<Response>> {
    if username.is_empty()
        || state
            .limits
            .check(class, None, Some((client, username)))
            .is_ok()
    {
        return Ok(());
    }
    Err(Box::new(super::render::bare_error(
        StatusCode::TOO_MANY_REQUESTS,
        "err_too_many",
    )))
}

/// Parses a posted form and runs the authorize checks it carries.
pub(crate) async fn posted(
    state: &AppState,
    pool_id: &str,
    mount: Option<&Mount>,
    headers: &HeaderMap,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<(Flow, Fields), Box<Response>> {
    let Ok(Form(pairs)) = form else {
        return Err(Box::new(super::render::bare_error(
            StatusCode::BAD_REQUEST,
            "err_malformed",
        )));
    };
    let fields: Fields = pairs.into_iter().collect();
    let base = base_path(mount, pool_id);
    check_csrf(state, pool_id, &base, headers, &fields)?;
    // The per-address limit applied before routing; this is the per-username one.
    let class = if fields.contains_key("password") {
        crate::ratelimit::Class::SignIn
    } else {
        crate::ratelimit::Class::Account
    };
    let client = fields.get("client_id").map_or("", String::as_str);
    check_username_limit(state, class, client, value(&fields, "username"))?;
    let flow = Flow::start(state, pool_id, base, headers, authorize_request(&fields)).await?;
    Ok((flow, fields))
}

/// A trimmed field value ("" when absent).
pub(crate) fn value<'a>(fields: &'a Fields, name: &str) -> &'a str {
    fields.get(name).map_or("", |v| v.trim())
}

/// `POST /<poolId>/login`.
#[tracing::instrument(skip_all, fields(pool_id = %pool_id))]
pub(crate) async fn submit(
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
    // Passwords are used exactly as typed.
    let password = f.get("password").map_or("", String::as_str);
    match state
        .core
        .hosted_sign_in(&flow.a.ctx, username, password)
        .await
    {
        Ok(step) => super::mfa::next(&state, &flow, step).await,
        Err(CoreError::UserNotConfirmed) => {
            super::signup::show_confirm(&flow, username, None, None, None, None)
        }
        Err(e) => match problem(&e) {
            Some(p) => show(&state, &flow, Some(username.to_owned()), Some(p), None),
            None => flow.server_error(&e),
        },
    }
}

/// `POST /<poolId>/newPassword`.
#[tracing::instrument(skip_all, fields(pool_id = %pool_id))]
pub(crate) async fn new_password(
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
    let session = value(&f, "session");
    let missing: Vec<String> = value(&f, "missing")
        .split(' ')
        .filter(|s| !s.is_empty())
        .map(Into::into)
        .collect();
    let password = f.get("password").map_or("", String::as_str);
    if password.is_empty() {
        let p = Problem {
            key: "err_required",
            field: Some("password"),
        };
        return show_new_password(&flow, session, &missing, &f, Some(p));
    }
    if let Some(name) = missing.iter().find(|n| value(&f, n).is_empty()) {
        let field: Option<&'static str> = match name.as_str() {
            "email" => Some("email"),
            "phone_number" => Some("phone_number"),
            _ => None,
        };
        let p = Problem {
            key: "err_required",
            field,
        };
        return show_new_password(&flow, session, &missing, &f, Some(p));
    }
    let attrs: BTreeMap<String, String> = missing
        .iter()
        .map(|n| (n.clone(), value(&f, n).to_owned()))
        .collect();
    match state
        .core
        .hosted_new_password(&flow.a.ctx, session, password, &attrs)
        .await
    {
        Ok(step) => super::mfa::next(&state, &flow, step).await,
        // A rejected password keeps the (unspent) session: try again on the same page.
        Err(e @ (CoreError::InvalidPassword(_) | CoreError::InvalidParameter(_))) => {
            show_new_password(&flow, session, &missing, &f, problem(&e))
        }
        Err(e) => match problem(&e) {
            Some(p) => show(&state, &flow, None, Some(p), None),
            None => flow.server_error(&e),
        },
    }
}
