//! Group shapes: `CreateGroup`, `GetGroup`, `UpdateGroup`, `DeleteGroup`, `ListGroups`,
//! membership operations and `ListUsersInGroup`.

use crate::user::UserType;
use serde::{Deserialize, Serialize};

/// `GroupType`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GroupType {
    /// Group name.
    pub group_name: String,
    /// The pool.
    pub user_pool_id: String,
    /// Description, up to 2048 chars.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// IAM role associated with the group.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role_arn: Option<String>,
    /// Lower wins when choosing `cognito:preferred_role`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub precedence: Option<i64>,
    /// Epoch seconds.
    pub last_modified_date: f64,
    /// Epoch seconds.
    pub creation_date: f64,
}

/// `CreateGroup` and `UpdateGroup` request.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GroupRequest {
    /// Group name.
    pub group_name: Option<String>,
    /// The pool.
    pub user_pool_id: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// IAM role ARN.
    pub role_arn: Option<String>,
    /// Non-negative precedence.
    pub precedence: Option<i64>,
}

/// Reply carrying a `Group`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GroupResponse {
    /// The group.
    pub group: GroupType,
}

/// `ListGroups` request.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListGroupsRequest {
    /// The pool.
    pub user_pool_id: Option<String>,
    /// 0–60.
    pub limit: Option<i64>,
    /// Opaque continuation token.
    pub next_token: Option<String>,
}

/// `ListGroups` / `AdminListGroupsForUser` reply.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListGroupsResponse {
    /// One page of groups.
    pub groups: Vec<GroupType>,
    /// Present when more groups follow.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// `AdminAddUserToGroup` / `AdminRemoveUserFromGroup` request.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GroupMembershipRequest {
    /// The pool.
    pub user_pool_id: Option<String>,
    /// Username, alias or sub.
    pub username: Option<String>,
    /// Group name.
    pub group_name: Option<String>,
}

/// `AdminListGroupsForUser` request.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AdminListGroupsForUserRequest {
    /// Username, alias or sub.
    pub username: Option<String>,
    /// The pool.
    pub user_pool_id: Option<String>,
    /// 0–60.
    pub limit: Option<i64>,
    /// Opaque continuation token.
    pub next_token: Option<String>,
}

/// `ListUsersInGroup` request.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListUsersInGroupRequest {
    /// The pool.
    pub user_pool_id: Option<String>,
    /// Group name.
    pub group_name: Option<String>,
    /// 0–60.
    pub limit: Option<i64>,
    /// Opaque continuation token.
    pub next_token: Option<String>,
}

/// `ListUsersInGroup` reply.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListUsersInGroupResponse {
    /// One page of members.
    pub users: Vec<UserType>,
    /// Present when more members follow.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}
