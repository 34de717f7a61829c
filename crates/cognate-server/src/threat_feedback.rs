//! The one-click links of threat-protection notification emails:
//! `GET /<poolId>/auth-event-feedback?token=...&value=valid|invalid` records the user's
//! feedback on the sign-in the email was about and answers a small plain page.
//!
//! The token alone authorizes the change (it is sealed, bound to the pool, one user
//! and one event; see `cognate_core::threat::feedback`). The page sends
//! `Referrer-Policy: no-referrer` so the token never leaks to another site, and every
//! failure looks the same.

use crate::app::AppState;
use crate::hosted::render::html;
use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use cognate_core::CoreError;
use std::collections::HashMap;

/// The route, merged into the main router.
pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/{pool_id}/auth-event-feedback", get(feedback_link))
}

fn page(title: &str, text: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title></head><body><h1>{title}</h1><p>{text}</p></body></html>"
    )
}

#[tracing::instrument(name = "auth_event_feedback", skip_all, fields(pool_id = %pool_id))]
async fn feedback_link(
    State(state): State<AppState>,
    Path(pool_id): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let params: HashMap<String, String> =
        serde_urlencoded::from_str(query.as_deref().unwrap_or_default()).unwrap_or_default();
    let valid = match params.get("value").map(String::as_str) {
        Some("valid") => Some(true),
        Some("invalid") => Some(false),
        _ => None,
    };
    let (Some(token), Some(valid)) = (params.get("token"), valid) else {
        return invalid_link();
    };
    match state.core.apply_feedback_link(&pool_id, token, valid).await {
        Ok(()) if valid => html(
            StatusCode::OK,
            page(
                "Thank you",
                "You confirmed that this sign-in was yours. Future sign-ins like it will be trusted more.",
            ),
            None,
        ),
        Ok(()) => html(
            StatusCode::OK,
            page(
                "Thank you",
                "You reported that this sign-in was not yours. Change your password now; \
                 similar sign-ins will be treated as riskier.",
            ),
            None,
        ),
        Err(CoreError::Internal(e)) => {
            tracing::error!(error = %e, "recording auth-event feedback failed");
            html(
                StatusCode::INTERNAL_SERVER_ERROR,
                page("Something went wrong", "Please try the link again later."),
                None,
            )
        }
        Err(_) => invalid_link(),
    }
}

fn invalid_link() -> Response {
    html(
        StatusCode::BAD_REQUEST,
        page("Invalid link", "This link is invalid or has expired."),
        None,
    )
}
