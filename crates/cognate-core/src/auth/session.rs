//! Challenge state that travels with the client: the `Session` string and the SRP
//! `SECRET_BLOCK`. Both are AES-256-GCM sealed under the server key (so they cannot be
//! read or forged), expire, and are single-use (a consumed-id marker in the store), so
//! no session table is needed.

use crate::Core;
use crate::clock::Millis;
use crate::error::{CoreError, CoreResult};
use serde::{Deserialize, Serialize};

/// Sealing context of Session strings.
const SESSION_CONTEXT: &str = "cognate auth session v1";
/// Sealing context of SRP secret blocks.
const SECRET_BLOCK_CONTEXT: &str = "cognate srp secret block v1";
/// Bytes the names in a sealed state take up with their padding: more than any
/// username (128 characters of up to 4 bytes each, JSON-escaped), so the sealed length
/// does not depend on whose name is inside, or whether a user exists.
const NAME_ROOM: usize = 600;

/// `state` as JSON followed by spaces (which JSON readers ignore), so that the
/// `names` in it always take up [`NAME_ROOM`] bytes together.
fn padded_json<T: Serialize>(state: &T, names: &[&str]) -> Vec<u8> {
    let mut json = serde_json::to_vec(state).unwrap_or_default();
    let used: usize = names
        .iter()
        .map(|n| serde_json::to_string(n).map_or(0, |q| q.len()))
        .sum();
    json.resize(json.len() + NAME_ROOM.saturating_sub(used), b' ');
    json
}

/// The state of a sign-in between two steps.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AuthSession {
    /// Unique id (single-use marker).
    pub id: String,
    /// Pool.
    pub pool_id: String,
    /// Client.
    pub client_id: String,
    /// Internal username (empty when the session names no user that could sign in).
    pub username: String,
    /// The name asked for when `username` is empty (a pool that hides user existence),
    /// so that only an answer for that name is taken for it.
    #[serde(default)]
    pub unknown_name: String,
    /// The challenge this session answers.
    pub challenge: String,
    /// When the first factor succeeded (epoch seconds), for `auth_time`.
    pub auth_time: i64,
    /// Expiry (epoch ms).
    pub expires_at: Millis,
    /// The threat-protection sign-in event this step continues (absent while threat
    /// protection is off, and in sessions sealed before it was carried).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_id: Option<String>,
    /// The MFA step the sign-in's risk assessment asked for (`MFA_REQUIRED`,
    /// `MFA_IF_CONFIGURED`), applied once this step passes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub risk_mfa: Option<String>,
}

/// The server's half of an SRP exchange, carried in `SECRET_BLOCK`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SrpState {
    /// Unique id (single-use marker).
    pub id: String,
    /// Pool.
    pub pool_id: String,
    /// Client.
    pub client_id: String,
    /// Internal username (empty for a simulated challenge).
    pub username: String,
    /// The name asked for when no user has it (a simulated challenge in a pool that
    /// hides user existence), so its answer counts toward that name's lockout.
    #[serde(default)]
    pub unknown_name: String,
    /// Server secret `b` (hex).
    pub secret_b: String,
    /// Server public `B` (hex).
    pub public_b: String,
    /// Client public `A` (hex).
    pub public_a: String,
    /// Expiry (epoch ms).
    pub expires_at: Millis,
}

fn invalid_session() -> CoreError {
    CoreError::NotAuthorized("Invalid session for the user.".into())
}

impl Core {
    /// Seals a session into the opaque `Session` string.
    pub(crate) fn seal_session(&self, s: &AuthSession) -> String {
        let json = padded_json(s, &[&s.username, &s.unknown_name]);
        self.server_key.seal_text(SESSION_CONTEXT, &json)
    }

    /// Opens and checks a Session without spending it (to validate an answer first).
    pub(crate) fn read_session(
        &self,
        text: &str,
        pool_id: &str,
        client_id: &str,
        challenge: &str,
    ) -> CoreResult<AuthSession> {
        let raw = self
            .server_key
            .open_text(SESSION_CONTEXT, text)
            .ok_or_else(invalid_session)?;
        let s: AuthSession = serde_json::from_slice(&raw).map_err(|_| invalid_session())?;
        if s.pool_id != pool_id || s.client_id != client_id || s.challenge != challenge {
            return Err(invalid_session());
        }
        if self.now() > s.expires_at {
            return Err(CoreError::NotAuthorized(
                "Invalid session for the user, session is expired.".into(),
            ));
        }
        Ok(s)
    }

    /// Spends a Session: the second spend of the same one fails.
    pub(crate) async fn spend_session(&self, s: &AuthSession) -> CoreResult<()> {
        let now = self.now();
        if !self
            .store
            .consume_once(&format!("session:{}", s.id), s.expires_at, now)
            .await?
        {
            return Err(CoreError::NotAuthorized(
                "Invalid session for the user, session can only be used once.".into(),
            ));
        }
        Ok(())
    }

    /// Seals SRP state into a standard-Base64 `SECRET_BLOCK`.
    pub(crate) fn seal_secret_block(&self, s: &SrpState) -> String {
        use base64::Engine;
        let json = padded_json(s, &[&s.username, &s.unknown_name]);
        base64::engine::general_purpose::STANDARD
            .encode(self.server_key.seal(SECRET_BLOCK_CONTEXT, &json))
    }

    /// Opens and consumes a `SECRET_BLOCK`; any failure is the generic sign-in error.
    pub(crate) async fn open_secret_block(
        &self,
        block: &str,
        pool_id: &str,
        client_id: &str,
    ) -> CoreResult<SrpState> {
        use base64::Engine;
        let bad = CoreError::bad_credentials;
        let sealed = base64::engine::general_purpose::STANDARD
            .decode(block)
            .map_err(|_| bad())?;
        let raw = self
            .server_key
            .open(SECRET_BLOCK_CONTEXT, &sealed)
            .ok_or_else(bad)?;
        let s: SrpState = serde_json::from_slice(&raw).map_err(|_| bad())?;
        if s.pool_id != pool_id || s.client_id != client_id {
            return Err(bad());
        }
        let now = self.now();
        if now > s.expires_at {
            return Err(CoreError::NotAuthorized(
                "Invalid session for the user, session is expired.".into(),
            ));
        }
        if !self
            .store
            .consume_once(&format!("srp:{}", s.id), s.expires_at, now)
            .await?
        {
            return Err(CoreError::NotAuthorized(
                "Invalid session for the user, session can only be used once.".into(),
            ));
        }
        Ok(s)
    }
}
