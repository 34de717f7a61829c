//! Multi-factor authentication shapes: `SetUserPoolMfaConfig`, `GetUserPoolMfaConfig`,
//! `SetUserMFAPreference`, `AdminSetUserMFAPreference`, `AssociateSoftwareToken` and
//! `VerifySoftwareToken`.
//! <https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_SetUserPoolMfaConfig.html>

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// `SmsMfaConfigType`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SmsMfaConfig {
    /// SMS text with `{####}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sms_authentication_message: Option<String>,
    /// SMS sending settings (`SnsCallerArn`, `ExternalId`, `SnsRegion`), kept as sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sms_configuration: Option<Value>,
}

/// `SoftwareTokenMfaConfigType`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SoftwareTokenMfaConfig {
    /// Whether TOTP MFA is available in the pool.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
}

/// `EmailMfaConfigType`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EmailMfaConfig {
    /// Email body with `{####}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Email subject.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
}

/// `WebAuthnConfigurationType`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct WebAuthnConfig {
    /// The relying party id (a domain).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relying_party_id: Option<String>,
    /// `required | preferred`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_verification: Option<String>,
    /// `SINGLE_FACTOR | MULTI_FACTOR_WITH_USER_VERIFICATION`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub factor_configuration: Option<String>,
}

/// `SetUserPoolMfaConfig` request.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SetUserPoolMfaConfigRequest {
    /// The pool.
    pub user_pool_id: Option<String>,
    /// SMS MFA; absent turns it off.
    pub sms_mfa_configuration: Option<SmsMfaConfig>,
    /// TOTP MFA; absent turns it off.
    pub software_token_mfa_configuration: Option<SoftwareTokenMfaConfig>,
    /// Email MFA; absent turns it off.
    pub email_mfa_configuration: Option<EmailMfaConfig>,
    /// Passkey settings; absent leaves them as they are.
    pub web_authn_configuration: Option<WebAuthnConfig>,
    /// `OFF | ON | OPTIONAL`; absent leaves it as it is.
    pub mfa_configuration: Option<String>,
}

/// `SetUserPoolMfaConfig` and `GetUserPoolMfaConfig` reply.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserPoolMfaConfigResponse {
    /// SMS MFA, when on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sms_mfa_configuration: Option<SmsMfaConfig>,
    /// TOTP MFA.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub software_token_mfa_configuration: Option<SoftwareTokenMfaConfig>,
    /// Email MFA, when on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_mfa_configuration: Option<EmailMfaConfig>,
    /// `OFF | ON | OPTIONAL`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mfa_configuration: Option<String>,
    /// Passkey settings, when set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub web_authn_configuration: Option<WebAuthnConfig>,
}

/// `SMSMfaSettingsType`, `SoftwareTokenMfaSettingsType`, `EmailMfaSettingsType`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct MfaSettings {
    /// Whether the factor is on for the user.
    pub enabled: Option<bool>,
    /// Whether it is the user's preferred factor.
    pub preferred_mfa: Option<bool>,
}

/// `WebAuthnMfaSettingsType`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct WebAuthnMfaSettings {
    /// Whether passkeys count as MFA for the user.
    pub enabled: Option<bool>,
}

/// `SetUserMFAPreference` and `AdminSetUserMFAPreference` request (the admin form names
/// the pool and user instead of an access token).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SetUserMfaPreferenceRequest {
    /// SMS MFA; absent leaves it as it is.
    #[serde(rename = "SMSMfaSettings")]
    pub sms_mfa_settings: Option<MfaSettings>,
    /// TOTP MFA; absent leaves it as it is.
    pub software_token_mfa_settings: Option<MfaSettings>,
    /// Email MFA; absent leaves it as it is.
    pub email_mfa_settings: Option<MfaSettings>,
    /// Passkeys as MFA; absent leaves it as it is.
    pub web_authn_mfa_settings: Option<WebAuthnMfaSettings>,
    /// Self-service form: the access token.
    pub access_token: Option<String>,
    /// Admin form: the pool.
    pub user_pool_id: Option<String>,
    /// Admin form: username, alias or sub.
    pub username: Option<String>,
}

/// `AssociateSoftwareToken` request: an access token or an MFA_SETUP session, not both.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AssociateSoftwareTokenRequest {
    /// The access token.
    pub access_token: Option<String>,
    /// The MFA_SETUP session.
    pub session: Option<String>,
}

/// `AssociateSoftwareToken` reply.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AssociateSoftwareTokenResponse {
    /// The TOTP secret, Base32.
    pub secret_code: String,
    /// The next session, when called with one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session: Option<String>,
}

/// `VerifySoftwareToken` request.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct VerifySoftwareTokenRequest {
    /// The access token.
    pub access_token: Option<String>,
    /// The session from `AssociateSoftwareToken`.
    pub session: Option<String>,
    /// The 6-digit code from the authenticator.
    pub user_code: Option<String>,
    /// A name for the authenticator.
    pub friendly_device_name: Option<String>,
}

/// `VerifySoftwareToken` reply.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct VerifySoftwareTokenResponse {
    /// `SUCCESS` (a wrong code is an error).
    pub status: String,
    /// The next session, when called with one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session: Option<String>,
}
