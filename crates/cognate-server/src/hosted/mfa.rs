//! The second step of a hosted sign-in (`POST /mfa`): a code by SMS, email or
//! authenticator app, the choice between factors, and setting up an authenticator app
//! (with a QR code) or email codes when the pool requires MFA. Every answer goes
//! through the same checks as RespondToAuthChallenge.

use super::fields::{self, Problem, problem};
use super::signin::{posted, value};
use super::{Fields, Flow, Mount};
use crate::app::AppState;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::{Extension, Form};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use cognate_core::CoreError;
use cognate_core::oauth::hosted::HostedStep;
use cognate_proto::auth::StringMap;
use serde_json::json;

/// A challenge to show, with the TOTP secret when setting up an app.
pub(crate) struct Challenge<'a> {
    pub name: &'a str,
    pub session: &'a str,
    pub params: &'a StringMap,
}

/// `otpauth://` URI of a new authenticator entry (Key Uri Format).
fn otpauth_uri(issuer: &str, account: &str, secret: &str) -> String {
    let enc = |s: &str| {
        percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
    };
    format!(
        "otpauth://totp/{}:{}?secret={secret}&issuer={}&algorithm=SHA1&digits=6&period=30",
        enc(issuer),
        enc(account),
        enc(issuer)
    )
}

/// The QR code of `text` as an SVG `data:` URL (allowed by the pages' CSP).
fn qr_data_url(text: &str) -> Option<String> {
    let code = qrcode::QrCode::new(text.as_bytes()).ok()?;
    let svg = code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(200, 200)
        .quiet_zone(false)
        .build();
    Some(format!(
        "data:image/svg+xml;base64,{}",
        STANDARD.encode(svg.as_bytes())
    ))
}

fn group4(secret: &str) -> String {
    secret
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

fn choices_of(params: &StringMap, key: &str) -> Vec<String> {
    params
        .get(key)
        .and_then(|v| serde_json::from_str::<Vec<String>>(v).ok())
        .unwrap_or_default()
}

/// Renders the page for a challenge. For MFA_SETUP with an authenticator app, a new
/// secret is made first (unless one is being retried).
pub(crate) async fn show(
    state: &AppState,
    flow: &Flow,
    ch: Challenge<'_>,
    retry_secret: Option<&str>,
    trouble: Option<Problem>,
) -> Response {
    let frame = &flow.frame;
    let mut code = fields::code(frame);
    let message = trouble.as_ref().map(|p| frame.t(p.key));
    if let (Some(m), Some(p)) = (&message, &trouble) {
        code = code.error_if(p.field, m);
    }
    let mut page = flow.page("mfa.html", "mfa_title");
    let mut carry = vec![
        ("challenge".to_owned(), ch.name.to_owned()),
        ("session".to_owned(), ch.session.to_owned()),
    ];
    match ch.name {
        "SELECT_MFA_TYPE" => {
            let choices: Vec<_> = choices_of(ch.params, "MFAS_CAN_CHOOSE")
                .into_iter()
                .map(|c| json!({ "value": c, "label": frame.t(&format!("mfa_choice_{c}")) }))
                .collect();
            page = flow
                .page("mfa.html", "mfa_select_title")
                .var("kind", "select")
                .var("choices", choices);
            carry.push((
                "mfas".to_owned(),
                ch.params
                    .get("MFAS_CAN_CHOOSE")
                    .cloned()
                    .unwrap_or_default(),
            ));
        }
        "MFA_SETUP" => {
            let can = choices_of(ch.params, "MFAS_CAN_SETUP");
            page = flow
                .page("mfa.html", "mfa_setup_title")
                .var("kind", "setup");
            // Making a TOTP secret spends the session for a new one; both forms use it.
            let mut session = ch.session.to_owned();
            if can.iter().any(|c| c == "SOFTWARE_TOKEN_MFA") {
                let secret = match retry_secret {
                    Some(secret) => secret.to_owned(),
                    None => match state.core.hosted_totp_secret(ch.session).await {
                        Ok((secret, next)) => {
                            session = next;
                            secret
                        }
                        Err(e) => return expired_or_error(state, flow, &e),
                    },
                };
                let account = ch
                    .params
                    .get("USER_ID_FOR_SRP")
                    .cloned()
                    .unwrap_or_default();
                let uri = otpauth_uri(&frame.app_name, &account, &secret);
                page = page.var(
                    "totp",
                    json!({ "qr": qr_data_url(&uri), "secret_grouped": group4(&secret) }),
                );
                carry = vec![
                    ("challenge".to_owned(), "MFA_SETUP".to_owned()),
                    ("session".to_owned(), session.clone()),
                    ("setup".to_owned(), "totp".to_owned()),
                    ("secret".to_owned(), secret),
                ];
            }
            if can.iter().any(|c| c == "EMAIL_OTP") {
                let mut email = fields::attribute(frame, "email", None);
                email.autofocus = false;
                page = page.var("email_setup", email).var(
                    "email_carry",
                    vec![
                        ("challenge".to_owned(), "MFA_SETUP".to_owned()),
                        ("session".to_owned(), session),
                        ("setup".to_owned(), "email".to_owned()),
                    ],
                );
            }
            carry.push((
                "mfas".to_owned(),
                serde_json::to_string(&can).unwrap_or_default(),
            ));
        }
        name => {
            let destination = ch
                .params
                .get("CODE_DELIVERY_DESTINATION")
                .map_or("", String::as_str);
            let intro = match name {
                "SMS_MFA" => frame.t_with("mfa_sms_intro", &[("destination", destination)]),
                "EMAIL_OTP" => frame.t_with("mfa_email_intro", &[("destination", destination)]),
                _ => frame.t("mfa_totp_intro"),
            };
            page = page.var("kind", "code").var("intro", intro);
            carry.push(("destination".to_owned(), destination.to_owned()));
        }
    }
    if trouble.is_some() {
        page = page.status(StatusCode::BAD_REQUEST);
    }
    if let (Some(m), Some(p)) = (&message, &trouble)
        && p.field.is_none()
    {
        page = page.var("error", m);
    }
    flow.show(page.var("code", code).var("carry", carry))
}

/// A dead or expired step sends the user back to sign in; other failures are generic.
fn expired_or_error(state: &AppState, flow: &Flow, e: &CoreError) -> Response {
    match e {
        CoreError::NotAuthorized(_) | CoreError::CodeMismatch(_) | CoreError::ExpiredCode => {
            let p = Problem {
                key: "err_mfa_expired",
                field: None,
            };
            super::signin::show(state, flow, None, Some(p), None)
        }
        _ => match problem(e) {
            Some(p) => super::signin::show(state, flow, None, Some(p), None),
            None => flow.server_error(e),
        },
    }
}

/// Where a step leads: signed in, or the next page.
pub(crate) async fn next(state: &AppState, flow: &Flow, step: HostedStep) -> Response {
    match step {
        HostedStep::SignedIn { user, auth_time } => {
            super::passkey::offer_or_continue(state, flow, &user, auth_time).await
        }
        HostedStep::Mfa {
            challenge,
            session,
            params,
        } => {
            let ch = Challenge {
                name: &challenge,
                session: &session,
                params: &params,
            };
            show(state, flow, ch, None, None).await
        }
        HostedStep::NewPasswordRequired { session, missing } => {
            super::signin::show_new_password(flow, &session, &missing, &Fields::new(), None)
        }
    }
}

/// The answer field each code challenge expects.
fn code_key(challenge: &str) -> &'static str {
    match challenge {
        "SMS_MFA" => "SMS_MFA_CODE",
        "EMAIL_OTP" => "EMAIL_OTP_CODE",
        _ => "SOFTWARE_TOKEN_MFA_CODE",
    }
}

/// `POST /<poolId>/mfa`.
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
    let challenge = value(&f, "challenge");
    let session = value(&f, "session");
    let code = value(&f, "code");
    let setup = value(&f, "setup");
    let ctx = &flow.a.ctx;
    let result = match (challenge, setup) {
        ("MFA_SETUP", "totp") => state.core.hosted_totp_setup(ctx, session, code).await,
        ("MFA_SETUP", _) => {
            let mut r = StringMap::new();
            r.insert("EMAIL".into(), value(&f, "email").to_owned());
            state.core.hosted_mfa(ctx, "MFA_SETUP", session, &r).await
        }
        ("SELECT_MFA_TYPE", _) => {
            let mut r = StringMap::new();
            r.insert("ANSWER".into(), value(&f, "answer").to_owned());
            state.core.hosted_mfa(ctx, challenge, session, &r).await
        }
        (name @ ("SMS_MFA" | "EMAIL_OTP" | "SOFTWARE_TOKEN_MFA"), _) => {
            let mut r = StringMap::new();
            r.insert(code_key(name).into(), code.to_owned());
            state.core.hosted_mfa(ctx, name, session, &r).await
        }
        _ => Err(CoreError::NotAuthorized(
            "Invalid session for the user.".into(),
        )),
    };
    match result {
        Ok(step) => next(&state, &flow, step).await,
        // A wrong code keeps the step: the same page again, with the message.
        Err(
            e @ (CoreError::CodeMismatch(_)
            | CoreError::EnableSoftwareTokenMfa(_)
            | CoreError::InvalidParameter(_)),
        ) => {
            // What the page showed, carried in the form (display only).
            let mut params = StringMap::new();
            params.insert(
                "CODE_DELIVERY_DESTINATION".into(),
                value(&f, "destination").to_owned(),
            );
            params.insert("MFAS_CAN_SETUP".into(), value(&f, "mfas").to_owned());
            params.insert("MFAS_CAN_CHOOSE".into(), value(&f, "mfas").to_owned());
            let ch = Challenge {
                name: challenge,
                session,
                params: &params,
            };
            let retry = (setup == "totp").then(|| value(&f, "secret"));
            let p = problem(&e).map(|mut p| {
                if p.field.is_none() {
                    p.field = Some("code");
                }
                p
            });
            show(&state, &flow, ch, retry, p).await
        }
        Err(e) => expired_or_error(&state, &flow, &e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn otpauth_uris_follow_the_key_uri_format() {
        assert_eq!(
            otpauth_uri("Photo Share", "alice", "JBSWY3DPEHPK3PXP"),
            "otpauth://totp/Photo%20Share:alice?secret=JBSWY3DPEHPK3PXP&issuer=Photo%20Share&algorithm=SHA1&digits=6&period=30"
        );
        assert!(qr_data_url("otpauth://totp/x:y?secret=A").is_some());
        assert_eq!(group4("ABCDEFGHIJ"), "ABCD EFGH IJ");
    }
}
