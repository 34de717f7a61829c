//! Identities: `GetId` (create or find, guest → signed-in linking), the enhanced flow's
//! `GetCredentialsForIdentity`, the basic flow's `GetOpenIdToken`, developer
//! identities, and `DescribeIdentity` / `ListIdentities` / `DeleteIdentities`.

use super::check_id;
use super::credentials::{CREDENTIALS_MS, SESSION_NAME};
use super::logins::{COGNITO_IDENTITY, VerifiedLogin};
use super::resolve::resolve_role;
use crate::Core;
use crate::clock::epoch_secs;
use crate::error::{CoreError, CoreResult};
use crate::paging;
use crate::store::{IdentityPoolRecord, IdentityRecord, StoreError};
use cognate_proto::identity::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

fn identity_not_found(id: &str) -> CoreError {
    CoreError::ResourceNotFound(format!("Identity '{id}' not found."))
}

fn logins_mismatch() -> CoreError {
    CoreError::NotAuthorized("Logins don't match. Please include at least one valid login for this identity or identity pool.".into())
}

/// `DescribeIdentity` reply.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct IdentityDescription {
    /// The identity.
    pub identity_id: String,
    /// Linked provider names.
    pub logins: Vec<String>,
    /// Epoch seconds.
    pub creation_date: f64,
    /// Epoch seconds.
    pub last_modified_date: f64,
}

/// `ListIdentities` request.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListIdentitiesRequest {
    /// The pool.
    pub identity_pool_id: Option<String>,
    /// 1–60.
    pub max_results: Option<i64>,
    /// Continuation token.
    pub next_token: Option<String>,
    /// Ignored (identities cannot be disabled here).
    pub hide_disabled: Option<bool>,
}

/// `ListIdentities` reply.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListIdentitiesResponse {
    /// The pool.
    pub identity_pool_id: String,
    /// One page.
    pub identities: Vec<IdentityDescription>,
    /// Present when more follow.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// `DescribeIdentity` request.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeIdentityRequest {
    /// The identity.
    pub identity_id: Option<String>,
}

/// `DeleteIdentities` request.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteIdentitiesRequest {
    /// 1–60 identities.
    pub identity_ids_to_delete: Option<Vec<String>>,
}

/// `DeleteIdentities` reply.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteIdentitiesResponse {
    /// Identities that could not be deleted.
    pub unprocessed_identity_ids: Vec<serde_json::Value>,
}

/// `GetOpenIdTokenForDeveloperIdentity` request.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeveloperTokenRequest {
    /// The pool.
    pub identity_pool_id: Option<String>,
    /// An existing identity to link to.
    pub identity_id: Option<String>,
    /// `{<DeveloperProviderName>: <user id>}`.
    pub logins: Option<BTreeMap<String, String>>,
    /// Principal tags for ABAC.
    pub principal_tags: Option<BTreeMap<String, String>>,
    /// 1–86400 seconds, default 900.
    pub token_duration: Option<i64>,
}

fn describe(i: IdentityRecord) -> IdentityDescription {
    IdentityDescription {
        identity_id: i.id,
        logins: i.logins,
        creation_date: epoch_secs(i.created_at),
        last_modified_date: epoch_secs(i.updated_at),
    }
}

impl Core {
    async fn new_identity(
        &self,
        pool: &IdentityPoolRecord,
        logins: &[VerifiedLogin],
    ) -> CoreResult<IdentityRecord> {
        let now = self.now();
        let identity = IdentityRecord {
            id: format!("{}:{}", self.settings.region, uuid::Uuid::new_v4()),
            pool_id: pool.id.clone(),
            logins: logins.iter().map(|l| l.provider.clone()).collect(),
            created_at: now,
            updated_at: now,
        };
        let keys: Vec<String> = logins.iter().map(VerifiedLogin::login_key).collect();
        match self.store.insert_identity(&identity, &keys).await {
            Err(StoreError::Conflict { .. }) => Err(CoreError::ResourceConflict(
                "A login is already linked to another identity.".into(),
            )),
            other => other.map(|_| identity).map_err(Into::into),
        }
    }

    /// Links `logins` to `identity` (those not yet linked).
    async fn link(
        &self,
        mut identity: IdentityRecord,
        logins: &[VerifiedLogin],
    ) -> CoreResult<IdentityRecord> {
        let mut new_keys = Vec::new();
        for l in logins {
            match self
                .store
                .find_identity_by_login(&identity.pool_id, &l.login_key())
                .await?
            {
                Some(other) if other.id != identity.id => {
                    return Err(CoreError::ResourceConflict(
                        "A login is already linked to another identity.".into(),
                    ));
                }
                Some(_) => {}
                None => {
                    new_keys.push(l.login_key());
                    if !identity.logins.contains(&l.provider) {
                        identity.logins.push(l.provider.clone());
                    }
                }
            }
        }
        if !new_keys.is_empty() {
            identity.updated_at = self.now();
            match self.store.link_logins(&identity, &new_keys).await {
                Err(StoreError::Conflict { .. }) => {
                    return Err(CoreError::ResourceConflict(
                        "A login is already linked to another identity.".into(),
                    ));
                }
                other => other?,
            }
        }
        Ok(identity)
    }

    /// The identity for verified logins: the one any of them is linked to, else `fallback`
    /// (a guest identity being signed in), else a new one.
    async fn identity_for(
        &self,
        pool: &IdentityPoolRecord,
        logins: &[VerifiedLogin],
        fallback: Option<IdentityRecord>,
    ) -> CoreResult<IdentityRecord> {
        for l in logins {
            if let Some(found) = self
                .store
                .find_identity_by_login(&pool.id, &l.login_key())
                .await?
            {
                return self.link(found, logins).await;
            }
        }
        match fallback {
            Some(guest) if guest.logins.is_empty() => self.link(guest, logins).await,
            _ => self.new_identity(pool, logins).await,
        }
    }

    fn require_guests(pool: &IdentityPoolRecord) -> CoreResult<()> {
        if pool.settings.allow_unauthenticated_identities == Some(true) {
            Ok(())
        } else {
            Err(CoreError::NotAuthorized(
                "Unauthenticated access is not supported for this identity pool.".into(),
            ))
        }
    }

    /// `GetId`.
    pub async fn get_id(&self, req: GetIdRequest) -> CoreResult<GetIdResponse> {
        let pool_id = check_id("identityPoolId", &req.identity_pool_id)?;
        let pool = self.load_identity_pool(pool_id).await?;
        let logins = req.logins.unwrap_or_default();
        let identity = if logins.is_empty() {
            Self::require_guests(&pool)?;
            self.new_identity(&pool, &[]).await?
        } else {
            let verified = self.verify_logins(&pool, &logins).await?;
            match verified.iter().find(|l| l.provider == COGNITO_IDENTITY) {
                Some(l) => self
                    .store
                    .get_identity(&l.subject)
                    .await?
                    .filter(|i| i.pool_id == pool.id)
                    .ok_or_else(logins_mismatch)?,
                None => self.identity_for(&pool, &verified, None).await?,
            }
        };
        Ok(GetIdResponse {
            identity_id: identity.id,
        })
    }

    /// When the logins include an identity-service token: it must name `identity_id`
    /// and come alone; the logins that count for the role are the token itself when its
    /// `amr` says authenticated, none (a guest) otherwise. `None` without such a token.
    fn identity_token_logins(
        verified: &[VerifiedLogin],
        identity_id: &str,
    ) -> CoreResult<Option<Vec<VerifiedLogin>>> {
        let Some(token) = verified.iter().find(|l| l.provider == COGNITO_IDENTITY) else {
            return Ok(None);
        };
        if verified.len() != 1 || token.subject != identity_id {
            return Err(logins_mismatch());
        }
        let authenticated = token.claims["amr"]
            .as_array()
            .is_some_and(|a| a.iter().any(|v| v == "authenticated"));
        Ok(Some(if authenticated {
            vec![token.clone()]
        } else {
            Vec::new()
        }))
    }

    /// Resolves the identity and logins of a credentials or token request.
    async fn authorize_identity(
        &self,
        req: &IdentityRequest,
    ) -> CoreResult<(IdentityPoolRecord, IdentityRecord, Vec<VerifiedLogin>)> {
        let id = check_id("identityId", &req.identity_id)?;
        let identity = self
            .store
            .get_identity(id)
            .await?
            .ok_or_else(|| identity_not_found(id))?;
        let pool = self.load_identity_pool(&identity.pool_id).await?;
        let logins = req.logins.clone().unwrap_or_default();
        if logins.is_empty() {
            if !identity.logins.is_empty() {
                return Err(logins_mismatch());
            }
            Self::require_guests(&pool)?;
            return Ok((pool, identity, Vec::new()));
        }
        let verified = self.verify_logins(&pool, &logins).await?;
        if let Some(bound) = Self::identity_token_logins(&verified, &identity.id)? {
            // The identity service's own token speaks for exactly the identity it names
            // and never links; a guest token stays a guest.
            if bound.is_empty() {
                Self::require_guests(&pool)?;
            }
            return Ok((pool, identity, bound));
        }
        let identity = self
            .identity_for(&pool, &verified, Some(identity.clone()))
            .await?;
        if identity.id != id
            && !identity.logins.is_empty()
            && identity
                .logins
                .iter()
                .all(|p| !verified.iter().any(|v| &v.provider == p))
        {
            return Err(logins_mismatch());
        }
        Ok((pool, identity, verified))
    }

    /// `amr` for a request: unauthenticated, or authenticated with each provider.
    fn amr(logins: &[VerifiedLogin]) -> Vec<String> {
        if logins.is_empty() {
            return vec!["unauthenticated".into()];
        }
        let mut amr = vec!["authenticated".to_owned()];
        for l in logins {
            if l.provider == COGNITO_IDENTITY {
                amr.extend(
                    l.claims["amr"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|v| v.as_str())
                        .filter(|v| *v != "authenticated")
                        .map(str::to_owned),
                );
            } else {
                amr.push(l.provider.clone());
                amr.push(format!("{}:{}:{}", l.provider, l.amr_method, l.subject));
            }
        }
        amr
    }

    /// `GetCredentialsForIdentity` (enhanced flow): 1-hour credentials for the resolved role.
    pub async fn get_credentials_for_identity(
        &self,
        req: IdentityRequest,
    ) -> CoreResult<GetCredentialsForIdentityResponse> {
        let (pool, identity, logins) = self.authorize_identity(&req).await?;
        let role = resolve_role(&pool, &logins, req.custom_role_arn.as_deref())?;
        let mut context: BTreeMap<String, Vec<String>> = BTreeMap::new();
        context.insert(
            "cognito-identity.amazonaws.com:sub".into(),
            vec![identity.id.clone()],
        );
        context.insert(
            "cognito-identity.amazonaws.com:aud".into(),
            vec![pool.id.clone()],
        );
        context.insert(
            "cognito-identity.amazonaws.com:amr".into(),
            Self::amr(&logins),
        );
        if let Some(l) = logins.iter().find(|l| l.provider != COGNITO_IDENTITY) {
            // Default principal tags for a user-pool login: its client id and subject.
            context.insert(
                "aws:PrincipalTag/client".into(),
                vec![l.claims["aud"].as_str().unwrap_or_default().to_owned()],
            );
            context.insert("aws:PrincipalTag/username".into(), vec![l.subject.clone()]);
        }
        let creds = self
            .mint_credentials(
                &role,
                SESSION_NAME,
                Some(&identity.id),
                &context,
                CREDENTIALS_MS,
            )
            .await?;
        Ok(GetCredentialsForIdentityResponse {
            identity_id: identity.id,
            credentials: IdentityCredentials {
                access_key_id: creds.access_key_id,
                secret_key: creds.secret_access_key,
                session_token: creds.session_token,
                expiration: epoch_secs(creds.expires_at),
            },
        })
    }

    /// `GetOpenIdToken` (basic flow): a 10-minute token for STS.
    pub async fn get_open_id_token(
        &self,
        req: IdentityRequest,
    ) -> CoreResult<GetOpenIdTokenResponse> {
        let (pool, identity, logins) = self.authorize_identity(&req).await?;
        if pool.settings.allow_classic_flow != Some(true) {
            return Err(CoreError::InvalidParameter(
                "Basic (classic) flow is not enabled, please use enhanced flow.".into(),
            ));
        }
        let token = self
            .sign_identity_token(&pool.id, &identity.id, &Self::amr(&logins), 600, None)
            .await?;
        Ok(GetOpenIdTokenResponse {
            identity_id: identity.id,
            token,
        })
    }

    /// Verifies an identity-service token presented as a login to `pool`.
    pub(crate) async fn verify_identity_token_login(
        &self,
        pool: &IdentityPoolRecord,
        token: &str,
    ) -> CoreResult<VerifiedLogin> {
        let claims = self.verify_identity_token(token).await?;
        if claims["aud"] != pool.id.as_str() {
            return Err(CoreError::NotAuthorized(
                "Invalid login token. Incorrect token audience.".into(),
            ));
        }
        let sub = claims["sub"].as_str().unwrap_or_default().to_owned();
        Ok(VerifiedLogin {
            provider: COGNITO_IDENTITY.into(),
            subject: sub,
            mapping_key: COGNITO_IDENTITY.into(),
            claims,
            amr_method: "",
        })
    }

    /// `GetOpenIdTokenForDeveloperIdentity` (SigV4): links a developer user id to an
    /// identity and returns a token for it.
    pub async fn get_open_id_token_for_developer_identity(
        &self,
        req: DeveloperTokenRequest,
    ) -> CoreResult<GetOpenIdTokenResponse> {
        let pool_id = check_id("identityPoolId", &req.identity_pool_id)?;
        let pool = self.load_identity_pool(pool_id).await?;
        let provider = pool
            .settings
            .developer_provider_name
            .clone()
            .ok_or_else(|| {
                CoreError::InvalidParameter("This identity pool has no developer provider.".into())
            })?;
        let logins = req.logins.clone().unwrap_or_default();
        let (Some(user), 1) = (logins.get(&provider), logins.len()) else {
            return Err(CoreError::InvalidParameter(format!(
                "Logins must contain exactly the developer provider {provider}."
            )));
        };
        let duration = req.token_duration.unwrap_or(900);
        if !(1..=86_400).contains(&duration) {
            return Err(CoreError::InvalidParameter(
                "TokenDuration must be between 1 and 86400 seconds.".into(),
            ));
        }
        let login = VerifiedLogin {
            provider: provider.clone(),
            subject: user.clone(),
            mapping_key: provider.clone(),
            claims: serde_json::json!({}),
            amr_method: "",
        };
        let fallback = match &req.identity_id {
            Some(id) => Some(
                self.store
                    .get_identity(id)
                    .await?
                    .ok_or_else(|| identity_not_found(id))?,
            ),
            None => None,
        };
        let identity = match self
            .store
            .find_identity_by_login(&pool.id, &login.login_key())
            .await?
        {
            Some(found) if req.identity_id.as_ref().is_some_and(|id| id != &found.id) => {
                return Err(CoreError::ResourceConflict(
                    "The developer user is already linked to another identity.".into(),
                ));
            }
            Some(found) => found,
            None => match fallback {
                Some(existing) => self.link(existing, std::slice::from_ref(&login)).await?,
                None => {
                    self.new_identity(&pool, std::slice::from_ref(&login))
                        .await?
                }
            },
        };
        let amr = vec![
            "authenticated".into(),
            provider.clone(),
            format!("{provider}:{}:{user}", pool.id),
        ];
        let extra = req
            .principal_tags
            .map(|t| serde_json::json!({"https://aws.amazon.com/tags": {"principal_tags": t}}));
        let token = self
            .sign_identity_token(&pool.id, &identity.id, &amr, duration, extra)
            .await?;
        Ok(GetOpenIdTokenResponse {
            identity_id: identity.id,
            token,
        })
    }

    /// `DescribeIdentity`.
    pub async fn describe_identity(
        &self,
        req: DescribeIdentityRequest,
    ) -> CoreResult<IdentityDescription> {
        let id = check_id("identityId", &req.identity_id)?;
        Ok(describe(
            self.store
                .get_identity(id)
                .await?
                .ok_or_else(|| identity_not_found(id))?,
        ))
    }

    /// `ListIdentities`.
    pub async fn list_identities(
        &self,
        req: ListIdentitiesRequest,
    ) -> CoreResult<ListIdentitiesResponse> {
        let pool_id = check_id("identityPoolId", &req.identity_pool_id)?.to_owned();
        let mut val = cognate_proto::validate::Validator::new();
        val.required("maxResults", &req.max_results)
            .range("maxResults", req.max_results, 1, 60);
        val.finish().map_err(CoreError::InvalidParameter)?;
        self.load_identity_pool(&pool_id).await?;
        let scope = format!("{pool_id}/identities");
        let limit = paging::page_size(req.max_results, 60);
        let after = req
            .next_token
            .as_deref()
            .map(|t| paging::decode(&scope, t))
            .transpose()?;
        let mut ids = self
            .store
            .list_identities(&pool_id, after.as_deref(), limit + 1)
            .await?;
        let next_token = if ids.len() > limit {
            ids.truncate(limit);
            ids.last().map(|i| paging::encode(&scope, &i.id))
        } else {
            None
        };
        Ok(ListIdentitiesResponse {
            identity_pool_id: pool_id,
            identities: ids.into_iter().map(describe).collect(),
            next_token,
        })
    }

    /// `DeleteIdentities`.
    pub async fn delete_identities(
        &self,
        req: DeleteIdentitiesRequest,
    ) -> CoreResult<DeleteIdentitiesResponse> {
        let ids = req.identity_ids_to_delete.unwrap_or_default();
        if ids.is_empty() || ids.len() > 60 {
            return Err(CoreError::InvalidParameter(
                "IdentityIdsToDelete must have 1 to 60 members.".into(),
            ));
        }
        for id in &ids {
            self.store.delete_identity(id).await?;
        }
        Ok(DeleteIdentitiesResponse {
            unprocessed_identity_ids: Vec::new(),
        })
    }
}
