//! Groups and memberships: `CreateGroup` … `ListUsersInGroup`.
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-user-groups.html>

use crate::clock::epoch_secs;
use crate::error::{CoreError, CoreResult};
use crate::store::{GroupRecord, StoreError, UserPoolRecord};
use crate::user::{check_username, to_user_type};
use crate::user_pool::check_pool_id;
use crate::{Core, paging};
use cognate_proto::group::*;
use cognate_proto::validate::{self as v, Validator};

/// Most groups one user may belong to.
pub const MAX_GROUPS_PER_USER: i64 = 100;

/// The model's pattern for `ArnType`.
const ARN_PATTERN: &str = "arn:[\\w+=/,.@-]+:[\\w+=/,.@-]+:([\\w+=/,.@-]*)?:[0-9]+:[\\w+=/,.@-]+(:[\\w+=/,.@-]+)?(:[\\w+=/,.@-]+)?";

/// Matches [`ARN_PATTERN`] in full: `arn:<partition>:<service>:<region?>:<account digits>:`
/// then one to three resource parts.
fn is_arn(arn: &str) -> bool {
    let word = |s: &str| {
        s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_+=/,.@-".contains(c))
    };
    let parts: Vec<&str> = arn.split(':').collect();
    (6..=8).contains(&parts.len())
        && parts[0] == "arn"
        && parts[1..3].iter().all(|p| !p.is_empty() && word(p))
        && word(parts[3])
        && !parts[4].is_empty()
        && parts[4].chars().all(|c| c.is_ascii_digit())
        && parts[5..].iter().all(|p| !p.is_empty() && word(p))
}

fn check_group_name(name: &Option<String>, val: &mut Validator) {
    val.required("groupName", name)
        .len("groupName", name.as_deref(), 1, 128)
        .pattern(
            "groupName",
            name.as_deref(),
            v::USERNAME_PATTERN,
            v::is_visible_text,
        );
}

fn to_wire(g: GroupRecord) -> GroupType {
    GroupType {
        group_name: g.name,
        user_pool_id: g.pool_id,
        description: g.description,
        role_arn: g.role_arn,
        precedence: g.precedence,
        last_modified_date: epoch_secs(g.updated_at),
        creation_date: epoch_secs(g.created_at),
    }
}

fn group_not_found(name: &str) -> CoreError {
    CoreError::ResourceNotFound(format!("Group {name} not found."))
}

impl Core {
    fn check_group_request(req: &GroupRequest) -> CoreResult<()> {
        let mut val = Validator::new();
        check_group_name(&req.group_name, &mut val);
        val.len("description", req.description.as_deref(), 0, 2048)
            .len("roleArn", req.role_arn.as_deref(), 20, 2048)
            .pattern("roleArn", req.role_arn.as_deref(), ARN_PATTERN, is_arn)
            .range("precedence", req.precedence, 0, i32::MAX as i64);
        val.finish().map_err(CoreError::InvalidParameter)
    }

    async fn load_group(&self, pool_id: &str, name: &str) -> CoreResult<GroupRecord> {
        self.store
            .get_group(pool_id, name)
            .await?
            .ok_or_else(|| group_not_found(name))
    }

    /// `CreateGroup`.
    pub async fn create_group(&self, req: GroupRequest) -> CoreResult<GroupResponse> {
        let pool_id = check_pool_id(&req.user_pool_id)?.to_owned();
        Self::check_group_request(&req)?;
        self.load_pool(&pool_id).await?;
        let now = self.now();
        let name = req.group_name.unwrap_or_default();
        let record = GroupRecord {
            pool_id,
            name: name.clone(),
            description: req.description,
            role_arn: req.role_arn,
            precedence: req.precedence,
            created_at: now,
            updated_at: now,
        };
        match self.store.insert_group(&record).await {
            Err(StoreError::Conflict { .. }) => Err(CoreError::GroupExists(name)),
            other => other.map_err(CoreError::from),
        }?;
        Ok(GroupResponse {
            group: to_wire(record),
        })
    }

    /// `GetGroup`.
    pub async fn get_group(&self, req: GroupRequest) -> CoreResult<GroupResponse> {
        let pool_id = check_pool_id(&req.user_pool_id)?.to_owned();
        let mut val = Validator::new();
        check_group_name(&req.group_name, &mut val);
        val.finish().map_err(CoreError::InvalidParameter)?;
        self.load_pool(&pool_id).await?;
        let g = self
            .load_group(&pool_id, req.group_name.as_deref().unwrap_or_default())
            .await?;
        Ok(GroupResponse { group: to_wire(g) })
    }

    /// `UpdateGroup`: each of description, role and precedence that is sent replaces the
    /// stored one; omitted ones are kept ("updates any of the properties", per the API
    /// reference, whose example omits `RoleArn` and still returns the group's role).
    pub async fn update_group(&self, req: GroupRequest) -> CoreResult<GroupResponse> {
        let pool_id = check_pool_id(&req.user_pool_id)?.to_owned();
        Self::check_group_request(&req)?;
        self.load_pool(&pool_id).await?;
        let mut g = self
            .load_group(&pool_id, req.group_name.as_deref().unwrap_or_default())
            .await?;
        if req.description.is_some() {
            g.description = req.description;
        }
        if req.role_arn.is_some() {
            g.role_arn = req.role_arn;
        }
        if req.precedence.is_some() {
            g.precedence = req.precedence;
        }
        g.updated_at = self.now();
        match self.store.update_group(&g).await {
            Err(StoreError::NotFound) => Err(group_not_found(&g.name)),
            other => other.map_err(CoreError::from),
        }?;
        Ok(GroupResponse { group: to_wire(g) })
    }

    /// `DeleteGroup`.
    pub async fn delete_group(&self, req: GroupRequest) -> CoreResult<()> {
        let pool_id = check_pool_id(&req.user_pool_id)?.to_owned();
        let mut val = Validator::new();
        check_group_name(&req.group_name, &mut val);
        val.finish().map_err(CoreError::InvalidParameter)?;
        self.load_pool(&pool_id).await?;
        let name = req.group_name.unwrap_or_default();
        if !self.store.delete_group(&pool_id, &name).await? {
            return Err(group_not_found(&name));
        }
        Ok(())
    }

    /// `ListGroups`.
    pub async fn list_groups(&self, req: ListGroupsRequest) -> CoreResult<ListGroupsResponse> {
        let pool_id = check_pool_id(&req.user_pool_id)?.to_owned();
        let mut val = Validator::new();
        val.range("limit", req.limit, 0, 60);
        val.finish().map_err(CoreError::InvalidParameter)?;
        self.load_pool(&pool_id).await?;
        let scope = format!("{pool_id}/groups");
        let limit = paging::page_size(req.limit, 60);
        let after = req
            .next_token
            .as_deref()
            .map(|t| paging::decode(&scope, t))
            .transpose()?;
        let groups = self
            .store
            .list_groups(&pool_id, after.as_deref(), limit + 1)
            .await?;
        Ok(page_of_groups(groups, limit, &scope))
    }

    async fn membership_target(
        &self,
        req: &GroupMembershipRequest,
    ) -> CoreResult<(UserPoolRecord, i64, String)> {
        let pool_id = check_pool_id(&req.user_pool_id)?;
        let username = check_username(&req.username)?;
        let mut val = Validator::new();
        check_group_name(&req.group_name, &mut val);
        val.finish().map_err(CoreError::InvalidParameter)?;
        let pool = self.load_pool(pool_id).await?;
        let group = self
            .load_group(pool_id, req.group_name.as_deref().unwrap_or_default())
            .await?;
        let user = self.find_user(&pool, username).await?;
        Ok((pool, user.id, group.name))
    }

    /// `AdminAddUserToGroup`.
    pub async fn admin_add_user_to_group(&self, req: GroupMembershipRequest) -> CoreResult<()> {
        let (pool, user_id, group) = self.membership_target(&req).await?;
        if self.store.count_groups_for_user(user_id).await? >= MAX_GROUPS_PER_USER {
            return Err(CoreError::LimitExceeded(format!(
                "A user can belong to at most {MAX_GROUPS_PER_USER} groups."
            )));
        }
        self.store.add_member(&pool.id, &group, user_id).await?;
        Ok(())
    }

    /// `AdminRemoveUserFromGroup`.
    pub async fn admin_remove_user_from_group(
        &self,
        req: GroupMembershipRequest,
    ) -> CoreResult<()> {
        let (pool, user_id, group) = self.membership_target(&req).await?;
        self.store.remove_member(&pool.id, &group, user_id).await?;
        Ok(())
    }

    /// `AdminListGroupsForUser`.
    pub async fn admin_list_groups_for_user(
        &self,
        req: AdminListGroupsForUserRequest,
    ) -> CoreResult<ListGroupsResponse> {
        let pool_id = check_pool_id(&req.user_pool_id)?.to_owned();
        let username = check_username(&req.username)?.to_owned();
        let mut val = Validator::new();
        val.range("limit", req.limit, 0, 60);
        val.finish().map_err(CoreError::InvalidParameter)?;
        let pool = self.load_pool(&pool_id).await?;
        let user = self.find_user(&pool, &username).await?;
        let scope = format!("{pool_id}/user-groups/{}", user.sub);
        let limit = paging::page_size(req.limit, 60);
        let after = req
            .next_token
            .as_deref()
            .map(|t| paging::decode(&scope, t))
            .transpose()?;
        let groups = self
            .store
            .groups_for_user(user.id, after.as_deref(), limit + 1)
            .await?;
        Ok(page_of_groups(groups, limit, &scope))
    }

    /// `ListUsersInGroup`.
    pub async fn list_users_in_group(
        &self,
        req: ListUsersInGroupRequest,
    ) -> CoreResult<ListUsersInGroupResponse> {
        let pool_id = check_pool_id(&req.user_pool_id)?.to_owned();
        let mut val = Validator::new();
        check_group_name(&req.group_name, &mut val);
        val.range("limit", req.limit, 0, 60);
        val.finish().map_err(CoreError::InvalidParameter)?;
        self.load_pool(&pool_id).await?;
        let group = self
            .load_group(&pool_id, req.group_name.as_deref().unwrap_or_default())
            .await?;
        let scope = format!("{pool_id}/group-users/{}", group.name);
        let limit = paging::page_size(req.limit, 60);
        let after = req
            .next_token
            .as_deref()
            .map(|t| paging::decode_i64(&scope, t))
            .transpose()?;
        let mut users = self
            .store
            .users_in_group(&pool_id, &group.name, after, limit + 1)
            .await?;
        let next_token = if users.len() > limit {
            users.truncate(limit);
            users
                .last()
                .map(|u| paging::encode(&scope, &u.id.to_string()))
        } else {
            None
        };
        Ok(ListUsersInGroupResponse {
            users: users.iter().map(|u| to_user_type(u, None)).collect(),
            next_token,
        })
    }
}

fn page_of_groups(mut groups: Vec<GroupRecord>, limit: usize, scope: &str) -> ListGroupsResponse {
    let next_token = if groups.len() > limit {
        groups.truncate(limit);
        groups.last().map(|g| paging::encode(scope, &g.name))
    } else {
        None
    };
    ListGroupsResponse {
        groups: groups.into_iter().map(to_wire).collect(),
        next_token,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_arns_follow_the_model_pattern() {
        for ok in [
            "arn:aws:iam::123456789012:role/readers",
            "arn:aws-cn:iam::123456789012:role/path/to/role",
            "arn:aws:iam:us-east-1:1:role:x:y",
        ] {
            assert!(is_arn(ok), "{ok}");
        }
        for bad in [
            "not-an-arn",
            "arn:aws:iam::role",
            "arn:aws:iam::notdigits:role/x",
            "arn::iam::123456789012:role/x",
            "arn:aws:iam::123456789012:",
            "arn:aws:iam::123456789012:role x",
            "arn:aws:iam::1:a:b:c:d",
        ] {
            assert!(!is_arn(bad), "{bad}");
        }
    }
}
