//! Parsing and validating policy documents: identity-based policies ([`Policy::parse`]) and
//! role trust policies ([`Policy::parse_trust`]), following the grammar at
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html>.
//!
//! Invariants of a parsed [`Policy`]: every statement has an `Effect`, `Action` or `NotAction`,
//! and either `Resource`/`NotResource` (identity policy) or `Principal`/`NotPrincipal` (trust
//! policy), never both kinds; Sids are alphanumeric and unique; condition operators are known.

use serde_json::{Map, Value};

use crate::condition::Condition;
use crate::error::PolicyError;
use crate::principal::{Principals, parse_principal};

/// A parsed, validated policy document.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    pub(crate) version: PolicyVersion,
    pub(crate) statements: Vec<Statement>,
}

/// The policy language version (`Version` element).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyVersion {
    /// `2012-10-17`: the current language, with policy variables.
    V2012_10_17,
    /// `2008-10-17`, also the default when `Version` is missing: `${...}` is literal text.
    V2008_10_17,
}

/// Whether a statement grants or refuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Effect {
    /// `"Effect": "Allow"`
    Allow,
    /// `"Effect": "Deny"`
    Deny,
}

/// A size limit for [`Policy::parse_with_limit`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SizeLimit {
    /// Maximum number of characters.
    pub max_chars: usize,
    /// Whether white space counts: IAM's policy quotas ignore it, STS's session `Policy`
    /// parameter counts every character.
    pub counts_whitespace: bool,
}

impl SizeLimit {
    /// Customer managed policy: 6,144 characters, white space not counted (IAM quotas page).
    pub const MANAGED_POLICY: SizeLimit = SizeLimit {
        max_chars: 6_144,
        counts_whitespace: false,
    };
    /// Role inline policies: 10,240 characters in aggregate, white space not counted.
    pub const ROLE_INLINE_POLICIES: SizeLimit = SizeLimit {
        max_chars: 10_240,
        counts_whitespace: false,
    };
    /// Role trust policy: 2,048 characters by default, white space not counted.
    pub const TRUST_POLICY: SizeLimit = SizeLimit {
        max_chars: 2_048,
        counts_whitespace: false,
    };
    /// STS session policy (`Policy` of `AssumeRole*`): 2,048 characters.
    pub const SESSION_POLICY: SizeLimit = SizeLimit {
        max_chars: 2_048,
        counts_whitespace: true,
    };

    fn check(self, json: &str) -> Result<(), PolicyError> {
        let size = json
            .chars()
            .filter(|c| self.counts_whitespace || !c.is_whitespace())
            .count();
        if size > self.max_chars {
            return Err(PolicyError::LimitExceeded {
                limit: self.max_chars,
            });
        }
        Ok(())
    }
}

/// Which grammar a document follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Identity,
    Trust,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Statement {
    pub(crate) sid: Option<String>,
    pub(crate) effect: Effect,
    pub(crate) principal: Option<Principals>,
    pub(crate) actions: Names,
    /// `None` in trust policies, which apply to the role itself.
    pub(crate) resources: Option<Names>,
    pub(crate) conditions: Vec<Condition>,
}

/// `Action` vs `NotAction`, `Resource` vs `NotResource`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Names {
    Listed(Vec<String>),
    AllExcept(Vec<String>),
}

impl Policy {
    /// Parses an identity-based policy (role or session policy). A `Principal` is refused.
    pub fn parse(json: &str) -> Result<Policy, PolicyError> {
        parse_document(json, Kind::Identity)
    }

    /// [`Policy::parse`] after checking `limit`.
    pub fn parse_with_limit(json: &str, limit: SizeLimit) -> Result<Policy, PolicyError> {
        limit.check(json)?;
        Self::parse(json)
    }

    /// Parses a role trust policy: `Principal`/`NotPrincipal` required, `Resource` refused.
    pub fn parse_trust(json: &str) -> Result<Policy, PolicyError> {
        parse_document(json, Kind::Trust)
    }

    /// The language version; only `2012-10-17` substitutes policy variables.
    pub fn version(&self) -> PolicyVersion {
        self.version
    }

    /// The `Sid` of each statement, in document order.
    pub fn statement_ids(&self) -> impl Iterator<Item = Option<&str>> {
        self.statements.iter().map(|s| s.sid.as_deref())
    }

    pub(crate) fn variables_enabled(&self) -> bool {
        self.version == PolicyVersion::V2012_10_17
    }
}

fn parse_document(json: &str, kind: Kind) -> Result<Policy, PolicyError> {
    let Ok(Value::Object(document)) = serde_json::from_str::<Value>(json) else {
        return Err(PolicyError::syntax());
    };
    if document
        .keys()
        .any(|k| !matches!(k.as_str(), "Version" | "Id" | "Statement"))
    {
        return Err(PolicyError::syntax());
    }
    let version = match document.get("Version") {
        None => PolicyVersion::V2008_10_17,
        Some(Value::String(v)) if v == "2012-10-17" => PolicyVersion::V2012_10_17,
        Some(Value::String(v)) if v == "2008-10-17" => PolicyVersion::V2008_10_17,
        // IAM's answer for an unknown Version (observed).
        Some(_) => return Err(PolicyError::malformed("The policy failed legacy parsing")),
    };
    if document.get("Id").is_some_and(|id| !id.is_string()) {
        return Err(PolicyError::syntax());
    }
    let raw = match document.get("Statement") {
        None => return Err(PolicyError::malformed("Missing required field Statement")),
        Some(Value::Object(one)) => vec![one],
        Some(Value::Array(many)) => many
            .iter()
            .map(|s| s.as_object().ok_or_else(PolicyError::syntax))
            .collect::<Result<_, _>>()?,
        Some(_) => return Err(PolicyError::syntax()),
    };
    let statements = raw
        .into_iter()
        .map(|s| parse_statement(s, kind))
        .collect::<Result<Vec<_>, _>>()?;
    let mut sids: Vec<&str> = statements.iter().filter_map(|s| s.sid.as_deref()).collect();
    sids.sort_unstable();
    if sids.windows(2).any(|pair| pair[0] == pair[1]) {
        return Err(PolicyError::malformed(
            "Statement IDs (SID) in a single policy must be unique.",
        ));
    }
    Ok(Policy {
        version,
        statements,
    })
}

fn parse_statement(s: &Map<String, Value>, kind: Kind) -> Result<Statement, PolicyError> {
    const KNOWN: [&str; 9] = [
        "Sid",
        "Effect",
        "Principal",
        "NotPrincipal",
        "Action",
        "NotAction",
        "Resource",
        "NotResource",
        "Condition",
    ];
    if s.keys().any(|k| !KNOWN.contains(&k.as_str())) {
        return Err(PolicyError::syntax());
    }
    let sid = match s.get("Sid") {
        None => None,
        Some(Value::String(sid)) if sid.chars().all(|c| c.is_ascii_alphanumeric()) => {
            Some(sid.clone())
        }
        Some(Value::String(_)) => {
            return Err(PolicyError::malformed(
                "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*",
            ));
        }
        Some(_) => return Err(PolicyError::syntax()),
    };
    let effect = match s.get("Effect") {
        None => return Err(PolicyError::malformed("Missing required field Effect")),
        Some(Value::String(e)) if e == "Allow" => Effect::Allow,
        Some(Value::String(e)) if e == "Deny" => Effect::Deny,
        // IAM answers "allow" (wrong case) this way (observed).
        Some(Value::String(_)) => {
            return Err(PolicyError::malformed("The policy failed legacy parsing"));
        }
        Some(_) => return Err(PolicyError::syntax()),
    };
    let principal = parse_principal(s, kind)?;
    let actions = either(s, "Action", "NotAction")?
        .ok_or_else(|| PolicyError::malformed("Policy statement must contain actions."))?;
    check_names(
        &actions,
        "Policy statement must contain actions.",
        check_action,
    )?;
    let resources = match kind {
        Kind::Trust => {
            for field in ["Resource", "NotResource"] {
                if s.contains_key(field) {
                    return Err(PolicyError::malformed(format!(
                        "Has prohibited field {field}"
                    )));
                }
            }
            None
        }
        Kind::Identity => {
            let resources = either(s, "Resource", "NotResource")?.ok_or_else(|| {
                PolicyError::malformed("Policy statement must contain resources.")
            })?;
            check_names(
                &resources,
                "Policy statement must contain resources.",
                check_resource,
            )?;
            Some(resources)
        }
    };
    let conditions = match s.get("Condition") {
        None => Vec::new(),
        Some(Value::Object(block)) => parse_conditions(block)?,
        Some(_) => return Err(PolicyError::syntax()),
    };
    Ok(Statement {
        sid,
        effect,
        principal,
        actions,
        resources,
        conditions,
    })
}

/// Reads `positive` or `negative` (e.g. `Action`/`NotAction`); both present is a syntax error.
fn either(
    s: &Map<String, Value>,
    positive: &str,
    negative: &str,
) -> Result<Option<Names>, PolicyError> {
    match (s.get(positive), s.get(negative)) {
        (Some(_), Some(_)) => Err(PolicyError::syntax()),
        (Some(v), None) => Ok(Some(Names::Listed(string_list(v)?))),
        (None, Some(v)) => Ok(Some(Names::AllExcept(string_list(v)?))),
        (None, None) => Ok(None),
    }
}

pub(crate) fn string_list(value: &Value) -> Result<Vec<String>, PolicyError> {
    match value {
        Value::String(one) => Ok(vec![one.clone()]),
        Value::Array(many) => many
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_owned)
                    .ok_or_else(PolicyError::syntax)
            })
            .collect(),
        _ => Err(PolicyError::syntax()),
    }
}

fn check_names(
    names: &Names,
    empty: &str,
    check: fn(&str) -> Result<(), PolicyError>,
) -> Result<(), PolicyError> {
    let (Names::Listed(list) | Names::AllExcept(list)) = names;
    if list.is_empty() {
        return Err(PolicyError::malformed(empty));
    }
    list.iter().try_for_each(|name| check(name))
}

const NO_VENDOR: &str =
    "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.";

fn check_action(action: &str) -> Result<(), PolicyError> {
    match action.split_once(':') {
        _ if action == "*" => Ok(()),
        Some((vendor, name)) if !vendor.is_empty() && !name.is_empty() => Ok(()),
        _ => Err(PolicyError::malformed(NO_VENDOR)),
    }
}

fn check_resource(resource: &str) -> Result<(), PolicyError> {
    if resource == "*" {
        return Ok(());
    }
    let segments: Vec<&str> = resource.splitn(4, ':').collect();
    if segments.len() < 3 || segments[0] != "arn" || segments[1].is_empty() {
        return Err(PolicyError::malformed(format!(
            "Resource {resource} must be in ARN format or \"*\"."
        )));
    }
    if segments[2].is_empty() || segments[2].contains(['*', '?']) {
        return Err(PolicyError::malformed(
            "Resource vendor must be fully qualified and cannot contain regexes.",
        ));
    }
    Ok(())
}

fn parse_conditions(block: &Map<String, Value>) -> Result<Vec<Condition>, PolicyError> {
    let mut conditions = Vec::new();
    for (operator, keys) in block {
        let Value::Object(keys) = keys else {
            return Err(PolicyError::syntax());
        };
        for (key, values) in keys {
            if !key.contains(':') {
                return Err(PolicyError::malformed(NO_VENDOR));
            }
            conditions.push(Condition::parse(operator, key, condition_values(values)?)?);
        }
    }
    Ok(conditions)
}

/// A condition value: a string, boolean or number, or an array of them.
fn condition_values(value: &Value) -> Result<Vec<String>, PolicyError> {
    let scalar = |v: &Value| match v {
        Value::String(s) => Ok(s.clone()),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Number(n) => Ok(n.to_string()),
        _ => Err(PolicyError::syntax()),
    };
    match value {
        Value::Array(many) => many.iter().map(scalar).collect(),
        one => Ok(vec![scalar(one)?]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(result: Result<Policy, PolicyError>) -> String {
        result.unwrap_err().to_string()
    }

    const ALLOW_ALL: &str =
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#;

    #[test]
    fn accepts_statement_object_or_array_and_both_versions() {
        assert_eq!(Policy::parse(ALLOW_ALL).unwrap().statements.len(), 1);
        let old = r#"{"Version":"2008-10-17","Statement":[{"Effect":"Deny","NotAction":["s3:*"],"NotResource":"arn:aws:s3:::b"}]}"#;
        assert_eq!(
            Policy::parse(old).unwrap().version(),
            PolicyVersion::V2008_10_17
        );
        let unversioned = r#"{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#;
        assert_eq!(
            Policy::parse(unversioned).unwrap().version(),
            PolicyVersion::V2008_10_17
        );
    }

    #[test]
    fn malformed_documents_get_iam_messages() {
        let cases = [
            ("not json", "Syntax errors in policy."),
            ("[]", "Syntax errors in policy."),
            (
                r#"{"Version":"2012-10-17"}"#,
                "Missing required field Statement",
            ),
            (
                r#"{"Version":"2012-10-18","Statement":[]}"#,
                "The policy failed legacy parsing",
            ),
            (
                r#"{"Version":"2012-10-17","Statement":[{"Action":"*","Resource":"*"}]}"#,
                "Missing required field Effect",
            ),
            (
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"allow","Action":"*","Resource":"*"}]}"#,
                "The policy failed legacy parsing",
            ),
            (
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Resource":"*"}]}"#,
                "Policy statement must contain actions.",
            ),
            (
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":[],"Resource":"*"}]}"#,
                "Policy statement must contain actions.",
            ),
            (
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*"}]}"#,
                "Policy statement must contain resources.",
            ),
            (
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","NotAction":"s3:*","Resource":"*"}]}"#,
                "Syntax errors in policy.",
            ),
            (
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"GetObject","Resource":"*"}]}"#,
                NO_VENDOR,
            ),
            (
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"bucket"}]}"#,
                "Resource bucket must be in ARN format or \"*\".",
            ),
            (
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"arn:aws:*:::x"}]}"#,
                "Resource vendor must be fully qualified and cannot contain regexes.",
            ),
            (
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}"#,
                "Policy document should not specify a principal.",
            ),
            (
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEqual":{"aws:username":"a"}}}]}"#,
                "Invalid Condition type : StringEqual",
            ),
            (
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"username":"a"}}}]}"#,
                NO_VENDOR,
            ),
            (
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:username":null}}}]}"#,
                "Syntax errors in policy.",
            ),
            (
                r#"{"Version":"2012-10-17","Statement":[{"Sid":"a b","Effect":"Allow","Action":"*","Resource":"*"}]}"#,
                "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*",
            ),
            (
                r#"{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":"*","Resource":"*"},{"Sid":"A","Effect":"Deny","Action":"*","Resource":"*"}]}"#,
                "Statement IDs (SID) in a single policy must be unique.",
            ),
            (
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Extra":1}]}"#,
                "Syntax errors in policy.",
            ),
        ];
        for (json, expected) in cases {
            assert_eq!(message(Policy::parse(json)), expected, "{json}");
        }
    }

    #[test]
    fn trust_policies_need_a_principal_and_refuse_resources() {
        let ok = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"cognito-identity.amazonaws.com"},"Action":"sts:AssumeRoleWithWebIdentity"}]}"#;
        assert!(Policy::parse_trust(ok).is_ok());
        let cases = [
            (
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]}"#,
                "Missing required field Principal",
            ),
            (
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","Resource":"*"}]}"#,
                "Has prohibited field Resource",
            ),
            (
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Users":"x"},"Action":"sts:AssumeRole"}]}"#,
                "Invalid principal in policy: {\"Users\":\"x\"}",
            ),
        ];
        for (json, expected) in cases {
            assert_eq!(message(Policy::parse_trust(json)), expected, "{json}");
        }
    }

    #[test]
    fn size_limits_ignore_white_space_except_for_session_policies() {
        let padded = format!("{ALLOW_ALL}{}", " ".repeat(3000));
        assert!(Policy::parse_with_limit(&padded, SizeLimit::TRUST_POLICY).is_ok());
        assert_eq!(
            Policy::parse_with_limit(&padded, SizeLimit::SESSION_POLICY).unwrap_err(),
            PolicyError::LimitExceeded { limit: 2048 }
        );
        let tiny = SizeLimit {
            max_chars: 40,
            counts_whitespace: false,
        };
        assert_eq!(
            message(Policy::parse_with_limit(ALLOW_ALL, tiny)),
            "Cannot exceed quota for PolicySize: 40"
        );
    }
}
