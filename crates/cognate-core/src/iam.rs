//! A compatible subset of IAM for roles: CreateRole (with a trust policy), GetRole,
//! DeleteRole, ListRoles, inline role policies (Put/Get/Delete/List) validated with
//! IAM's grammar, and SimulatePrincipalPolicy; plus the authorization decision for
//! requests made with Cognate-issued temporary credentials.
//! <https://docs.aws.amazon.com/IAM/latest/APIReference/API_Operations.html>

use crate::Core;
use crate::error::{CoreError, CoreResult};
use crate::store::{RoleRecord, StoreError};
use cognate_policy::{
    Context, Decision, Policy, PolicyError, Request, SimulationResult, SizeLimit,
};
use std::collections::BTreeMap;

fn malformed(e: PolicyError) -> CoreError {
    CoreError::MalformedPolicyDocument(e.to_string())
}

fn check_name(kind: &str, name: &str, max: usize) -> CoreResult<()> {
    let ok = !name.is_empty()
        && name.chars().count() <= max
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c));
    if ok {
        Ok(())
    } else {
        Err(CoreError::InvalidParameter(format!(
            "1 validation error detected: Value '{name}' at '{kind}' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+"
        )))
    }
}

/// A role and the inputs to create it.
#[derive(Debug, Clone, Default)]
pub struct NewRole {
    /// Role name.
    pub name: String,
    /// Path (default `/`).
    pub path: Option<String>,
    /// Trust policy JSON.
    pub trust_policy: String,
    /// Description.
    pub description: Option<String>,
    /// 3600–43200 seconds.
    pub max_session_secs: Option<i64>,
}

/// Adds a request-context key: one value is a single-valued key (usable as a policy
/// variable), several make a multivalued one (for `ForAnyValue`/`ForAllValues`).
pub fn add_context(context: &mut Context, key: &str, values: &[String]) {
    match values {
        [one] => {
            context.insert(key, one.clone());
        }
        many => {
            context.insert_multi(key, many.iter().cloned());
        }
    }
}

impl Core {
    /// `CreateRole`.
    pub async fn create_role(&self, new: NewRole) -> CoreResult<RoleRecord> {
        check_name("roleName", &new.name, 64)?;
        Policy::parse_trust(&new.trust_policy).map_err(malformed)?;
        let path = new.path.unwrap_or_else(|| "/".into());
        if !path.starts_with('/') || !path.ends_with('/') || path.len() > 512 {
            return Err(CoreError::InvalidParameter(
                "Path must begin and end with /.".into(),
            ));
        }
        let max = new.max_session_secs.unwrap_or(3600);
        if !(3600..=43_200).contains(&max) {
            return Err(CoreError::InvalidParameter(
                "MaxSessionDuration must be between 3600 and 43200 seconds.".into(),
            ));
        }
        let role = RoleRecord {
            arn: format!(
                "arn:aws:iam::{}:role{path}{}",
                self.settings.account_id, new.name
            ),
            name: new.name,
            role_id: format!(
                "AROA{}",
                crate::ids::random_string(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 17)
            ),
            path,
            trust_policy: new.trust_policy,
            description: new.description,
            max_session_secs: max,
            implicit_pool: None,
            created_at: self.now(),
        };
        match self.store.insert_role(&role).await {
            Err(StoreError::Conflict { .. }) => Err(CoreError::EntityAlreadyExists(format!(
                "Role with name {} already exists.",
                role.name
            ))),
            other => other.map(|_| role).map_err(Into::into),
        }
    }

    /// `GetRole`.
    pub async fn get_role(&self, name: &str) -> CoreResult<RoleRecord> {
        self.store.get_role(name).await?.ok_or_else(|| {
            CoreError::NoSuchEntity(format!("The role with name {name} cannot be found."))
        })
    }

    /// `DeleteRole` (inline policies go with it).
    pub async fn delete_role(&self, name: &str) -> CoreResult<()> {
        if !self.store.delete_role(name).await? {
            return Err(CoreError::NoSuchEntity(format!(
                "The role with name {name} cannot be found."
            )));
        }
        Ok(())
    }

    /// `ListRoles`.
    pub async fn list_roles(
        &self,
        after: Option<&str>,
        limit: usize,
    ) -> CoreResult<Vec<RoleRecord>> {
        Ok(self.store.list_roles(after, limit.clamp(1, 1000)).await?)
    }

    /// `PutRolePolicy`: refuses malformed documents with `MalformedPolicyDocument`.
    pub async fn put_role_policy(&self, role: &str, name: &str, document: &str) -> CoreResult<()> {
        check_name("policyName", name, 128)?;
        self.get_role(role).await?;
        Policy::parse_with_limit(document, SizeLimit::ROLE_INLINE_POLICIES).map_err(malformed)?;
        Ok(self.store.put_role_policy(role, name, document).await?)
    }

    /// `GetRolePolicy`.
    pub async fn get_role_policy(&self, role: &str, name: &str) -> CoreResult<String> {
        self.get_role(role).await?;
        self.store
            .get_role_policy(role, name)
            .await?
            .ok_or_else(|| {
                CoreError::NoSuchEntity(format!(
                    "The role policy with name {name} cannot be found."
                ))
            })
    }

    /// `DeleteRolePolicy`.
    pub async fn delete_role_policy(&self, role: &str, name: &str) -> CoreResult<()> {
        self.get_role(role).await?;
        if !self.store.delete_role_policy(role, name).await? {
            return Err(CoreError::NoSuchEntity(format!(
                "The role policy with name {name} cannot be found."
            )));
        }
        Ok(())
    }

    /// `ListRolePolicies`.
    pub async fn list_role_policies(&self, role: &str) -> CoreResult<Vec<String>> {
        self.get_role(role).await?;
        Ok(self
            .store
            .role_policies(role)
            .await?
            .into_iter()
            .map(|(n, _)| n)
            .collect())
    }

    async fn role_policy_set(&self, role_arn: &str) -> CoreResult<Vec<Policy>> {
        let Some(role) = self.store.get_role_by_arn(role_arn).await? else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        for (_, doc) in self.store.role_policies(&role.name).await? {
            // Stored documents were validated when put; one that no longer parses grants nothing.
            if let Ok(p) = Policy::parse(&doc) {
                out.push(p);
            }
        }
        Ok(out)
    }

    /// `SimulatePrincipalPolicy` for a role ARN.
    pub async fn simulate_principal_policy(
        &self,
        role_arn: &str,
        actions: &[&str],
        resources: &[&str],
        context: &Context,
    ) -> CoreResult<Vec<SimulationResult>> {
        if self.store.get_role_by_arn(role_arn).await?.is_none() {
            return Err(CoreError::NoSuchEntity(format!(
                "The role {role_arn} cannot be found."
            )));
        }
        let policies = self.role_policy_set(role_arn).await?;
        let resources: Vec<&str> = if resources.is_empty() {
            vec!["*"]
        } else {
            resources.to_vec()
        };
        Ok(cognate_policy::simulate(
            &policies, actions, &resources, context,
        ))
    }

    /// Whether live credentials `access_key_id` + `session_token` may perform `action` on
    /// `resource`; `extra` adds request keys (`s3:prefix`, `aws:SourceIp`, ...).
    pub async fn authorize(
        &self,
        access_key_id: &str,
        session_token: &str,
        action: &str,
        resource: &str,
        extra: &BTreeMap<String, Vec<String>>,
    ) -> CoreResult<Decision> {
        let Some(principal) = self
            .credentials_principal(access_key_id, session_token)
            .await?
        else {
            return Ok(Decision::ImplicitDeny);
        };
        let policies = self.role_policy_set(&principal.record.role_arn).await?;
        let mut context = Context::new().with_request_time(self.now() / 1000);
        for (k, v) in principal.context.iter().chain(extra.iter()) {
            add_context(&mut context, k, v);
        }
        Ok(cognate_policy::evaluate(
            &policies,
            &Request {
                action,
                resource,
                context: &context,
            },
        ))
    }
}
