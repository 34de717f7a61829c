//! Forgot password (`/forgotPassword`: send a code) and reset password
//! (`/confirmForgotPassword`: code + new password), then back to sign-in.

use super::fields::{self, Problem, problem};
use super::signin::{posted, value};
use super::{Flow, Mount, authorize_request, base_path};
use crate::app::AppState;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::{Extension, Form};
use cognate_core::oauth::hosted::IdentifierKind;
use cognate_proto::self_service::CodeDeliveryDetails;
use std::collections::BTreeMap;

fn show_forgot(flow: &Flow, username: Option<String>, trouble: Option<Problem>) -> Response {
    let frame = &flow.frame;
    let kind = IdentifierKind::of(&flow.a.ctx.pool);
    let mut identifier = fields::identifier(frame, kind, "username", username);
    let mut page = flow
        .page("forgot.html", "forgot_title")
        .var("intro", frame.t("forgot_intro"));
    if let Some(p) = trouble {
        let message = frame.t(p.key);
        identifier = identifier.error_if(p.field, &message);
        page = page.status(StatusCode::BAD_REQUEST);
        if p.field.is_none() {
            page = page.var("error", message);
        }
    }
    flow.show(page.var("identifier", identifier))
}

fn show_reset(
    flow: &Flow,
    username: &str,
    delivery: Option<&CodeDeliveryDetails>,
    trouble: Option<Problem>,
) -> Response {
    let frame = &flow.frame;
    let intro = match delivery {
        Some(d) if d.delivery_medium == "EMAIL" => {
            Some(frame.t_with("reset_sent_email", &[("destination", &d.destination)]))
        }
        Some(d) if d.delivery_medium == "SMS" => {
            Some(frame.t_with("reset_sent_sms", &[("destination", &d.destination)]))
        }
        _ => None,
    };
    let mut code = fields::code(frame);
    let mut password = fields::password(frame, "new_password_label", "new-password");
    let mut page = flow
        .page("reset.html", "reset_title")
        .var("intro", intro)
        .var("rules", fields::password_rules(frame, &flow.a.ctx.pool))
        .var("carry", vec![("username".to_owned(), username.to_owned())]);
    if let Some(p) = trouble {
        let message = frame.t(p.key);
        code = code.error_if(p.field, &message);
        password = password.error_if(p.field, &message);
        if p.field == Some("password") {
            code.autofocus = false;
        }
        page = page.status(StatusCode::BAD_REQUEST);
        if p.field.is_none() {
            page = page.var("error", message);
        }
    }
    flow.show(page.var("code", code).var("password", password))
}

/// `GET /<poolId>/forgotPassword`.
#[tracing::instrument(skip_all, fields(pool_id = %pool_id))]
pub(crate) async fn page(
    State(state): State<AppState>,
    Path(pool_id): Path<String>,
    mount: Option<Extension<Mount>>,
    headers: HeaderMap,
    Query(query): Query<BTreeMap<String, String>>,
) -> Response {
    let base = base_path(mount.as_deref(), &pool_id);
    match Flow::start(&state, &pool_id, base, &headers, authorize_request(&query)).await {
        Ok(flow) => show_forgot(&flow, None, None),
        Err(resp) => *resp,
    }
}

/// `POST /<poolId>/forgotPassword`.
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
    if username.is_empty() {
        let p = Problem {
            key: "err_required",
            field: Some("username"),
        };
        return show_forgot(&flow, None, Some(p));
    }
    match state
        .core
        .hosted_forgot_password(&flow.a.ctx, username)
        .await
    {
        Ok(delivery) => show_reset(&flow, username, Some(&delivery), None),
        Err(e) => match problem(&e) {
            Some(p) => show_forgot(&flow, Some(username.to_owned()), Some(p)),
            None => flow.server_error(&e),
        },
    }
}

/// `GET /<poolId>/confirmForgotPassword?username=...` (for a code that came by mail).
#[tracing::instrument(skip_all, fields(pool_id = %pool_id))]
pub(crate) async fn reset_page(
    State(state): State<AppState>,
    Path(pool_id): Path<String>,
    mount: Option<Extension<Mount>>,
    headers: HeaderMap,
    Query(query): Query<BTreeMap<String, String>>,
) -> Response {
    let base = base_path(mount.as_deref(), &pool_id);
    match Flow::start(&state, &pool_id, base, &headers, authorize_request(&query)).await {
        Ok(flow) => show_reset(&flow, value(&query, "username"), None, None),
        Err(resp) => *resp,
    }
}

/// `POST /<poolId>/confirmForgotPassword`.
#[tracing::instrument(skip_all, fields(pool_id = %pool_id))]
pub(crate) async fn reset(
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
    let code = value(&f, "code");
    let password = f.get("password").map_or("", String::as_str);
    let missing = if code.is_empty() {
        Some("code")
    } else if password.is_empty() {
        Some("password")
    } else {
        None
    };
    if let Some(field) = missing {
        let p = Problem {
            key: "err_required",
            field: Some(field),
        };
        return show_reset(&flow, username, None, Some(p));
    }
    match state
        .core
        .hosted_reset_password(&flow.a.ctx, username, code, password)
        .await
    {
        Ok(()) => super::signin::show(
            &state,
            &flow,
            Some(username.to_owned()),
            None,
            Some(flow.frame.t("reset_done")),
        ),
        Err(e) => match problem(&e) {
            Some(p) => show_reset(&flow, username, None, Some(p)),
            None => flow.server_error(&e),
        },
    }
}
