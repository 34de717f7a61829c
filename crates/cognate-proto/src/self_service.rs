//! Self-service shapes: sign-up and confirmation, password recovery and change, and the
//! access-token operations on one's own profile.

use crate::common::AttributeType;
use crate::user::MfaOption;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `CodeDeliveryDetailsType`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CodeDeliveryDetails {
    /// Masked destination (`j***@e***`, `+*******1234`).
    pub destination: String,
    /// `EMAIL` or `SMS`.
    pub delivery_medium: String,
    /// `email` or `phone_number`.
    pub attribute_name: String,
}

/// `SignUp` request.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SignUpRequest {
    /// The app client.
    pub client_id: Option<String>,
    /// HMAC of username and client id, for clients with a secret.
    pub secret_hash: Option<String>,
    /// Username (or email/phone in pools that sign in with them).
    pub username: Option<String>,
    /// The password.
    pub password: Option<String>,
    /// Attributes.
    pub user_attributes: Option<Vec<AttributeType>>,
    /// Passed to triggers; never stored.
    pub validation_data: Option<Vec<AttributeType>>,
    /// Analytics (accepted, unused).
    pub analytics_metadata: Option<serde_json::Value>,
    /// Device fingerprint and IP.
    pub user_context_data: Option<serde_json::Value>,
    /// Passed to triggers; never stored.
    pub client_metadata: Option<BTreeMap<String, String>>,
}

/// `SignUp` reply.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct SignUpResponse {
    /// Whether the user is already confirmed.
    pub user_confirmed: bool,
    /// The new user's `sub`.
    pub user_sub: String,
    /// Where the confirmation code went.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code_delivery_details: Option<CodeDeliveryDetails>,
    /// Session for signing in right after confirmation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session: Option<String>,
}

/// `ConfirmSignUp`, `ConfirmForgotPassword`, `ResendConfirmationCode`, `ForgotPassword`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CodeRequest {
    /// The app client.
    pub client_id: Option<String>,
    /// HMAC of username and client id, for clients with a secret.
    pub secret_hash: Option<String>,
    /// Username, alias or sub.
    pub username: Option<String>,
    /// The code (confirmations).
    pub confirmation_code: Option<String>,
    /// New password (`ConfirmForgotPassword`).
    pub password: Option<String>,
    /// Move a verified alias from another user (`ConfirmSignUp`).
    pub force_alias_creation: Option<bool>,
    /// Session (`ConfirmSignUp` for choice-based sign-in).
    pub session: Option<String>,
    /// Analytics (accepted, unused).
    pub analytics_metadata: Option<serde_json::Value>,
    /// Device fingerprint and IP.
    pub user_context_data: Option<serde_json::Value>,
    /// Passed to triggers; never stored.
    pub client_metadata: Option<BTreeMap<String, String>>,
}

/// `ConfirmSignUp` reply.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ConfirmSignUpResponse {
    /// Session for signing in right after confirmation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session: Option<String>,
}

/// Reply carrying one `CodeDeliveryDetails`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CodeDeliveryResponse {
    /// Where the code went.
    pub code_delivery_details: CodeDeliveryDetails,
}

/// `ChangePassword` request.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ChangePasswordRequest {
    /// Current password.
    pub previous_password: Option<String>,
    /// New password.
    pub proposed_password: Option<String>,
    /// The access token.
    pub access_token: Option<String>,
}

/// `GetUser` reply.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetUserResponse {
    /// The internal username.
    pub username: String,
    /// Attributes the client may read.
    pub user_attributes: Vec<AttributeType>,
    /// Legacy SMS MFA settings.
    #[serde(rename = "MFAOptions", skip_serializing_if = "Option::is_none")]
    pub mfa_options: Option<Vec<MfaOption>>,
    /// Preferred MFA method.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preferred_mfa_setting: Option<String>,
    /// Enabled MFA methods.
    #[serde(rename = "UserMFASettingList", skip_serializing_if = "Option::is_none")]
    pub user_mfa_setting_list: Option<Vec<String>>,
}

/// `UpdateUserAttributes` request.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateUserAttributesRequest {
    /// Attributes to set.
    pub user_attributes: Option<Vec<AttributeType>>,
    /// The access token.
    pub access_token: Option<String>,
    /// Passed to triggers; never stored.
    pub client_metadata: Option<BTreeMap<String, String>>,
}

/// `UpdateUserAttributes` reply.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateUserAttributesResponse {
    /// Codes sent for changed email/phone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code_delivery_details_list: Option<Vec<CodeDeliveryDetails>>,
}

/// `DeleteUserAttributes` request.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteUserAttributesRequest {
    /// Names to remove.
    pub user_attribute_names: Option<Vec<String>>,
    /// The access token.
    pub access_token: Option<String>,
}

/// `GetUserAttributeVerificationCode` / `VerifyUserAttribute` request.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AttributeVerificationRequest {
    /// The access token.
    pub access_token: Option<String>,
    /// `email` or `phone_number`.
    pub attribute_name: Option<String>,
    /// The code (`VerifyUserAttribute`).
    pub code: Option<String>,
    /// Passed to triggers; never stored.
    pub client_metadata: Option<BTreeMap<String, String>>,
}
