//! The state of device authentication between its steps: the `Session` of
//! DEVICE_SRP_AUTH / DEVICE_PASSWORD_VERIFIER and the device `SECRET_BLOCK`. Both are
//! AES-256-GCM sealed under the server key with their own contexts (a user SRP block or
//! another step's session never opens here), name the pool, client, user (by `sub`) and
//! device, expire with the client's `AuthSessionValidity`, and are single-use.

use crate::Core;
use crate::auth::client::ClientContext;
use crate::clock::Millis;
use crate::error::{CoreError, CoreResult};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};

/// Sealing context of device-step sessions.
const SESSION_CONTEXT: &str = "cognate device session v1";
/// Sealing context of device SRP secret blocks.
const BLOCK_CONTEXT: &str = "cognate device srp secret block v1";

/// A sign-in whose first factor passed, waiting for the device proof.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct DeviceSession {
    /// Unique id (single-use marker; a DEVICE_PASSWORD_VERIFIER session shares it with
    /// its secret block).
    pub(crate) id: String,
    /// Pool.
    pub(crate) pool_id: String,
    /// Client.
    pub(crate) client_id: String,
    /// The user's `sub`.
    pub(crate) sub: String,
    /// The device being proven.
    pub(crate) device_key: String,
    /// The step this session answers.
    pub(crate) challenge: String,
    /// Whether the device proof stands in for MFA (a remembered device).
    pub(crate) skips_mfa: bool,
    /// When the first factor passed (epoch seconds), for `auth_time`.
    pub(crate) auth_time: i64,
    /// Expiry (epoch ms).
    pub(crate) expires_at: Millis,
    /// The threat-protection sign-in event the device proof completes (absent while
    /// threat protection is off, and in sessions sealed before it was carried).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) event_id: Option<String>,
}

/// The server's half of the device SRP exchange, carried in `SECRET_BLOCK`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct DeviceSrpState {
    /// The session this block belongs to (its id is the single-use marker).
    pub(crate) session: DeviceSession,
    /// Server secret `b` (hex).
    pub(crate) secret_b: String,
    /// Server public `B` (hex).
    pub(crate) public_b: String,
    /// Client public `A` (hex, as sent).
    pub(crate) public_a: String,
}

pub(crate) fn invalid_session() -> CoreError {
    CoreError::NotAuthorized("Invalid session for the user.".into())
}

fn expired() -> CoreError {
    CoreError::NotAuthorized("Invalid session for the user, session is expired.".into())
}

fn used() -> CoreError {
    CoreError::NotAuthorized("Invalid session for the user, session can only be used once.".into())
}

impl Core {
    /// A new session of `challenge` for device `s`'s sign-in: fresh id and lifetime.
    pub(crate) fn next_device_session(
        &self,
        ctx: &ClientContext,
        s: &DeviceSession,
        challenge: &str,
    ) -> DeviceSession {
        DeviceSession {
            id: uuid::Uuid::new_v4().to_string(),
            challenge: challenge.into(),
            expires_at: self.now() + ctx.session_minutes() * 60_000,
            ..s.clone()
        }
    }

    /// Seals a session into the opaque `Session` string.
    pub(crate) fn seal_device_session(&self, s: &DeviceSession) -> String {
        let json = serde_json::to_vec(s).unwrap_or_default();
        self.server_key.seal_text(SESSION_CONTEXT, &json)
    }

    /// Opens a session of `challenge` made for this pool and client; checks expiry.
    pub(crate) fn open_device_session(
        &self,
        ctx: &ClientContext,
        text: &str,
        challenge: &str,
    ) -> CoreResult<DeviceSession> {
        let raw = self
            .server_key
            .open_text(SESSION_CONTEXT, text)
            .ok_or_else(invalid_session)?;
        let s: DeviceSession = serde_json::from_slice(&raw).map_err(|_| invalid_session())?;
        if s.pool_id != ctx.pool.id || s.client_id != ctx.client.id || s.challenge != challenge {
            return Err(invalid_session());
        }
        if self.now() > s.expires_at {
            return Err(expired());
        }
        Ok(s)
    }

    /// Marks a session (or the secret block sharing its id) used; a second use fails.
    pub(crate) async fn spend_device_session(&self, s: &DeviceSession) -> CoreResult<()> {
        if self
            .store
            .consume_once(
                &format!("device-session:{}", s.id),
                s.expires_at,
                self.now(),
            )
            .await?
        {
            Ok(())
        } else {
            Err(used())
        }
    }

    /// Seals SRP state into a standard-Base64 `SECRET_BLOCK`.
    pub(crate) fn seal_device_block(&self, s: &DeviceSrpState) -> String {
        let json = serde_json::to_vec(s).unwrap_or_default();
        STANDARD.encode(self.server_key.seal(BLOCK_CONTEXT, &json))
    }

    /// Opens a `SECRET_BLOCK` made for this pool and client and spends it; anything
    /// malformed is the generic sign-in error.
    pub(crate) async fn open_device_block(
        &self,
        ctx: &ClientContext,
        block: &str,
    ) -> CoreResult<DeviceSrpState> {
        let bad = CoreError::bad_credentials;
        let sealed = STANDARD.decode(block).map_err(|_| bad())?;
        let raw = self
            .server_key
            .open(BLOCK_CONTEXT, &sealed)
            .ok_or_else(bad)?;
        let state: DeviceSrpState = serde_json::from_slice(&raw).map_err(|_| bad())?;
        let s = &state.session;
        if s.pool_id != ctx.pool.id || s.client_id != ctx.client.id {
            return Err(bad());
        }
        if self.now() > s.expires_at {
            return Err(expired());
        }
        self.spend_device_session(s).await?;
        Ok(state)
    }
}
