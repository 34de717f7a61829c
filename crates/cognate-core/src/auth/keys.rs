//! Each pool's two RS256 signing keys (ID tokens and access tokens), created on first
//! need, sealed at rest, cached briefly in memory, rotated on request; and the JWKS that
//! publishes them. A retired key stays in the JWKS until every token it signed has
//! expired (the longest token lifetime is one day).

use crate::Core;
use crate::clock::Millis;
use crate::error::{CoreError, CoreResult};
use crate::store::{SigningKeyRecord, StoreError};
use crate::token::SigningKey;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// How long a retired key is still published.
pub const RETIRED_KEY_GRACE_MS: Millis = 24 * 3600 * 1000;
/// How long a node trusts its cached copy of a pool's keys (rotation on another node
/// becomes visible within this time).
const CACHE_MS: Millis = 60 * 1000;

/// The active keys of a pool and its JWKS.
pub struct PoolKeys {
    /// Signs ID tokens.
    pub id: SigningKey,
    /// Signs access tokens.
    pub access: SigningKey,
    /// Every published public key.
    pub jwks: Vec<serde_json::Value>,
}

/// In-memory cache of pool keys.
#[derive(Clone, Default)]
pub struct KeyCache(Arc<Mutex<HashMap<String, CachedKeys>>>);

/// When a pool's keys were loaded, and the keys.
type CachedKeys = (Millis, Arc<PoolKeys>);

fn key_context(pool_id: &str, kid: &str) -> String {
    format!("signing-key:{pool_id}:{kid}")
}

fn internal(e: impl std::fmt::Display) -> CoreError {
    CoreError::Internal(e.to_string().into())
}

impl Core {
    /// The pool's current keys, creating them on first use.
    pub async fn pool_keys(&self, pool_id: &str) -> CoreResult<Arc<PoolKeys>> {
        let now = self.now();
        if let Ok(cache) = self.key_cache.0.lock()
            && let Some((_, keys)) = cache.get(pool_id).filter(|(at, _)| now - *at < CACHE_MS)
        {
            return Ok(keys.clone());
        }
        let mut records = self.store.signing_keys(pool_id).await?;
        for purpose in ["id", "access"] {
            if !records.iter().any(|r| r.purpose == purpose) {
                self.add_signing_key(pool_id, purpose, 1).await?;
                records = self.store.signing_keys(pool_id).await?;
            }
        }
        let keys = Arc::new(self.build_pool_keys(pool_id, &records, now)?);
        if let Ok(mut cache) = self.key_cache.0.lock() {
            cache.insert(pool_id.to_owned(), (now, keys.clone()));
        }
        Ok(keys)
    }

    fn build_pool_keys(
        &self,
        pool_id: &str,
        records: &[SigningKeyRecord],
        now: Millis,
    ) -> CoreResult<PoolKeys> {
        let active = |purpose: &str| -> CoreResult<SigningKey> {
            let r = records
                .iter()
                .filter(|r| r.purpose == purpose)
                .max_by_key(|r| r.generation)
                .ok_or_else(|| internal("no signing key"))?;
            let der = self
                .server_key
                .open(&key_context(pool_id, &r.kid), &r.private_key)
                .ok_or_else(|| internal("signing key cannot be unsealed: wrong server key?"))?;
            SigningKey::from_private_der(&r.kid, &der).map_err(internal)
        };
        let jwks = records
            .iter()
            .filter(|r| r.retired_at.is_none_or(|t| now - t < RETIRED_KEY_GRACE_MS))
            .filter_map(|r| serde_json::from_str(&r.public_jwk).ok())
            .collect();
        Ok(PoolKeys {
            id: active("id")?,
            access: active("access")?,
            jwks,
        })
    }

    async fn add_signing_key(
        &self,
        pool_id: &str,
        purpose: &str,
        generation: i64,
    ) -> CoreResult<()> {
        let key = tokio::task::spawn_blocking(SigningKey::generate)
            .await
            .map_err(internal)?
            .map_err(internal)?;
        let record = SigningKeyRecord {
            kid: key.kid.clone(),
            pool_id: pool_id.to_owned(),
            purpose: purpose.to_owned(),
            generation,
            private_key: self
                .server_key
                .seal(&key_context(pool_id, &key.kid), key.private_der()),
            public_jwk: key.public_jwk().to_string(),
            created_at: self.now(),
            retired_at: None,
        };
        match self.store.insert_signing_key(&record).await {
            // Another request or node created this generation first: use theirs.
            Err(StoreError::Conflict { .. }) => Ok(()),
            other => Ok(other?),
        }
    }

    /// Adds a new ID and access key to a pool; tokens are signed with the new keys from
    /// now on, and the old keys stay published until their tokens have expired.
    pub async fn rotate_signing_keys(&self, pool_id: &str) -> CoreResult<Vec<String>> {
        self.load_pool(pool_id).await?;
        self.pool_keys(pool_id).await?;
        let records = self.store.signing_keys(pool_id).await?;
        for purpose in ["id", "access"] {
            let next = records
                .iter()
                .filter(|r| r.purpose == purpose)
                .map(|r| r.generation)
                .max()
                .unwrap_or(0)
                + 1;
            self.add_signing_key(pool_id, purpose, next).await?;
        }
        if let Ok(mut cache) = self.key_cache.0.lock() {
            cache.remove(pool_id);
        }
        let keys = self.pool_keys(pool_id).await?;
        Ok(vec![keys.id.kid.clone(), keys.access.kid.clone()])
    }

    /// The pool's JWKS document (`{"keys": [...]}`).
    pub async fn jwks(&self, pool_id: &str) -> CoreResult<serde_json::Value> {
        self.load_pool(pool_id).await?;
        let keys = self.pool_keys(pool_id).await?;
        Ok(serde_json::json!({ "keys": keys.jwks }))
    }

    /// The issuer of a pool's tokens: `<public URL>/<pool id>`.
    pub fn issuer(&self, pool_id: &str) -> String {
        format!("{}/{pool_id}", self.settings.public_url)
    }

    /// The pool's OpenID Connect discovery document (the endpoints that exist so far).
    pub async fn openid_configuration(&self, pool_id: &str) -> CoreResult<serde_json::Value> {
        self.load_pool(pool_id).await?;
        let issuer = self.issuer(pool_id);
        let mut doc = serde_json::json!({
            "issuer": issuer,
            "jwks_uri": format!("{issuer}/.well-known/jwks.json"),
            "response_types_supported": ["code", "token"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "email", "phone", "profile"],
            "claims_supported": ["sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "at_hash",
                "email", "email_verified", "phone_number", "phone_number_verified", "name",
                "given_name", "family_name", "middle_name", "nickname", "preferred_username",
                "profile", "picture", "website", "gender", "birthdate", "zoneinfo", "locale",
                "address", "updated_at", "cognito:username", "cognito:groups"],
        });
        // The OAuth endpoints work only for a pool with a domain; list them only then.
        if self.pool_has_domain(pool_id).await? {
            let endpoints = serde_json::json!({
                "authorization_endpoint": format!("{issuer}/oauth2/authorize"),
                "token_endpoint": format!("{issuer}/oauth2/token"),
                "userinfo_endpoint": format!("{issuer}/oauth2/userInfo"),
                "revocation_endpoint": format!("{issuer}/oauth2/revoke"),
                "end_session_endpoint": format!("{issuer}/logout"),
                "response_modes_supported": ["query", "fragment"],
                "grant_types_supported": ["authorization_code", "implicit", "refresh_token", "client_credentials"],
                "code_challenge_methods_supported": ["S256"],
                "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
                "revocation_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
                "prompt_values_supported": ["none", "login"],
            });
            if let (Some(d), Some(e)) = (doc.as_object_mut(), endpoints.as_object()) {
                d.extend(e.clone());
            }
        }
        Ok(doc)
    }
}
