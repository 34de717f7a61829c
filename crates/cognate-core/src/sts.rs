//! STS `AssumeRoleWithWebIdentity` for identity-pool OpenID tokens (the basic flow) and
//! `GetCallerIdentity`. The role's trust policy is evaluated with the token's claims as
//! `cognito-identity.amazonaws.com:aud`, `:sub` and `:amr`.
//! <https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html>

use crate::Core;
use crate::error::{CoreError, CoreResult};
use crate::identity_pool::credentials::MintedCredentials;
use crate::identity_pool::logins::COGNITO_IDENTITY;
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
        let claims = self.verify_web_identity(web_token).await?;
        let sub = claims["sub"].as_str().unwrap_or_default().to_owned();
        let aud = claims["aud"].as_str().unwrap_or_default().to_owned();
        let amr: Vec<String> = claims["amr"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect();
        let mut context = Context::new().with_request_time(self.now() / 1000);
        context.insert("cognito-identity.amazonaws.com:aud", aud.clone());
        context.insert("cognito-identity.amazonaws.com:sub", sub.clone());
        context.insert_multi("cognito-identity.amazonaws.com:amr", amr.clone());
        let trust = Policy::parse_trust(&role.trust_policy)
            .map_err(|e| CoreError::AccessDenied(e.to_string()))?;
        if cognate_policy::evaluate_trust(
            &trust,
            COGNITO_IDENTITY,
            "sts:AssumeRoleWithWebIdentity",
            &context,
        ) != Decision::Allow
        {
            return Err(CoreError::AccessDenied(format!(
                "Not authorized to perform sts:AssumeRoleWithWebIdentity on {role_arn}"
            )));
        }
        let mut creds_context: BTreeMap<String, Vec<String>> = BTreeMap::new();
        creds_context.insert(
            "cognito-identity.amazonaws.com:sub".into(),
            vec![sub.clone()],
        );
        creds_context.insert(
            "cognito-identity.amazonaws.com:aud".into(),
            vec![aud.clone()],
        );
        creds_context.insert("cognito-identity.amazonaws.com:amr".into(), amr);
        let credentials = self
            .mint_credentials(
                role_arn,
                session_name,
                Some(&sub),
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
            subject: sub,
            audience: aud,
            provider: COGNITO_IDENTITY.into(),
        })
    }

    async fn verify_web_identity(&self, web_token: &str) -> CoreResult<serde_json::Value> {
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
