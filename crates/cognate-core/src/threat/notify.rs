//! Risk notification emails: the template of `NotifyConfiguration` for the applied
//! action (`BlockEmail`, `MfaEmail`, `NoActionEmail`; built-in text when unset), filled
//! with the event's details and one-click feedback links, queued through the outbox.
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pool-settings-message-templates.html>
//!
//! Placeholders: `{username}`, `{ip-address}`, `{city}`, `{country}`, `{login-time}`,
//! `{device-name}`, `{one-click-link-valid}`, `{one-click-link-invalid}`, `{event-id}`,
//! `{feedback-token}`. Values are HTML-escaped in `HtmlBody` (the device name comes from
//! the client). Links point at `<public_url>/<pool id>/auth-event-feedback`. The email
//! goes only to a verified `email`, and the feedback token's hash is written in the same
//! transaction that queues it.

use crate::Core;
use crate::error::CoreResult;
use crate::store::{AuthEventUpdate, OutboundMessage, UserPoolRecord, UserRecord};
use crate::threat::assess::EventAction;
use cognate_proto::threat::NotifyEmailType;

const UNKNOWN: &str = "Unknown";

const BLOCK_SUBJECT: &str = "Blocked sign-in attempt";
const NO_ACTION_SUBJECT: &str = "New sign-in activity";
const MFA_SUBJECT: &str = "New sign-in activity: verification required";

const BODY: &str = "We noticed a sign-in to your account {username} that we did not recognize.\n\n\
Time: {login-time}\nDevice: {device-name}\nIP address: {ip-address}\n\n{outcome}\n\n\
If this was you, let us know: {one-click-link-valid}\n\
If this was not you, let us know and change your password: {one-click-link-invalid}\n";

fn builtin(action: EventAction) -> NotifyEmailType {
    let (subject, outcome) = match action {
        EventAction::Block => (BLOCK_SUBJECT, "We blocked this sign-in."),
        EventAction::MfaIfConfigured | EventAction::MfaRequired => (
            MFA_SUBJECT,
            "We asked for an additional verification before allowing this sign-in.",
        ),
        EventAction::NoAction => (NO_ACTION_SUBJECT, "We allowed this sign-in."),
    };
    NotifyEmailType {
        subject: Some(subject.into()),
        html_body: None,
        text_body: Some(BODY.replace("{outcome}", outcome)),
    }
}

/// Escapes text for HTML element content and attribute values.
fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A `NotifyConfiguration` address (`From`, `ReplyTo`) when set.
fn sender(address: Option<&str>) -> Option<String> {
    address
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map(str::to_owned)
}

fn fill(template: &str, values: &[(&str, String)], html: bool) -> String {
    values.iter().fold(template.to_owned(), |acc, (k, v)| {
        let v = if html { html_escape(v) } else { v.clone() };
        acc.replace(k, &v)
    })
}

fn login_time(millis: i64) -> String {
    let format =
        time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second] UTC");
    time::OffsetDateTime::from_unix_timestamp(millis.div_euclid(1000))
        .ok()
        .and_then(|t| t.format(&format).ok())
        .unwrap_or_else(|| UNKNOWN.to_owned())
}

impl Core {
    /// Queues the notification about `event_id` for the applied `action` (when the
    /// configuration has a `NotifyConfiguration` and the user a verified email) with
    /// fresh one-click feedback links. True when an email was queued.
    pub async fn notify_risk(
        &self,
        pool: &UserPoolRecord,
        client_id: Option<&str>,
        user: &UserRecord,
        event_id: &str,
        action: EventAction,
    ) -> CoreResult<bool> {
        let config = self
            .effective_risk_configuration(&pool.id, client_id)
            .await?;
        let Some(notify) = config
            .account_takeover_risk_configuration
            .and_then(|t| t.notify_configuration)
        else {
            return Ok(false);
        };
        let verified = user
            .attributes
            .get("email_verified")
            .is_some_and(|v| v == "true");
        let Some(email) = user
            .attributes
            .get("email")
            .filter(|e| verified && !e.is_empty())
        else {
            return Ok(false);
        };
        let Some(event) = self.store.get_auth_event(&pool.id, event_id).await? else {
            return Ok(false);
        };
        let template = match action {
            EventAction::Block => notify.block_email,
            EventAction::MfaIfConfigured | EventAction::MfaRequired => notify.mfa_email,
            EventAction::NoAction => notify.no_action_email,
        }
        .filter(|t| t.html_body.is_some() || t.text_body.is_some())
        .unwrap_or_else(|| builtin(action));
        let (token, hash) = self.issue_feedback_token(&pool.id, user, event_id);
        let link = |value: &str| {
            format!(
                "{}/{}/auth-event-feedback?token={token}&value={value}",
                self.settings.public_url, pool.id
            )
        };
        let values = [
            ("{username}", user.username.clone()),
            (
                "{ip-address}",
                event.ip.clone().unwrap_or_else(|| UNKNOWN.into()),
            ),
            ("{city}", UNKNOWN.to_owned()),
            ("{country}", UNKNOWN.to_owned()),
            ("{login-time}", login_time(event.created_at)),
            (
                "{device-name}",
                event.device_name.clone().unwrap_or_else(|| UNKNOWN.into()),
            ),
            ("{one-click-link-valid}", link("valid")),
            ("{one-click-link-invalid}", link("invalid")),
            ("{event-id}", event_id.to_owned()),
            ("{feedback-token}", token.clone()),
        ];
        let (body, html) = match (&template.html_body, &template.text_body) {
            (Some(h), _) => (h.clone(), true),
            (None, Some(t)) => (t.clone(), false),
            (None, None) => (String::new(), false),
        };
        let subject = fill(
            template.subject.as_deref().unwrap_or(NO_ACTION_SUBJECT),
            &values,
            false,
        )
        .replace(['\r', '\n'], " ");
        let message = OutboundMessage {
            pool_id: pool.id.clone(),
            channel: "EMAIL".into(),
            destination: email.clone(),
            subject: Some(subject),
            body: fill(&body, &values, html),
            created_at: self.now(),
            from: sender(notify.from.as_deref()),
            reply_to: sender(notify.reply_to.as_deref()),
            html: Some(html),
        };
        let update = AuthEventUpdate {
            feedback_token_hash: Some(hash),
            ..AuthEventUpdate::default()
        };
        Ok(self
            .store
            .update_auth_event(&pool.id, event_id, &update, Some(&message))
            .await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_bodies_escape_values_and_text_bodies_do_not() {
        let values = [("{device-name}", "<script>x</script>".to_owned())];
        assert_eq!(
            fill("<p>{device-name}</p>", &values, true),
            "<p>&lt;script&gt;x&lt;/script&gt;</p>"
        );
        assert_eq!(fill("{device-name}", &values, false), "<script>x</script>");
    }

    #[test]
    fn login_times_are_utc() {
        assert_eq!(login_time(0), "1970-01-01 00:00:00 UTC");
    }

    #[test]
    fn builtin_templates_carry_both_links() {
        for a in [
            EventAction::Block,
            EventAction::MfaRequired,
            EventAction::NoAction,
        ] {
            let body = builtin(a).text_body.unwrap();
            assert!(
                body.contains("{one-click-link-valid}")
                    && body.contains("{one-click-link-invalid}")
            );
        }
    }
}
