//! Resource servers and their custom scopes: `CreateResourceServer` …
//! `ListResourceServers`, and the check that app clients only name scopes that exist.
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-define-resource-servers.html>
//!
//! A custom scope is `<Identifier>/<ScopeName>`; scope names never contain `/`, so the
//! last `/` of a scope string separates the two even when the identifier is a URL.

use crate::clock::Millis;
use crate::error::{CoreError, CoreResult};
use crate::store::{ResourceServerRecord, StoreError};
use crate::user_pool::check_pool_id;
use crate::{Core, paging};
use cognate_proto::oauth_config::*;
use cognate_proto::validate::{self as v, Validator};
use std::collections::BTreeMap;

/// Scopes every pool has without a resource server.
pub const STANDARD_SCOPES: &[&str] = &[
    "openid",
    "email",
    "phone",
    "profile",
    "aws.cognito.signin.user.admin",
];

/// Default quota of resource servers per pool.
pub const MAX_RESOURCE_SERVERS: usize = 25;

const IDENTIFIER_PATTERN: &str = r"[\x21\x23-\x5B\x5D-\x7E]+";
const SCOPE_NAME_PATTERN: &str = r"[\x21\x23-\x2E\x30-\x5B\x5D-\x7E]+";

/// [`IDENTIFIER_PATTERN`]: printable ASCII except space, `"` and `\`.
fn is_identifier(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| (0x21..=0x7E).contains(&b) && b != b'"' && b != b'\\')
}

/// [`SCOPE_NAME_PATTERN`]: like an identifier, and without `/`.
fn is_scope_name(s: &str) -> bool {
    is_identifier(s) && !s.contains('/')
}

fn check_identifier(id: &Option<String>, val: &mut Validator) {
    val.required("identifier", id)
        .len("identifier", id.as_deref(), 1, 256)
        .pattern(
            "identifier",
            id.as_deref(),
            IDENTIFIER_PATTERN,
            is_identifier,
        );
}

fn check_request(req: &ResourceServerRequest) -> CoreResult<()> {
    let mut val = Validator::new();
    check_identifier(&req.identifier, &mut val);
    val.required("name", &req.name)
        .len("name", req.name.as_deref(), 1, 256)
        .pattern(
            "name",
            req.name.as_deref(),
            v::NAME_PATTERN,
            v::is_name_text,
        )
        .count("scopes", req.scopes.as_ref().map(Vec::len), 0, 100);
    for (i, s) in req.scopes.iter().flatten().enumerate() {
        let name = format!("scopes.{}.member.scopeName", i + 1);
        let desc = format!("scopes.{}.member.scopeDescription", i + 1);
        val.required(&name, &s.scope_name)
            .len(&name, s.scope_name.as_deref(), 1, 256)
            .pattern(
                &name,
                s.scope_name.as_deref(),
                SCOPE_NAME_PATTERN,
                is_scope_name,
            )
            .required(&desc, &s.scope_description)
            .len(&desc, s.scope_description.as_deref(), 1, 256);
    }
    val.finish().map_err(CoreError::InvalidParameter)?;
    let mut seen = std::collections::BTreeSet::new();
    for s in req.scopes.iter().flatten() {
        if !seen.insert(s.scope_name.as_deref().unwrap_or_default()) {
            return Err(CoreError::InvalidParameter(
                "Scope names must be unique within a resource server.".into(),
            ));
        }
    }
    Ok(())
}

fn to_wire(r: ResourceServerRecord) -> ResourceServerType {
    ResourceServerType {
        user_pool_id: r.pool_id,
        identifier: r.identifier,
        name: r.name,
        scopes: r.scopes,
    }
}

fn record(pool_id: String, req: ResourceServerRequest, now: Millis) -> ResourceServerRecord {
    ResourceServerRecord {
        pool_id,
        identifier: req.identifier.unwrap_or_default(),
        name: req.name.unwrap_or_default(),
        scopes: req.scopes.unwrap_or_default(),
        created_at: now,
        updated_at: now,
    }
}

fn not_found(identifier: &str) -> CoreError {
    CoreError::ResourceNotFound(format!("Resource server {identifier} does not exist."))
}

impl Core {
    /// `CreateResourceServer`.
    pub async fn create_resource_server(
        &self,
        req: ResourceServerRequest,
    ) -> CoreResult<ResourceServerResponse> {
        let pool_id = check_pool_id(&req.user_pool_id)?.to_owned();
        check_request(&req)?;
        self.load_pool(&pool_id).await?;
        let existing = self
            .store
            .list_resource_servers(&pool_id, None, MAX_RESOURCE_SERVERS)
            .await?;
        if existing.len() >= MAX_RESOURCE_SERVERS {
            return Err(CoreError::LimitExceeded(format!(
                "A user pool can have at most {MAX_RESOURCE_SERVERS} resource servers."
            )));
        }
        let r = record(pool_id, req, self.now());
        match self.store.insert_resource_server(&r).await {
            Err(StoreError::Conflict { .. }) => Err(CoreError::InvalidParameter(format!(
                "{} already exists in pool {}.",
                r.identifier, r.pool_id
            ))),
            other => other.map_err(CoreError::from),
        }?;
        Ok(ResourceServerResponse {
            resource_server: to_wire(r),
        })
    }

    async fn load_resource_server(
        &self,
        req: &ResourceServerIdRequest,
    ) -> CoreResult<ResourceServerRecord> {
        let pool_id = check_pool_id(&req.user_pool_id)?;
        let mut val = Validator::new();
        check_identifier(&req.identifier, &mut val);
        val.finish().map_err(CoreError::InvalidParameter)?;
        self.load_pool(pool_id).await?;
        let id = req.identifier.as_deref().unwrap_or_default();
        self.store
            .get_resource_server(pool_id, id)
            .await?
            .ok_or_else(|| not_found(id))
    }

    /// `DescribeResourceServer`.
    pub async fn describe_resource_server(
        &self,
        req: ResourceServerIdRequest,
    ) -> CoreResult<ResourceServerResponse> {
        let r = self.load_resource_server(&req).await?;
        Ok(ResourceServerResponse {
            resource_server: to_wire(r),
        })
    }

    /// `UpdateResourceServer`: replaces name and scopes (omitted scopes become none).
    pub async fn update_resource_server(
        &self,
        req: ResourceServerRequest,
    ) -> CoreResult<ResourceServerResponse> {
        let pool_id = check_pool_id(&req.user_pool_id)?.to_owned();
        check_request(&req)?;
        let current = self
            .load_resource_server(&ResourceServerIdRequest {
                user_pool_id: req.user_pool_id.clone(),
                identifier: req.identifier.clone(),
            })
            .await?;
        let mut r = record(pool_id, req, self.now());
        r.created_at = current.created_at;
        match self.store.update_resource_server(&r).await {
            Err(StoreError::NotFound) => Err(not_found(&r.identifier)),
            other => other.map_err(CoreError::from),
        }?;
        Ok(ResourceServerResponse {
            resource_server: to_wire(r),
        })
    }

    /// `DeleteResourceServer`.
    pub async fn delete_resource_server(&self, req: ResourceServerIdRequest) -> CoreResult<()> {
        let r = self.load_resource_server(&req).await?;
        if !self
            .store
            .delete_resource_server(&r.pool_id, &r.identifier)
            .await?
        {
            return Err(not_found(&r.identifier));
        }
        Ok(())
    }

    /// `ListResourceServers`: `MaxResults` 1–50 (not 60, unlike most lists).
    pub async fn list_resource_servers(
        &self,
        req: ListResourceServersRequest,
    ) -> CoreResult<ListResourceServersResponse> {
        let pool_id = check_pool_id(&req.user_pool_id)?.to_owned();
        let mut val = Validator::new();
        val.range("maxResults", req.max_results, 1, 50);
        val.finish().map_err(CoreError::InvalidParameter)?;
        self.load_pool(&pool_id).await?;
        let scope = format!("{pool_id}/resource-servers");
        let limit = paging::page_size(req.max_results, 50);
        let after = req
            .next_token
            .as_deref()
            .map(|t| paging::decode(&scope, t))
            .transpose()?;
        let mut servers = self
            .store
            .list_resource_servers(&pool_id, after.as_deref(), limit + 1)
            .await?;
        let next_token = if servers.len() > limit {
            servers.truncate(limit);
            servers
                .last()
                .map(|s| paging::encode(&scope, &s.identifier))
        } else {
            None
        };
        Ok(ListResourceServersResponse {
            resource_servers: servers.into_iter().map(to_wire).collect(),
            next_token,
        })
    }

    /// §5.10: every `AllowedOAuthScopes` entry is a standard scope or
    /// `<Identifier>/<ScopeName>` of one of the pool's resource servers; anything else
    /// is `ScopeDoesNotExistException`.
    pub(crate) async fn check_oauth_scopes(
        &self,
        pool_id: &str,
        scopes: Option<&[String]>,
    ) -> CoreResult<()> {
        let mut servers: BTreeMap<&str, Option<ResourceServerRecord>> = BTreeMap::new();
        for scope in scopes.unwrap_or_default() {
            if STANDARD_SCOPES.contains(&scope.as_str()) {
                continue;
            }
            let missing =
                || CoreError::ScopeDoesNotExist(format!("Invalid scope requested: {scope}"));
            let (identifier, name) = scope.rsplit_once('/').ok_or_else(missing)?;
            if !servers.contains_key(identifier) {
                let found = self.store.get_resource_server(pool_id, identifier).await?;
                servers.insert(identifier, found);
            }
            let defined = servers
                .get(identifier)
                .and_then(Option::as_ref)
                .is_some_and(|r| {
                    r.scopes
                        .iter()
                        .any(|s| s.scope_name.as_deref() == Some(name))
                });
            if !defined {
                return Err(missing());
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_and_scope_names_follow_the_model() {
        assert!(is_identifier("https://api.example.com"));
        assert!(!is_identifier("has space"));
        assert!(!is_identifier("quote\""));
        assert!(!is_identifier("back\\slash"));
        assert!(is_scope_name("read:all"));
        assert!(!is_scope_name("read/all"));
        assert!(!is_scope_name(""));
    }
}
