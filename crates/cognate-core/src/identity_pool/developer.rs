//! Developer identities and unlinking: `LookupDeveloperIdentity`,
//! `UnlinkDeveloperIdentity`, `UnlinkIdentity`, and identity-pool tags.

use super::check_id;
use crate::Core;
use crate::error::{CoreError, CoreResult};
use cognate_proto::common::Tags;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `LookupDeveloperIdentity` request.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct LookupDeveloperIdentityRequest {
    /// The pool.
    pub identity_pool_id: Option<String>,
    /// Look up by identity.
    pub identity_id: Option<String>,
    /// Or by developer user id.
    pub developer_user_identifier: Option<String>,
    /// Page size (ignored: one identity has few ids).
    pub max_results: Option<i64>,
    /// Continuation token (ignored).
    pub next_token: Option<String>,
}

/// `LookupDeveloperIdentity` reply.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct LookupDeveloperIdentityResponse {
    /// The identity.
    pub identity_id: String,
    /// Its developer user ids.
    pub developer_user_identifier_list: Vec<String>,
}

/// `UnlinkDeveloperIdentity` request.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UnlinkDeveloperIdentityRequest {
    /// The identity.
    pub identity_id: Option<String>,
    /// The pool.
    pub identity_pool_id: Option<String>,
    /// The developer provider.
    pub developer_provider_name: Option<String>,
    /// The developer user id.
    pub developer_user_identifier: Option<String>,
}

/// `MergeDeveloperIdentities` request.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct MergeDeveloperIdentitiesRequest {
    /// The developer user whose identity is merged away.
    pub source_user_identifier: Option<String>,
    /// The developer user whose identity remains.
    pub destination_user_identifier: Option<String>,
    /// The developer provider.
    pub developer_provider_name: Option<String>,
    /// The pool.
    pub identity_pool_id: Option<String>,
}

/// `MergeDeveloperIdentities` reply.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct MergeDeveloperIdentitiesResponse {
    /// The identity that remains.
    pub identity_id: String,
}

/// `UnlinkIdentity` request.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UnlinkIdentityRequest {
    /// The identity.
    pub identity_id: Option<String>,
    /// Valid logins proving ownership.
    pub logins: Option<BTreeMap<String, String>>,
    /// Provider names to unlink.
    pub logins_to_remove: Option<Vec<String>>,
}

/// Identity-pool `TagResource`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct IdentityTagRequest {
    /// Identity-pool ARN.
    pub resource_arn: Option<String>,
    /// Tags to set.
    pub tags: Option<Tags>,
    /// Keys to remove.
    pub tag_keys: Option<Vec<String>>,
}

/// Identity-pool `ListTagsForResource` reply.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct IdentityTagsResponse {
    /// The tags.
    pub tags: Tags,
}

impl Core {
    /// `LookupDeveloperIdentity`.
    pub async fn lookup_developer_identity(
        &self,
        req: LookupDeveloperIdentityRequest,
    ) -> CoreResult<LookupDeveloperIdentityResponse> {
        let pool_id = check_id("identityPoolId", &req.identity_pool_id)?;
        let pool = self.load_identity_pool(pool_id).await?;
        let provider = pool
            .settings
            .developer_provider_name
            .clone()
            .unwrap_or_default();
        let identity = match (&req.identity_id, &req.developer_user_identifier) {
            (Some(id), _) => self.store.get_identity(id).await?,
            (None, Some(user)) => {
                self.store
                    .find_identity_by_login(pool_id, &format!("{provider}\n{user}"))
                    .await?
            }
            (None, None) => {
                return Err(CoreError::InvalidParameter(
                    "IdentityId or DeveloperUserIdentifier is required.".into(),
                ));
            }
        };
        let identity = identity
            .filter(|i| i.pool_id == pool_id)
            .ok_or_else(|| CoreError::ResourceNotFound("Identity not found.".into()))?;
        let users = self
            .store
            .identity_login_keys(&identity.id)
            .await?
            .into_iter()
            .filter_map(|k| k.strip_prefix(&format!("{provider}\n")).map(str::to_owned))
            .collect();
        Ok(LookupDeveloperIdentityResponse {
            identity_id: identity.id,
            developer_user_identifier_list: users,
        })
    }

    /// `UnlinkDeveloperIdentity`.
    pub async fn unlink_developer_identity(
        &self,
        req: UnlinkDeveloperIdentityRequest,
    ) -> CoreResult<()> {
        let id = check_id("identityId", &req.identity_id)?;
        let pool_id = check_id("identityPoolId", &req.identity_pool_id)?;
        let pool = self.load_identity_pool(pool_id).await?;
        let provider = req.developer_provider_name.clone().unwrap_or_default();
        if pool.settings.developer_provider_name.as_deref() != Some(provider.as_str()) {
            return Err(CoreError::InvalidParameter(
                "DeveloperProviderName does not match the identity pool.".into(),
            ));
        }
        let user = req.developer_user_identifier.clone().unwrap_or_default();
        self.unlink(id, &[format!("{provider}\n{user}")]).await
    }

    /// `MergeDeveloperIdentities`: moves every login of the source user's identity to
    /// the destination user's identity and deletes the source identity.
    pub async fn merge_developer_identities(
        &self,
        req: MergeDeveloperIdentitiesRequest,
    ) -> CoreResult<MergeDeveloperIdentitiesResponse> {
        let pool_id = check_id("identityPoolId", &req.identity_pool_id)?;
        let pool = self.load_identity_pool(pool_id).await?;
        let provider = req.developer_provider_name.clone().unwrap_or_default();
        if pool.settings.developer_provider_name.as_deref() != Some(provider.as_str()) {
            return Err(CoreError::InvalidParameter(
                "DeveloperProviderName does not match the identity pool.".into(),
            ));
        }
        let find = |user: Option<String>| {
            let key = format!("{provider}\n{}", user.unwrap_or_default());
            async move { self.store.find_identity_by_login(pool_id, &key).await }
        };
        let not_found = || CoreError::ResourceNotFound("Developer user not found.".into());
        let source = find(req.source_user_identifier.clone())
            .await?
            .ok_or_else(not_found)?;
        let mut destination = find(req.destination_user_identifier.clone())
            .await?
            .ok_or_else(not_found)?;
        if source.id == destination.id {
            return Ok(MergeDeveloperIdentitiesResponse {
                identity_id: destination.id,
            });
        }
        let moved = self.store.identity_login_keys(&source.id).await?;
        self.store.delete_identity(&source.id).await?;
        for key in &moved {
            if let Some(p) = key
                .split('\n')
                .next()
                .filter(|p| !destination.logins.iter().any(|l| l == p))
            {
                destination.logins.push(p.to_owned());
            }
        }
        destination.updated_at = self.now();
        self.store.link_logins(&destination, &moved).await?;
        Ok(MergeDeveloperIdentitiesResponse {
            identity_id: destination.id,
        })
    }

    /// `UnlinkIdentity`: the caller proves ownership with a valid login of the identity.
    pub async fn unlink_identity(&self, req: UnlinkIdentityRequest) -> CoreResult<()> {
        let id = check_id("identityId", &req.identity_id)?;
        let identity =
            self.store.get_identity(id).await?.ok_or_else(|| {
                CoreError::ResourceNotFound(format!("Identity '{id}' not found."))
            })?;
        let pool = self.load_identity_pool(&identity.pool_id).await?;
        let verified = self
            .verify_logins(&pool, &req.logins.clone().unwrap_or_default())
            .await?;
        let keys = self.store.identity_login_keys(id).await?;
        if !verified.iter().any(|l| keys.contains(&l.login_key())) {
            return Err(CoreError::NotAuthorized("Logins don't match. Please include at least one valid login for this identity or identity pool.".into()));
        }
        let remove: Vec<String> = req.logins_to_remove.unwrap_or_default();
        let doomed: Vec<String> = keys
            .into_iter()
            .filter(|k| {
                remove.iter().any(|p| {
                    let provider = k.split('\n').next().unwrap_or_default();
                    p == provider
                        || self.login_provider(p).is_some()
                            && self.login_provider(p) == self.login_provider(provider)
                })
            })
            .collect();
        self.unlink(id, &doomed).await
    }

    async fn unlink(&self, id: &str, login_keys: &[String]) -> CoreResult<()> {
        let mut identity =
            self.store.get_identity(id).await?.ok_or_else(|| {
                CoreError::ResourceNotFound(format!("Identity '{id}' not found."))
            })?;
        let remaining: Vec<String> = self
            .store
            .identity_login_keys(id)
            .await?
            .into_iter()
            .filter(|k| !login_keys.contains(k))
            .collect();
        identity.logins = remaining
            .iter()
            .filter_map(|k| k.split('\n').next().map(str::to_owned))
            .collect();
        identity.logins.dedup();
        identity.updated_at = self.now();
        Ok(self.store.unlink_logins(&identity, login_keys).await?)
    }

    async fn identity_pool_for_arn(
        &self,
        arn: &Option<String>,
    ) -> CoreResult<crate::store::IdentityPoolRecord> {
        let arn = arn.as_deref().unwrap_or_default();
        let prefix = format!(
            "arn:aws:cognito-identity:{}:{}:identitypool/",
            self.settings.region, self.settings.account_id
        );
        let id = arn.strip_prefix(&prefix).ok_or_else(|| {
            CoreError::ResourceNotFound(format!("Resource {arn} does not exist."))
        })?;
        self.load_identity_pool(id).await
    }

    /// Identity-pool `TagResource`.
    pub async fn tag_identity_pool(&self, req: IdentityTagRequest) -> CoreResult<()> {
        let mut pool = self.identity_pool_for_arn(&req.resource_arn).await?;
        pool.settings
            .identity_pool_tags
            .get_or_insert_with(Default::default)
            .extend(req.tags.unwrap_or_default());
        pool.updated_at = self.now();
        Ok(self.store.update_identity_pool(&pool).await?)
    }

    /// Identity-pool `UntagResource`.
    pub async fn untag_identity_pool(&self, req: IdentityTagRequest) -> CoreResult<()> {
        let mut pool = self.identity_pool_for_arn(&req.resource_arn).await?;
        let keys = req.tag_keys.unwrap_or_default();
        pool.settings
            .identity_pool_tags
            .get_or_insert_with(Default::default)
            .retain(|k, _| !keys.contains(k));
        pool.updated_at = self.now();
        Ok(self.store.update_identity_pool(&pool).await?)
    }

    /// Identity-pool `ListTagsForResource`.
    pub async fn list_identity_pool_tags(
        &self,
        req: IdentityTagRequest,
    ) -> CoreResult<IdentityTagsResponse> {
        let pool = self.identity_pool_for_arn(&req.resource_arn).await?;
        Ok(IdentityTagsResponse {
            tags: pool.settings.identity_pool_tags.unwrap_or_default(),
        })
    }
}
