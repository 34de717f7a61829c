//! Delivery of the outbox: codes and invitations that core queued in the same
//! transaction as the change that caused them are sent here, one at a time, by a
//! background worker (STYLE §6: a stored queue with a `try_deliver_next` step).
//!
//! Email goes through SMTP ([`smtp`]), SMS through an operator's webhook
//! ([`webhook`]). A channel with neither configured is in development mode: the
//! message, code included, is logged at INFO and marked delivered, so it stays readable
//! with `cognate outbox`. That is the only place a code may reach the logs.
//!
//! Invariants: a message is claimed with a lease (safe across nodes sharing a
//! database), so delivery is at-least-once; failures are retried with exponential
//! backoff up to `delivery_max_attempts`, then given up with the error recorded;
//! nothing here blocks or fails an API request. Time comes from the core's clock.

pub mod smtp;
pub mod webhook;

use crate::config::Config;
use cognate_core::Core;
use cognate_core::clock::Millis;
use cognate_core::store::{OutboundMessage, QueuedMessage};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// How long a claimed message is reserved for one attempt. Longer than the worst-case
/// SMTP or webhook exchange, so another node does not send it again meanwhile.
const LEASE_MS: i64 = 120_000;
/// First retry delay; each later one doubles, up to [`MAX_BACKOFF_MS`].
const FIRST_BACKOFF_MS: i64 = 10_000;
/// Longest retry delay.
const MAX_BACKOFF_MS: i64 = 600_000;
/// How often the worker also deletes threat-protection auth events past retention.
const PRUNE_INTERVAL_MS: i64 = 3_600_000;

/// What one [`Deliverer::try_deliver_next`] step did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// A message was sent (or logged, in development mode).
    Delivered,
    /// A message could not be sent; it is retried later or was given up.
    Failed,
    /// Nothing was due (or the store could not be read).
    Idle,
}

/// Delivery settings that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum DeliveryError {
    /// `smtp_url` or `email_from` is unusable.
    #[error("smtp_url: {0}")]
    Smtp(String),
    /// The webhook client could not be built.
    #[error("sms_webhook_url: {0}")]
    Webhook(String),
}

/// Why one attempt failed. The text is stored in the outbox and logged, so it never
/// holds the message body or credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendError {
    /// What went wrong.
    pub reason: String,
    /// True when retrying cannot help (an invalid address, an SMTP 5xx answer).
    pub permanent: bool,
}

impl SendError {
    /// A failure worth retrying.
    pub fn transient(reason: impl Into<String>) -> Self {
        Self {
            reason: reason.into(),
            permanent: false,
        }
    }

    /// A failure that retrying cannot fix.
    pub fn permanent(reason: impl Into<String>) -> Self {
        Self {
            reason: reason.into(),
            permanent: true,
        }
    }
}

/// Sends queued messages.
pub struct Deliverer {
    core: Arc<Core>,
    email: Option<smtp::SmtpSender>,
    sms: Option<webhook::WebhookSender>,
    max_attempts: i64,
    poll: Duration,
}

impl Deliverer {
    /// Builds the senders the settings ask for.
    pub fn new(core: Arc<Core>, config: &Config) -> Result<Self, DeliveryError> {
        let email = config
            .smtp_url
            .as_ref()
            .map(|url| smtp::SmtpSender::new(url, &config.email_from()))
            .transpose()?;
        let sms = config
            .sms_webhook_url
            .as_ref()
            .map(webhook::WebhookSender::new)
            .transpose()?;
        Ok(Self {
            core,
            email,
            sms,
            max_attempts: i64::from(config.delivery_max_attempts.max(1)),
            poll: Duration::from_millis(config.delivery_poll_ms.max(1)),
        })
    }

    fn now(&self) -> Millis {
        self.core.clock().now_millis()
    }

    /// Claims the oldest due message and sends it once, recording the result.
    #[tracing::instrument(name = "deliver", skip_all)]
    pub async fn try_deliver_next(&self) -> Outcome {
        let store = self.core.store();
        let queued = match store.claim_due(self.now(), LEASE_MS).await {
            Ok(Some(queued)) => queued,
            Ok(None) => return Outcome::Idle,
            Err(e) => {
                tracing::warn!(error = %e, "outbox: cannot claim a message");
                return Outcome::Idle;
            }
        };
        match self.send(&queued.message).await {
            Ok(()) => {
                if let Err(e) = store.mark_delivered(queued.id, self.now()).await {
                    // The lease runs out and the message is sent again: at-least-once.
                    tracing::warn!(id = queued.id, error = %e, "outbox: sent but not marked delivered");
                }
                Outcome::Delivered
            }
            Err(e) => {
                self.record_failure(&queued, &e).await;
                Outcome::Failed
            }
        }
    }

    async fn record_failure(&self, queued: &QueuedMessage, e: &SendError) {
        let give_up = e.permanent || queued.attempts >= self.max_attempts;
        let retry_at = (!give_up).then(|| self.now() + backoff_ms(queued.attempts));
        tracing::warn!(
            id = queued.id,
            pool_id = %queued.message.pool_id,
            channel = %queued.message.channel,
            attempts = queued.attempts,
            retry_at,
            error = %e.reason,
            "outbox: delivery failed{}",
            if give_up { "; giving up" } else { "" }
        );
        if let Err(err) = self
            .core
            .store()
            .mark_failed(queued.id, &e.reason, retry_at)
            .await
        {
            tracing::warn!(id = queued.id, error = %err, "outbox: cannot record the failure");
        }
    }

    async fn send(&self, message: &OutboundMessage) -> Result<(), SendError> {
        match message.channel.as_str() {
            "EMAIL" => match &self.email {
                Some(smtp) => {
                    let pool = self
                        .core
                        .store()
                        .get_pool(&message.pool_id)
                        .await
                        .map_err(|e| SendError::transient(format!("reading the pool: {e}")))?;
                    let email_config = pool.and_then(|p| p.settings.email_configuration);
                    smtp.send(message, email_config.as_ref()).await
                }
                None => {
                    log_development(message, "COGNATE_SMTP_URL");
                    Ok(())
                }
            },
            "SMS" => match &self.sms {
                Some(webhook) => webhook.send(message).await,
                None => {
                    log_development(message, "COGNATE_SMS_WEBHOOK_URL");
                    Ok(())
                }
            },
            other => Err(SendError::permanent(format!("unknown channel {other:?}"))),
        }
    }

    /// Delivers until `stop` turns true (or its sender is dropped): due messages back
    /// to back, then a poll-interval pause whenever the outbox is idle. An attempt in
    /// progress finishes first (SMTP and webhook calls have timeouts).
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        if self.email.is_none() {
            tracing::warn!(
                "COGNATE_SMTP_URL is not set: development mode, emails are not sent and their \
                 bodies (codes and temporary passwords included) are logged at INFO"
            );
        }
        if self.sms.is_none() {
            tracing::warn!(
                "COGNATE_SMS_WEBHOOK_URL is not set: development mode, SMS are not sent and \
                 their bodies (codes and temporary passwords included) are logged at INFO"
            );
        }
        let mut prune_due: Millis = 0;
        while !*stop.borrow() {
            prune_due = self.prune_auth_events_if_due(prune_due).await;
            if self.try_deliver_next().await != Outcome::Idle {
                continue;
            }
            tokio::select! {
                changed = stop.changed() => if changed.is_err() { break },
                () = tokio::time::sleep(self.poll) => {}
            }
        }
    }
}

impl Deliverer {
    /// The worker's housekeeping: once per [`PRUNE_INTERVAL_MS`], one indexed DELETE
    /// of auth events older than `threat_event_retention_days`. Answers the next due time.
    async fn prune_auth_events_if_due(&self, due: Millis) -> Millis {
        let now = self.now();
        if now < due {
            return due;
        }
        match self.core.prune_auth_events(now).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(deleted = n, "pruned auth events past their retention"),
            Err(e) => tracing::warn!(error = %e, "pruning auth events failed"),
        }
        now + PRUNE_INTERVAL_MS
    }
}

/// Development mode: the only place a message body (and so a code) is logged.
fn log_development(message: &OutboundMessage, setting: &str) {
    tracing::info!(
        pool_id = %message.pool_id,
        channel = %message.channel,
        destination = %message.destination,
        subject = message.subject.as_deref().unwrap_or(""),
        body = %message.body,
        "development mode ({setting} not set): message not sent, logged with its body \
         instead and marked delivered"
    );
}

/// Delay before retrying after the `attempts`-th failure: 10 s, 20 s, 40 s, ...
/// capped at 10 minutes.
pub fn backoff_ms(attempts: i64) -> Millis {
    let doublings = attempts.saturating_sub(1).clamp(0, 16);
    FIRST_BACKOFF_MS
        .saturating_mul(1_i64 << doublings)
        .min(MAX_BACKOFF_MS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_ten_seconds_up_to_ten_minutes() {
        let delays: Vec<i64> = (1..=8).map(backoff_ms).collect();
        assert_eq!(
            delays,
            [10, 20, 40, 80, 160, 320, 600, 600].map(|s| s * 1000)
        );
        assert_eq!(backoff_ms(0), 10_000);
        assert_eq!(backoff_ms(i64::MAX), 600_000);
    }
}
