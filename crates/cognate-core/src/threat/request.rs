//! The HTTP request a core call serves, as threat protection needs it: the client's
//! address and `User-Agent` as the edge saw them, and the sign-in event the request
//! recorded (whose id becomes the `event_id` claim of the tokens it issues).
//!
//! The server runs every request inside [`RequestMeta::scope`] (one middleware), so
//! no handler or request type carries these values. Outside a scope (tools, unit tests)
//! [`RequestMeta::current`] is empty and nothing is noted: events then have no address
//! and tokens keep a fresh `event_id`, which is what threat protection off means anyway.

use std::net::IpAddr;
use std::sync::Mutex;

/// What the HTTP edge knows about the caller.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestMeta {
    /// The client address (the peer, or the trusted proxy's `X-Forwarded-For` entry).
    pub ip: Option<IpAddr>,
    /// The `User-Agent` header.
    pub user_agent: Option<String>,
}

struct Scope {
    meta: RequestMeta,
    sign_in_event: Mutex<Option<String>>,
}

tokio::task_local! {
    static SCOPE: Scope;
}

impl RequestMeta {
    /// Runs `f` (the handling of one request) with this metadata in scope.
    pub async fn scope<F: Future>(self, f: F) -> F::Output {
        let scope = Scope {
            meta: self,
            sign_in_event: Mutex::new(None),
        };
        SCOPE.scope(scope, f).await
    }

    /// The metadata of the request being served (empty outside a scope).
    pub fn current() -> Self {
        SCOPE.try_with(|s| s.meta.clone()).unwrap_or_default()
    }
}

/// Remembers the sign-in event this request recorded: the MFA session and the tokens
/// issued in the same request carry its id.
pub(crate) fn note_sign_in_event(event_id: &str) {
    let _ = SCOPE.try_with(|s| {
        if let Ok(mut slot) = s.sign_in_event.lock() {
            *slot = Some(event_id.to_owned());
        }
    });
}

/// The sign-in event this request recorded, if any.
pub(crate) fn sign_in_event() -> Option<String> {
    SCOPE
        .try_with(|s| s.sign_in_event.lock().ok().and_then(|slot| slot.clone()))
        .ok()
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn metadata_and_the_event_live_for_one_scope() {
        assert_eq!(RequestMeta::current(), RequestMeta::default());
        note_sign_in_event("outside");
        assert_eq!(sign_in_event(), None);
        let meta = RequestMeta {
            ip: Some("198.51.100.7".parse().unwrap()),
            user_agent: Some("curl/8".into()),
        };
        let seen = meta
            .clone()
            .scope(async {
                assert_eq!(sign_in_event(), None);
                note_sign_in_event("e1");
                (RequestMeta::current(), sign_in_event())
            })
            .await;
        assert_eq!(seen, (meta, Some("e1".to_owned())));
        assert_eq!(sign_in_event(), None);
    }
}
