//! The sign-up page (`/signup`), the confirmation page (`/confirmUser`) and its
//! resend button (`/resendCode`). Confirming from the browser that signed up signs the
//! user in (a sealed sign-up ticket rides along); elsewhere it leads to the sign-in page.

use super::fields::{self, Problem, problem};
use super::signin::{posted, value};
use super::{Fields, Flow, Mount, authorize_request, base_path};
use crate::app::AppState;
use crate::oauth::authorize::signed_in;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::{Extension, Form};
use cognate_core::oauth::hosted::{IdentifierKind, sign_up_attributes};
use cognate_core::schema::{looks_like_email, looks_like_phone};
use cognate_core::sign_up::link::confirms_by_link;
use cognate_proto::self_service::CodeDeliveryDetails;
use std::collections::BTreeMap;

/// The form field that carries the username for this pool.
fn identifier_name(kind: IdentifierKind) -> &'static str {
    match kind {
        IdentifierKind::Email => "email",
        IdentifierKind::Phone => "phone_number",
        IdentifierKind::Username | IdentifierKind::EmailOrPhone => "username",
    }
}

fn show(flow: &Flow, values: &Fields, trouble: Option<Problem>) -> Response {
    let frame = &flow.frame;
    let pool = &flow.a.ctx.pool;
    let kind = IdentifierKind::of(pool);
    let message = trouble.as_ref().map(|p| frame.t(p.key));
    let mark = |f: fields::Field| match (&message, &trouble) {
        (Some(m), Some(p)) => f.error_if(p.field, m),
        _ => f,
    };
    let id_name = identifier_name(kind);
    let mut list = vec![mark(fields::identifier(
        frame,
        kind,
        id_name,
        values.get(id_name).cloned(),
    ))];
    list.extend(
        sign_up_attributes(pool)
            .iter()
            .map(|n| mark(fields::attribute(frame, n, values.get(n).cloned()))),
    );
    let mut password = mark(fields::password(frame, "password_label", "new-password"));
    password.hint = None;
    let above = trouble
        .as_ref()
        .filter(|p| p.field.is_none() || p.field == Some("password"))
        .and(message.clone());
    let status = if trouble.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let page = flow
        .page("signup.html", "signup_title")
        .status(status)
        .var(
            "subtitle",
            frame.t_with("create_account_for", &[("app", &frame.app_name)]),
        )
        .var("fields", list)
        .var("password", password)
        .var("rules", fields::password_rules(frame, pool))
        .var("error", above);
    flow.show(page)
}

/// The confirmation page for `username`, with where the code went when known.
pub(crate) fn show_confirm(
    flow: &Flow,
    username: &str,
    ticket: Option<&str>,
    delivery: Option<&CodeDeliveryDetails>,
    trouble: Option<Problem>,
    notice: Option<String>,
) -> Response {
    let frame = &flow.frame;
    // In a link pool an email carries a link, not a code: nothing to type here.
    let by_link =
        confirms_by_link(&flow.a.ctx.pool) && delivery.is_none_or(|d| d.delivery_medium == "EMAIL");
    let intro = match delivery {
        Some(d) if d.delivery_medium == "EMAIL" && by_link => {
            frame.t_with("confirm_link_sent", &[("destination", &d.destination)])
        }
        Some(d) if d.delivery_medium == "EMAIL" => {
            frame.t_with("confirm_sent_email", &[("destination", &d.destination)])
        }
        Some(d) if d.delivery_medium == "SMS" => {
            frame.t_with("confirm_sent_sms", &[("destination", &d.destination)])
        }
        _ => frame.t("confirm_sent_unknown"),
    };
    let mut carry = vec![("username".to_owned(), username.to_owned())];
    if let Some(t) = ticket {
        carry.push(("ticket".to_owned(), t.to_owned()));
    }
    let mut code = fields::code(frame);
    let mut page = flow.page("confirm.html", "confirm_title");
    if let Some(p) = &trouble {
        let message = frame.t(p.key);
        code = code.error_if(p.field, &message);
        page = page.status(StatusCode::BAD_REQUEST);
        if p.field.is_none() {
            page = page.var("error", message);
        }
    }
    flow.show(
        page.var("intro", intro)
            .var("code", code)
            .var("carry", carry)
            .var("notice", notice)
            .var("by_link", by_link),
    )
}

/// Field checks the browser may have skipped, before the API's own.
fn precheck(kind: IdentifierKind, f: &Fields, attrs: &[String]) -> Option<Problem> {
    let id_name = identifier_name(kind);
    let required = |field: &'static str| Problem {
        key: "err_required",
        field: Some(field),
    };
    if value(f, id_name).is_empty() {
        return Some(required(id_name));
    }
    for name in attrs {
        if value(f, name).is_empty() {
            let field = match name.as_str() {
                "email" => "email",
                "phone_number" => "phone_number",
                _ => {
                    return Some(Problem {
                        key: "err_invalid_input",
                        field: None,
                    });
                }
            };
            return Some(required(field));
        }
    }
    if f.get("password").is_none_or(String::is_empty) {
        return Some(required("password"));
    }
    let email = value(f, "email");
    if !email.is_empty() && !looks_like_email(email) {
        return Some(Problem {
            key: "err_invalid_email",
            field: Some("email"),
        });
    }
    let phone = value(f, "phone_number");
    if !phone.is_empty() && !looks_like_phone(phone) {
        return Some(Problem {
            key: "err_invalid_phone",
            field: Some("phone_number"),
        });
    }
    None
}

/// `GET /<poolId>/signup`.
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
        Ok(flow) => show(&flow, &Fields::new(), None),
        Err(resp) => *resp,
    }
}

/// `POST /<poolId>/signup`.
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
    let pool = &flow.a.ctx.pool;
    let kind = IdentifierKind::of(pool);
    let attr_names = sign_up_attributes(pool);
    if let Some(p) = precheck(kind, &f, &attr_names) {
        return show(&flow, &f, Some(p));
    }
    let username = value(&f, identifier_name(kind)).to_owned();
    let mut attrs: BTreeMap<String, String> = attr_names
        .iter()
        .map(|n| (n.clone(), value(&f, n).to_owned()))
        .collect();
    if kind == IdentifierKind::EmailOrPhone {
        attrs.retain(|_, v| !v.is_empty());
    }
    let password = f.get("password").map_or("", String::as_str);
    let browser = flow.browser_binding(&state, &headers);
    match state
        .core
        .hosted_sign_up(&flow.a.ctx, &username, password, &attrs, browser.as_deref())
        .await
    {
        Ok((delivery, ticket)) => show_confirm(
            &flow,
            &username,
            ticket.as_deref(),
            delivery.as_ref(),
            None,
            None,
        ),
        Err(e) => match problem(&e) {
            Some(mut p) => {
                if p.field == Some("username") {
                    p.field = Some(identifier_name(kind));
                }
                show(&flow, &f, Some(p))
            }
            None => flow.server_error(&e),
        },
    }
}

/// `GET /<poolId>/confirmUser?username=...`; the emailed link
/// (`?confirmation_code=...`) goes to [`super::confirm_link`].
#[tracing::instrument(skip_all, fields(pool_id = %pool_id))]
pub(crate) async fn confirm_page(
    State(state): State<AppState>,
    Path(pool_id): Path<String>,
    mount: Option<Extension<Mount>>,
    headers: HeaderMap,
    Query(query): Query<BTreeMap<String, String>>,
) -> Response {
    let base = base_path(mount.as_deref(), &pool_id);
    if query.contains_key("confirmation_code") {
        return super::confirm_link::page(&state, &pool_id, base, &headers, &query).await;
    }
    match Flow::start(&state, &pool_id, base, &headers, authorize_request(&query)).await {
        Ok(flow) => show_confirm(&flow, value(&query, "username"), None, None, None, None),
        Err(resp) => *resp,
    }
}

/// `POST /<poolId>/confirmUser`; the emailed link's button (`confirmation_code`) goes
/// to [`super::confirm_link`].
#[tracing::instrument(skip_all, fields(pool_id = %pool_id))]
pub(crate) async fn confirm(
    State(state): State<AppState>,
    Path(pool_id): Path<String>,
    mount: Option<Extension<Mount>>,
    headers: HeaderMap,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let form = match form {
        Ok(Form(pairs)) if pairs.iter().any(|(k, _)| k == "confirmation_code") => {
            let base = base_path(mount.as_deref(), &pool_id);
            let fields = pairs.into_iter().collect();
            return super::confirm_link::submit(&state, &pool_id, base, &headers, fields).await;
        }
        other => other,
    };
    let (flow, f) = match posted(&state, &pool_id, mount.as_deref(), &headers, form).await {
        Ok(x) => x,
        Err(resp) => return *resp,
    };
    let username = value(&f, "username");
    let ticket = f.get("ticket").map(String::as_str);
    let code = value(&f, "code");
    if code.is_empty() {
        let p = Problem {
            key: "err_required",
            field: Some("code"),
        };
        return show_confirm(&flow, username, ticket, None, Some(p), None);
    }
    let browser = flow.browser_binding(&state, &headers);
    match state
        .core
        .hosted_confirm(&flow.a.ctx, username, code, ticket, browser.as_deref())
        .await
    {
        Ok(Some((user, auth_time))) => signed_in(&state, &flow, &user, auth_time).await,
        Ok(None) => super::signin::show(
            &state,
            &flow,
            Some(username.to_owned()),
            None,
            Some(flow.frame.t("confirmed_sign_in")),
        ),
        Err(e) => match problem(&e) {
            Some(p) => show_confirm(&flow, username, ticket, None, Some(p), None),
            None => flow.server_error(&e),
        },
    }
}

/// `POST /<poolId>/resendCode`.
#[tracing::instrument(skip_all, fields(pool_id = %pool_id))]
pub(crate) async fn resend(
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
    let ticket = f.get("ticket").map(String::as_str);
    match state.core.hosted_resend(&flow.a.ctx, username).await {
        Ok(delivery) => {
            let key = if confirms_by_link(&flow.a.ctx.pool) && delivery.delivery_medium == "EMAIL" {
                "resend_link_done"
            } else {
                "resend_done"
            };
            let notice = flow.frame.t(key);
            show_confirm(&flow, username, ticket, Some(&delivery), None, Some(notice))
        }
        Err(e) => match problem(&e) {
            Some(p) => show_confirm(&flow, username, ticket, None, Some(p), None),
            None => flow.server_error(&e),
        },
    }
}
