//! Feedback on auth events: `AdminUpdateAuthEventFeedback` (IAM),
//! `UpdateAuthEventFeedback` (public, with the `FeedbackToken` of a notification email)
//! and the email's one-click links. Feedback feeds the scoring of later sign-ins.
//! <https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UpdateAuthEventFeedback.html>
//!
//! A feedback token is sealed (AES-256-GCM under the server key, bound to the pool) and
//! holds the user's `sub`, the event id and a random secret; the event stores only a
//! keyed hash of the secret, compared in constant time. So a token works for exactly
//! one event of one user, cannot be forged or moved to another pool, and a newer
//! notification for the same event replaces it. Every failure answers the same
//! `NotAuthorizedException`, whether the user, event or token was wrong.

use crate::Core;
use crate::crypto::ct_eq;
use crate::error::{CoreError, CoreResult};
use crate::store::{AuthEventUpdate, EventFeedbackRecord, UserRecord};
use crate::user::check_username;
use crate::user_pool::check_pool_id;
use cognate_proto::threat::*;
use cognate_proto::validate::Validator;

const TOKEN_MAC: &str = "auth-event-feedback-secret";

fn seal_context(pool_id: &str) -> String {
    format!("auth-event-feedback:{pool_id}")
}

fn bad_token() -> CoreError {
    CoreError::NotAuthorized("Invalid feedback token.".into())
}

/// `EventIdType`: 1–50 characters of `[\w+-]`.
fn is_event_id(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '+' || c == '-')
}

fn validate(
    pool_id: &Option<String>,
    username: &Option<String>,
    event_id: &Option<String>,
    value: &Option<String>,
) -> CoreResult<()> {
    check_pool_id(pool_id)?;
    check_username(username)?;
    let mut val = Validator::new();
    val.required("eventId", event_id)
        .len("eventId", event_id.as_deref(), 1, 50)
        .pattern("eventId", event_id.as_deref(), r"[\w+-]+", is_event_id)
        .required("feedbackValue", value)
        .one_of("feedbackValue", value.as_deref(), &["Valid", "Invalid"]);
    val.finish().map_err(CoreError::InvalidParameter)
}

/// What an opened token names.
struct TokenClaims {
    sub: String,
    event_id: String,
    secret: Vec<u8>,
}

impl Core {
    /// Issues the feedback token of a notification about `event_id`, returning it with
    /// the hash the event must store (written with the email, see `notify`).
    pub(crate) fn issue_feedback_token(
        &self,
        pool_id: &str,
        user: &UserRecord,
        event_id: &str,
    ) -> (String, String) {
        let mut secret = [0u8; 32];
        crate::ids::os_random(&mut secret);
        let plaintext = format!("{}\n{}\n{}", user.sub, event_id, hex::encode(secret));
        let token = self
            .server_key
            .seal_text(&seal_context(pool_id), plaintext.as_bytes());
        (token, self.server_key.mac_hex(TOKEN_MAC, &secret))
    }

    fn open_feedback_token(&self, pool_id: &str, token: &str) -> Option<TokenClaims> {
        if token.len() > 2048 {
            return None;
        }
        let raw = self.server_key.open_text(&seal_context(pool_id), token)?;
        let text = String::from_utf8(raw).ok()?;
        let mut parts = text.split('\n');
        let (sub, event_id, secret) = (parts.next()?, parts.next()?, parts.next()?);
        Some(TokenClaims {
            sub: sub.to_owned(),
            event_id: event_id.to_owned(),
            secret: hex::decode(secret).ok()?,
        })
    }

    async fn record_feedback(
        &self,
        pool_id: &str,
        event_id: &str,
        value: &str,
        provider: &str,
    ) -> CoreResult<()> {
        let update = AuthEventUpdate {
            feedback: Some(EventFeedbackRecord {
                value: value.to_owned(),
                provider: provider.to_owned(),
                at: self.now(),
            }),
            ..AuthEventUpdate::default()
        };
        if !self
            .store
            .update_auth_event(pool_id, event_id, &update, None)
            .await?
        {
            return Err(CoreError::ResourceNotFound("Event not found.".into()));
        }
        Ok(())
    }

    /// `AdminUpdateAuthEventFeedback`.
    pub async fn admin_update_auth_event_feedback(
        &self,
        req: AdminUpdateAuthEventFeedbackRequest,
    ) -> CoreResult<()> {
        validate(
            &req.user_pool_id,
            &req.username,
            &req.event_id,
            &req.feedback_value,
        )?;
        let (pool_id, username) = (
            req.user_pool_id.unwrap_or_default(),
            req.username.unwrap_or_default(),
        );
        let (event_id, value) = (
            req.event_id.unwrap_or_default(),
            req.feedback_value.unwrap_or_default(),
        );
        let pool = self.load_pool(&pool_id).await?;
        Self::require_threat_protection(&pool)?;
        let user = self.find_user(&pool, &username).await?;
        self.user_event(&pool_id, user.id, &event_id).await?;
        self.record_feedback(&pool_id, &event_id, &value, "Admin")
            .await
    }

    /// `UpdateAuthEventFeedback`: feedback by the user, proven by the token of the
    /// notification email.
    pub async fn update_auth_event_feedback(
        &self,
        req: UpdateAuthEventFeedbackRequest,
    ) -> CoreResult<()> {
        validate(
            &req.user_pool_id,
            &req.username,
            &req.event_id,
            &req.feedback_value,
        )?;
        let mut val = Validator::new();
        val.required("feedbackToken", &req.feedback_token);
        val.finish().map_err(CoreError::InvalidParameter)?;
        let pool_id = req.user_pool_id.unwrap_or_default();
        let event_id = req.event_id.unwrap_or_default();
        let pool = self.load_pool(&pool_id).await?;
        Self::require_threat_protection(&pool)?;
        let claims = self
            .open_feedback_token(&pool_id, req.feedback_token.as_deref().unwrap_or_default())
            .ok_or_else(bad_token)?;
        let user = match self
            .find_user(&pool, req.username.as_deref().unwrap_or_default())
            .await
        {
            Ok(u) => u,
            Err(CoreError::UserNotFound) => return Err(bad_token()),
            Err(e) => return Err(e),
        };
        if claims.sub != user.sub || claims.event_id != event_id {
            return Err(bad_token());
        }
        self.check_token_secret(&pool_id, &user, &claims).await?;
        let value = req.feedback_value.unwrap_or_default();
        self.record_feedback(&pool_id, &event_id, &value, "User")
            .await
    }

    /// The one-click link of a notification email: `valid` or `invalid` feedback with
    /// the token alone.
    pub async fn apply_feedback_link(
        &self,
        pool_id: &str,
        token: &str,
        valid: bool,
    ) -> CoreResult<()> {
        let claims = self.feedback_link_claims(pool_id, token).await?;
        let value = if valid { "Valid" } else { "Invalid" };
        self.record_feedback(pool_id, &claims.event_id, value, "User")
            .await
    }

    /// Whether a one-click link's token would be accepted, without recording anything
    /// (the confirmation page shown before the user decides).
    pub async fn check_feedback_link(&self, pool_id: &str, token: &str) -> CoreResult<()> {
        self.feedback_link_claims(pool_id, token).await.map(|_| ())
    }

    /// The claims of a one-click link's token that still stands for its event.
    async fn feedback_link_claims(&self, pool_id: &str, token: &str) -> CoreResult<TokenClaims> {
        let pool = self.load_pool(pool_id).await.map_err(|e| match e {
            CoreError::ResourceNotFound(_) => bad_token(),
            other => other,
        })?;
        Self::require_threat_protection(&pool)?;
        let claims = self
            .open_feedback_token(pool_id, token)
            .ok_or_else(bad_token)?;
        let user = self
            .store
            .find_user_by_sub(pool_id, &claims.sub)
            .await?
            .ok_or_else(bad_token)?;
        self.check_token_secret(pool_id, &user, &claims).await?;
        Ok(claims)
    }

    async fn check_token_secret(
        &self,
        pool_id: &str,
        user: &UserRecord,
        claims: &TokenClaims,
    ) -> CoreResult<()> {
        let event = self
            .user_event(pool_id, user.id, &claims.event_id)
            .await
            .map_err(|e| match e {
                CoreError::ResourceNotFound(_) => bad_token(),
                other => other,
            })?;
        let presented = self.server_key.mac_hex(TOKEN_MAC, &claims.secret);
        let stored = event.feedback_token_hash.unwrap_or_default();
        if stored.is_empty() || !ct_eq(presented.as_bytes(), stored.as_bytes()) {
            return Err(bad_token());
        }
        Ok(())
    }
}
