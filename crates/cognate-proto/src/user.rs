//! User-administration shapes: `AdminCreateUser`, `AdminGetUser`, the attribute,
//! status and password operations, and `ListUsers`.

use crate::common::AttributeType;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `UserType`, as `AdminCreateUser` and `ListUsers` return it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserType {
    /// The (internal) username.
    pub username: String,
    /// Attributes, all values as strings.
    pub attributes: Vec<AttributeType>,
    /// Epoch seconds.
    pub user_create_date: f64,
    /// Epoch seconds.
    pub user_last_modified_date: f64,
    /// Whether the user may sign in.
    pub enabled: bool,
    /// `UNCONFIRMED | CONFIRMED | FORCE_CHANGE_PASSWORD | RESET_REQUIRED | ...`.
    pub user_status: String,
}

/// Request naming one user: AdminGetUser, AdminDeleteUser, AdminDisableUser,
/// AdminEnableUser, AdminResetUserPassword, AdminConfirmSignUp,
/// AdminListGroupsForUser (with paging).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserRequest {
    /// The pool.
    pub user_pool_id: Option<String>,
    /// Username, alias or sub.
    pub username: Option<String>,
    /// Passed to triggers; never stored.
    pub client_metadata: Option<BTreeMap<String, String>>,
}

/// `AdminCreateUser` request.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AdminCreateUserRequest {
    /// The pool.
    pub user_pool_id: Option<String>,
    /// The username (or email/phone in pools that sign in with them).
    pub username: Option<String>,
    /// Initial attributes.
    pub user_attributes: Option<Vec<AttributeType>>,
    /// Passed to triggers; never stored.
    pub validation_data: Option<Vec<AttributeType>>,
    /// Temporary password; generated when absent.
    pub temporary_password: Option<String>,
    /// Move a verified alias from another user to this one.
    pub force_alias_creation: Option<bool>,
    /// `RESEND | SUPPRESS`.
    pub message_action: Option<String>,
    /// Subset of `SMS`, `EMAIL`.
    pub desired_delivery_mediums: Option<Vec<String>>,
    /// Passed to triggers; never stored.
    pub client_metadata: Option<BTreeMap<String, String>>,
}

/// Reply carrying a `User`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AdminCreateUserResponse {
    /// The new user.
    pub user: UserType,
}

/// `MFAOptionType` (legacy SMS MFA settings).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct MfaOption {
    /// `SMS | EMAIL`.
    pub delivery_medium: String,
    /// Attribute used for delivery.
    pub attribute_name: String,
}

/// `AdminGetUser` reply.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AdminGetUserResponse {
    /// The internal username.
    pub username: String,
    /// Attributes, all values as strings.
    pub user_attributes: Vec<AttributeType>,
    /// Epoch seconds.
    pub user_create_date: f64,
    /// Epoch seconds.
    pub user_last_modified_date: f64,
    /// Whether the user may sign in.
    pub enabled: bool,
    /// User status.
    pub user_status: String,
    /// Preferred MFA method, when one is set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preferred_mfa_setting: Option<String>,
    /// Enabled MFA methods, when any.
    #[serde(rename = "UserMFASettingList", skip_serializing_if = "Option::is_none")]
    pub user_mfa_setting_list: Option<Vec<String>>,
}

/// `AdminUpdateUserAttributes` request.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AdminUpdateUserAttributesRequest {
    /// The pool.
    pub user_pool_id: Option<String>,
    /// Username, alias or sub.
    pub username: Option<String>,
    /// Attributes to set; an empty value clears the attribute.
    pub user_attributes: Option<Vec<AttributeType>>,
    /// Passed to triggers; never stored.
    pub client_metadata: Option<BTreeMap<String, String>>,
}

/// `AdminDeleteUserAttributes` request.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AdminDeleteUserAttributesRequest {
    /// The pool.
    pub user_pool_id: Option<String>,
    /// Username, alias or sub.
    pub username: Option<String>,
    /// Names of attributes to remove.
    pub user_attribute_names: Option<Vec<String>>,
}

/// `AdminSetUserPassword` request.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AdminSetUserPasswordRequest {
    /// The pool.
    pub user_pool_id: Option<String>,
    /// Username, alias or sub.
    pub username: Option<String>,
    /// The new password.
    pub password: Option<String>,
    /// true: CONFIRMED; false: FORCE_CHANGE_PASSWORD.
    pub permanent: Option<bool>,
}

/// `ListUsers` request.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListUsersRequest {
    /// The pool.
    pub user_pool_id: Option<String>,
    /// Attributes to return (all when absent).
    pub attributes_to_get: Option<Vec<String>>,
    /// 0–60, default 60.
    pub limit: Option<i64>,
    /// Opaque continuation token.
    pub pagination_token: Option<String>,
    /// `attr = "v"` or `attr ^= "v"`.
    pub filter: Option<String>,
}

/// `ListUsers` reply.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListUsersResponse {
    /// One page of users.
    pub users: Vec<UserType>,
    /// Present when more users follow.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pagination_token: Option<String>,
}
