//! User-pool shapes: `CreateUserPool`, `DescribeUserPool`, `UpdateUserPool`,
//! `DeleteUserPool`, `ListUserPools`, `AddCustomAttributes`.
//!
//! [`UserPoolSettings`] is the pool's whole configuration document; Cognate stores it as
//! given (after defaults are filled) so `DescribeUserPool` echoes every field.

use crate::common::Tags;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// `PasswordPolicyType`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PasswordPolicy {
    /// 6–99, default 8.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub minimum_length: Option<i64>,
    /// Require an ASCII upper-case letter.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub require_uppercase: Option<bool>,
    /// Require an ASCII lower-case letter.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub require_lowercase: Option<bool>,
    /// Require a digit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub require_numbers: Option<bool>,
    /// Require one of Cognito's symbol characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub require_symbols: Option<bool>,
    /// 0–24 previous passwords that may not be reused.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password_history_size: Option<i64>,
    /// 0–365 days a temporary password stays usable (0 means the default 7).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub temporary_password_validity_days: Option<i64>,
}

/// `UserPoolPolicyType`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserPoolPolicies {
    /// The password policy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password_policy: Option<PasswordPolicy>,
    /// `SignInPolicy{AllowedFirstAuthFactors}`, kept as sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sign_in_policy: Option<Value>,
}

/// `StringAttributeConstraintsType` (bounds are strings on the wire).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct StringConstraints {
    /// Minimum length, as a decimal string.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_length: Option<String>,
    /// Maximum length, as a decimal string.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_length: Option<String>,
}

/// `NumberAttributeConstraintsType` (bounds are strings on the wire).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct NumberConstraints {
    /// Minimum value, as a decimal string.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_value: Option<String>,
    /// Maximum value, as a decimal string.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_value: Option<String>,
}

/// `SchemaAttributeType`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SchemaAttribute {
    /// Name; custom attributes are reported as `custom:<Name>`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `String | Number | DateTime | Boolean`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attribute_data_type: Option<String>,
    /// Legacy developer-only flag.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub developer_only_attribute: Option<bool>,
    /// Whether the value can change after creation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mutable: Option<bool>,
    /// Whether sign-up must supply it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub required: Option<bool>,
    /// Bounds for numbers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number_attribute_constraints: Option<NumberConstraints>,
    /// Bounds for strings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub string_attribute_constraints: Option<StringConstraints>,
}

/// `MessageTemplateType` (invitation texts).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct MessageTemplate {
    /// SMS text with `{username}` and `{####}`.
    #[serde(rename = "SMSMessage", skip_serializing_if = "Option::is_none")]
    pub sms_message: Option<String>,
    /// Email body with `{username}` and `{####}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_message: Option<String>,
    /// Email subject.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_subject: Option<String>,
}

/// `AdminCreateUserConfigType`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AdminCreateUserConfig {
    /// When true, `SignUp` is refused.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allow_admin_create_user_only: Option<bool>,
    /// Legacy validity of an invitation, in days.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unused_account_validity_days: Option<i64>,
    /// Invitation texts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invite_message_template: Option<MessageTemplate>,
}

/// `VerificationMessageTemplateType`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct VerificationMessageTemplate {
    /// SMS text with `{####}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sms_message: Option<String>,
    /// Email body with `{####}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_message: Option<String>,
    /// Email subject.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_subject: Option<String>,
    /// Email body with `{##link text##}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_message_by_link: Option<String>,
    /// Subject of the link email.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_subject_by_link: Option<String>,
    /// `CONFIRM_WITH_CODE | CONFIRM_WITH_LINK`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_email_option: Option<String>,
}

/// `UsernameConfigurationType`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UsernameConfiguration {
    /// Whether usernames and aliases are case-sensitive (API default true).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub case_sensitive: Option<bool>,
}

/// `RecoveryOptionType`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RecoveryOption {
    /// 1 or 2.
    pub priority: Option<i64>,
    /// `verified_email | verified_phone_number | admin_only`.
    pub name: Option<String>,
}

/// `AccountRecoverySettingType`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AccountRecoverySetting {
    /// Recovery channels by priority.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recovery_mechanisms: Option<Vec<RecoveryOption>>,
}

/// Every settable field of a user pool, in its wire shape. Used as the stored
/// configuration and flattened into the create, update and describe shapes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserPoolSettings {
    /// Password and sign-in policies.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policies: Option<UserPoolPolicies>,
    /// `ACTIVE | INACTIVE`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deletion_protection: Option<String>,
    /// Trigger configuration (webhooks in Cognate).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lambda_config: Option<Value>,
    /// Subset of `email`, `phone_number`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auto_verified_attributes: Option<Vec<String>>,
    /// Subset of `phone_number`, `email`, `preferred_username`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alias_attributes: Option<Vec<String>>,
    /// Subset of `phone_number`, `email`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username_attributes: Option<Vec<String>>,
    /// Deprecated SMS verification text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sms_verification_message: Option<String>,
    /// Deprecated email verification text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_verification_message: Option<String>,
    /// Deprecated email verification subject.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_verification_subject: Option<String>,
    /// Verification message texts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verification_message_template: Option<VerificationMessageTemplate>,
    /// SMS MFA text with `{####}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sms_authentication_message: Option<String>,
    /// `OFF | ON | OPTIONAL`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mfa_configuration: Option<String>,
    /// `AttributesRequireVerificationBeforeUpdate`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_attribute_update_settings: Option<Value>,
    /// Remembered-device settings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub device_configuration: Option<Value>,
    /// Email sending settings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_configuration: Option<Value>,
    /// SMS sending settings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sms_configuration: Option<Value>,
    /// Pool tags.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_pool_tags: Option<Tags>,
    /// Admin-create-user and invitation settings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub admin_create_user_config: Option<AdminCreateUserConfig>,
    /// Threat-protection mode.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_pool_add_ons: Option<Value>,
    /// Username case sensitivity (immutable).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username_configuration: Option<UsernameConfiguration>,
    /// Account recovery channels.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_recovery_setting: Option<AccountRecoverySetting>,
    /// `LITE | ESSENTIALS | PLUS` (round-tripped; every feature is available).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_pool_tier: Option<String>,
}

/// `CreateUserPool` request.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateUserPoolRequest {
    /// Pool name, 1–128.
    pub pool_name: Option<String>,
    /// Extra (custom) or adjusted standard attributes.
    pub schema: Option<Vec<SchemaAttribute>>,
    /// Everything else.
    #[serde(flatten)]
    pub settings: UserPoolSettings,
}

/// `UpdateUserPool` request: replaces every mutable setting.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateUserPoolRequest {
    /// The pool.
    pub user_pool_id: Option<String>,
    /// New name (optional; unchanged when absent).
    pub pool_name: Option<String>,
    /// Everything else; immutable members must be absent or unchanged.
    #[serde(flatten)]
    pub settings: UserPoolSettings,
}

/// `UserPoolType`, as `DescribeUserPool` and `CreateUserPool` return it.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserPoolType {
    /// `<region>_<id>`.
    pub id: String,
    /// Pool name.
    pub name: String,
    /// `arn:aws:cognito-idp:<region>:<account>:userpool/<id>`.
    pub arn: String,
    /// Epoch seconds.
    pub creation_date: f64,
    /// Epoch seconds.
    pub last_modified_date: f64,
    /// Standard and custom attributes.
    pub schema_attributes: Vec<SchemaAttribute>,
    /// Approximate user count.
    pub estimated_number_of_users: i64,
    /// Domain prefix, when one is set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    /// Custom domain, when one is set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_domain: Option<String>,
    /// The stored settings.
    #[serde(flatten)]
    pub settings: UserPoolSettings,
}

/// Request naming one pool: `DescribeUserPool`, `DeleteUserPool`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserPoolIdRequest {
    /// The pool.
    pub user_pool_id: Option<String>,
}

/// Reply carrying a `UserPool`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserPoolResponse {
    /// The pool.
    pub user_pool: UserPoolType,
}

/// `ListUserPools` request.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListUserPoolsRequest {
    /// Required, 1–60.
    pub max_results: Option<i64>,
    /// Opaque continuation token.
    pub next_token: Option<String>,
}

/// `UserPoolDescriptionType`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserPoolDescription {
    /// Pool id.
    pub id: String,
    /// Pool name.
    pub name: String,
    /// Trigger configuration.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lambda_config: Option<Value>,
    /// Epoch seconds.
    pub creation_date: f64,
    /// Epoch seconds.
    pub last_modified_date: f64,
}

/// `ListUserPools` reply.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListUserPoolsResponse {
    /// One page of pools.
    pub user_pools: Vec<UserPoolDescription>,
    /// Present when more pools follow.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// `AddCustomAttributes` request.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AddCustomAttributesRequest {
    /// The pool.
    pub user_pool_id: Option<String>,
    /// 1–25 attributes to add.
    pub custom_attributes: Option<Vec<SchemaAttribute>>,
}
