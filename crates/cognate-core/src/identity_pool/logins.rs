//! Verifying the `Logins` map of identity-pool calls. A user-pool login is the pool's
//! ID token, keyed by `cognito-idp.<region>.amazonaws.com/<poolId>` or by the token's
//! issuer without the scheme (what Amplify sends for a self-hosted issuer); the
//! identity service's own OpenID token is keyed `cognito-identity.amazonaws.com`.
//! A generic OIDC login is keyed by the issuer's host and path and must be one of the
//! pool's `OpenIdConnectProviderARNs` (see [`crate::oidc`]). Providers are resolved
//! through [`Provider`] so social and SAML slot in later.

use crate::Core;
use crate::error::{CoreError, CoreResult};
use crate::oidc::OidcRejection;
use crate::store::IdentityPoolRecord;
use crate::token::{self, TokenError};
use serde_json::Value;
use std::collections::BTreeMap;

/// Key of the identity service's own tokens in `Logins`.
pub const COGNITO_IDENTITY: &str = "cognito-identity.amazonaws.com";

/// A verified login.
#[derive(Debug, Clone)]
pub struct VerifiedLogin {
    /// Canonical provider name (`cognito-idp.<region>.amazonaws.com/<poolId>`).
    pub provider: String,
    /// Subject at the provider.
    pub subject: String,
    /// Key for role mappings (`<provider>:<clientId>` for user pools).
    pub mapping_key: String,
    /// The token's claims (for Rules mappings and principal tags).
    pub claims: Value,
    /// The middle word of the detailed `amr` entry: `CognitoSignIn` for user pools,
    /// `OAuth` for OIDC providers; empty where the entry is built elsewhere.
    pub amr_method: &'static str,
}

impl VerifiedLogin {
    /// The unique key linking this login to one identity.
    pub fn login_key(&self) -> String {
        format!("{}\n{}", self.provider, self.subject)
    }
}

/// Kinds of login providers an identity pool accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Provider {
    /// A Cognate user pool (by pool id).
    UserPool(String),
    /// The identity service's own token (developer and basic flows).
    CognitoIdentity,
    /// A generic OpenID Connect provider registered in IAM (by issuer host and path).
    Oidc(String),
}

fn not_supported() -> CoreError {
    CoreError::NotAuthorized("Token is not from a supported provider of this identity pool.".into())
}

fn invalid_token(detail: &str) -> CoreError {
    CoreError::NotAuthorized(format!("Invalid login token. {detail}"))
}

impl Core {
    /// Which provider a `Logins` key names.
    pub fn login_provider(&self, key: &str) -> Option<Provider> {
        if key == COGNITO_IDENTITY {
            return Some(Provider::CognitoIdentity);
        }
        let own = self
            .settings
            .public_url
            .split_once("://")
            .map_or(self.settings.public_url.as_str(), |(_, rest)| rest);
        let aws = format!("cognito-idp.{}.amazonaws.com", self.settings.region);
        let (host, pool) = key.rsplit_once('/')?;
        (host == aws || host == own).then(|| Provider::UserPool(pool.to_owned()))
    }

    /// The canonical provider name of a user pool.
    pub fn user_pool_provider_name(&self, pool_id: &str) -> String {
        format!(
            "cognito-idp.{}.amazonaws.com/{pool_id}",
            self.settings.region
        )
    }

    /// Verifies every login; any bad one fails the call.
    pub(crate) async fn verify_logins(
        &self,
        pool: &IdentityPoolRecord,
        logins: &BTreeMap<String, String>,
    ) -> CoreResult<Vec<VerifiedLogin>> {
        let mut out = Vec::with_capacity(logins.len());
        for (key, token) in logins {
            let provider = match self.pool_oidc_provider(pool, key) {
                Some(p) => Some(p),
                None => self.login_provider(key),
            };
            let login = match provider.ok_or_else(not_supported)? {
                Provider::UserPool(pool_id) => {
                    self.verify_user_pool_login(pool, &pool_id, token).await?
                }
                Provider::CognitoIdentity => self.verify_identity_token_login(pool, token).await?,
                Provider::Oidc(host_path) => self.verify_oidc_login(&host_path, token).await?,
            };
            out.push(login);
        }
        Ok(out)
    }

    async fn verify_user_pool_login(
        &self,
        ipool: &IdentityPoolRecord,
        pool_id: &str,
        token: &str,
    ) -> CoreResult<VerifiedLogin> {
        let provider = self.user_pool_provider_name(pool_id);
        let configured: Vec<_> = ipool
            .settings
            .cognito_identity_providers
            .iter()
            .flatten()
            .filter(|p| {
                p.provider_name
                    .as_deref()
                    .and_then(|n| self.login_provider(n))
                    == Some(Provider::UserPool(pool_id.to_owned()))
            })
            .collect();
        if configured.is_empty() {
            return Err(not_supported());
        }
        let user_pool = self
            .store
            .get_pool(pool_id)
            .await?
            .ok_or_else(not_supported)?;
        let keys = self.pool_keys(&user_pool.id).await?;
        let now = self.now() / 1000;
        let claims = match token::verify(token, &keys.jwks, now) {
            Ok(c) => c,
            Err(TokenError::Expired) => {
                let exp = token::peek_claims(token)
                    .ok()
                    .and_then(|c| c["exp"].as_i64())
                    .unwrap_or(0);
                return Err(invalid_token(&format!("Token expired: {exp} >= {now}")));
            }
            Err(_) => return Err(invalid_token("Token signature invalid.")),
        };
        if claims["token_use"] != "id" || claims["iss"] != self.issuer(pool_id).as_str() {
            return Err(invalid_token("Token is not an ID token of this provider."));
        }
        let aud = claims["aud"].as_str().unwrap_or_default().to_owned();
        let Some(entry) = configured
            .iter()
            .find(|p| p.client_id.as_deref() == Some(aud.as_str()))
        else {
            return Err(invalid_token(
                "Token is from an app client this identity pool does not accept.",
            ));
        };
        let sub = claims["sub"]
            .as_str()
            .ok_or_else(|| invalid_token("Token has no subject."))?
            .to_owned();
        if entry.server_side_token_check == Some(true) {
            self.server_side_token_check(pool_id, &sub, &claims).await?;
        }
        Ok(VerifiedLogin {
            mapping_key: format!("{provider}:{aud}"),
            provider,
            subject: sub,
            claims,
            amr_method: "CognitoSignIn",
        })
    }

    /// [`Provider::Oidc`] when `key` names one of the pool's `OpenIdConnectProviderARNs`.
    fn pool_oidc_provider(&self, pool: &IdentityPoolRecord, key: &str) -> Option<Provider> {
        let arn = self.oidc_provider_arn(key);
        let arns = pool.settings.open_id_connect_provider_arns.as_ref()?;
        arns.contains(&arn).then(|| Provider::Oidc(key.to_owned()))
    }

    /// A generic OIDC login: the provider's ID token, verified with its published keys.
    async fn verify_oidc_login(&self, host_path: &str, token: &str) -> CoreResult<VerifiedLogin> {
        let provider = self
            .store
            .get_oidc_provider(&self.oidc_provider_arn(host_path))
            .await?
            .ok_or_else(not_supported)?;
        let (claims, _aud) = match self.verify_oidc_token(&provider, token).await {
            Ok(ok) => ok,
            Err(OidcRejection::Expired(exp)) => {
                let now = self.now() / 1000;
                return Err(invalid_token(&format!("Token expired: {exp} >= {now}")));
            }
            Err(OidcRejection::Invalid(why)) => return Err(invalid_token(why)),
            Err(OidcRejection::Unreachable) => {
                return Err(invalid_token("Couldn't verify signed token."));
            }
        };
        Ok(VerifiedLogin {
            provider: host_path.to_owned(),
            subject: claims["sub"].as_str().unwrap_or_default().to_owned(),
            mapping_key: host_path.to_owned(),
            claims,
            amr_method: "OAuth",
        })
    }

    /// The user must still exist, be enabled and not have signed out since the token.
    async fn server_side_token_check(
        &self,
        pool_id: &str,
        sub: &str,
        claims: &Value,
    ) -> CoreResult<()> {
        let holder = self
            .store
            .token_holder(pool_id, sub, claims["origin_jti"].as_str())
            .await?
            .ok_or_else(|| invalid_token("The user no longer exists."))?;
        let iat_ms = claims["iat"].as_i64().unwrap_or(0) * 1000;
        if !holder.user.enabled || holder.origin_revoked || iat_ms < holder.tokens_valid_after {
            return Err(invalid_token("Token has been revoked."));
        }
        Ok(())
    }
}
