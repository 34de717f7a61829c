//! Gives every request's core calls its client address (as the rate limits see it:
//! the peer, or the trusted proxy's `X-Forwarded-For` entry) and `User-Agent`, which
//! threat protection records and scores. It is one layer on the whole router that runs
//! the request inside [`RequestMeta::scope`], so no handler, page or request type has
//! to carry them, and a new operation gets them without plumbing.

use crate::app::AppState;
use axum::extract::{Request, State};
use axum::http::header::USER_AGENT;
use axum::middleware::Next;
use axum::response::Response;
use cognate_core::threat::RequestMeta;

/// Longest `User-Agent` kept (longer ones are cut, not refused).
const MAX_USER_AGENT: usize = 512;

/// Middleware: runs the rest of the request with its [`RequestMeta`] in scope.
pub(crate) async fn scope(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let meta = RequestMeta {
        ip: crate::ratelimit::client_ip(
            req.extensions(),
            req.headers(),
            state.config.trust_forwarded_for,
        ),
        user_agent: req
            .headers()
            .get(USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|ua| ua.chars().take(MAX_USER_AGENT).collect()),
    };
    meta.scope(next.run(req)).await
}
