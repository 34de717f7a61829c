//! The passkey assertion check behind the `WEB_AUTHN` sign-in challenge (§3.7):
//! [`Core::passkey_request_options`] issues `CREDENTIAL_REQUEST_OPTIONS` and a sealed
//! state; [`Core::verify_passkey_assertion`] checks the `CREDENTIAL` answer against it.
//!
//! The state is sealed under the server key (it cannot be read or forged), bound to the
//! pool, the user and the relying party, expires, and is spent on first use, so an
//! assertion cannot be replayed. A signature counter that does not increase (when either
//! side is non-zero) is refused and logged as a possible cloned authenticator.

use super::registration::user_handle;
use super::{ASSERTION_TTL_MS, MAX_PASSKEYS, b64url};
use crate::Core;
use crate::clock::Millis;
use crate::error::{CoreError, CoreResult};
use crate::store::{UserPoolRecord, UserRecord, WebAuthnCredentialRecord};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use webauthn_rs_core::error::WebauthnError;
use webauthn_rs_core::proto::{AuthenticationState, Credential, PublicKeyCredential};

/// Sealing context of assertion state.
const ASSERTION_CONTEXT: &str = "cognate webauthn assertion v1";

/// The server's half of one assertion ceremony.
#[derive(Serialize, Deserialize)]
struct AssertionTicket {
    id: String,
    pool_id: String,
    sub: String,
    rp_id: String,
    expires_at: Millis,
    state: AuthenticationState,
}

/// A passkey assertion that passed every check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasskeyAssertion {
    /// The credential used (base64url).
    pub credential_id: String,
    /// The authenticator verified the user (PIN or biometric), which lets the passkey
    /// count as multi-factor under `MULTI_FACTOR_WITH_USER_VERIFICATION`.
    pub user_verified: bool,
}

fn refused() -> CoreError {
    CoreError::bad_credentials()
}

fn invalid_session() -> CoreError {
    CoreError::NotAuthorized("Invalid session for the user.".into())
}

fn internal<E: std::error::Error + Send + Sync + 'static>(e: E) -> CoreError {
    CoreError::Internal(Box::new(e))
}

impl Core {
    /// The user's passkeys usable with the pool's current relying party.
    async fn usable_passkeys(
        &self,
        user: &UserRecord,
        rp_id: &str,
    ) -> CoreResult<Vec<WebAuthnCredentialRecord>> {
        let all = self
            .store
            .list_webauthn_credentials(user.id, None, MAX_PASSKEYS as usize * 2)
            .await?;
        Ok(all
            .into_iter()
            .filter(|c| c.relying_party_id == rp_id)
            .collect())
    }

    /// Whether the user has a passkey usable for sign-in in this pool.
    pub async fn has_passkeys(&self, pool: &UserPoolRecord, user: &UserRecord) -> CoreResult<bool> {
        let settings = self.passkey_settings(pool, false).await?;
        Ok(!self
            .usable_passkeys(user, &settings.rp_id)
            .await?
            .is_empty())
    }

    /// `PublicKeyCredentialRequestOptionsJSON` (as JSON text) for the user's passkeys and
    /// the sealed state to give back to [`Core::verify_passkey_assertion`]; valid for
    /// three minutes.
    pub async fn passkey_request_options(
        &self,
        pool: &UserPoolRecord,
        user: &UserRecord,
    ) -> CoreResult<(String, String)> {
        self.passkey_request_options_for(pool, user, ASSERTION_TTL_MS)
            .await
    }

    /// [`Core::passkey_request_options`] valid for `validity_ms` (the app client's
    /// `AuthSessionValidity`).
    pub async fn passkey_request_options_for(
        &self,
        pool: &UserPoolRecord,
        user: &UserRecord,
        validity_ms: Millis,
    ) -> CoreResult<(String, String)> {
        let settings = self.passkey_settings(pool, true).await?;
        let records = self.usable_passkeys(user, &settings.rp_id).await?;
        if records.is_empty() {
            return Err(CoreError::NotAuthorized(
                "The user has no passkey for this user pool.".into(),
            ));
        }
        let mut credentials = Vec::with_capacity(records.len());
        for r in &records {
            credentials.push(serde_json::from_str::<Credential>(&r.public_key).map_err(internal)?);
        }
        let verifier = settings.verifier(validity_ms);
        let builder = verifier
            .new_challenge_authenticate_builder(credentials, Some(settings.user_verification))
            .map_err(internal)?
            .allow_backup_eligible_upgrade(true);
        let (request, mut state) = verifier
            .generate_challenge_authenticate(builder)
            .map_err(internal)?;
        let mut options = serde_json::to_value(&request.public_key).map_err(internal)?;
        // The transports each passkey reported help the browser find the authenticator.
        if let Some(allowed) = options["allowCredentials"].as_array_mut() {
            for entry in allowed {
                let id = entry["id"].as_str().unwrap_or_default();
                if let Some(r) = records.iter().find(|r| r.credential_id == id)
                    && !r.transports.is_empty()
                {
                    entry["transports"] = Value::from(r.transports.clone());
                }
            }
        }
        // Credentials are reloaded from the store when the answer comes back.
        state.set_allowed_credentials(Vec::new());
        let ticket = AssertionTicket {
            id: uuid::Uuid::new_v4().to_string(),
            pool_id: pool.id.clone(),
            sub: user.sub.clone(),
            rp_id: settings.rp_id,
            expires_at: self.now() + validity_ms,
            state,
        };
        let plain = serde_json::to_vec(&ticket).map_err(internal)?;
        let sealed = self.server_key.seal_text(ASSERTION_CONTEXT, &plain);
        Ok((options.to_string(), sealed))
    }

    /// Checks a `CREDENTIAL` answer (`AuthenticationResponseJSON` text) against the state
    /// from [`Core::passkey_request_options`]: unexpired and unspent state for this pool
    /// and user, a passkey of this user registered for the pool's relying party, an
    /// allowed origin, the right relying party hash, a valid signature, user verification
    /// as configured, and an increasing signature counter. On success the state is spent
    /// and the stored counter and last-used time are updated.
    pub async fn verify_passkey_assertion(
        &self,
        pool: &UserPoolRecord,
        user: &UserRecord,
        sealed_state: &str,
        credential_json: &str,
    ) -> CoreResult<PasskeyAssertion> {
        let ticket: AssertionTicket = self
            .server_key
            .open_text(ASSERTION_CONTEXT, sealed_state)
            .and_then(|plain| serde_json::from_slice(&plain).ok())
            .ok_or_else(invalid_session)?;
        if ticket.pool_id != pool.id || ticket.sub != user.sub {
            return Err(invalid_session());
        }
        let now = self.now();
        if now > ticket.expires_at {
            return Err(CoreError::NotAuthorized(
                "Invalid session for the user, session is expired.".into(),
            ));
        }
        let response: PublicKeyCredential =
            serde_json::from_str(credential_json).map_err(|_| refused())?;
        if !self
            .store
            .consume_once(&format!("webauthn:{}", ticket.id), ticket.expires_at, now)
            .await?
        {
            return Err(CoreError::NotAuthorized(
                "Invalid session for the user, session can only be used once.".into(),
            ));
        }
        let settings = self.passkey_settings(pool, true).await?;
        if ticket.rp_id != settings.rp_id {
            return Err(refused());
        }
        let credential_id = b64url(&response.raw_id);
        let record = self
            .store
            .find_webauthn_credential(&pool.id, &credential_id)
            .await?
            .filter(|r| r.user_id == user.id && r.relying_party_id == settings.rp_id)
            .ok_or_else(refused)?;
        if let Some(handle) = response.get_user_unique_id()
            && handle != user_handle(user).as_slice()
        {
            return Err(refused());
        }
        let mut credential: Credential =
            serde_json::from_str(&record.public_key).map_err(internal)?;
        credential.counter = u32::try_from(record.sign_count).unwrap_or(u32::MAX);
        let result = match settings
            .verifier(ASSERTION_TTL_MS)
            .authenticate_single_credential(&response, &ticket.state, &credential)
        {
            Ok(result) => result,
            Err(WebauthnError::CredentialPossibleCompromise) => {
                tracing::warn!(
                    pool_id = %pool.id,
                    credential_id = %credential_id,
                    stored_counter = record.sign_count,
                    "passkey signature counter did not increase: possible cloned authenticator; assertion refused"
                );
                return Err(refused());
            }
            Err(e) => {
                tracing::info!(pool_id = %pool.id, credential_id = %credential_id, reason = %e, "passkey assertion refused");
                return Err(refused());
            }
        };
        let count = i64::from(result.counter());
        if !self
            .store
            .record_webauthn_use(record.id, record.sign_count, count, now)
            .await?
        {
            return Err(refused());
        }
        Ok(PasskeyAssertion {
            credential_id,
            user_verified: result.user_verified(),
        })
    }
}
