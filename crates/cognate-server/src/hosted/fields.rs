//! The form fields of the hosted pages (label, input type, autocomplete hints, error
//! next to the field) and the human messages for refused steps.

use super::render::Frame;
use cognate_core::CoreError;
use cognate_core::oauth::hosted::IdentifierKind;
use cognate_core::password::Policy;
use cognate_core::store::UserPoolRecord;
use serde::Serialize;

/// One input with its label, hint and error.
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct Field {
    pub name: String,
    pub label: String,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub autocomplete: Option<&'static str>,
    pub inputmode: Option<&'static str>,
    pub value: Option<String>,
    pub required: bool,
    pub autofocus: bool,
    pub hint: Option<String>,
    pub error: Option<String>,
    pub class: Option<&'static str>,
}

impl Field {
    /// Puts `message` next to this field when `field` names it.
    pub(crate) fn error_if(mut self, field: Option<&str>, message: &str) -> Self {
        if field == Some(self.name.as_str()) {
            self.error = Some(message.to_owned());
            self.autofocus = true;
        }
        self
    }
}

/// The sign-in identifier, named `name` (`username`, or `email`/`phone_number` on the
/// sign-up form of pools that use them as the username).
pub(crate) fn identifier(
    frame: &Frame,
    kind: IdentifierKind,
    name: &str,
    value: Option<String>,
) -> Field {
    let (label, input, autocomplete, inputmode, hint) = match kind {
        IdentifierKind::Username => ("username_label", "text", "username", None, None),
        IdentifierKind::Email => ("email_label", "email", "username", Some("email"), None),
        IdentifierKind::Phone => (
            "phone_label",
            "tel",
            "username",
            Some("tel"),
            Some(frame.t("phone_hint")),
        ),
        IdentifierKind::EmailOrPhone => ("email_or_phone_label", "text", "username", None, None),
    };
    Field {
        name: name.to_owned(),
        label: frame.t(label),
        kind: input,
        autocomplete: Some(autocomplete),
        inputmode,
        autofocus: value.is_none(),
        value,
        required: true,
        hint,
        ..Default::default()
    }
}

/// A password input.
pub(crate) fn password(frame: &Frame, label_key: &str, autocomplete: &'static str) -> Field {
    Field {
        name: "password".into(),
        label: frame.t(label_key),
        kind: "password",
        autocomplete: Some(autocomplete),
        required: true,
        ..Default::default()
    }
}

/// The one-time code input.
pub(crate) fn code(frame: &Frame) -> Field {
    Field {
        name: "code".into(),
        label: frame.t("code_label"),
        kind: "text",
        autocomplete: Some("one-time-code"),
        inputmode: Some("numeric"),
        required: true,
        autofocus: true,
        class: Some("code-input"),
        ..Default::default()
    }
}

/// An attribute input (sign-up, new password).
pub(crate) fn attribute(frame: &Frame, name: &str, value: Option<String>) -> Field {
    let (kind, autocomplete, inputmode, hint) = match name {
        "email" => ("email", Some("email"), Some("email"), None),
        "phone_number" => ("tel", Some("tel"), Some("tel"), Some(frame.t("phone_hint"))),
        "name" => ("text", Some("name"), None, None),
        "given_name" => ("text", Some("given-name"), None, None),
        "family_name" => ("text", Some("family-name"), None, None),
        "middle_name" => ("text", Some("additional-name"), None, None),
        "nickname" => ("text", Some("nickname"), None, None),
        "birthdate" => ("text", Some("bday"), None, Some(frame.t("birthdate_hint"))),
        "gender" => ("text", Some("sex"), None, None),
        "address" => ("text", Some("street-address"), None, None),
        "website" | "profile" | "picture" => ("url", Some("url"), None, None),
        _ => ("text", None, None, None),
    };
    let key = format!("attr_{name}");
    let translated = frame.t(&key);
    let label = if translated == key {
        humanize(name)
    } else {
        translated
    };
    Field {
        name: name.to_owned(),
        label,
        kind,
        autocomplete,
        inputmode,
        value,
        required: true,
        hint,
        ..Default::default()
    }
}

/// `custom:favorite_color` → `Favorite color`.
fn humanize(name: &str) -> String {
    let bare = name
        .strip_prefix("custom:")
        .unwrap_or(name)
        .replace('_', " ");
    let mut chars = bare.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The pool's password policy as a list the page shows.
pub(crate) fn password_rules(frame: &Frame, pool: &UserPoolRecord) -> Vec<String> {
    let policy = Policy::from_wire(
        pool.settings
            .policies
            .as_ref()
            .and_then(|p| p.password_policy.as_ref()),
    );
    let n = policy.min_length.to_string();
    let mut rules = vec![frame.t_with("rule_min_length", &[("n", &n)])];
    for (on, key) in [
        (policy.uppercase, "rule_uppercase"),
        (policy.lowercase, "rule_lowercase"),
        (policy.numbers, "rule_numbers"),
        (policy.symbols, "rule_symbols"),
    ] {
        if on {
            rules.push(frame.t(key));
        }
    }
    rules
}

/// What a refused step tells the user, and next to which field.
#[derive(Debug, Clone)]
pub(crate) struct Problem {
    /// The translation key of the message.
    pub key: &'static str,
    /// The field it belongs to (`None`: above the form).
    pub field: Option<&'static str>,
}

impl Problem {
    fn at(key: &'static str, field: &'static str) -> Self {
        Self {
            key,
            field: Some(field),
        }
    }

    fn above(key: &'static str) -> Self {
        Self { key, field: None }
    }
}

/// The human message for a refused step; `None` for server failures (logged, shown
/// as a generic error).
pub(crate) fn problem(e: &CoreError) -> Option<Problem> {
    Some(match e {
        CoreError::NotAuthorized(m) => Problem::above(not_authorized_key(m)),
        CoreError::UserNotFound => Problem::at("err_user_not_found", "username"),
        CoreError::UserNotConfirmed => Problem::above("err_not_confirmed"),
        CoreError::PasswordResetRequired => Problem::above("err_reset_required"),
        CoreError::CodeMismatch(_) | CoreError::EnableSoftwareTokenMfa(_) => {
            Problem::at("err_code_mismatch", "code")
        }
        CoreError::ExpiredCode => Problem::at("err_code_expired", "code"),
        CoreError::InvalidPassword(_) => Problem::at("err_password_policy", "password"),
        CoreError::UsernameExists(_) => Problem::at("err_user_exists", "username"),
        CoreError::AliasExists(_) => Problem::above("err_alias_exists"),
        CoreError::TooManyRequests(_) | CoreError::LimitExceeded(_) => {
            Problem::above("err_too_many")
        }
        CoreError::InvalidParameter(m) => invalid_parameter(m),
        _ => return None,
    })
}

fn not_authorized_key(m: &str) -> &'static str {
    if m.contains("Password attempts exceeded") {
        "err_locked"
    } else if m.contains("disabled") {
        "err_disabled"
    } else if m.contains("Temporary password has expired") {
        "err_temporary_expired"
    } else if m.contains("SignUp is not permitted") {
        "err_signup_disabled"
    } else if m.contains("cannot be confirmed") {
        "err_already_confirmed"
    } else if m.contains("cannot be reset") {
        "err_cannot_reset"
    } else if m.contains("Invalid session") {
        "err_form_expired"
    } else {
        "err_bad_credentials"
    }
}

fn invalid_parameter(m: &str) -> Problem {
    let lower = m.to_ascii_lowercase();
    if lower.contains("already confirmed") {
        Problem::above("err_already_confirmed")
    } else if lower.contains("email") && lower.contains("invalid") {
        Problem::at("err_invalid_email", "email")
    } else if lower.contains("phone") && lower.contains("invalid") {
        Problem::at("err_invalid_phone", "phone_number")
    } else {
        Problem::above("err_invalid_input")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn custom_attribute_names_read_as_words() {
        assert_eq!(humanize("custom:favorite_color"), "Favorite color");
        assert_eq!(humanize("zoneinfo"), "Zoneinfo");
    }

    #[test]
    fn api_refusals_become_human_messages() {
        let key = |e: CoreError| problem(&e).map(|p| p.key);
        assert_eq!(
            key(CoreError::bad_credentials()),
            Some("err_bad_credentials")
        );
        assert_eq!(
            key(CoreError::NotAuthorized(
                "Password attempts exceeded".into()
            )),
            Some("err_locked")
        );
        assert_eq!(key(CoreError::ExpiredCode), Some("err_code_expired"));
        assert_eq!(key(CoreError::ConcurrentModification), None);
    }
}
