//! Identity-pool management: create, describe, update (replace semantics), delete,
//! list, roles and role mappings. A role an identity pool names without it existing in
//! IAM is created implicitly, trusting that pool's tokens and granting nothing until a
//! policy is attached.

use super::check_id;
use crate::Core;
use crate::error::{CoreError, CoreResult};
use crate::paging;
use crate::store::{IdentityPoolRecord, RoleRecord, StoreError};
use cognate_proto::identity::*;
use cognate_proto::validate::{self as v, Validator};

fn not_found(id: &str) -> CoreError {
    CoreError::ResourceNotFound(format!("IdentityPool '{id}' not found."))
}

fn validate(p: &IdentityPool, val: &mut Validator) {
    val.required("identityPoolName", &p.identity_pool_name)
        .len("identityPoolName", p.identity_pool_name.as_deref(), 1, 128)
        .pattern(
            "identityPoolName",
            p.identity_pool_name.as_deref(),
            v::NAME_PATTERN,
            v::is_name_text,
        )
        .required(
            "allowUnauthenticatedIdentities",
            &p.settings.allow_unauthenticated_identities,
        )
        .len(
            "developerProviderName",
            p.settings.developer_provider_name.as_deref(),
            1,
            128,
        );
    for provider in p.settings.cognito_identity_providers.iter().flatten() {
        val.len(
            "cognitoIdentityProviders.member.providerName",
            provider.provider_name.as_deref(),
            1,
            128,
        )
        .len(
            "cognitoIdentityProviders.member.clientId",
            provider.client_id.as_deref(),
            1,
            128,
        );
    }
}

/// The console's trust policy for a role used by one identity pool.
pub fn implicit_trust_policy(pool_id: &str) -> String {
    serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Federated": "cognito-identity.amazonaws.com"},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {
                "StringEquals": {"cognito-identity.amazonaws.com:aud": pool_id},
                "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": ["authenticated", "unauthenticated"]}
            }
        }]
    })
    .to_string()
}

impl Core {
    /// Loads an identity pool or answers `ResourceNotFoundException`.
    pub(crate) async fn load_identity_pool(&self, id: &str) -> CoreResult<IdentityPoolRecord> {
        self.store
            .get_identity_pool(id)
            .await?
            .ok_or_else(|| not_found(id))
    }

    fn to_wire_pool(p: IdentityPoolRecord) -> IdentityPool {
        IdentityPool {
            identity_pool_id: Some(p.id),
            identity_pool_name: Some(p.name),
            settings: p.settings,
        }
    }

    /// `CreateIdentityPool`.
    pub async fn create_identity_pool(&self, req: IdentityPool) -> CoreResult<IdentityPool> {
        let mut val = Validator::new();
        validate(&req, &mut val);
        val.finish().map_err(CoreError::InvalidParameter)?;
        let now = self.now();
        let mut settings = req.settings;
        settings.allow_classic_flow.get_or_insert(false);
        settings
            .identity_pool_tags
            .get_or_insert_with(Default::default);
        let record = IdentityPoolRecord {
            id: format!("{}:{}", self.settings.region, uuid::Uuid::new_v4()),
            name: req.identity_pool_name.unwrap_or_default(),
            settings,
            roles: IdentityPoolRoles::default(),
            created_at: now,
            updated_at: now,
            version: 0,
        };
        self.store.insert_identity_pool(&record).await?;
        Ok(Self::to_wire_pool(record))
    }

    /// `DescribeIdentityPool`.
    pub async fn describe_identity_pool(
        &self,
        req: IdentityPoolIdRequest,
    ) -> CoreResult<IdentityPool> {
        let id = check_id("identityPoolId", &req.identity_pool_id)?;
        Ok(Self::to_wire_pool(self.load_identity_pool(id).await?))
    }

    /// `UpdateIdentityPool`: every omitted setting returns to its default; the
    /// developer provider name cannot change once set.
    pub async fn update_identity_pool(&self, req: IdentityPool) -> CoreResult<IdentityPool> {
        let id = check_id("identityPoolId", &req.identity_pool_id)?.to_owned();
        let mut val = Validator::new();
        validate(&req, &mut val);
        val.finish().map_err(CoreError::InvalidParameter)?;
        let mut pool = self.load_identity_pool(&id).await?;
        if let Some(old) = &pool.settings.developer_provider_name
            && req
                .settings
                .developer_provider_name
                .as_ref()
                .is_some_and(|n| n != old)
        {
            return Err(CoreError::InvalidParameter(
                "DeveloperProviderName cannot be changed once set.".into(),
            ));
        }
        let mut settings = req.settings;
        settings.allow_classic_flow.get_or_insert(false);
        if settings.developer_provider_name.is_none() {
            settings.developer_provider_name = pool.settings.developer_provider_name.clone();
        }
        settings
            .identity_pool_tags
            .get_or_insert_with(Default::default);
        pool.settings = settings;
        pool.name = req.identity_pool_name.unwrap_or(pool.name);
        pool.updated_at = self.now();
        self.store.update_identity_pool(&pool).await?;
        Ok(Self::to_wire_pool(pool))
    }

    /// `DeleteIdentityPool`.
    pub async fn delete_identity_pool(&self, req: IdentityPoolIdRequest) -> CoreResult<()> {
        let id = check_id("identityPoolId", &req.identity_pool_id)?;
        if !self.store.delete_identity_pool(id).await? {
            return Err(not_found(id));
        }
        Ok(())
    }

    /// `ListIdentityPools`.
    pub async fn list_identity_pools(
        &self,
        req: ListIdentityPoolsRequest,
    ) -> CoreResult<ListIdentityPoolsResponse> {
        let mut val = Validator::new();
        val.required("maxResults", &req.max_results)
            .range("maxResults", req.max_results, 1, 60);
        val.finish().map_err(CoreError::InvalidParameter)?;
        let limit = paging::page_size(req.max_results, 60);
        let after = req
            .next_token
            .as_deref()
            .map(|t| paging::decode("identity-pools", t))
            .transpose()?;
        let mut pools = self
            .store
            .list_identity_pools(after.as_deref(), limit + 1)
            .await?;
        let next_token = if pools.len() > limit {
            pools.truncate(limit);
            pools
                .last()
                .map(|p| paging::encode("identity-pools", &p.id))
        } else {
            None
        };
        Ok(ListIdentityPoolsResponse {
            identity_pools: pools
                .into_iter()
                .map(|p| IdentityPoolShortDescription {
                    identity_pool_id: p.id,
                    identity_pool_name: p.name,
                })
                .collect(),
            next_token,
        })
    }

    /// `SetIdentityPoolRoles`: roles not known to IAM are created implicitly for this pool.
    pub async fn set_identity_pool_roles(&self, req: IdentityPoolRoles) -> CoreResult<()> {
        let id = check_id("identityPoolId", &req.identity_pool_id)?.to_owned();
        let mut val = Validator::new();
        val.required("roles", &req.roles);
        val.finish().map_err(CoreError::InvalidParameter)?;
        let mut pool = self.load_identity_pool(&id).await?;
        let roles = req.roles.clone().unwrap_or_default();
        for key in roles.keys() {
            if key != "authenticated" && key != "unauthenticated" {
                return Err(CoreError::InvalidParameter(format!(
                    "Invalid role type {key}."
                )));
            }
        }
        let mut arns: Vec<String> = roles.values().cloned().collect();
        for (key, mapping) in req.role_mappings.iter().flatten() {
            match mapping.kind.as_str() {
                "Token" | "Rules" => {}
                other => {
                    return Err(CoreError::InvalidParameter(format!(
                        "Invalid role mapping type {other} for {key}."
                    )));
                }
            }
            match mapping.ambiguous_role_resolution.as_deref() {
                Some("AuthenticatedRole" | "Deny") => {}
                _ => {
                    return Err(CoreError::InvalidParameter(
                        "AmbiguousRoleResolution must be AuthenticatedRole or Deny.".into(),
                    ));
                }
            }
            if mapping.kind == "Rules" {
                let rules = mapping
                    .rules_configuration
                    .as_ref()
                    .map(|r| r.rules.clone())
                    .unwrap_or_default();
                if rules.is_empty() || rules.len() > 25 {
                    return Err(CoreError::InvalidParameter(
                        "Rules mappings need 1 to 25 rules.".into(),
                    ));
                }
                for r in &rules {
                    if !["Equals", "Contains", "StartsWith", "NotEqual"]
                        .contains(&r.match_type.as_str())
                    {
                        return Err(CoreError::InvalidParameter(format!(
                            "Invalid MatchType {}.",
                            r.match_type
                        )));
                    }
                    arns.push(r.role_arn.clone());
                }
            }
        }
        if req.role_mappings.as_ref().is_some_and(|m| m.len() > 10) {
            return Err(CoreError::InvalidParameter(
                "At most 10 role mappings per identity pool.".into(),
            ));
        }
        for arn in &arns {
            self.ensure_role_for_pool(arn, &id).await?;
        }
        pool.roles = IdentityPoolRoles {
            identity_pool_id: None,
            roles: Some(roles),
            role_mappings: req.role_mappings,
        };
        pool.updated_at = self.now();
        self.store.update_identity_pool(&pool).await?;
        Ok(())
    }

    /// `GetIdentityPoolRoles`.
    pub async fn get_identity_pool_roles(
        &self,
        req: IdentityPoolIdRequest,
    ) -> CoreResult<IdentityPoolRoles> {
        let id = check_id("identityPoolId", &req.identity_pool_id)?;
        let pool = self.load_identity_pool(id).await?;
        Ok(IdentityPoolRoles {
            identity_pool_id: Some(pool.id),
            roles: pool.roles.roles.or_else(|| Some(Default::default())),
            role_mappings: pool.roles.role_mappings,
        })
    }

    /// Makes sure `arn` names a role Cognate knows: existing IAM roles are used as they
    /// are; unknown ones of this account are created implicitly for `pool_id`.
    async fn ensure_role_for_pool(&self, arn: &str, pool_id: &str) -> CoreResult<()> {
        if self.store.get_role_by_arn(arn).await?.is_some() {
            return Ok(());
        }
        let prefix = format!("arn:aws:iam::{}:role/", self.settings.account_id);
        let path_and_name = arn
            .strip_prefix(&prefix)
            .filter(|r| {
                !r.is_empty()
                    && r.chars()
                        .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-/".contains(c))
            })
            .ok_or_else(|| {
                CoreError::InvalidParameter(format!(
                    "Invalid role ARN {arn}: roles must be in account {}.",
                    self.settings.account_id
                ))
            })?;
        let (path, name) = match path_and_name.rsplit_once('/') {
            Some((p, n)) => (format!("/{}/", p.trim_matches('/')), n.to_owned()),
            None => ("/".to_owned(), path_and_name.to_owned()),
        };
        let role = RoleRecord {
            name,
            arn: arn.to_owned(),
            role_id: format!(
                "AROA{}",
                crate::ids::random_string(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 17)
            ),
            path,
            trust_policy: implicit_trust_policy(pool_id),
            description: Some(format!("Created for identity pool {pool_id}")),
            max_session_secs: 3600,
            implicit_pool: Some(pool_id.to_owned()),
            created_at: self.now(),
        };
        match self.store.insert_role(&role).await {
            Err(StoreError::Conflict { .. }) => Err(CoreError::InvalidParameter(format!(
                "A role named {} already exists with a different ARN.",
                role.name
            ))),
            other => Ok(other?),
        }
    }
}
