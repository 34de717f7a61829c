//! Generic OpenID Connect providers, registered the IAM way
//! (`CreateOpenIDConnectProvider`) and trusted by identity pools
//! (`OpenIdConnectProviderARNs`) and by STS `AssumeRoleWithWebIdentity`.
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_oidc.html>
//!
//! Invariants:
//! - Core never speaks HTTP itself: keys come through the injected [`HttpFetcher`],
//!   whose implementation owns timeouts and the SSRF guard.
//! - Keys are found through the issuer's discovery document (OpenID Connect Discovery
//!   1.0 §4), whose `issuer` must equal the registered URL, and cached per issuer for
//!   [`KEYS_TTL_MS`]; a token signed by an unknown `kid` triggers one refetch, at most
//!   once per [`REFETCH_MIN_MS`] per issuer, so forged `kid`s cannot make Cognate
//!   hammer the provider.
//! - A token is accepted only with a valid RS256 (or RS512) signature, `iss` equal to
//!   the registered URL, a future `exp`, a `sub`, and an `aud` among the provider's
//!   registered client ids.

use crate::Core;
use crate::clock::Millis;
use crate::error::{CoreError, CoreResult};
use crate::store::{OidcProviderRecord, StoreError};
use crate::token::{self, TokenError};
use async_trait::async_trait;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// How long fetched keys are trusted.
pub const KEYS_TTL_MS: Millis = 10 * 60 * 1000;
/// Least time between two fetches for one issuer when an unknown `kid` shows up.
pub const REFETCH_MIN_MS: Millis = 5 * 1000;

/// Why an outbound fetch failed.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// The URL is not allowed (scheme, or a private address refused by the SSRF guard).
    #[error("refused: {0}")]
    Refused(String),
    /// Connection, TLS or timeout failure.
    #[error("transport: {0}")]
    Transport(String),
    /// The server answered with a non-success status.
    #[error("status {0}")]
    Status(u16),
    /// The body was too large or not JSON.
    #[error("body: {0}")]
    Body(String),
}

/// Outbound HTTP for provider metadata, implemented by the server (one client, with
/// timeouts, a body-size cap and an SSRF guard).
#[async_trait]
pub trait HttpFetcher: Send + Sync {
    /// `GET url` and parse the body as JSON.
    async fn get_json(&self, url: &str) -> Result<Value, FetchError>;
    /// Whether plain `http://` issuers may be registered (development only).
    fn allows_insecure_http(&self) -> bool {
        false
    }
}

/// An issuer's JWKS `keys` and when they were fetched.
type CachedKeys = (Millis, Arc<Vec<Value>>);

/// Keys per issuer URL.
#[derive(Clone, Default)]
pub(crate) struct JwksCache(Arc<Mutex<HashMap<String, CachedKeys>>>);

impl JwksCache {
    fn get(&self, issuer: &str) -> Option<CachedKeys> {
        let map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        map.get(issuer).cloned()
    }

    fn put(&self, issuer: &str, at: Millis, keys: Arc<Vec<Value>>) {
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        map.insert(issuer.to_owned(), (at, keys));
    }
}

/// Why a provider's token was refused; callers turn it into their API's error.
#[derive(Debug)]
pub(crate) enum OidcRejection {
    /// `exp` has passed (the token's `exp`).
    Expired(i64),
    /// Signature, issuer, audience or subject is wrong.
    Invalid(&'static str),
    /// The provider's keys could not be fetched.
    Unreachable,
}

/// The issuer's host and path: the URL without its scheme (the `Logins` key, the ARN
/// suffix and the prefix of IAM condition keys).
pub fn issuer_host_path(url: &str) -> &str {
    url.split_once("://").map_or(url, |(_, rest)| rest)
}

fn invalid(msg: &str) -> CoreError {
    CoreError::InvalidParameter(msg.into())
}

impl Core {
    /// Sets the outbound HTTP client used to fetch OIDC provider keys.
    #[must_use]
    pub fn with_fetcher(mut self, fetcher: Arc<dyn HttpFetcher>) -> Self {
        self.fetcher = Some(fetcher);
        self
    }

    /// `arn:aws:iam::<account>:oidc-provider/<host/path>`.
    pub fn oidc_provider_arn(&self, host_path: &str) -> String {
        format!(
            "arn:aws:iam::{}:oidc-provider/{host_path}",
            self.settings.account_id
        )
    }

    fn check_provider_url(&self, url: &str) -> CoreResult<String> {
        let url = url.trim_end_matches('/');
        let insecure_ok = self
            .fetcher
            .as_ref()
            .is_some_and(|f| f.allows_insecure_http());
        let scheme_ok = url.starts_with("https://") || (insecure_ok && url.starts_with("http://"));
        let host_path = issuer_host_path(url);
        if !scheme_ok
            || url.len() > 255
            || host_path.is_empty()
            || host_path.starts_with('/')
            || host_path.contains(['?', '#', '@', ' '])
        {
            return Err(invalid(
                "Url must be an https:// URL with a host and no query or fragment.",
            ));
        }
        Ok(url.to_owned())
    }

    /// `CreateOpenIDConnectProvider`: client ids are the accepted `aud` values;
    /// thumbprints are stored for compatibility (keys are fetched over verified TLS).
    pub async fn create_open_id_connect_provider(
        &self,
        url: &str,
        client_ids: Vec<String>,
        thumbprints: Vec<String>,
    ) -> CoreResult<OidcProviderRecord> {
        let url = self.check_provider_url(url)?;
        if client_ids.len() > 100 || client_ids.iter().any(|c| c.is_empty() || c.len() > 255) {
            return Err(invalid(
                "ClientIDList holds up to 100 ids of 1 to 255 characters.",
            ));
        }
        let thumbprint_ok = |t: &String| t.len() == 40 && t.chars().all(|c| c.is_ascii_hexdigit());
        if thumbprints.len() > 5 || !thumbprints.iter().all(thumbprint_ok) {
            return Err(invalid(
                "ThumbprintList holds up to 5 40-character hex thumbprints.",
            ));
        }
        let record = OidcProviderRecord {
            arn: self.oidc_provider_arn(issuer_host_path(&url)),
            url,
            client_ids,
            thumbprints,
            created_at: self.now(),
        };
        match self.store.insert_oidc_provider(&record).await {
            Err(StoreError::Conflict { .. }) => Err(CoreError::EntityAlreadyExists(format!(
                "Provider with url {} already exists.",
                record.url
            ))),
            other => other.map(|_| record).map_err(Into::into),
        }
    }

    /// `GetOpenIDConnectProvider`.
    pub async fn get_open_id_connect_provider(&self, arn: &str) -> CoreResult<OidcProviderRecord> {
        self.store.get_oidc_provider(arn).await?.ok_or_else(|| {
            CoreError::NoSuchEntity(format!("OpenIDConnect Provider not found for arn {arn}"))
        })
    }

    /// `DeleteOpenIDConnectProvider`: idempotent, as IAM documents.
    pub async fn delete_open_id_connect_provider(&self, arn: &str) -> CoreResult<()> {
        self.store.delete_oidc_provider(arn).await?;
        Ok(())
    }

    /// `ListOpenIDConnectProviders`.
    pub async fn list_open_id_connect_providers(&self) -> CoreResult<Vec<OidcProviderRecord>> {
        Ok(self.store.list_oidc_providers().await?)
    }

    /// The registered provider whose URL is exactly `iss`, if any.
    pub(crate) async fn oidc_provider_for_issuer(
        &self,
        iss: &str,
    ) -> CoreResult<Option<OidcProviderRecord>> {
        if !(iss.starts_with("https://") || iss.starts_with("http://")) {
            return Ok(None);
        }
        let arn = self.oidc_provider_arn(issuer_host_path(iss));
        Ok(self
            .store
            .get_oidc_provider(&arn)
            .await?
            .filter(|p| p.url == iss))
    }

    /// Verifies a provider's ID token; returns its claims and the matched audience.
    pub(crate) async fn verify_oidc_token(
        &self,
        provider: &OidcProviderRecord,
        token: &str,
    ) -> Result<(Value, String), OidcRejection> {
        let now = self.now();
        let cached = self
            .oidc_keys
            .get(&provider.url)
            .filter(|(at, _)| now - at < KEYS_TTL_MS);
        let (fetched_at, keys) = match cached {
            Some(hit) => hit,
            None => (now, self.fetch_provider_keys(&provider.url).await?),
        };
        let claims = match verify_any(token, &keys, now / 1000) {
            Err(TokenError::UnknownKey) if now - fetched_at >= REFETCH_MIN_MS => {
                let keys = self.fetch_provider_keys(&provider.url).await?;
                verify_any(token, &keys, now / 1000)
            }
            other => other,
        };
        let claims = match claims {
            Ok(c) => c,
            Err(TokenError::Expired) => {
                let exp = token::peek_claims(token)
                    .ok()
                    .and_then(|c| c["exp"].as_i64())
                    .unwrap_or(0);
                return Err(OidcRejection::Expired(exp));
            }
            Err(_) => return Err(OidcRejection::Invalid("Couldn't verify signed token.")),
        };
        if claims["iss"] != provider.url.as_str() {
            return Err(OidcRejection::Invalid("Token issuer is not the provider."));
        }
        if claims["sub"].as_str().is_none_or(str::is_empty) {
            return Err(OidcRejection::Invalid("Token has no subject."));
        }
        let audiences: Vec<&str> = match &claims["aud"] {
            Value::String(a) => vec![a.as_str()],
            Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        let Some(aud) = audiences
            .into_iter()
            .find(|a| provider.client_ids.iter().any(|c| c == a))
            .map(str::to_owned)
        else {
            return Err(OidcRejection::Invalid("Incorrect token audience."));
        };
        Ok((claims, aud))
    }

    /// Discovery document, then JWKS; caches the keys.
    async fn fetch_provider_keys(&self, issuer: &str) -> Result<Arc<Vec<Value>>, OidcRejection> {
        let fetcher = self.fetcher.as_ref().ok_or(OidcRejection::Unreachable)?;
        // The fetcher logs its failures with their causes; callers see one answer.
        let unreachable = |_: FetchError| OidcRejection::Unreachable;
        let discovery = fetcher
            .get_json(&format!("{issuer}/.well-known/openid-configuration"))
            .await
            .map_err(unreachable)?;
        let jwks_uri = match (&discovery["issuer"], &discovery["jwks_uri"]) {
            (Value::String(i), Value::String(u)) if i.trim_end_matches('/') == issuer => u,
            _ => return Err(OidcRejection::Unreachable),
        };
        let jwks = fetcher.get_json(jwks_uri).await.map_err(unreachable)?;
        let keys = Arc::new(jwks["keys"].as_array().cloned().unwrap_or_default());
        self.oidc_keys.put(issuer, self.now(), keys.clone());
        Ok(keys)
    }
}

/// RS256 first (what providers use), then RS512.
fn verify_any(token: &str, keys: &[Value], now_secs: i64) -> Result<Value, TokenError> {
    match token::verify(token, keys, now_secs) {
        Err(TokenError::Malformed) => token::verify_rs512(token, keys, now_secs),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_path_drops_the_scheme_only() {
        assert_eq!(
            issuer_host_path("https://idp.example.com/tenant"),
            "idp.example.com/tenant"
        );
        assert_eq!(
            issuer_host_path("http://127.0.0.1:8080/x"),
            "127.0.0.1:8080/x"
        );
    }
}
