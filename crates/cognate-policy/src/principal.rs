//! `Principal` and `NotPrincipal` of role trust policies
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html>).
//!
//! Identity-based policies refuse both elements; trust policies require one. Principal values
//! take no wildcards except a whole-value `*` (`"Principal": "*"` or `{"AWS": "*"}`).

use serde_json::{Map, Value};

use crate::document::{Kind, string_list};
use crate::error::PolicyError;

/// `Principal` or `NotPrincipal` of a trust policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Principals {
    pub(crate) negated: bool,
    /// `"*"` or `{"AWS": "*"}`: everyone.
    pub(crate) everyone: bool,
    /// (`AWS` | `Federated` | `Service` | `CanonicalUser`, value)
    pub(crate) entries: Vec<(String, String)>,
}

/// Reads `Principal`/`NotPrincipal` of statement `s`, refusing them in identity policies.
pub(crate) fn parse_principal(
    s: &Map<String, Value>,
    kind: Kind,
) -> Result<Option<Principals>, PolicyError> {
    let (value, negated) = match (s.get("Principal"), s.get("NotPrincipal")) {
        (None, None) if kind == Kind::Identity => return Ok(None),
        (None, None) => return Err(PolicyError::malformed("Missing required field Principal")),
        _ if kind == Kind::Identity => {
            return Err(PolicyError::malformed(
                "Policy document should not specify a principal.",
            ));
        }
        (Some(_), Some(_)) => return Err(PolicyError::syntax()),
        (Some(v), None) => (v, false),
        (None, Some(v)) => (v, true),
    };
    let invalid = || PolicyError::malformed(format!("Invalid principal in policy: {value}"));
    let mut principals = Principals {
        negated,
        everyone: false,
        entries: Vec::new(),
    };
    match value {
        Value::String(star) if star == "*" => principals.everyone = true,
        Value::Object(map) if !map.is_empty() => {
            for (kind, ids) in map {
                if !matches!(
                    kind.as_str(),
                    "AWS" | "Federated" | "Service" | "CanonicalUser"
                ) {
                    return Err(invalid());
                }
                for id in string_list(ids)? {
                    principals.everyone |= kind == "AWS" && id == "*";
                    principals.entries.push((kind.clone(), id));
                }
            }
        }
        _ => return Err(invalid()),
    }
    Ok(Some(principals))
}

impl Principals {
    /// Whether the statement covers a federated caller. Principal values do not take
    /// wildcards except the whole-value `*`; provider names compare case-insensitively.
    pub(crate) fn admit(&self, federated: &str) -> bool {
        let listed = self.everyone
            || self
                .entries
                .iter()
                .any(|(kind, id)| kind == "Federated" && id.eq_ignore_ascii_case(federated));
        listed != self.negated
    }
}
