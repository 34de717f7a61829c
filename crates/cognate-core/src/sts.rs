//! STS `AssumeRoleWithWebIdentity` for identity-pool OpenID tokens (the basic flow) and
//! ID tokens of OIDC providers registered in IAM, and `GetCallerIdentity`. The role's
//! trust policy is evaluated with the token's claims as
//! `cognito-identity.amazonaws.com:aud`, `:sub` and `:amr` (principal
//! `cognito-identity.amazonaws.com`), or `<issuer host/path>:aud` and `:sub` (principal
//! the provider's ARN).
//! <https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html>

use crate::Core;
use crate::error::{CoreError, CoreResult};
use crate::identity_pool::credentials::MintedCredentials;
use crate::identity_pool::logins::COGNITO_IDENTITY;
use crate::oidc::{OidcRejection, issuer_host_path};
use crate::store::OidcProviderRecord;
use crate::token::{self, TokenError};
use cognate_policy::{Context, Decision, Policy};
use std::collections::BTreeMap;

/// The result of `AssumeRoleWithWebIdentity`.
#[derive(Debug, Clone)]
pub struct AssumedRole {
    /// The credentials.
    pub credentials: MintedCredentials,
    /// `arn:aws:sts::<account>:assumed-role/<role>/<session>`.
    pub assumed_role_arn: String,
    /// `<role id>:<session>`.
    pub assumed_role_id: String,
    /// The token's `sub`.
    pub subject: String,
    /// The token's `aud`.
    pub audience: String,
    /// The token's issuer, as STS reports it.
    pub provider: String,
}

/// What a verified web identity token brings to the trust policy.
struct WebIdentity {
    /// `Principal.Federated` the trust policy must name.
    principal: String,
    /// Prefix of the condition keys (`cognito-identity.amazonaws.com`, `<host/path>`).
    prefix: String,
    sub: String,
    aud: String,
    /// `amr` values, for identity-pool tokens only.
    amr: Option<Vec<String>>,
    /// `Provider` in the response.
    provider: String,
}

/// Who signed a request.
#[derive(Debug, Clone)]
pub struct CallerIdentity {
    /// Unique id (`<role id>:<session>` for assumed roles).
    pub user_id: String,
    /// Account.
    pub account: String,
    /// ARN.
    pub arn: String,
}

fn check_session_name(name: &str) -> CoreResult<()> {
    let ok = (2..=64).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_+=,.@-".contains(c));
    if ok {
        Ok(())
    } else {
        Err(CoreError::InvalidParameter(
            "RoleSessionName must be 2 to 64 characters of [\\w+=,.@-].".into(),
        ))
    }
}

impl Core {
    /// `AssumeRoleWithWebIdentity`.
    pub async fn assume_role_with_web_identity(
        &self,
        role_arn: &str,
        session_name: &str,
        web_token: &str,
        duration_secs: Option<i64>,
    ) -> CoreResult<AssumedRole> {
        check_session_name(session_name)?;
        let role = self.store.get_role_by_arn(role_arn).await?.ok_or_else(|| {
            CoreError::AccessDenied(format!(
                "Not authorized to perform sts:AssumeRoleWithWebIdentity on {role_arn}"
            ))
        })?;
        let duration = duration_secs.unwrap_or(3600);
        if !(900..=role.max_session_secs.max(3600)).contains(&duration) {
            return Err(CoreError::InvalidParameter(format!(
                "The requested DurationSeconds exceeds the MaxSessionDuration set for this role ({}s) or is below 900s.",
                role.max_session_secs
            )));
        }
        let who = self.verify_web_identity(web_token).await?;
        let mut creds_context: BTreeMap<String, Vec<String>> = BTreeMap::new();
        creds_context.insert(format!("{}:sub", who.prefix), vec![who.sub.clone()]);
        creds_context.insert(format!("{}:aud", who.prefix), vec![who.aud.clone()]);
        if let Some(amr) = &who.amr {
            creds_context.insert(format!("{}:amr", who.prefix), amr.clone());
        }
        let mut context = Context::new().with_request_time(self.now() / 1000);
        for (key, values) in &creds_context {
            if key.ends_with(":amr") {
                context.insert_multi(key, values.clone());
            } else {
                crate::iam::add_context(&mut context, key, values);
            }
        }
        let trust = Policy::parse_trust(&role.trust_policy)
            .map_err(|e| CoreError::AccessDenied(e.to_string()))?;
        if cognate_policy::evaluate_trust(
            &trust,
            &who.principal,
            "sts:AssumeRoleWithWebIdentity",
            &context,
        ) != Decision::Allow
        {
            return Err(CoreError::AccessDenied(format!(
                "Not authorized to perform sts:AssumeRoleWithWebIdentity on {role_arn}"
            )));
        }
        let credentials = self
            .mint_credentials(
                role_arn,
                session_name,
                Some(&who.sub),
                &creds_context,
                duration * 1000,
            )
            .await?;
        Ok(AssumedRole {
            credentials,
            assumed_role_arn: format!(
                "arn:aws:sts::{}:assumed-role/{}/{session_name}",
                self.settings.account_id, role.name
            ),
            assumed_role_id: format!("{}:{session_name}", role.role_id),
            subject: who.sub,
            audience: who.aud,
            provider: who.provider,
        })
    }

    /// Verifies an identity-pool token, or the ID token of a registered OIDC provider.
    async fn verify_web_identity(&self, web_token: &str) -> CoreResult<WebIdentity> {
        let iss = token::peek_claims(web_token)
            .ok()
            .and_then(|c| c["iss"].as_str().map(str::to_owned))
            .unwrap_or_default();
        if iss != self.identity_issuer()
            && let Some(provider) = self.oidc_provider_for_issuer(&iss).await?
        {
            return self.verify_oidc_web_identity(&provider, web_token).await;
        }
        let claims = self.verify_identity_web_token(web_token).await?;
        let amr = claims["amr"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect();
        Ok(WebIdentity {
            principal: COGNITO_IDENTITY.into(),
            prefix: COGNITO_IDENTITY.into(),
            sub: claims["sub"].as_str().unwrap_or_default().to_owned(),
            aud: claims["aud"].as_str().unwrap_or_default().to_owned(),
            amr: Some(amr),
            provider: COGNITO_IDENTITY.into(),
        })
    }

    /// An OIDC provider's token: the principal and `Provider` are the provider's ARN,
    /// condition keys are `<host/path>:aud` and `:sub` (IAM's names).
    async fn verify_oidc_web_identity(
        &self,
        provider: &OidcProviderRecord,
        web_token: &str,
    ) -> CoreResult<WebIdentity> {
        let (claims, aud) = match self.verify_oidc_token(provider, web_token).await {
            Ok(ok) => ok,
            Err(OidcRejection::Expired(_)) => {
                return Err(CoreError::ExpiredToken(
                    "Token expired: current date/time is past the token's exp.".into(),
                ));
            }
            Err(OidcRejection::Invalid(why)) => {
                return Err(CoreError::InvalidIdentityToken(why.into()));
            }
            // STS answers IDPCommunicationError here; Cognate reports it as an invalid token.
            Err(OidcRejection::Unreachable) => {
                return Err(CoreError::InvalidIdentityToken(
                    "Couldn't retrieve verification key from your identity provider.".into(),
                ));
            }
        };
        Ok(WebIdentity {
            principal: provider.arn.clone(),
            prefix: issuer_host_path(&provider.url).to_owned(),
            sub: claims["sub"].as_str().unwrap_or_default().to_owned(),
            aud,
            amr: None,
            provider: provider.arn.clone(),
        })
    }

    async fn verify_identity_web_token(&self, web_token: &str) -> CoreResult<serde_json::Value> {
        let keys = self.identity_jwks().await?;
        let jwks = keys["keys"].as_array().cloned().unwrap_or_default();
        match token::verify_rs512(web_token, &jwks, self.now() / 1000) {
            Ok(claims) if claims["iss"] == self.identity_issuer().as_str() => Ok(claims),
            Ok(_) => Err(CoreError::InvalidIdentityToken("The web identity token's issuer is not trusted.".into())),
            Err(TokenError::Expired) => Err(CoreError::ExpiredToken("Token expired: current date/time is past the token's exp.".into())),
            Err(_) => Err(CoreError::InvalidIdentityToken("The web identity token that was passed could not be validated by AWS. Get a new identity token from the identity provider and then retry the request.".into())),
        }
    }

    /// `GetCallerIdentity` for live temporary credentials.
    pub async fn caller_identity(
        &self,
        access_key_id: &str,
        session_token: &str,
    ) -> CoreResult<CallerIdentity> {
        let principal = self
            .credentials_principal(access_key_id, session_token)
            .await?
            .ok_or_else(|| {
                CoreError::AccessDenied(
                    "The security token included in the request is invalid.".into(),
                )
            })?;
        let role = self
            .store
            .get_role_by_arn(&principal.record.role_arn)
            .await?;
        let (role_name, role_id) = role.map_or_else(
            || {
                (
                    principal
                        .record
                        .role_arn
                        .rsplit('/')
                        .next()
                        .unwrap_or_default()
                        .to_owned(),
                    "AROAUNKNOWN".to_owned(),
                )
            },
            |r| (r.name, r.role_id),
        );
        let session = &principal.record.session_name;
        Ok(CallerIdentity {
            user_id: format!("{role_id}:{session}"),
            account: self.settings.account_id.clone(),
            arn: format!(
                "arn:aws:sts::{}:assumed-role/{role_name}/{session}",
                self.settings.account_id
            ),
        })
    }

    /// The account id (for callers signed with the admin key).
    pub fn account_id(&self) -> &str {
        &self.settings.account_id
    }
}
