//! The one-click links of threat-protection notification emails:
//! `GET /<poolId>/auth-event-feedback?token=...&value=valid|invalid` answers a small
//! page asking "Was this you?" whose buttons `POST` the same token with the answer;
//! only the `POST` records the user's feedback on the sign-in the email was about.
//!
//! A `GET` never changes anything: mail scanners and link previews fetch links before
//! anyone reads the message, and must not answer for the user. The token alone
//! authorizes the change (it is sealed, bound to the pool, one user and one event; see
//! `cognate_core::threat::feedback`). The pages carry the hosted pages' security
//! headers (`Referrer-Policy: no-referrer`, so the token never leaks to another site; a
//! CSP without inline script; no framing), and every refusal looks the same.

use crate::app::AppState;
use crate::hosted::render::html;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use cognate_core::CoreError;
use std::collections::HashMap;

/// The route, merged into the main router.
pub(crate) fn routes() -> Router<AppState> {
    Router::new().route(
        "/{pool_id}/auth-event-feedback",
        get(confirm_page).post(record_answer),
    )
}

/// Escapes text for HTML element content and attribute values.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A page with a title and `content` (already HTML).
fn page(title: &str, content: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title></head><body><h1>{title}</h1>{content}</body></html>",
        title = escape(title)
    )
}

fn text_page(status: StatusCode, title: &str, text: &str) -> Response {
    html(
        status,
        page(title, &format!("<p>{}</p>", escape(text))),
        None,
    )
}

/// The parameters of a link or form: the token and `valid` / `invalid`.
fn parse(raw: &[u8]) -> Option<(String, bool)> {
    let params: HashMap<String, String> = serde_urlencoded::from_bytes(raw).ok()?;
    let valid = match params.get("value").map(String::as_str) {
        Some("valid") => true,
        Some("invalid") => false,
        _ => return None,
    };
    let token = params.get("token").filter(|t| !t.is_empty())?;
    Some((token.clone(), valid))
}

/// The question, with both answers posting the token back to this same address.
fn question(token: &str) -> String {
    let token = escape(token);
    page(
        "Was this you?",
        &format!(
            "<p>We emailed you about a sign-in to your account. Tell us whether it was you.</p>\
             <form method=\"post\"><input type=\"hidden\" name=\"token\" value=\"{token}\">\
             <button type=\"submit\" name=\"value\" value=\"valid\">Yes, it was me</button> \
             <button type=\"submit\" name=\"value\" value=\"invalid\">No, it was not me</button>\
             </form>"
        ),
    )
}

#[tracing::instrument(name = "auth_event_feedback_page", skip_all, fields(pool_id = %pool_id))]
async fn confirm_page(
    State(state): State<AppState>,
    Path(pool_id): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let Some((token, _)) = parse(query.unwrap_or_default().as_bytes()) else {
        return invalid_link();
    };
    match state.core.check_feedback_link(&pool_id, &token).await {
        Ok(()) => html(StatusCode::OK, question(&token), None),
        Err(e) => refusal(e),
    }
}

#[tracing::instrument(name = "auth_event_feedback", skip_all, fields(pool_id = %pool_id))]
async fn record_answer(
    State(state): State<AppState>,
    Path(pool_id): Path<String>,
    body: Bytes,
) -> Response {
    let Some((token, valid)) = parse(&body) else {
        return invalid_link();
    };
    match state
        .core
        .apply_feedback_link(&pool_id, &token, valid)
        .await
    {
        Ok(()) if valid => text_page(
            StatusCode::OK,
            "Thank you",
            "You confirmed that this sign-in was yours. Future sign-ins like it will be trusted more.",
        ),
        Ok(()) => text_page(
            StatusCode::OK,
            "Thank you",
            "You reported that this sign-in was not yours. Change your password now; \
             similar sign-ins will be treated as riskier.",
        ),
        Err(e) => refusal(e),
    }
}

fn refusal(e: CoreError) -> Response {
    match e {
        CoreError::Internal(e) => {
            tracing::error!(error = %e, "auth-event feedback failed");
            text_page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Something went wrong",
                "Please try the link again later.",
            )
        }
        _ => invalid_link(),
    }
}

fn invalid_link() -> Response {
    text_page(
        StatusCode::BAD_REQUEST,
        "Invalid link",
        "This link is invalid or has expired. Use the link in the most recent email.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_question_escapes_the_token_and_has_no_script() {
        let html = question("a\"><script>x</script>");
        assert!(!html.contains("<script>"));
        assert!(html.contains("value=\"a&quot;&gt;&lt;script&gt;"));
        assert!(html.contains("method=\"post\""));
    }

    #[test]
    fn links_and_forms_need_a_token_and_an_answer() {
        assert_eq!(parse(b"token=t&value=valid"), Some(("t".into(), true)));
        assert_eq!(parse(b"token=t&value=invalid"), Some(("t".into(), false)));
        assert_eq!(parse(b"token=t&value=maybe"), None);
        assert_eq!(parse(b"token=&value=valid"), None);
        assert_eq!(parse(b"value=valid"), None);
    }
}
