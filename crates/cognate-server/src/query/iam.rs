//! The IAM role subset over the query protocol (SigV4 with the admin key, service
//! `iam`): CreateRole, GetRole, DeleteRole, ListRoles, PutRolePolicy, GetRolePolicy,
//! DeleteRolePolicy, ListRolePolicies, SimulatePrincipalPolicy, and OpenID Connect
//! providers (Create/Get/Delete/ListOpenIDConnectProvider(s)). Policy documents are
//! URL-encoded in replies, as IAM returns them.

use super::{Params, Raw, Signer, verify_signer, xml};
use crate::app::AppState;
use crate::sigv4::SigV4Error;
use axum::response::Response;
use cognate_core::CoreError;
use cognate_core::iam::NewRole;
use cognate_core::oidc::issuer_host_path;
use cognate_core::store::RoleRecord;
use cognate_policy::{Context, Decision};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// XML namespace of IAM replies.
pub const NAMESPACE: &str = "https://iam.amazonaws.com/doc/2010-05-08/";

const ACTIONS: &[&str] = &[
    "CreateRole",
    "GetRole",
    "DeleteRole",
    "ListRoles",
    "PutRolePolicy",
    "GetRolePolicy",
    "DeleteRolePolicy",
    "ListRolePolicies",
    "SimulatePrincipalPolicy",
    "CreateOpenIDConnectProvider",
    "GetOpenIDConnectProvider",
    "DeleteOpenIDConnectProvider",
    "ListOpenIDConnectProviders",
];

/// The IAM actions answered.
pub fn operation(action: &str) -> Option<&'static str> {
    ACTIONS.iter().copied().find(|a| *a == action)
}

fn url_encoded(doc: &str) -> String {
    utf8_percent_encode(doc, NON_ALPHANUMERIC).to_string()
}

fn iso(ms: i64) -> String {
    OffsetDateTime::from_unix_timestamp(ms / 1000)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_default()
}

fn role_xml(r: &RoleRecord) -> String {
    format!(
        "<Role>{}{}{}{}{}{}{}{}</Role>",
        xml::el("Path", &r.path),
        xml::el("RoleName", &r.name),
        xml::el("RoleId", &r.role_id),
        xml::el("Arn", &r.arn),
        xml::el("CreateDate", &iso(r.created_at)),
        xml::el("AssumeRolePolicyDocument", &url_encoded(&r.trust_policy)),
        r.description
            .as_deref()
            .map(|d| xml::el("Description", d))
            .unwrap_or_default(),
        xml::el("MaxSessionDuration", &r.max_session_secs.to_string()),
    )
}

fn error_response(e: &CoreError, request_id: &str) -> Response {
    let (status, code) = match e {
        CoreError::NoSuchEntity(_) => (404, "NoSuchEntity"),
        CoreError::EntityAlreadyExists(_) => (409, "EntityAlreadyExists"),
        CoreError::MalformedPolicyDocument(_) => (400, "MalformedPolicyDocument"),
        CoreError::LimitExceeded(_) => (409, "LimitExceeded"),
        CoreError::AccessDenied(_) => (403, "AccessDenied"),
        CoreError::Internal(cause) => {
            tracing::error!(error = %cause, "internal error");
            (500, "ServiceFailure")
        }
        _ => (400, "ValidationError"),
    };
    xml::error(status, code, &e.client_message(), NAMESPACE, request_id)
}

fn required<'a>(params: &'a Params, name: &str) -> Result<&'a str, CoreError> {
    params
        .get(name)
        .map(String::as_str)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| CoreError::InvalidParameter(format!("1 validation error detected: Value null at '{}' failed to satisfy constraint: Member must not be null", lower_first(name))))
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_lowercase().chain(c).collect())
        .unwrap_or_default()
}

/// `Prefix.member.N` values in order.
fn members(params: &Params, prefix: &str) -> Vec<String> {
    let mut found: Vec<(usize, String)> = params
        .iter()
        .filter_map(|(k, v)| {
            k.strip_prefix(prefix)
                .and_then(|r| r.strip_prefix(".member."))
                .and_then(|n| n.parse::<usize>().ok())
                .map(|n| (n, v.clone()))
        })
        .collect();
    found.sort();
    found.into_iter().map(|(_, v)| v).collect()
}

/// Runs one IAM action for an admin-signed request.
pub async fn handle(
    state: &AppState,
    op: &str,
    params: &Params,
    (method, uri, headers, body): Raw<'_>,
    request_id: &str,
) -> Response {
    match verify_signer(state, method, uri, headers, body, "iam").await {
        Ok(Signer::Admin) => {}
        Ok(Signer::Temporary { .. }) => {
            return xml::error(
                403,
                "AccessDenied",
                "IAM calls require the admin key.",
                NAMESPACE,
                request_id,
            );
        }
        Err(e) => {
            let (status, code) = match &e {
                SigV4Error::Missing => (403, "MissingAuthenticationToken"),
                SigV4Error::Incomplete(_) => (400, "IncompleteSignature"),
                SigV4Error::UnknownKey => (403, "InvalidClientTokenId"),
                SigV4Error::Invalid(_) => (403, "SignatureDoesNotMatch"),
            };
            return xml::error(status, code, &e.to_string(), NAMESPACE, request_id);
        }
    }
    match run(state, op, params).await {
        Ok(body) => xml::ok(op, NAMESPACE, &body, request_id),
        Err(e) => error_response(&e, request_id),
    }
}

async fn run(state: &AppState, op: &str, p: &Params) -> Result<String, CoreError> {
    let core = &state.core;
    match op {
        "CreateRole" => {
            let role = core
                .create_role(NewRole {
                    name: required(p, "RoleName")?.to_owned(),
                    path: p.get("Path").cloned(),
                    trust_policy: required(p, "AssumeRolePolicyDocument")?.to_owned(),
                    description: p.get("Description").cloned(),
                    max_session_secs: p.get("MaxSessionDuration").and_then(|v| v.parse().ok()),
                })
                .await?;
            Ok(role_xml(&role))
        }
        "GetRole" => Ok(role_xml(&core.get_role(required(p, "RoleName")?).await?)),
        "DeleteRole" => core
            .delete_role(required(p, "RoleName")?)
            .await
            .map(|_| String::new()),
        "ListRoles" => {
            let max: usize = p
                .get("MaxItems")
                .and_then(|v| v.parse().ok())
                .unwrap_or(100);
            let mut roles = core
                .list_roles(p.get("Marker").map(String::as_str), max + 1)
                .await?;
            let truncated = roles.len() > max;
            roles.truncate(max);
            let marker = if truncated {
                roles
                    .last()
                    .map(|r| xml::el("Marker", &r.name))
                    .unwrap_or_default()
            } else {
                String::new()
            };
            let items: String = roles
                .iter()
                .map(|r| {
                    role_xml(r)
                        .replacen("<Role>", "<member>", 1)
                        .replace("</Role>", "</member>")
                })
                .collect();
            Ok(format!(
                "<Roles>{items}</Roles>{}{marker}",
                xml::el("IsTruncated", &truncated.to_string())
            ))
        }
        "PutRolePolicy" => core
            .put_role_policy(
                required(p, "RoleName")?,
                required(p, "PolicyName")?,
                required(p, "PolicyDocument")?,
            )
            .await
            .map(|_| String::new()),
        "GetRolePolicy" => {
            let (role, name) = (required(p, "RoleName")?, required(p, "PolicyName")?);
            let doc = core.get_role_policy(role, name).await?;
            Ok(format!(
                "{}{}{}",
                xml::el("RoleName", role),
                xml::el("PolicyName", name),
                xml::el("PolicyDocument", &url_encoded(&doc))
            ))
        }
        "DeleteRolePolicy" => core
            .delete_role_policy(required(p, "RoleName")?, required(p, "PolicyName")?)
            .await
            .map(|_| String::new()),
        "ListRolePolicies" => {
            let names = core.list_role_policies(required(p, "RoleName")?).await?;
            let items: String = names.iter().map(|n| xml::el("member", n)).collect();
            Ok(format!(
                "<PolicyNames>{items}</PolicyNames>{}",
                xml::el("IsTruncated", "false")
            ))
        }
        "SimulatePrincipalPolicy" => simulate(state, p).await,
        _ => oidc_provider(state, op, p).await,
    }
}

/// The OpenID Connect provider actions; `Url` comes back without its scheme, as IAM
/// answers.
async fn oidc_provider(state: &AppState, op: &str, p: &Params) -> Result<String, CoreError> {
    let core = &state.core;
    let list =
        |items: &[String]| -> String { items.iter().map(|i| xml::el("member", i)).collect() };
    match op {
        "CreateOpenIDConnectProvider" => {
            let provider = core
                .create_open_id_connect_provider(
                    required(p, "Url")?,
                    members(p, "ClientIDList"),
                    members(p, "ThumbprintList"),
                )
                .await?;
            Ok(xml::el("OpenIDConnectProviderArn", &provider.arn))
        }
        "GetOpenIDConnectProvider" => {
            let provider = core
                .get_open_id_connect_provider(required(p, "OpenIDConnectProviderArn")?)
                .await?;
            Ok(format!(
                "<ThumbprintList>{}</ThumbprintList>{}<ClientIDList>{}</ClientIDList>{}",
                list(&provider.thumbprints),
                xml::el("CreateDate", &iso(provider.created_at)),
                list(&provider.client_ids),
                xml::el("Url", issuer_host_path(&provider.url)),
            ))
        }
        "DeleteOpenIDConnectProvider" => core
            .delete_open_id_connect_provider(required(p, "OpenIDConnectProviderArn")?)
            .await
            .map(|_| String::new()),
        _ => {
            let items: String = core
                .list_open_id_connect_providers()
                .await?
                .iter()
                .map(|o| format!("<member>{}</member>", xml::el("Arn", &o.arn)))
                .collect();
            Ok(format!(
                "<OpenIDConnectProviderList>{items}</OpenIDConnectProviderList>"
            ))
        }
    }
}

async fn simulate(state: &AppState, p: &Params) -> Result<String, CoreError> {
    let source = required(p, "PolicySourceArn")?;
    let actions = members(p, "ActionNames");
    let resources = members(p, "ResourceArns");
    let mut context = Context::new();
    for i in 1.. {
        let key = p.get(&format!("ContextEntries.member.{i}.ContextKeyName"));
        let Some(key) = key else { break };
        let values = members(p, &format!("ContextEntries.member.{i}.ContextKeyValues"));
        cognate_core::iam::add_context(&mut context, key, &values);
    }
    let actions: Vec<&str> = actions.iter().map(String::as_str).collect();
    let resources: Vec<&str> = resources.iter().map(String::as_str).collect();
    let results = state
        .core
        .simulate_principal_policy(source, &actions, &resources, &context)
        .await?;
    let items: String = results
        .iter()
        .map(|r| {
            let decision = match r.decision {
                Decision::Allow => "allowed",
                Decision::ExplicitDeny => "explicitDeny",
                Decision::ImplicitDeny => "implicitDeny",
            };
            format!(
                "<member>{}{}{}</member>",
                xml::el("EvalActionName", &r.action),
                xml::el("EvalResourceName", &r.resource),
                xml::el("EvalDecision", decision)
            )
        })
        .collect();
    Ok(format!(
        "<EvaluationResults>{items}</EvaluationResults>{}",
        xml::el("IsTruncated", "false")
    ))
}
