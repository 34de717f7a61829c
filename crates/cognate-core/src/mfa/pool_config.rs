//! `SetUserPoolMfaConfig` / `GetUserPoolMfaConfig`: which factors a pool offers and
//! whether MFA is off, optional or required. `MfaConfiguration`, the SMS text and the SMS
//! sending settings stay in the pool's settings document, so `DescribeUserPool` shows
//! the same values; the other factors are stored next to it, in the same transaction.
//! <https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_SetUserPoolMfaConfig.html>

use crate::Core;
use crate::error::{CoreError, CoreResult};
use crate::store::{PoolMfaConfig, UserPoolRecord};
use crate::user_pool::check_pool_id;
use cognate_proto::mfa::{
    SetUserPoolMfaConfigRequest, SmsMfaConfig, SoftwareTokenMfaConfig, UserPoolMfaConfigResponse,
};
use cognate_proto::user_pool::UserPoolIdRequest;
use cognate_proto::validate::Validator;

/// SMS MFA text when the pool sets none (§3.9).
pub const DEFAULT_SMS_MESSAGE: &str = "Your authentication code is {####}.";
/// Email MFA body when the pool sets none.
pub const DEFAULT_EMAIL_MESSAGE: &str = "Your authentication code is {####}.";
/// Email MFA subject when the pool sets none.
pub const DEFAULT_EMAIL_SUBJECT: &str = "Your authentication code";

const CODE_TEXT_PATTERN: &str = r".*\{####\}.*";
const SUBJECT_PATTERN: &str = r"[\p{L}\p{M}\p{S}\p{N}\p{P}\s]+";

/// A pool's MFA mode and factors, as sign-in applies them.
#[derive(Debug, Clone)]
pub(crate) struct PoolFactors {
    /// `OFF`, `ON` or `OPTIONAL`.
    pub(crate) mode: String,
    /// The factors on.
    pub(crate) config: PoolMfaConfig,
}

impl PoolFactors {
    /// MFA is off for the pool.
    pub(crate) fn off(&self) -> bool {
        self.mode == "OFF"
    }
}

fn has_code(text: &str) -> bool {
    text.contains("{####}")
}

fn validate(req: &SetUserPoolMfaConfigRequest) -> CoreResult<()> {
    let mut val = Validator::new();
    val.one_of(
        "mfaConfiguration",
        req.mfa_configuration.as_deref(),
        &["OFF", "ON", "OPTIONAL"],
    );
    if let Some(sms) = &req.sms_mfa_configuration {
        let f = "smsMfaConfiguration.smsAuthenticationMessage";
        let text = sms.sms_authentication_message.as_deref();
        val.len(f, text, 6, 140)
            .pattern(f, text, CODE_TEXT_PATTERN, has_code);
    }
    if let Some(email) = &req.email_mfa_configuration {
        let f = "emailMfaConfiguration.message";
        let text = email.message.as_deref();
        val.len(f, text, 6, 20000)
            .pattern(f, text, CODE_TEXT_PATTERN, has_code);
        let f = "emailMfaConfiguration.subject";
        let subject = email.subject.as_deref();
        val.len(f, subject, 1, 140)
            .pattern(f, subject, SUBJECT_PATTERN, |s| {
                s.chars().all(|c| !c.is_control() || c.is_whitespace())
            });
    }
    if let Some(w) = &req.web_authn_configuration {
        val.len(
            "webAuthnConfiguration.relyingPartyId",
            w.relying_party_id.as_deref(),
            1,
            127,
        )
        .one_of(
            "webAuthnConfiguration.userVerification",
            w.user_verification.as_deref(),
            &["required", "preferred"],
        )
        .one_of(
            "webAuthnConfiguration.factorConfiguration",
            w.factor_configuration.as_deref(),
            &["SINGLE_FACTOR", "MULTI_FACTOR_WITH_USER_VERIFICATION"],
        );
    }
    val.finish().map_err(CoreError::InvalidParameter)
}

fn response(pool: &UserPoolRecord, factors: &PoolFactors) -> UserPoolMfaConfigResponse {
    let s = &pool.settings;
    UserPoolMfaConfigResponse {
        sms_mfa_configuration: factors.config.sms_enabled.then(|| SmsMfaConfig {
            sms_authentication_message: s.sms_authentication_message.clone(),
            sms_configuration: s.sms_configuration.clone(),
        }),
        software_token_mfa_configuration: Some(SoftwareTokenMfaConfig {
            enabled: Some(factors.config.software_token_enabled),
        }),
        email_mfa_configuration: factors.config.email.clone(),
        mfa_configuration: Some(factors.mode.clone()),
        web_authn_configuration: factors.config.web_authn.clone(),
    }
}

impl Core {
    /// The pool's MFA mode and factors. A pool never given `SetUserPoolMfaConfig` has
    /// SMS MFA exactly when MFA is not off (what `CreateUserPool` can configure).
    pub(crate) async fn pool_factors(&self, pool: &UserPoolRecord) -> CoreResult<PoolFactors> {
        let mode = pool
            .settings
            .mfa_configuration
            .clone()
            .unwrap_or_else(|| "OFF".into());
        let config = match self.store.get_pool_mfa(&pool.id).await? {
            Some(c) => c,
            None => PoolMfaConfig {
                sms_enabled: mode != "OFF",
                ..Default::default()
            },
        };
        Ok(PoolFactors { mode, config })
    }

    /// `GetUserPoolMfaConfig`.
    pub async fn get_user_pool_mfa_config(
        &self,
        req: UserPoolIdRequest,
    ) -> CoreResult<UserPoolMfaConfigResponse> {
        let pool = self.load_pool(check_pool_id(&req.user_pool_id)?).await?;
        let factors = self.pool_factors(&pool).await?;
        Ok(response(&pool, &factors))
    }

    /// `SetUserPoolMfaConfig`: factors not named are turned off (passkey settings and an
    /// absent `MfaConfiguration` stay as they are); MFA cannot be off with factors
    /// configured, nor on or optional without any.
    pub async fn set_user_pool_mfa_config(
        &self,
        req: SetUserPoolMfaConfigRequest,
    ) -> CoreResult<UserPoolMfaConfigResponse> {
        let id = check_pool_id(&req.user_pool_id)?.to_owned();
        validate(&req)?;
        let mut pool = self.load_pool(&id).await?;
        let current = self.pool_factors(&pool).await?;
        let mode = req.mfa_configuration.clone().unwrap_or(current.mode);
        let config = PoolMfaConfig {
            sms_enabled: req.sms_mfa_configuration.is_some(),
            software_token_enabled: req
                .software_token_mfa_configuration
                .as_ref()
                .and_then(|t| t.enabled)
                .unwrap_or(false),
            email: req.email_mfa_configuration.clone(),
            web_authn: req
                .web_authn_configuration
                .clone()
                .or(current.config.web_authn),
        };
        let any = config.sms_enabled || config.software_token_enabled || config.email.is_some();
        if mode == "OFF" && any {
            return Err(CoreError::InvalidParameter(
                "Invalid MFA configuration given, can't turn off MFA and configure an MFA together."
                    .into(),
            ));
        }
        if mode != "OFF" && !any {
            return Err(CoreError::InvalidParameter(
                "Invalid MFA configuration given, can't disable all MFAs with a required or optional configuration."
                    .into(),
            ));
        }
        if let Some(sms) = req.sms_mfa_configuration {
            if sms.sms_authentication_message.is_some() {
                pool.settings.sms_authentication_message = sms.sms_authentication_message;
            }
            if sms.sms_configuration.is_some() {
                pool.settings.sms_configuration = sms.sms_configuration;
            }
        }
        pool.settings.mfa_configuration = Some(mode.clone());
        pool.updated_at = self.now();
        self.store.set_pool_mfa(&pool, &config).await?;
        Ok(response(&pool, &PoolFactors { mode, config }))
    }
}
