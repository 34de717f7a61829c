//! A pool's passkey settings: whether passkeys are on, the relying party id, the user
//! verification requirement, and the origins passkey responses may come from.
//!
//! Relying party id: the pool's `WebAuthnConfiguration.RelyingPartyId` (set with
//! `SetUserPoolMfaConfig`), else the pool's custom domain (Cognito requires that one
//! when it exists), else the host of the public URL. An IP-address host cannot be a
//! relying party id, so a pool with none of these answers
//! `WebAuthnConfigurationMissingException`.

use super::{WebAuthnFault, fault};
use crate::Core;
use crate::error::CoreResult;
use crate::store::UserPoolRecord;
use std::time::Duration;
use url::Url;
use webauthn_rs_core::WebauthnCore;
use webauthn_rs_core::proto::UserVerificationPolicy;

/// What the WebAuthn ceremonies of one pool need.
#[derive(Debug, Clone)]
pub struct PasskeySettings {
    /// The relying party id.
    pub rp_id: String,
    /// The relying party name shown by authenticators (the pool name).
    pub rp_name: String,
    /// `required` or `preferred` user verification.
    pub user_verification: UserVerificationPolicy,
    /// Origins responses may come from (their subdomains too, same scheme and port).
    pub origins: Vec<Url>,
}

impl PasskeySettings {
    /// The WebAuthn verifier for these settings; `timeout_ms` is the ceremony timeout
    /// sent to the browser.
    pub(crate) fn verifier(&self, timeout_ms: i64) -> WebauthnCore {
        WebauthnCore::new_unsafe_experts_only(
            &self.rp_name,
            &self.rp_id,
            self.origins.clone(),
            Duration::from_millis(timeout_ms.max(0) as u64),
            Some(true),
            Some(false),
        )
    }
}

/// The host of a URL when it is a domain name (not an IP address).
fn domain_of(url: &str) -> Option<String> {
    Url::parse(url)
        .ok()?
        .domain()
        .map(|d| d.trim_end_matches('.').to_ascii_lowercase())
}

/// `host` is `rp_id` or one of its subdomains.
fn within(host: &str, rp_id: &str) -> bool {
    host == rp_id
        || host
            .strip_suffix(rp_id)
            .is_some_and(|prefix| prefix.ends_with('.'))
}

/// Passkeys are enabled when the pool's plan allows them (not LITE) and the pool offers
/// them as a first factor (`SignInPolicy.AllowedFirstAuthFactors` has `WEB_AUTHN`) or
/// as MFA (`FactorConfiguration = MULTI_FACTOR_WITH_USER_VERIFICATION`).
fn enabled(pool: &UserPoolRecord, factor_configuration: Option<&str>) -> bool {
    let s = &pool.settings;
    if s.user_pool_tier.as_deref() == Some("LITE") {
        return false;
    }
    let first_factor = s
        .policies
        .as_ref()
        .and_then(|p| p.sign_in_policy.as_ref())
        .and_then(|p| p["AllowedFirstAuthFactors"].as_array())
        .is_some_and(|factors| factors.iter().any(|f| f == "WEB_AUTHN"));
    first_factor || factor_configuration == Some("MULTI_FACTOR_WITH_USER_VERIFICATION")
}

impl Core {
    /// The pool's custom domains, as host names.
    async fn custom_domains(&self, pool_id: &str) -> CoreResult<Vec<String>> {
        Ok(self
            .store
            .domains_of_pool(pool_id)
            .await?
            .into_iter()
            .filter(|d| d.custom)
            .map(|d| d.domain)
            .collect())
    }

    /// The origins passkey responses for `rp_id` may come from: the public URL's origin
    /// (which also serves the pool's prefix domain), each custom domain's `https` origin,
    /// and `https://<rp_id>`; each with its subdomains. Origins outside `rp_id` are left
    /// out, since no browser would use them for it.
    pub async fn passkey_origins(&self, pool_id: &str, rp_id: &str) -> CoreResult<Vec<Url>> {
        let mut candidates = vec![self.settings.public_url.clone()];
        for domain in self.custom_domains(pool_id).await? {
            candidates.push(format!("https://{domain}"));
        }
        candidates.push(format!("https://{rp_id}"));
        let mut origins: Vec<Url> = Vec::new();
        for candidate in candidates {
            let Ok(url) = Url::parse(&candidate) else {
                continue;
            };
            let Some(host) = url.domain().map(str::to_ascii_lowercase) else {
                continue;
            };
            let Ok(origin) = Url::parse(&url.origin().ascii_serialization()) else {
                continue;
            };
            if within(&host, rp_id) && !origins.contains(&origin) {
                origins.push(origin);
            }
        }
        Ok(origins)
    }

    /// The pool's passkey settings. With `require_enabled`, a pool that does not offer
    /// passkeys answers `WebAuthnNotEnabledException`.
    pub async fn passkey_settings(
        &self,
        pool: &UserPoolRecord,
        require_enabled: bool,
    ) -> CoreResult<PasskeySettings> {
        let config = self
            .store
            .get_pool_mfa(&pool.id)
            .await?
            .and_then(|c| c.web_authn)
            .unwrap_or_default();
        if require_enabled && !enabled(pool, config.factor_configuration.as_deref()) {
            return Err(fault(
                WebAuthnFault::NotEnabled,
                "Passkeys are not enabled for this user pool.",
            ));
        }
        let configured = config
            .relying_party_id
            .map(|id| id.trim_end_matches('.').to_ascii_lowercase())
            .filter(|id| !id.is_empty());
        let rp_id = match configured {
            Some(id) => Some(id),
            None => match self.custom_domains(&pool.id).await?.into_iter().next() {
                Some(domain) => Some(domain),
                None => domain_of(&self.settings.public_url),
            },
        };
        let rp_id = rp_id.ok_or_else(|| {
            fault(
                WebAuthnFault::ConfigurationMissing,
                "The user pool has no relying party id for passkeys: set WebAuthnConfiguration.RelyingPartyId or add a domain.",
            )
        })?;
        let user_verification = match config.user_verification.as_deref() {
            Some("required") => UserVerificationPolicy::Required,
            _ => UserVerificationPolicy::Preferred,
        };
        let origins = self.passkey_origins(&pool.id, &rp_id).await?;
        Ok(PasskeySettings {
            rp_name: pool.name.clone(),
            rp_id,
            user_verification,
            origins,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domains_and_subdomains() {
        assert_eq!(
            domain_of("https://Auth.Example.com/x"),
            Some("auth.example.com".into())
        );
        assert_eq!(domain_of("http://127.0.0.1:9229"), None);
        assert_eq!(domain_of("http://localhost:9229"), Some("localhost".into()));
        assert!(within("a.example.com", "example.com"));
        assert!(within("example.com", "example.com"));
        assert!(!within("badexample.com", "example.com"));
        assert!(!within("example.com", "a.example.com"));
    }
}
