//! The `Session` of an MFA step. Like the sign-in session it is AES-256-GCM sealed under
//! the server key and expires, but under its own context, so a session of another step
//! (password, new password) never opens here and an MFA session never opens there. It
//! names the user by `sub` as well as by username, so it cannot be replayed for another
//! user or for a user recreated under the same name. Each session is single-use: the
//! step that accepts it marks its id consumed; steps that refuse a wrong code leave it
//! usable for another try, bounded by the code's attempt counter.

use crate::Core;
use crate::clock::Millis;
use crate::error::{CoreError, CoreResult};
use serde::{Deserialize, Serialize};

/// Sealing context of MFA sessions.
const MFA_SESSION_CONTEXT: &str = "cognate mfa session v1";

/// Stages of an MFA_SETUP session.
pub(crate) mod stage {
    /// Issued with the challenge.
    pub(crate) const NEW: &str = "new";
    /// After `AssociateSoftwareToken`.
    pub(crate) const ASSOCIATED: &str = "associated";
    /// After `VerifySoftwareToken` succeeded: proof of the new factor.
    pub(crate) const VERIFIED: &str = "verified";
}

/// The state of a sign-in waiting for its second factor.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct MfaSession {
    /// Unique id (single-use marker, binds the code sent for it).
    pub(crate) id: String,
    /// Pool.
    pub(crate) pool_id: String,
    /// Client.
    pub(crate) client_id: String,
    /// Internal username.
    pub(crate) username: String,
    /// The user's `sub`.
    pub(crate) sub: String,
    /// The challenge this session answers.
    pub(crate) challenge: String,
    /// MFA_SETUP progress ([`stage`]); `new` elsewhere.
    pub(crate) stage: String,
    /// SELECT_MFA_TYPE: the factors offered; MFA_SETUP: the factors that may be set up.
    #[serde(default)]
    pub(crate) choices: Vec<String>,
    /// EMAIL_OTP during MFA_SETUP: the address being set up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) setup_email: Option<String>,
    /// When the first factor succeeded (epoch seconds), for `auth_time`.
    pub(crate) auth_time: i64,
    /// How long each session of this sign-in lives (the client's AuthSessionValidity).
    pub(crate) validity_ms: Millis,
    /// Expiry (epoch ms).
    pub(crate) expires_at: Millis,
    /// The threat-protection sign-in event waiting for this MFA step (absent while
    /// threat protection is off, and in sessions sealed before events existed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) event_id: Option<String>,
    /// The code is USER_AUTH's passwordless first factor (EMAIL_OTP, SMS_OTP), not a
    /// second one: once it passes, the sign-in is screened like a password sign-in.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub(crate) first_factor: bool,
}

pub(crate) fn invalid_session() -> CoreError {
    CoreError::NotAuthorized("Invalid session for the user.".into())
}

pub(crate) fn session_used() -> CoreError {
    CoreError::NotAuthorized("Invalid session for the user, session can only be used once.".into())
}

impl MfaSession {
    /// The next session of the same sign-in: a new id and a fresh lifetime.
    pub(crate) fn next(&self, challenge: &str, stage: &str, now: Millis) -> Self {
        Self {
            id: uuid::Uuid::new_v4().to_string(),
            challenge: challenge.into(),
            stage: stage.into(),
            expires_at: now + self.validity_ms,
            ..self.clone()
        }
    }
}

impl Core {
    /// Seals an MFA session into the opaque `Session` string.
    pub(crate) fn seal_mfa_session(&self, s: &MfaSession) -> String {
        let json = serde_json::to_vec(s).unwrap_or_default();
        self.server_key.seal_text(MFA_SESSION_CONTEXT, &json)
    }

    /// Opens an MFA session for `challenge` and checks its expiry, without consuming it.
    pub(crate) fn read_mfa_session(&self, text: &str, challenge: &str) -> CoreResult<MfaSession> {
        let raw = self
            .server_key
            .open_text(MFA_SESSION_CONTEXT, text)
            .ok_or_else(invalid_session)?;
        let s: MfaSession = serde_json::from_slice(&raw).map_err(|_| invalid_session())?;
        if s.challenge != challenge {
            return Err(invalid_session());
        }
        if self.now() > s.expires_at {
            return Err(CoreError::NotAuthorized(
                "Invalid session for the user, session is expired.".into(),
            ));
        }
        Ok(s)
    }

    /// Marks a session consumed; a second use is refused.
    pub(crate) async fn consume_mfa_session(&self, s: &MfaSession) -> CoreResult<()> {
        if self
            .store
            .consume_once(&format!("mfa-session:{}", s.id), s.expires_at, self.now())
            .await?
        {
            Ok(())
        } else {
            Err(session_used())
        }
    }

    /// The refusal for a session whose code is gone (answered, exhausted or replaced):
    /// kills the session for good and says whether it had been used.
    pub(crate) async fn dead_mfa_session(&self, s: &MfaSession) -> CoreError {
        match self.consume_mfa_session(s).await {
            Ok(()) => invalid_session(),
            Err(e) => e,
        }
    }
}
