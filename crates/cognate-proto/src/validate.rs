//! Constraint checks on request members, with the messages AWS's front end gives
//! (`1 validation error detected: Value 'x' at 'poolName' failed to satisfy constraint: ...`).
//!
//! Member names in messages are lower camel case, as AWS reports them.

/// Collects constraint violations for one request.
#[derive(Debug, Default)]
pub struct Validator {
    errors: Vec<String>,
}

fn shown(value: &str, sensitive: bool) -> String {
    if sensitive {
        "Value".to_owned()
    } else {
        let clipped: String = value.chars().take(256).collect();
        format!("Value '{clipped}'")
    }
}

impl Validator {
    /// A validator with no errors yet.
    pub fn new() -> Self {
        Self::default()
    }

    fn fail(&mut self, value: String, field: &str, constraint: &str) {
        self.errors.push(format!(
            "{value} at '{field}' failed to satisfy constraint: {constraint}"
        ));
    }

    /// Records an error unless `value` is present.
    pub fn required<T>(&mut self, field: &str, value: &Option<T>) -> &mut Self {
        if value.is_none() {
            self.fail("Value null".into(), field, "Member must not be null");
        }
        self
    }

    /// Length bounds in characters, checked when the value is present.
    pub fn len(&mut self, field: &str, value: Option<&str>, min: usize, max: usize) -> &mut Self {
        self.len_inner(field, value, min, max, false)
    }

    /// Like [`Validator::len`] for secrets: the value is never echoed.
    pub fn len_sensitive(
        &mut self,
        field: &str,
        value: Option<&str>,
        min: usize,
        max: usize,
    ) -> &mut Self {
        self.len_inner(field, value, min, max, true)
    }

    fn len_inner(
        &mut self,
        field: &str,
        value: Option<&str>,
        min: usize,
        max: usize,
        sensitive: bool,
    ) -> &mut Self {
        if let Some(v) = value {
            let n = v.chars().count();
            if n < min {
                self.fail(
                    shown(v, sensitive),
                    field,
                    &format!("Member must have length greater than or equal to {min}"),
                );
            } else if n > max {
                self.fail(
                    shown(v, sensitive),
                    field,
                    &format!("Member must have length less than or equal to {max}"),
                );
            }
        }
        self
    }

    /// A pattern check; `pattern` is the model's regular expression, quoted in the message.
    pub fn pattern(
        &mut self,
        field: &str,
        value: Option<&str>,
        pattern: &str,
        ok: impl Fn(&str) -> bool,
    ) -> &mut Self {
        if let Some(v) = value.filter(|v| !ok(v)) {
            self.fail(
                shown(v, false),
                field,
                &format!("Member must satisfy regular expression pattern: {pattern}"),
            );
        }
        self
    }

    /// Inclusive numeric range, checked when the value is present.
    pub fn range(&mut self, field: &str, value: Option<i64>, min: i64, max: i64) -> &mut Self {
        if let Some(v) = value {
            if v < min {
                self.fail(
                    format!("Value '{v}'"),
                    field,
                    &format!("Member must have value greater than or equal to {min}"),
                );
            } else if v > max {
                self.fail(
                    format!("Value '{v}'"),
                    field,
                    &format!("Member must have value less than or equal to {max}"),
                );
            }
        }
        self
    }

    /// Enum membership, checked when the value is present.
    pub fn one_of(&mut self, field: &str, value: Option<&str>, allowed: &[&str]) -> &mut Self {
        if let Some(v) = value.filter(|v| !allowed.contains(v)) {
            let constraint = format!(
                "Member must satisfy enum value set: [{}]",
                allowed.join(", ")
            );
            self.fail(shown(v, false), field, &constraint);
        }
        self
    }

    /// Enum membership for each element of a list.
    pub fn each_one_of(
        &mut self,
        field: &str,
        values: Option<&[String]>,
        allowed: &[&str],
    ) -> &mut Self {
        for v in values.unwrap_or_default() {
            self.one_of(field, Some(v), allowed);
        }
        self
    }

    /// Number of elements in a list, checked when present.
    pub fn count(&mut self, field: &str, n: Option<usize>, min: usize, max: usize) -> &mut Self {
        if let Some(n) = n.filter(|n| *n < min || *n > max) {
            self.fail(
                format!("Value with {n} elements"),
                field,
                &format!("Member must have length between {min} and {max}"),
            );
        }
        self
    }

    /// `Ok` when nothing failed, otherwise the AWS-style message listing every failure.
    pub fn finish(&mut self) -> Result<(), String> {
        match self.errors.len() {
            0 => Ok(()),
            1 => Err(format!("1 validation error detected: {}", self.errors[0])),
            n => Err(format!(
                "{n} validation errors detected: {}",
                self.errors.join("; ")
            )),
        }
    }
}

/// `[\w-]+_[0-9a-zA-Z]+`, at most 55 characters: a user-pool id.
pub fn is_user_pool_id(s: &str) -> bool {
    match s.split_once('_') {
        Some((region, rest)) => {
            !region.is_empty()
                && !rest.is_empty()
                && region
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
                && rest.chars().all(|c| c.is_ascii_alphanumeric())
        }
        None => false,
    }
}

/// `[\w+]+`: app-client ids and secrets.
pub fn is_word_plus(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '+')
}

/// `[\p{L}\p{M}\p{S}\p{N}\p{P}]+`: usernames and group names (no whitespace or controls).
pub fn is_visible_text(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| !c.is_whitespace() && !c.is_control())
}

/// `[\w\s+=,.@-]+`: pool and client names.
pub fn is_name_text(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c.is_whitespace() || "+=,.@-".contains(c))
}

/// Pattern text of [`is_user_pool_id`].
pub const USER_POOL_ID_PATTERN: &str = r"[\w-]+_[0-9a-zA-Z]+";
/// Pattern text of [`is_word_plus`].
pub const CLIENT_ID_PATTERN: &str = r"[\w+]+";
/// Pattern text of [`is_visible_text`].
pub const USERNAME_PATTERN: &str = r"[\p{L}\p{M}\p{S}\p{N}\p{P}]+";
/// Pattern text of [`is_name_text`].
pub const NAME_PATTERN: &str = r"[\w\s+=,.@-]+";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_member_gives_aws_message() {
        let mut v = Validator::new();
        v.required::<String>("poolName", &None);
        assert_eq!(
            v.finish().unwrap_err(),
            "1 validation error detected: Value null at 'poolName' failed to satisfy constraint: Member must not be null"
        );
    }

    #[test]
    fn several_failures_are_counted() {
        let mut v = Validator::new();
        v.len("poolName", Some(""), 1, 128)
            .range("maxResults", Some(99), 1, 60);
        let msg = v.finish().unwrap_err();
        assert!(msg.starts_with("2 validation errors detected: "), "{msg}");
    }

    #[test]
    fn pool_id_pattern() {
        assert!(is_user_pool_id("us-east-1_AbC123xyz"));
        assert!(!is_user_pool_id("us-east-1AbC"));
        assert!(!is_user_pool_id("us-east-1_Ab-C"));
    }

    #[test]
    fn sensitive_values_are_not_echoed() {
        let mut v = Validator::new();
        v.len_sensitive("password", Some("hunter2"), 8, 256);
        assert!(!v.finish().unwrap_err().contains("hunter2"));
    }
}
