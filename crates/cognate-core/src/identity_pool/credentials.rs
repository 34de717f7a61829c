//! Temporary credentials: `ASIA…` access key ids, 40-character secrets and random
//! session tokens. The secret is sealed and the token kept only as a keyed hash, both
//! in the shared database so every node can verify them; expiry is enforced there, so
//! a token cannot be extended or forged.

use crate::Core;
use crate::clock::Millis;
use crate::error::{CoreError, CoreResult};
use crate::ids::{os_random, random_string};
use crate::store::TemporaryCredentialRecord;
use base64::Engine;
use std::collections::BTreeMap;

/// Session name Cognito uses for identity-pool credentials.
pub const SESSION_NAME: &str = "CognitoIdentityCredentials";
/// Lifetime of identity-pool credentials.
pub const CREDENTIALS_MS: Millis = 3600 * 1000;

const TOKEN_CONTEXT: &str = "session-token";

fn secret_context(access_key_id: &str) -> String {
    format!("credentials-secret:{access_key_id}")
}

/// Freshly minted credentials (the secret and token are shown once).
#[derive(Debug, Clone)]
pub struct MintedCredentials {
    /// `ASIA…`.
    pub access_key_id: String,
    /// Secret access key.
    pub secret_access_key: String,
    /// Session token.
    pub session_token: String,
    /// Expiry (epoch ms).
    pub expires_at: Millis,
}

/// What a set of credentials may be used for, as verified on each request.
#[derive(Debug, Clone)]
pub struct CredentialsPrincipal {
    /// The stored record.
    pub record: TemporaryCredentialRecord,
    /// Request-context values for policy evaluation.
    pub context: BTreeMap<String, Vec<String>>,
}

impl Core {
    /// Issues credentials for `role_arn`, valid for `duration_ms`.
    pub async fn mint_credentials(
        &self,
        role_arn: &str,
        session_name: &str,
        identity_id: Option<&str>,
        context: &BTreeMap<String, Vec<String>>,
        duration_ms: Millis,
    ) -> CoreResult<MintedCredentials> {
        let access_key_id = format!(
            "ASIA{}",
            random_string(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)
        );
        let secret = random_string(
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
            40,
        );
        let mut raw = [0u8; 96];
        os_random(&mut raw);
        let session_token = base64::engine::general_purpose::STANDARD.encode(raw);
        let now = self.now();
        let record = TemporaryCredentialRecord {
            access_key_id: access_key_id.clone(),
            secret: self
                .server_key
                .seal(&secret_context(&access_key_id), secret.as_bytes()),
            token_hash: self
                .server_key
                .mac_hex(TOKEN_CONTEXT, session_token.as_bytes()),
            role_arn: role_arn.to_owned(),
            session_name: session_name.to_owned(),
            identity_id: identity_id.map(str::to_owned),
            context: serde_json::to_string(context)
                .map_err(|e| CoreError::Internal(e.to_string().into()))?,
            created_at: now,
            expires_at: now + duration_ms,
        };
        self.store.insert_credentials(&record).await?;
        Ok(MintedCredentials {
            access_key_id,
            secret_access_key: secret,
            session_token,
            expires_at: record.expires_at,
        })
    }

    /// The secret of live credentials (for SigV4 verification), or `None` when unknown
    /// or expired.
    pub async fn credentials_secret(&self, access_key_id: &str) -> CoreResult<Option<String>> {
        let Some(rec) = self.store.get_credentials(access_key_id).await? else {
            return Ok(None);
        };
        if self.now() >= rec.expires_at {
            return Ok(None);
        }
        Ok(self
            .server_key
            .open(&secret_context(access_key_id), &rec.secret)
            .and_then(|s| String::from_utf8(s).ok()))
    }

    /// Checks that `session_token` belongs to live credentials `access_key_id`.
    pub async fn credentials_principal(
        &self,
        access_key_id: &str,
        session_token: &str,
    ) -> CoreResult<Option<CredentialsPrincipal>> {
        let Some(record) = self.store.get_credentials(access_key_id).await? else {
            return Ok(None);
        };
        let hash = self
            .server_key
            .mac_hex(TOKEN_CONTEXT, session_token.as_bytes());
        if self.now() >= record.expires_at
            || !crate::crypto::ct_eq(hash.as_bytes(), record.token_hash.as_bytes())
        {
            return Ok(None);
        }
        let context = serde_json::from_str(&record.context).unwrap_or_default();
        Ok(Some(CredentialsPrincipal { record, context }))
    }
}
