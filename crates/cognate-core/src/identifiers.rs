//! Sign-in identifiers: the username, and email/phone used as username or as aliases.
//!
//! Each identifier a user can sign in with becomes a [`Login`] row that the database
//! keeps unique per pool, so two concurrent writes can never claim the same one.
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-attributes.html#user-pool-settings-aliases>

use crate::error::CoreError;
use crate::schema::{looks_like_email, looks_like_phone};
use crate::store::{Login, UserRecord};
use cognate_proto::user_pool::UserPoolSettings;

/// How a pool identifies users at sign-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignInConfig {
    /// `email` and/or `phone_number` used in place of a username.
    pub username_attributes: Vec<String>,
    /// `email`, `phone_number`, `preferred_username` usable once verified.
    pub alias_attributes: Vec<String>,
    /// Whether lookups are case-sensitive.
    pub case_sensitive: bool,
}

impl SignInConfig {
    /// Reads the configuration from a pool's settings.
    pub fn of(settings: &UserPoolSettings) -> Self {
        Self {
            username_attributes: settings.username_attributes.clone().unwrap_or_default(),
            alias_attributes: settings.alias_attributes.clone().unwrap_or_default(),
            case_sensitive: settings
                .username_configuration
                .as_ref()
                .and_then(|c| c.case_sensitive)
                .unwrap_or(true),
        }
    }

    /// The lookup form of an identifier.
    pub fn normalize(&self, value: &str) -> String {
        if self.case_sensitive {
            value.to_owned()
        } else {
            value.to_lowercase()
        }
    }

    /// True when users sign up with an email or phone number instead of a username.
    pub fn uses_attributes_as_username(&self) -> bool {
        !self.username_attributes.is_empty()
    }

    /// For email/phone-as-username pools: which attribute a given "username" fills.
    pub fn username_attribute_for(&self, value: &str) -> Result<&'static str, CoreError> {
        let email = self.username_attributes.iter().any(|a| a == "email");
        let phone = self.username_attributes.iter().any(|a| a == "phone_number");
        if email && looks_like_email(value) {
            Ok("email")
        } else if phone && looks_like_phone(value) {
            Ok("phone_number")
        } else {
            let what = match (email, phone) {
                (true, true) => "Username should be either an email or a phone number.",
                (true, false) => "Username should be an email.",
                _ => "Username should be a phone number.",
            };
            Err(CoreError::InvalidParameter(what.into()))
        }
    }

    /// Rejects usernames that would shadow an alias (email-shaped names in email-alias pools).
    pub fn check_plain_username(&self, username: &str) -> Result<(), CoreError> {
        let alias = |a: &str| self.alias_attributes.iter().any(|x| x == a);
        if alias("email") && looks_like_email(username) {
            return Err(CoreError::InvalidParameter(
                "Username cannot be of email format, since user pool is configured for email alias.".into(),
            ));
        }
        if alias("phone_number") && looks_like_phone(username) {
            return Err(CoreError::InvalidParameter(
                "Username cannot be of phone format, since user pool is configured for phone_number alias.".into(),
            ));
        }
        Ok(())
    }

    /// Every login a user currently holds.
    pub fn logins(&self, user: &UserRecord) -> Vec<Login> {
        let mut out: Vec<Login> = vec![Login {
            kind: "username",
            value: self.normalize(&user.username),
        }];
        let attr = |n: &str| user.attributes.get(n).filter(|v| !v.is_empty());
        let verified = |n: &str| user.attributes.get(n).is_some_and(|v| v == "true");
        for (kind, flag) in [
            ("email", "email_verified"),
            ("phone_number", "phone_number_verified"),
        ] {
            let as_username = self.username_attributes.iter().any(|a| a == kind);
            let as_alias = self.alias_attributes.iter().any(|a| a == kind) && verified(flag);
            if let Some(v) = attr(kind).filter(|_| as_username || as_alias) {
                out.push(Login {
                    kind,
                    value: self.normalize(v),
                });
            }
        }
        if self
            .alias_attributes
            .iter()
            .any(|a| a == "preferred_username")
            && let Some(v) = attr("preferred_username")
        {
            out.push(Login {
                kind: "preferred_username",
                value: self.normalize(v),
            });
        }
        // A user may repeat its own identifier (username == preferred_username).
        let mut seen = std::collections::HashSet::new();
        out.retain(|l| seen.insert(l.value.clone()));
        out
    }

    /// True when `kind` is an email or phone alias, which only counts once verified.
    pub fn is_verifiable_alias(&self, kind: &str) -> bool {
        (kind == "email" || kind == "phone_number")
            && self.alias_attributes.iter().any(|a| a == kind)
    }

    /// The error for a login of `kind` taken by another user when an existing user
    /// changes: an email or phone number is then an alias even in pools that sign in
    /// with it (AdminUpdateUserAttributes lists AliasExistsException, not
    /// UsernameExistsException).
    pub fn update_conflict_error(&self, kind: &str) -> CoreError {
        match kind {
            "username" | "sub" => self.conflict_error(kind),
            k => CoreError::AliasExists(k.to_owned()),
        }
    }

    /// The error for a taken login of `kind` when a user is created.
    pub fn conflict_error(&self, kind: &str) -> CoreError {
        match kind {
            "username" | "sub" => CoreError::UsernameExists("User account already exists".into()),
            k if self.username_attributes.iter().any(|a| a == k) => {
                let what = if k == "email" {
                    "email"
                } else {
                    "phone_number"
                };
                CoreError::UsernameExists(format!(
                    "An account with the given {what} already exists."
                ))
            }
            k => CoreError::AliasExists(k.to_owned()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn user(attrs: &[(&str, &str)]) -> UserRecord {
        UserRecord {
            id: 0,
            pool_id: "p".into(),
            username: "Alice".into(),
            sub: "s".into(),
            status: "CONFIRMED".into(),
            enabled: true,
            attributes: attrs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<BTreeMap<_, _>>(),
            password_hash: None,
            password_set_at: None,
            created_at: 0,
            updated_at: 0,
            version: 0,
        }
    }

    #[test]
    fn aliases_count_only_when_verified() {
        let cfg = SignInConfig {
            username_attributes: vec![],
            alias_attributes: vec!["email".into()],
            case_sensitive: false,
        };
        let u = user(&[("email", "A@x.com"), ("email_verified", "false")]);
        assert_eq!(cfg.logins(&u).len(), 1);
        let u = user(&[("email", "A@x.com"), ("email_verified", "true")]);
        let logins = cfg.logins(&u);
        assert_eq!(logins[0].value, "alice");
        assert_eq!(logins[1].value, "a@x.com");
    }

    #[test]
    fn email_as_username_is_always_a_login() {
        let cfg = SignInConfig {
            username_attributes: vec!["email".into()],
            alias_attributes: vec![],
            case_sensitive: true,
        };
        let u = user(&[("email", "a@x.com")]);
        assert_eq!(cfg.logins(&u).len(), 2);
        assert!(matches!(
            cfg.conflict_error("email"),
            CoreError::UsernameExists(_)
        ));
    }
}
