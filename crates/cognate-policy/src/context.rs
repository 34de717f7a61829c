//! The request context: the condition keys a request carries (`aws:SourceIp`, `s3:prefix`,
//! `cognito-identity.amazonaws.com:amr`, `aws:PrincipalTag/<k>`, ...) and their values.
//!
//! Key names are case-insensitive (IAM: "`aws:CurrentTime` is equivalent to
//! `AWS:currenttime`"); values keep their case. A key is single-valued or multivalued by how
//! it was inserted, because IAM refuses multivalued keys as policy variables
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html>).

use std::collections::HashMap;

use crate::values::format_iso8601;

/// Condition keys and values of one request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Context {
    entries: HashMap<String, Entry>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    values: Vec<String>,
    multivalued: bool,
}

impl Context {
    /// An empty context: every key is absent.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets a single-valued key such as `aws:SourceIp` or `aws:PrincipalTag/team`.
    pub fn insert(&mut self, key: &str, value: impl Into<String>) -> &mut Self {
        let entry = Entry {
            values: vec![value.into()],
            multivalued: false,
        };
        self.entries.insert(key.to_ascii_lowercase(), entry);
        self
    }

    /// Sets a multivalued key such as `cognito-identity.amazonaws.com:amr` or `aws:TagKeys`.
    /// An empty list is stored as absent, as IAM treats an empty set ("null dataset").
    pub fn insert_multi<I, S>(&mut self, key: &str, values: I) -> &mut Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let values: Vec<String> = values.into_iter().map(Into::into).collect();
        let key = key.to_ascii_lowercase();
        if values.is_empty() {
            self.entries.remove(&key);
        } else {
            let entry = Entry {
                values,
                multivalued: true,
            };
            self.entries.insert(key, entry);
        }
        self
    }

    /// Builder form of [`Context::insert`].
    #[must_use]
    pub fn with(mut self, key: &str, value: impl Into<String>) -> Self {
        self.insert(key, value);
        self
    }

    /// Builder form of [`Context::insert_multi`].
    #[must_use]
    pub fn with_multi<I, S>(mut self, key: &str, values: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.insert_multi(key, values);
        self
    }

    /// Sets `aws:CurrentTime` (ISO 8601, UTC) and `aws:EpochTime` from one instant, so the
    /// caller's clock stays the only source of time.
    #[must_use]
    pub fn with_request_time(self, epoch_seconds: i64) -> Self {
        self.with("aws:CurrentTime", format_iso8601(epoch_seconds))
            .with("aws:EpochTime", epoch_seconds.to_string())
    }

    /// The values of `key`, or `None` when the request does not carry it.
    pub fn values(&self, key: &str) -> Option<&[String]> {
        self.entries
            .get(&key.to_ascii_lowercase())
            .map(|entry| entry.values.as_slice())
    }

    /// The value of a single-valued key, as a policy variable would resolve it; `None` for an
    /// absent or multivalued key.
    pub fn single_value(&self, key: &str) -> Option<&str> {
        match self.entries.get(&key.to_ascii_lowercase()) {
            Some(Entry {
                values,
                multivalued: false,
            }) => values.first().map(String::as_str),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_case_insensitive_and_values_are_not() {
        let ctx = Context::new().with("aws:PrincipalTag/Team", "Blue");
        assert_eq!(
            ctx.values("AWS:principaltag/team"),
            Some(&["Blue".to_owned()][..])
        );
        assert_eq!(ctx.single_value("aws:principaltag/TEAM"), Some("Blue"));
    }

    #[test]
    fn multivalued_keys_are_not_policy_variables() {
        let ctx =
            Context::new().with_multi("cognito-identity.amazonaws.com:amr", ["authenticated"]);
        assert!(ctx.values("cognito-identity.amazonaws.com:amr").is_some());
        assert_eq!(ctx.single_value("cognito-identity.amazonaws.com:amr"), None);
    }

    #[test]
    fn an_empty_multivalued_key_is_absent() {
        let ctx = Context::new().with_multi("aws:TagKeys", Vec::<String>::new());
        assert_eq!(ctx.values("aws:TagKeys"), None);
    }

    #[test]
    fn request_time_sets_both_time_keys() {
        let ctx = Context::new().with_request_time(1_700_000_000);
        assert_eq!(
            ctx.single_value("aws:CurrentTime"),
            Some("2023-11-14T22:13:20Z")
        );
        assert_eq!(ctx.single_value("aws:EpochTime"), Some("1700000000"));
    }
}
