//! Messages to users: the pool's templates (`{####}`, `{username}`), the channel and
//! destination, masking for `CodeDeliveryDetails`, and the queued outbound message.
//!
//! Whether an email is HTML is decided from its template, before any value is put in,
//! and values put into an HTML template are HTML-escaped: a username (which may hold
//! `<`, `"` and `/`) can neither turn a text message into HTML nor add markup to an
//! HTML one.
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pool-settings-message-customizations.html>

use crate::error::{CoreError, CoreResult};
use crate::store::{OutboundMessage, UserPoolRecord, UserRecord};
use cognate_proto::self_service::CodeDeliveryDetails;

/// Default verification email body.
pub const DEFAULT_VERIFY_EMAIL: &str = "Your verification code is {####}. ";
/// Default verification email subject.
pub const DEFAULT_VERIFY_SUBJECT: &str = "Your verification code";
/// Default verification SMS.
pub const DEFAULT_VERIFY_SMS: &str = "Your verification code is {####}. ";
/// Default forgot-password text.
pub const DEFAULT_RESET: &str = "Your password reset code is {####}. ";

/// Where and how a message goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// `EMAIL` or `SMS`.
    pub channel: &'static str,
    /// `email` or `phone_number`.
    pub attribute: &'static str,
    /// The address or number.
    pub destination: String,
    /// Body template with `{####}` (and possibly `{username}`).
    pub body: String,
    /// Email subject.
    pub subject: Option<String>,
}

/// `j***@e***`: first character of the local part and of the domain.
pub fn mask_email(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => {
            let first = |s: &str| s.chars().next().map(String::from).unwrap_or_default();
            format!("{}***@{}***", first(local), first(domain))
        }
        None => "***".into(),
    }
}

/// `+*******1234`: only the last four digits.
pub fn mask_phone(phone: &str) -> String {
    let digits: Vec<char> = phone.chars().collect();
    let keep = digits.len().saturating_sub(4);
    let tail: String = digits[keep..].iter().collect();
    format!("+{}{}", "*".repeat(keep.saturating_sub(1)), tail)
}

impl Delivery {
    /// The masked `CodeDeliveryDetails`.
    pub fn details(&self) -> CodeDeliveryDetails {
        CodeDeliveryDetails {
            destination: if self.channel == "EMAIL" {
                mask_email(&self.destination)
            } else {
                mask_phone(&self.destination)
            },
            delivery_medium: self.channel.into(),
            attribute_name: self.attribute.into(),
        }
    }

    /// The outbound message carrying `code`.
    pub fn message(&self, pool_id: &str, username: &str, code: &str, now: i64) -> OutboundMessage {
        let html = self.channel == "EMAIL" && looks_html(&self.body);
        OutboundMessage {
            pool_id: pool_id.into(),
            channel: self.channel.into(),
            destination: self.destination.clone(),
            subject: self.subject.clone(),
            body: fill(
                &self.body,
                &[("{username}", username), ("{####}", code)],
                html,
            ),
            created_at: now,
            html: Some(html),
            ..Default::default()
        }
    }
}

/// Whether an email template is HTML: Cognito's templates may hold HTML (its console
/// suggests `<b>`, `<br>`). Asked of the template, never of a filled body.
pub fn looks_html(template: &str) -> bool {
    template.contains("</") || template.contains("<br") || template.contains("/>")
}

/// `text` HTML-escaped, for element content and quoted attribute values.
pub fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// `template` with each placeholder replaced by its value, HTML-escaped when the
/// template is `html`. One pass: a value that contains a placeholder (a username
/// `{####}`) stays as it is.
pub fn fill(template: &str, values: &[(&str, &str)], html: bool) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(c) = rest.chars().next() {
        match values.iter().find(|(p, _)| rest.starts_with(p)) {
            Some((p, v)) => {
                out.push_str(&if html {
                    escape_html(v)
                } else {
                    (*v).to_owned()
                });
                rest = &rest[p.len()..];
            }
            None => {
                out.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    out
}

fn attr<'a>(user: &'a UserRecord, name: &str) -> Option<&'a String> {
    user.attributes.get(name).filter(|v| !v.is_empty())
}

/// Verification message for `attribute` (`email` or `phone_number`), using the pool's
/// VerificationMessageTemplate (or the deprecated single fields).
pub fn verification(pool: &UserPoolRecord, user: &UserRecord, attribute: &str) -> Option<Delivery> {
    let s = &pool.settings;
    let t = s.verification_message_template.clone().unwrap_or_default();
    let destination = attr(user, attribute)?.clone();
    Some(if attribute == "email" {
        Delivery {
            channel: "EMAIL",
            attribute: "email",
            destination,
            body: t
                .email_message
                .or_else(|| s.email_verification_message.clone())
                .unwrap_or_else(|| DEFAULT_VERIFY_EMAIL.into()),
            subject: Some(
                t.email_subject
                    .or_else(|| s.email_verification_subject.clone())
                    .unwrap_or_else(|| DEFAULT_VERIFY_SUBJECT.into()),
            ),
        }
    } else {
        Delivery {
            channel: "SMS",
            attribute: "phone_number",
            destination,
            body: t
                .sms_message
                .or_else(|| s.sms_verification_message.clone())
                .unwrap_or_else(|| DEFAULT_VERIFY_SMS.into()),
            subject: None,
        }
    })
}

/// The sign-up confirmation channel: with both email and phone auto-verified the code
/// goes by SMS, as in Cognito.
pub fn sign_up_delivery(pool: &UserPoolRecord, user: &UserRecord) -> Option<Delivery> {
    let auto = pool
        .settings
        .auto_verified_attributes
        .clone()
        .unwrap_or_default();
    let has = |a: &str| auto.iter().any(|x| x == a) && attr(user, a).is_some();
    if has("phone_number") {
        verification(pool, user, "phone_number")
    } else if has("email") {
        verification(pool, user, "email")
    } else {
        None
    }
}

/// The attributes (`email`, `phone_number`) a reset code may go to, in the order of
/// AccountRecoverySetting (legacy default: phone, then email). `admin_only` refuses
/// self-service recovery for every user alike.
pub fn recovery_attributes(pool: &UserPoolRecord) -> CoreResult<Vec<&'static str>> {
    let order: Vec<String> = match pool
        .settings
        .account_recovery_setting
        .as_ref()
        .and_then(|r| r.recovery_mechanisms.clone())
    {
        Some(mut m) => {
            m.sort_by_key(|o| o.priority.unwrap_or(9));
            m.into_iter().filter_map(|o| o.name).collect()
        }
        None => vec!["verified_phone_number".into(), "verified_email".into()],
    };
    if order.iter().any(|o| o == "admin_only") {
        return Err(CoreError::NotAuthorized("Cannot reset password for the user as there is no registered/verified email or phone_number".into()));
    }
    Ok(order
        .iter()
        .map(|o| {
            if o == "verified_email" {
                "email"
            } else {
                "phone_number"
            }
        })
        .collect())
}

/// The password-reset channel chosen by AccountRecoverySetting (legacy default:
/// verified phone, then verified email); refuses when none is available.
pub fn recovery_delivery(pool: &UserPoolRecord, user: &UserRecord) -> CoreResult<Delivery> {
    let verified = |a: &str| {
        user.attributes
            .get(&format!("{a}_verified"))
            .is_some_and(|v| v == "true")
            && attr(user, a).is_some()
    };
    for a in recovery_attributes(pool)? {
        if verified(a) {
            let mut d = verification(pool, user, a).ok_or(CoreError::ExpiredCode)?;
            if a == "phone_number"
                || pool
                    .settings
                    .verification_message_template
                    .as_ref()
                    .and_then(|t| t.email_message.as_ref())
                    .is_none()
            {
                d.body = DEFAULT_RESET.into();
            }
            if a == "email" {
                d.subject = Some("Your password reset code".into());
            }
            return Ok(d);
        }
    }
    Err(CoreError::InvalidParameter(
        "Cannot reset password for the user as there is no registered/verified email or phone_number".into(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn email(body: &str) -> Delivery {
        Delivery {
            channel: "EMAIL",
            attribute: "email",
            destination: "jane@example.com".into(),
            body: body.into(),
            subject: None,
        }
    }

    #[test]
    fn values_in_an_html_template_are_escaped() {
        let d = email("<p>Hi {username},</p> your code is <b>{####}</b>");
        let m = d.message("p", "<a href=\"https://evil.example\">x</a>", "123456", 0);
        assert_eq!(
            m.body,
            "<p>Hi &lt;a href=&quot;https://evil.example&quot;&gt;x&lt;/a&gt;,</p> your code is <b>123456</b>"
        );
        assert_eq!(m.html, Some(true));
    }

    #[test]
    fn a_username_does_not_turn_a_text_template_into_html() {
        let d = email("Hi {username}, your code is {####}.");
        let m = d.message("p", "<a href=\"https://evil.example\">x</a>", "123456", 0);
        assert_eq!(
            m.body,
            "Hi <a href=\"https://evil.example\">x</a>, your code is 123456."
        );
        assert_eq!(m.html, Some(false), "decided from the template");
    }

    #[test]
    fn placeholders_in_values_are_not_filled_again() {
        let d = email("Hi {username}, your code is {####}.");
        assert_eq!(
            d.message("p", "{####}", "123456", 0).body,
            "Hi {####}, your code is 123456."
        );
        let sms = Delivery {
            channel: "SMS",
            ..email("<b>{username}</b> {####}")
        };
        let m = sms.message("p", "a&b", "1", 0);
        assert_eq!((m.body.as_str(), m.html), ("<b>a&b</b> 1", Some(false)));
    }

    #[test]
    fn masks_keep_only_what_cognito_shows() {
        assert_eq!(mask_email("jane@example.com"), "j***@e***");
        assert_eq!(mask_phone("+14325551212"), "+*******1212");
    }
}
