//! The `Condition` element: operators, `...IfExists`, the `ForAnyValue:`/`ForAllValues:` set
//! qualifiers and their documented treatment of missing keys
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html>,
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-logic-multiple-context-keys-or-values.html>).
//!
//! Invariants: several values for one key are ORed, or NORed for a negated operator; a missing
//! key makes positive operators false and negated ones true, except `...IfExists` (true) and
//! `Null`; `ForAllValues` is true for a missing or empty key and `ForAnyValue` false. A value
//! that cannot be read (bad number, date or address, unresolvable variable) never matches, and
//! makes a negated operator false rather than true, so it can never widen an `Allow`.

use crate::context::Context;
use crate::error::PolicyError;
use crate::matching::Pattern;
use crate::values::{parse_bool, parse_date, parse_ip, parse_net, parse_number};
use crate::variables::{expand, expand_text};
use ipnet::IpNet;

/// The base comparison of a condition operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    StringEquals,
    StringEqualsIgnoreCase,
    StringLike,
    Numeric(Ordering),
    Date(Ordering),
    Bool,
    Binary,
    Ip,
    Arn,
    Null,
}

/// Which numeric or date comparison an operator makes (request value on the left).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ordering {
    Equals,
    LessThan,
    LessThanEquals,
    GreaterThan,
    GreaterThanEquals,
}

/// IAM's operator names, each as (name, base comparison, negated).
const OPERATORS: &[(&str, Kind, bool)] = &[
    ("StringEquals", Kind::StringEquals, false),
    ("StringNotEquals", Kind::StringEquals, true),
    (
        "StringEqualsIgnoreCase",
        Kind::StringEqualsIgnoreCase,
        false,
    ),
    (
        "StringNotEqualsIgnoreCase",
        Kind::StringEqualsIgnoreCase,
        true,
    ),
    ("StringLike", Kind::StringLike, false),
    ("StringNotLike", Kind::StringLike, true),
    ("NumericEquals", Kind::Numeric(Ordering::Equals), false),
    ("NumericNotEquals", Kind::Numeric(Ordering::Equals), true),
    ("NumericLessThan", Kind::Numeric(Ordering::LessThan), false),
    (
        "NumericLessThanEquals",
        Kind::Numeric(Ordering::LessThanEquals),
        false,
    ),
    (
        "NumericGreaterThan",
        Kind::Numeric(Ordering::GreaterThan),
        false,
    ),
    (
        "NumericGreaterThanEquals",
        Kind::Numeric(Ordering::GreaterThanEquals),
        false,
    ),
    ("DateEquals", Kind::Date(Ordering::Equals), false),
    ("DateNotEquals", Kind::Date(Ordering::Equals), true),
    ("DateLessThan", Kind::Date(Ordering::LessThan), false),
    (
        "DateLessThanEquals",
        Kind::Date(Ordering::LessThanEquals),
        false,
    ),
    ("DateGreaterThan", Kind::Date(Ordering::GreaterThan), false),
    (
        "DateGreaterThanEquals",
        Kind::Date(Ordering::GreaterThanEquals),
        false,
    ),
    ("Bool", Kind::Bool, false),
    ("BinaryEquals", Kind::Binary, false),
    ("IpAddress", Kind::Ip, false),
    ("NotIpAddress", Kind::Ip, true),
    ("ArnEquals", Kind::Arn, false),
    ("ArnLike", Kind::Arn, false),
    ("ArnNotEquals", Kind::Arn, true),
    ("ArnNotLike", Kind::Arn, true),
    ("Null", Kind::Null, false),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SetQualifier {
    ForAnyValue,
    ForAllValues,
}

/// One `"Operator": {"key": values}` pair of a statement's `Condition` block.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Condition {
    kind: Kind,
    negated: bool,
    if_exists: bool,
    qualifier: Option<SetQualifier>,
    key: String,
    values: Vec<String>,
}

/// A policy value ready to compare with request values.
enum Compiled {
    Text(String),
    Glob(Pattern),
    Arn(Pattern),
    Number(f64),
    Date(i64),
    Bool(bool),
    Net(IpNet),
}

impl Condition {
    /// Reads an operator name such as `ForAnyValue:StringLikeIfExists`; operator names are
    /// case-sensitive, as in IAM's grammar.
    pub(crate) fn parse(
        operator: &str,
        key: &str,
        values: Vec<String>,
    ) -> Result<Self, PolicyError> {
        let invalid = || PolicyError::malformed(format!("Invalid Condition type : {operator}"));
        let (qualifier, name) = if let Some(name) = operator.strip_prefix("ForAnyValue:") {
            (Some(SetQualifier::ForAnyValue), name)
        } else if let Some(name) = operator.strip_prefix("ForAllValues:") {
            (Some(SetQualifier::ForAllValues), name)
        } else {
            (None, operator)
        };
        let (if_exists, name) = match name.strip_suffix("IfExists") {
            Some(base) => (true, base),
            None => (false, name),
        };
        let &(_, kind, negated) = OPERATORS
            .iter()
            .find(|(known, _, _)| *known == name)
            .ok_or_else(invalid)?;
        if kind == Kind::Null && (if_exists || qualifier.is_some()) {
            return Err(invalid());
        }
        Ok(Self {
            kind,
            negated,
            if_exists,
            qualifier,
            key: key.to_ascii_lowercase(),
            values,
        })
    }

    /// Whether the condition holds for `ctx`; `variables` is false for `2008-10-17` policies.
    pub(crate) fn holds(&self, ctx: &Context, variables: bool) -> bool {
        let request = ctx.values(&self.key);
        if self.kind == Kind::Null {
            // "true": the key must be absent; "false": present.
            let absent = request.is_none();
            return self.values.iter().any(|v| parse_bool(v) == Some(absent));
        }
        let Some(request) = request else {
            return self.if_exists
                || match self.qualifier {
                    Some(SetQualifier::ForAllValues) => true,
                    Some(SetQualifier::ForAnyValue) => false,
                    None => self.negated,
                };
        };
        let compiled: Vec<Option<Compiled>> = self
            .values
            .iter()
            .map(|v| self.compile(v, ctx, variables))
            .collect();
        if self.negated && compiled.iter().any(Option::is_none) {
            return false;
        }
        let value_passes = |value: &String| self.value_passes(value, &compiled);
        match (self.qualifier, self.negated) {
            (Some(SetQualifier::ForAllValues), _) | (None, true) => {
                request.iter().all(value_passes)
            }
            (Some(SetQualifier::ForAnyValue), _) | (None, false) => {
                request.iter().any(value_passes)
            }
        }
    }

    /// One request value against all policy values: matches any (OR), or for a negated
    /// operator matches none (NOR). An unreadable request value passes neither.
    fn value_passes(&self, value: &str, compiled: &[Option<Compiled>]) -> bool {
        let mut matched = false;
        for policy_value in compiled.iter().flatten() {
            match self.compare(policy_value, value) {
                Some(true) => {
                    matched = true;
                    break;
                }
                Some(false) => {}
                None => return false,
            }
        }
        matched != self.negated
    }

    fn compile(&self, value: &str, ctx: &Context, variables: bool) -> Option<Compiled> {
        Some(match self.kind {
            Kind::StringEquals => Compiled::Text(expand_text(value, ctx, variables)?),
            Kind::StringEqualsIgnoreCase => {
                Compiled::Text(expand_text(value, ctx, variables)?.to_lowercase())
            }
            Kind::StringLike => {
                Compiled::Glob(Pattern::new(&expand(value, ctx, variables)?, false))
            }
            Kind::Arn => Compiled::Arn(Pattern::new(&expand(value, ctx, variables)?, false)),
            Kind::Binary => Compiled::Text(value.to_owned()),
            Kind::Numeric(_) => Compiled::Number(parse_number(value)?),
            Kind::Date(_) => Compiled::Date(parse_date(value)?),
            Kind::Bool => Compiled::Bool(parse_bool(value)?),
            Kind::Ip => Compiled::Net(parse_net(value)?),
            Kind::Null => return None,
        })
    }

    /// `None` when the request value cannot be read as the operator's type.
    fn compare(&self, policy: &Compiled, value: &str) -> Option<bool> {
        Some(match (policy, self.kind) {
            (Compiled::Text(text), Kind::StringEqualsIgnoreCase) => value.to_lowercase() == *text,
            (Compiled::Text(text), _) => value == text,
            (Compiled::Glob(pattern), _) => pattern.matches(value),
            (Compiled::Arn(pattern), _) => pattern.matches_arn(value),
            (Compiled::Number(limit), Kind::Numeric(order)) => {
                order.holds(parse_number(value)?, *limit)
            }
            (Compiled::Date(limit), Kind::Date(order)) => order.holds(parse_date(value)?, *limit),
            (Compiled::Bool(expected), _) => parse_bool(value)? == *expected,
            (Compiled::Net(net), _) => net.contains(&parse_ip(value)?),
            _ => return None,
        })
    }
}

impl Ordering {
    fn holds<T: PartialOrd>(self, value: T, limit: T) -> bool {
        match self {
            Ordering::Equals => value == limit,
            Ordering::LessThan => value < limit,
            Ordering::LessThanEquals => value <= limit,
            Ordering::GreaterThan => value > limit,
            Ordering::GreaterThanEquals => value >= limit,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn holds(operator: &str, key: &str, values: &[&str], ctx: &Context) -> bool {
        let values = values.iter().map(|v| (*v).to_owned()).collect();
        let condition = Condition::parse(operator, key, values).unwrap();
        condition.holds(ctx, true)
    }

    #[test]
    fn string_operators() {
        let ctx = Context::new().with("aws:PrincipalTag/team", "Blue");
        let key = "aws:PrincipalTag/team";
        let cases: &[(&str, &[&str], bool)] = &[
            ("StringEquals", &["Blue"], true),
            ("StringEquals", &["blue"], false),
            ("StringEquals", &["Red", "Blue"], true),
            ("StringEquals", &["B*"], false),
            ("StringNotEquals", &["Red", "Green"], true),
            ("StringNotEquals", &["Red", "Blue"], false),
            ("StringEqualsIgnoreCase", &["BLUE"], true),
            ("StringNotEqualsIgnoreCase", &["bLuE"], false),
            ("StringLike", &["B*"], true),
            ("StringLike", &["b*"], false),
            ("StringLike", &["Bl?e"], true),
            ("StringNotLike", &["R*", "G*"], true),
            ("StringNotLike", &["R*", "B*"], false),
        ];
        for (op, values, expected) in cases {
            assert_eq!(holds(op, key, values, &ctx), *expected, "{op} {values:?}");
        }
    }

    #[test]
    fn missing_keys_follow_the_documented_rules() {
        let ctx = Context::new();
        let cases = [
            ("StringEquals", false),
            ("StringNotEquals", true),
            ("StringLike", false),
            ("StringNotLike", true),
            ("ArnNotLike", true),
            ("NumericLessThan", false),
            ("NotIpAddress", true),
            ("StringEqualsIfExists", true),
            ("StringNotEqualsIfExists", true),
            ("ForAnyValue:StringEquals", false),
            ("ForAllValues:StringEquals", true),
            ("ForAnyValue:StringEqualsIfExists", true),
        ];
        for (op, expected) in cases {
            assert_eq!(
                holds(op, "aws:PrincipalTag/x", &["v"], &ctx),
                expected,
                "{op}"
            );
        }
    }

    #[test]
    fn if_exists_checks_a_present_key() {
        let ctx = Context::new().with("ec2:InstanceType", "t3.large");
        assert!(!holds(
            "StringLikeIfExists",
            "ec2:InstanceType",
            &["t2.*"],
            &ctx
        ));
        assert!(holds(
            "StringLikeIfExists",
            "ec2:InstanceType",
            &["t3.*"],
            &ctx
        ));
    }

    #[test]
    fn set_qualifiers_on_a_multivalued_key() {
        let ctx = Context::new().with_multi("aws:TagKeys", ["env", "team"]);
        let key = "aws:TagKeys";
        let cases: &[(&str, &[&str], bool)] = &[
            ("ForAllValues:StringEquals", &["env", "team", "cost"], true),
            ("ForAllValues:StringEquals", &["env"], false),
            ("ForAnyValue:StringEquals", &["env"], true),
            ("ForAnyValue:StringEquals", &["cost"], false),
            ("ForAllValues:StringNotEquals", &["cost"], true),
            ("ForAllValues:StringNotEquals", &["env"], false),
            ("ForAnyValue:StringNotEquals", &["env"], true),
            ("ForAnyValue:StringNotEquals", &["env", "team"], false),
            ("ForAllValues:StringLike", &["e*", "t*"], true),
        ];
        for (op, values, expected) in cases {
            assert_eq!(holds(op, key, values, &ctx), *expected, "{op} {values:?}");
        }
    }

    #[test]
    fn numeric_date_bool_binary_and_ip_operators() {
        let ctx = Context::new()
            .with("s3:max-keys", "10")
            .with("aws:CurrentTime", "2024-06-01T12:00:00Z")
            .with("aws:EpochTime", "1717243200")
            .with("aws:SecureTransport", "true")
            .with("aws:SourceIp", "203.0.113.7")
            .with("test:blob", "QmluYXJ5");
        let cases: &[(&str, &str, &[&str], bool)] = &[
            ("NumericEquals", "s3:max-keys", &["10.0"], true),
            ("NumericNotEquals", "s3:max-keys", &["10"], false),
            ("NumericLessThan", "s3:max-keys", &["10"], false),
            ("NumericLessThanEquals", "s3:max-keys", &["10"], true),
            ("NumericGreaterThan", "s3:max-keys", &["9.5"], true),
            ("NumericGreaterThanEquals", "s3:max-keys", &["11"], false),
            ("NumericEquals", "s3:max-keys", &["ten"], false),
            ("NumericNotEquals", "s3:max-keys", &["ten"], false),
            (
                "DateLessThan",
                "aws:CurrentTime",
                &["2024-12-31T00:00:00Z"],
                true,
            ),
            ("DateGreaterThan", "aws:CurrentTime", &["2024-12-31"], false),
            ("DateEquals", "aws:CurrentTime", &["1717243200"], true),
            (
                "DateNotEquals",
                "aws:EpochTime",
                &["2024-06-01T12:00:00Z"],
                false,
            ),
            (
                "DateGreaterThanEquals",
                "aws:EpochTime",
                &["2024-06-01T14:00:00+02:00"],
                true,
            ),
            (
                "DateLessThanEquals",
                "aws:CurrentTime",
                &["2024-06-01T11:59:59Z"],
                false,
            ),
            ("Bool", "aws:SecureTransport", &["true"], true),
            ("Bool", "aws:SecureTransport", &["false"], false),
            ("Bool", "aws:SecureTransport", &["TRUE"], true),
            ("BinaryEquals", "test:blob", &["QmluYXJ5"], true),
            ("IpAddress", "aws:SourceIp", &["203.0.113.0/24"], true),
            (
                "IpAddress",
                "aws:SourceIp",
                &["198.51.100.0/24", "203.0.113.7"],
                true,
            ),
            ("NotIpAddress", "aws:SourceIp", &["203.0.113.0/24"], false),
            ("IpAddress", "aws:SourceIp", &["2001:db8::/32"], false),
        ];
        for (op, key, values, expected) in cases {
            assert_eq!(
                holds(op, key, values, &ctx),
                *expected,
                "{op} {key} {values:?}"
            );
        }
    }

    /// IAM documents that multivalued keys need a set qualifier but not what happens without
    /// one; Cognate reads a plain positive operator as "any value matches" and a plain negated
    /// one as "no value matches", which is what such a policy's author means.
    #[test]
    fn multivalued_key_without_a_qualifier() {
        let ctx =
            Context::new().with_multi("cognito-identity.amazonaws.com:amr", ["authenticated", "x"]);
        let key = "cognito-identity.amazonaws.com:amr";
        assert!(holds("StringEquals", key, &["authenticated"], &ctx));
        assert!(!holds("StringEquals", key, &["unauthenticated"], &ctx));
        assert!(!holds("StringNotEquals", key, &["authenticated"], &ctx));
        assert!(holds("StringNotEquals", key, &["unauthenticated"], &ctx));
    }

    #[test]
    fn null_tests_presence() {
        let ctx = Context::new().with("aws:TokenIssueTime", "2024-06-01T12:00:00Z");
        assert!(holds("Null", "aws:TokenIssueTime", &["false"], &ctx));
        assert!(!holds("Null", "aws:TokenIssueTime", &["true"], &ctx));
        assert!(holds("Null", "aws:MultiFactorAuthAge", &["true"], &ctx));
        assert!(!holds("Null", "aws:MultiFactorAuthAge", &["false"], &ctx));
    }

    #[test]
    fn unresolvable_variables_never_widen_access() {
        let ctx = Context::new().with("s3:prefix", "home/alice/");
        assert!(!holds(
            "StringLike",
            "s3:prefix",
            &["home/${aws:username}/*"],
            &ctx
        ));
        assert!(holds(
            "StringLike",
            "s3:prefix",
            &["home/${aws:username}/*", "home/*"],
            &ctx
        ));
        assert!(!holds(
            "StringNotLike",
            "s3:prefix",
            &["home/${aws:username}/*"],
            &ctx
        ));
        let named = ctx.clone().with("aws:username", "alice");
        assert!(holds(
            "StringLike",
            "s3:prefix",
            &["home/${aws:username}/*"],
            &named
        ));
        assert!(holds(
            "StringNotLike",
            "s3:prefix",
            &["home/${aws:username}x/*"],
            &named
        ));
    }

    #[test]
    fn variables_only_apply_to_string_and_arn_operators() {
        let ctx = Context::new()
            .with("s3:max-keys", "5")
            .with("aws:PrincipalTag/max", "5");
        assert!(!holds(
            "NumericEquals",
            "s3:max-keys",
            &["${aws:PrincipalTag/max}"],
            &ctx
        ));
        assert!(holds(
            "StringEquals",
            "s3:max-keys",
            &["${aws:PrincipalTag/max}"],
            &ctx
        ));
    }

    #[test]
    fn unknown_operators_are_refused_with_iam_wording() {
        for op in [
            "StringEqual",
            "stringequals",
            "ForSomeValues:StringEquals",
            "NullIfExists",
        ] {
            let err = Condition::parse(op, "aws:username", vec![]).unwrap_err();
            assert_eq!(
                err,
                PolicyError::Malformed(format!("Invalid Condition type : {op}"))
            );
        }
    }
}
