//! Email over SMTP with lettre's async transport (tokio, rustls with aws-lc-rs).
//!
//! `smtp_url` schemes: `smtp://` (plain, for local relays and test sinks),
//! `smtp+starttls://` (STARTTLS required) and `smtps://` (TLS from the first byte).
//! The sender is the message's own (a threat-protection notification's
//! `NotifyConfiguration.From`) when set, else the pool's `EmailConfiguration.From`, else
//! `email_from`; `Reply-To` likewise comes from the message (`ReplyTo`), else from
//! `EmailConfiguration.ReplyToEmailAddress`.
//! <https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_EmailConfigurationType.html>

use super::{DeliveryError, SendError};
use cognate_core::store::OutboundMessage;
use lettre::message::header::ContentType;
use lettre::message::{Mailbox, Message};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use secrecy::{ExposeSecret, SecretString};
use std::time::Duration;

/// Per-command SMTP timeout; a whole exchange stays well inside the outbox lease.
const SMTP_TIMEOUT: Duration = Duration::from_secs(10);

/// Sends email through one SMTP server (connections are pooled by lettre).
pub struct SmtpSender {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    default_from: Mailbox,
}

impl SmtpSender {
    /// A sender for `url` (credentials in the URL are percent-decoded by lettre) with
    /// the default sender `from`. Must be called inside a tokio runtime: lettre's
    /// connection pool starts a task.
    pub fn new(url: &SecretString, from: &str) -> Result<Self, DeliveryError> {
        if tokio::runtime::Handle::try_current().is_err() {
            return Err(DeliveryError::Smtp("needs a tokio runtime".into()));
        }
        let default_from = from
            .parse::<Mailbox>()
            .map_err(|e| DeliveryError::Smtp(format!("email_from is not an address: {e}")))?;
        let url = lettre_url(url.expose_secret())?;
        // lettre's URL errors name the part that is wrong, never the URL itself.
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&url)
            .map_err(|e| DeliveryError::Smtp(e.to_string()))?
            .timeout(Some(SMTP_TIMEOUT))
            .build();
        Ok(Self {
            transport,
            default_from,
        })
    }

    /// Sends one message; `email_configuration` is the pool's `EmailConfiguration`.
    pub async fn send(
        &self,
        message: &OutboundMessage,
        email_configuration: Option<&serde_json::Value>,
    ) -> Result<(), SendError> {
        let email = self.build(message, email_configuration)?;
        self.transport.send(email).await.map(|_| ()).map_err(|e| {
            let reason = format!("smtp: {e}");
            if e.is_permanent() {
                SendError::permanent(reason)
            } else {
                SendError::transient(reason)
            }
        })
    }

    fn build(
        &self,
        message: &OutboundMessage,
        email_configuration: Option<&serde_json::Value>,
    ) -> Result<Message, SendError> {
        let setting = |key: &str| {
            email_configuration
                .and_then(|c| c.get(key))
                .and_then(|v| v.as_str())
                .filter(|v| !v.is_empty())
        };
        let from = match own(message.from.as_deref()).or_else(|| setting("From")) {
            Some(from) => from
                .parse::<Mailbox>()
                .map_err(|e| SendError::permanent(format!("the sender is not an address: {e}")))?,
            None => self.default_from.clone(),
        };
        let to = message
            .destination
            .parse::<Mailbox>()
            .map_err(|e| SendError::permanent(format!("invalid recipient address: {e}")))?;
        let mut builder = Message::builder()
            .from(from)
            .to(to)
            .subject(message.subject.clone().unwrap_or_default())
            .header(content_type(message));
        let reply_to = own(message.reply_to.as_deref()).or_else(|| setting("ReplyToEmailAddress"));
        if let Some(reply_to) = reply_to.and_then(|r| r.parse().ok()) {
            builder = builder.reply_to(reply_to);
        }
        builder
            .body(message.body.clone())
            .map_err(|e| SendError::permanent(format!("cannot build the email: {e}")))
    }
}

/// A message's own address (sender, `Reply-To`), when set.
fn own(address: Option<&str>) -> Option<&str> {
    address.filter(|a| !a.is_empty())
}

/// Cognito's message templates may hold HTML (its console suggests `<b>`, `<br>`);
/// such messages go out as HTML, plain text otherwise. Core decides from the template
/// before values are put in; only messages queued before it recorded that are judged by
/// their body.
fn content_type(message: &OutboundMessage) -> ContentType {
    let html = message
        .html
        .unwrap_or_else(|| cognate_core::messages::looks_html(&message.body));
    if html {
        ContentType::TEXT_HTML
    } else {
        ContentType::TEXT_PLAIN
    }
}

/// Rewrites `smtp+starttls://` into lettre's `smtp://...?tls=required`.
fn lettre_url(url: &str) -> Result<String, DeliveryError> {
    if let Some(rest) = url.strip_prefix("smtp+starttls://") {
        let separator = if rest.contains('?') { '&' } else { '?' };
        Ok(format!("smtp://{rest}{separator}tls=required"))
    } else if url.starts_with("smtp://") || url.starts_with("smtps://") {
        Ok(url.to_owned())
    } else {
        Err(DeliveryError::Smtp(
            "must start with smtp://, smtp+starttls:// or smtps://".into(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starttls_urls_become_lettre_urls() {
        assert_eq!(
            lettre_url("smtp+starttls://u:p@mail.example.com:587").unwrap(),
            "smtp://u:p@mail.example.com:587?tls=required"
        );
        assert_eq!(
            lettre_url("smtps://u:p@mail.example.com").unwrap(),
            "smtps://u:p@mail.example.com"
        );
        assert!(lettre_url("http://mail.example.com").is_err());
    }

    #[tokio::test]
    async fn every_url_form_builds_a_transport() {
        for url in [
            "smtp://127.0.0.1:2525",
            "smtp+starttls://user:pa%40ss@mail.example.com:587",
            "smtps://user:pass@mail.example.com:465",
        ] {
            assert!(
                SmtpSender::new(&SecretString::from(url), "no-reply@example.com").is_ok(),
                "{url}"
            );
        }
    }

    #[tokio::test]
    async fn pool_from_overrides_the_default_sender() {
        let sender = SmtpSender::new(
            &SecretString::from("smtp://127.0.0.1:2525"),
            "no-reply@example.com",
        )
        .unwrap();
        let message = OutboundMessage {
            pool_id: "p".into(),
            channel: "EMAIL".into(),
            destination: "jane@example.com".into(),
            subject: Some("Hello".into()),
            body: "Your code is 123456".into(),
            created_at: 0,
            ..Default::default()
        };
        let config = serde_json::json!({"From": "Acme <auth@acme.example>"});
        let email = sender.build(&message, Some(&config)).unwrap();
        let text = String::from_utf8(email.formatted()).unwrap();
        assert!(text.contains("From: Acme <auth@acme.example>"), "{text}");
        assert!(text.contains("To: jane@example.com"), "{text}");
        assert!(text.contains("Content-Type: text/plain"), "{text}");
        let email = sender.build(&message, None).unwrap();
        let text = String::from_utf8(email.formatted()).unwrap();
        assert!(text.contains("From: no-reply@example.com"), "{text}");
    }

    #[tokio::test]
    async fn html_is_decided_by_the_message_not_its_filled_body() {
        let sender = SmtpSender::new(
            &SecretString::from("smtp://127.0.0.1:2525"),
            "no-reply@example.com",
        )
        .unwrap();
        let mut message = OutboundMessage {
            pool_id: "p".into(),
            channel: "EMAIL".into(),
            destination: "jane@example.com".into(),
            body: "Hi <a href=\"https://evil.example\">x</a>, your code is 123456".into(),
            html: Some(false),
            ..Default::default()
        };
        let text = String::from_utf8(sender.build(&message, None).unwrap().formatted()).unwrap();
        assert!(text.contains("Content-Type: text/plain"), "{text}");
        message.html = Some(true);
        let text = String::from_utf8(sender.build(&message, None).unwrap().formatted()).unwrap();
        assert!(text.contains("Content-Type: text/html"), "{text}");
        // Messages queued before the flag was recorded are judged by their body.
        message.html = None;
        let text = String::from_utf8(sender.build(&message, None).unwrap().formatted()).unwrap();
        assert!(text.contains("Content-Type: text/html"), "{text}");
    }

    #[tokio::test]
    async fn a_message_sender_overrides_the_pool_sender() {
        let sender = SmtpSender::new(
            &SecretString::from("smtp://127.0.0.1:2525"),
            "no-reply@example.com",
        )
        .unwrap();
        let message = OutboundMessage {
            pool_id: "p".into(),
            channel: "EMAIL".into(),
            destination: "jane@example.com".into(),
            body: "New sign-in".into(),
            from: Some("security@acme.example".into()),
            reply_to: Some("help@acme.example".into()),
            ..Default::default()
        };
        let config = serde_json::json!({
            "From": "auth@acme.example",
            "ReplyToEmailAddress": "pool@acme.example"
        });
        let email = sender.build(&message, Some(&config)).unwrap();
        let text = String::from_utf8(email.formatted()).unwrap();
        assert!(text.contains("From: security@acme.example"), "{text}");
        assert!(text.contains("Reply-To: help@acme.example"), "{text}");
        assert!(!text.contains("auth@acme.example") && !text.contains("pool@acme.example"));
    }
}
