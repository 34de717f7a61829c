//! The attribute schema of a pool: Cognito's standard attributes, custom attributes,
//! and validation of user-supplied attribute values against them.
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-attributes.html>

use crate::error::{CoreError, CoreResult};
use cognate_proto::user_pool::{NumberConstraints, SchemaAttribute, StringConstraints};
use std::collections::BTreeMap;

/// Standard attributes that are plain mutable strings of 0–2048 characters.
const STANDARD_STRINGS: &[&str] = &[
    "name",
    "given_name",
    "family_name",
    "middle_name",
    "nickname",
    "preferred_username",
    "profile",
    "picture",
    "website",
    "email",
    "gender",
    "zoneinfo",
    "locale",
    "phone_number",
    "address",
    "identities",
];

fn string_attr(name: &str, min: &str, max: &str, mutable: bool, required: bool) -> SchemaAttribute {
    SchemaAttribute {
        name: Some(name.into()),
        attribute_data_type: Some("String".into()),
        developer_only_attribute: Some(false),
        mutable: Some(mutable),
        required: Some(required),
        number_attribute_constraints: None,
        string_attribute_constraints: Some(StringConstraints {
            min_length: Some(min.into()),
            max_length: Some(max.into()),
        }),
    }
}

/// The standard schema of a new pool, in DescribeUserPool's order.
pub fn standard_schema() -> Vec<SchemaAttribute> {
    let mut out = vec![string_attr("sub", "1", "2048", false, true)];
    for name in STANDARD_STRINGS {
        out.push(string_attr(name, "0", "2048", true, false));
    }
    out.push(string_attr("birthdate", "10", "10", true, false));
    for name in ["email_verified", "phone_number_verified"] {
        out.push(SchemaAttribute {
            name: Some(name.into()),
            attribute_data_type: Some("Boolean".into()),
            developer_only_attribute: Some(false),
            mutable: Some(true),
            required: Some(false),
            ..Default::default()
        });
    }
    out.push(SchemaAttribute {
        name: Some("updated_at".into()),
        attribute_data_type: Some("Number".into()),
        developer_only_attribute: Some(false),
        mutable: Some(true),
        required: Some(false),
        number_attribute_constraints: Some(NumberConstraints {
            min_value: Some("0".into()),
            max_value: None,
        }),
        string_attribute_constraints: None,
    });
    out
}

/// True for the names of Cognito's standard attributes.
pub fn is_standard(name: &str) -> bool {
    standard_schema()
        .iter()
        .any(|a| a.name.as_deref() == Some(name))
}

/// Builds a pool's schema from `CreateUserPool`'s `Schema` member: standard attributes
/// may be made required (or get tighter bounds); other names become `custom:` attributes.
pub fn build_schema(requested: &[SchemaAttribute]) -> CoreResult<Vec<SchemaAttribute>> {
    let mut schema = standard_schema();
    let mut custom = Vec::new();
    for attr in requested {
        let name = attr.name.clone().unwrap_or_default();
        if let Some(std_attr) = schema
            .iter_mut()
            .find(|a| a.name.as_deref() == Some(name.as_str()))
        {
            if name == "sub" {
                continue;
            }
            if let Some(r) = attr.required {
                std_attr.required = Some(r);
            }
            if let Some(m) = attr.mutable {
                std_attr.mutable = Some(m);
            }
            if attr.string_attribute_constraints.is_some() {
                std_attr.string_attribute_constraints = attr.string_attribute_constraints.clone();
            }
        } else {
            custom.push(attr.clone());
        }
    }
    add_custom(&mut schema, &custom)?;
    Ok(schema)
}

/// Adds custom attributes (`AddCustomAttributes`), refusing duplicates and the 50 cap.
pub fn add_custom(schema: &mut Vec<SchemaAttribute>, attrs: &[SchemaAttribute]) -> CoreResult<()> {
    for attr in attrs {
        let raw = attr.name.clone().unwrap_or_default();
        let bare = raw.strip_prefix("custom:").unwrap_or(&raw);
        let n = bare.chars().count();
        if n == 0 || n > 20 || !cognate_proto::validate::is_visible_text(bare) {
            return Err(CoreError::InvalidParameter(format!(
                "Invalid custom attribute name {raw}: names have 1 to 20 characters without spaces."
            )));
        }
        if attr.required == Some(true) {
            return Err(CoreError::InvalidParameter(
                "Required custom attributes are not supported currently.".into(),
            ));
        }
        let dtype = attr
            .attribute_data_type
            .clone()
            .unwrap_or_else(|| "String".into());
        if !["String", "Number", "DateTime", "Boolean"].contains(&dtype.as_str()) {
            return Err(CoreError::InvalidParameter(format!(
                "Invalid AttributeDataType {dtype} for attribute {raw}."
            )));
        }
        let prefix = if attr.developer_only_attribute == Some(true) {
            "dev:custom:"
        } else {
            "custom:"
        };
        let full = format!("{prefix}{bare}");
        if schema
            .iter()
            .any(|a| a.name.as_deref() == Some(full.as_str()))
        {
            return Err(CoreError::InvalidParameter(format!(
                "Existing attribute already has name {full}."
            )));
        }
        let mut stored = attr.clone();
        stored.name = Some(full);
        stored.attribute_data_type = Some(dtype.clone());
        stored.required = Some(false);
        stored.mutable = Some(attr.mutable.unwrap_or(true));
        stored.developer_only_attribute = Some(attr.developer_only_attribute.unwrap_or(false));
        if dtype == "String" && stored.string_attribute_constraints.is_none() {
            stored.string_attribute_constraints = Some(StringConstraints::default());
        }
        if dtype == "Number" && stored.number_attribute_constraints.is_none() {
            stored.number_attribute_constraints = Some(NumberConstraints::default());
        }
        schema.push(stored);
    }
    let customs = schema
        .iter()
        .filter(|a| a.name.as_deref().is_some_and(|n| n.contains("custom:")))
        .count();
    if customs > 50 {
        return Err(CoreError::LimitExceeded(
            "A user pool can have at most 50 custom attributes.".into(),
        ));
    }
    Ok(())
}

/// Looks an attribute up by the name users send (`custom:x`, or `dev:custom:x`).
pub fn find<'a>(schema: &'a [SchemaAttribute], name: &str) -> Option<&'a SchemaAttribute> {
    schema
        .iter()
        .find(|a| a.name.as_deref() == Some(name))
        .or_else(|| {
            name.strip_prefix("custom:").and_then(|bare| {
                schema
                    .iter()
                    .find(|a| a.name.as_deref() == Some(&format!("dev:custom:{bare}")))
            })
        })
}

/// Names of attributes that sign-up must supply.
pub fn required_names(schema: &[SchemaAttribute]) -> Vec<String> {
    schema
        .iter()
        .filter(|a| a.required == Some(true) && a.name.as_deref() != Some("sub"))
        .filter_map(|a| a.name.clone())
        .collect()
}

fn schema_error(name: &str, why: &str) -> CoreError {
    CoreError::InvalidParameter(format!(
        "Attributes did not conform to the schema: {name}: {why}"
    ))
}

fn bound(s: &Option<String>) -> Option<i128> {
    s.as_deref().and_then(|v| v.parse().ok())
}

/// Checks one value against its schema entry (type, bounds, and well-known formats).
pub fn check_value(attr: &SchemaAttribute, name: &str, value: &str) -> CoreResult<()> {
    if value.chars().count() > 2048 {
        return Err(schema_error(
            name,
            "The attribute value is longer than 2048 characters.",
        ));
    }
    match attr.attribute_data_type.as_deref().unwrap_or("String") {
        "Boolean" if value != "true" && value != "false" => {
            return Err(schema_error(name, "Boolean values must be true or false."));
        }
        "Number" => {
            let n: i128 = value
                .parse::<f64>()
                .ok()
                .filter(|f| f.is_finite())
                .map(|f| f as i128)
                .ok_or_else(|| schema_error(name, "Number attribute value is not a number."))?;
            if let Some(c) = &attr.number_attribute_constraints
                && (bound(&c.min_value).is_some_and(|m| n < m)
                    || bound(&c.max_value).is_some_and(|m| n > m))
            {
                return Err(schema_error(name, "Number is outside the allowed range."));
            }
        }
        "String" => {
            if let Some(c) = &attr.string_attribute_constraints {
                let len = value.chars().count() as i128;
                if bound(&c.min_length).is_some_and(|m| len < m)
                    || bound(&c.max_length).is_some_and(|m| len > m)
                {
                    return Err(schema_error(name, "String is outside the allowed length."));
                }
            }
        }
        _ => {}
    }
    match name {
        "email" if !looks_like_email(value) => Err(CoreError::InvalidParameter(
            "Invalid email address format.".into(),
        )),
        "phone_number" if !looks_like_phone(value) => Err(CoreError::InvalidParameter(
            "Invalid phone number format.".into(),
        )),
        "birthdate" if !is_birthdate(value) => Err(schema_error(
            name,
            "Birthdate must have the form YYYY-MM-DD.",
        )),
        _ => Ok(()),
    }
}

/// A pragmatic email check: one `@`, non-empty local part, a dot in the domain, no spaces.
pub fn looks_like_email(v: &str) -> bool {
    match v.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !v.chars().any(|c| c.is_whitespace() || c.is_control())
        }
        None => false,
    }
}

/// E.164: `+` then 1–15 digits.
pub fn looks_like_phone(v: &str) -> bool {
    v.strip_prefix('+')
        .is_some_and(|d| !d.is_empty() && d.len() <= 15 && d.chars().all(|c| c.is_ascii_digit()))
}

fn is_birthdate(v: &str) -> bool {
    let b = v.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

/// Who is writing attributes: admins may set verification flags and developer-only
/// attributes; immutable attributes may only be written at creation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Writer {
    /// AdminCreateUser / SignUp.
    Create,
    /// Admin* updates.
    AdminUpdate,
}

/// Validates `(name, value)` pairs for a write; empty values mean "delete" on updates.
pub fn check_attributes(
    schema: &[SchemaAttribute],
    attrs: &BTreeMap<String, String>,
    writer: Writer,
) -> CoreResult<()> {
    for (name, value) in attrs {
        if name == "sub" {
            return Err(schema_error(name, "Attribute cannot be written."));
        }
        let attr = find(schema, name)
            .ok_or_else(|| schema_error(name, "Attribute does not exist in the schema."))?;
        if writer == Writer::AdminUpdate && attr.mutable == Some(false) {
            return Err(CoreError::InvalidParameter(format!(
                "Cannot modify the non-mutable attribute {name}"
            )));
        }
        if !(value.is_empty() && writer == Writer::AdminUpdate) {
            check_value(attr, name, value)?;
        }
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn standard_schema_has_sub_first_and_required() {
        let s = standard_schema();
        assert_eq!(s[0].name.as_deref(), Some("sub"));
        assert_eq!(s[0].required, Some(true));
        assert!(s.iter().any(|a| a.name.as_deref() == Some("updated_at")));
    }

    #[test]
    fn custom_attributes_get_prefix_and_are_unique() {
        let s = build_schema(&[SchemaAttribute {
            name: Some("team".into()),
            ..Default::default()
        }])
        .unwrap();
        assert!(find(&s, "custom:team").is_some());
        let mut s2 = s.clone();
        assert!(
            add_custom(
                &mut s2,
                &[SchemaAttribute {
                    name: Some("team".into()),
                    ..Default::default()
                }]
            )
            .is_err()
        );
    }

    #[test]
    fn values_are_checked_against_type_and_format() {
        let s = standard_schema();
        let mut a = BTreeMap::new();
        a.insert("email".to_string(), "not-an-email".to_string());
        assert!(check_attributes(&s, &a, Writer::Create).is_err());
        a.insert("email".to_string(), "a@example.com".to_string());
        a.insert("email_verified".to_string(), "yes".to_string());
        assert!(check_attributes(&s, &a, Writer::Create).is_err());
        a.insert("email_verified".to_string(), "true".to_string());
        assert!(check_attributes(&s, &a, Writer::Create).is_ok());
        a.insert("nope".to_string(), "x".to_string());
        assert!(check_attributes(&s, &a, Writer::Create).is_err());
    }

    #[test]
    fn phone_numbers_are_e164() {
        assert!(looks_like_phone("+14325551212"));
        assert!(!looks_like_phone("14325551212"));
        assert!(!looks_like_phone("+1 432"));
    }
}
