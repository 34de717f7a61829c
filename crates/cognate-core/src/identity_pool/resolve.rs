//! Choosing the role for a credentials request, exactly as Cognito does: guests get the
//! unauthenticated role; signed-in users go through the provider's role mapping (Token:
//! `cognito:preferred_role`, `CustomRoleArn` within `cognito:roles`; Rules: first match
//! in order) with `AmbiguousRoleResolution`, else the authenticated role.
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/role-based-access-control.html>

use super::logins::VerifiedLogin;
use crate::error::{CoreError, CoreResult};
use crate::store::IdentityPoolRecord;
use cognate_proto::identity::MappingRule;
use serde_json::Value;

fn config_error() -> CoreError {
    CoreError::InvalidIdentityPoolConfiguration(
        "Invalid identity pool configuration. Check assigned IAM roles for this pool.".into(),
    )
}

fn claim_text(claims: &Value, name: &str) -> Option<String> {
    match &claims[name] {
        Value::String(s) => Some(s.clone()),
        Value::Null => None,
        Value::Array(items) => Some(
            items
                .iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(","),
        ),
        other => Some(other.to_string()),
    }
}

fn rule_matches(rule: &MappingRule, claims: &Value) -> bool {
    let Some(value) = claim_text(claims, &rule.claim) else {
        return false;
    };
    match rule.match_type.as_str() {
        "Equals" => value == rule.value,
        "NotEqual" => value != rule.value,
        "StartsWith" => value.starts_with(&rule.value),
        "Contains" => value.contains(&rule.value),
        _ => false,
    }
}

/// The role for a request; `logins` empty means a guest.
pub fn resolve_role(
    pool: &IdentityPoolRecord,
    logins: &[VerifiedLogin],
    custom: Option<&str>,
) -> CoreResult<String> {
    let roles = pool.roles.roles.clone().unwrap_or_default();
    let Some(login) = logins.first() else {
        if custom.is_some() {
            return Err(CoreError::NotAuthorized(
                "Unauthenticated identities cannot choose a role.".into(),
            ));
        }
        return roles
            .get("unauthenticated")
            .cloned()
            .ok_or_else(config_error);
    };
    let authenticated = || roles.get("authenticated").cloned().ok_or_else(config_error);
    let mapping = pool
        .roles
        .role_mappings
        .as_ref()
        .and_then(|m| m.get(&login.mapping_key).or_else(|| m.get(&login.provider)));
    let Some(mapping) = mapping else {
        return match custom {
            Some(arn) if Some(arn) == roles.get("authenticated").map(String::as_str) => Ok(arn.to_owned()),
            Some(_) => Err(CoreError::NotAuthorized("The ambiguous role mapping rules for this identity pool do not allow the requested role.".into())),
            None => authenticated(),
        };
    };
    let chosen = match mapping.kind.as_str() {
        "Token" => {
            let allowed: Vec<String> = match &login.claims["cognito:roles"] {
                Value::Array(a) => a
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect(),
                Value::String(s) => s.split(',').map(str::to_owned).collect(),
                _ => Vec::new(),
            };
            match custom {
                Some(arn) if allowed.iter().any(|r| r == arn) => Some(arn.to_owned()),
                Some(_) => {
                    return Err(CoreError::NotAuthorized(
                        "The role requested is not in the token's cognito:roles.".into(),
                    ));
                }
                None => login.claims["cognito:preferred_role"]
                    .as_str()
                    .map(str::to_owned),
            }
        }
        _ => {
            let rules = mapping
                .rules_configuration
                .as_ref()
                .map(|r| r.rules.as_slice())
                .unwrap_or_default();
            let matching: Vec<&MappingRule> = rules
                .iter()
                .filter(|r| rule_matches(r, &login.claims))
                .collect();
            match custom {
                Some(arn) if matching.iter().any(|r| r.role_arn == arn) => Some(arn.to_owned()),
                Some(_) => {
                    return Err(CoreError::NotAuthorized(
                        "The role requested is not allowed by the role mapping rules.".into(),
                    ));
                }
                None => matching.first().map(|r| r.role_arn.clone()),
            }
        }
    };
    match (chosen, mapping.ambiguous_role_resolution.as_deref()) {
        (Some(role), _) => Ok(role),
        (None, Some("AuthenticatedRole")) => authenticated(),
        (None, _) => Err(CoreError::NotAuthorized(
            "The ambiguous role mapping rules for this identity pool deny access.".into(),
        )),
    }
}
