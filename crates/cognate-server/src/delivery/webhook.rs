//! SMS through the operator's webhook: a JSON `POST` of
//! `{"phoneNumber": "+1...", "message": "...", "poolId": "..."}`; any 2xx answer means
//! delivered, anything else is retried.
//!
//! The URL comes from server settings, not from users, so no SSRF guard is applied;
//! redirects are not followed, and error texts omit the URL (it may carry a token).

use super::{DeliveryError, SendError};
use cognate_core::store::OutboundMessage;
use secrecy::{ExposeSecret, SecretString};
use std::time::Duration;

/// Whole-request timeout.
const TIMEOUT: Duration = Duration::from_secs(10);
/// Connection timeout.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// Posts SMS messages to one webhook.
pub struct WebhookSender {
    client: reqwest::Client,
    url: SecretString,
}

impl WebhookSender {
    /// A sender for `url`, with one HTTP client (timeouts, no redirects).
    pub fn new(url: &SecretString) -> Result<Self, DeliveryError> {
        let client = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .connect_timeout(CONNECT_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| DeliveryError::Webhook(e.without_url().to_string()))?;
        Ok(Self {
            client,
            url: url.clone(),
        })
    }

    /// Posts one message.
    pub async fn send(&self, message: &OutboundMessage) -> Result<(), SendError> {
        let payload = serde_json::json!({
            "phoneNumber": message.destination,
            "message": message.body,
            "poolId": message.pool_id,
        });
        let response = self
            .client
            .post(self.url.expose_secret())
            .json(&payload)
            .send()
            .await
            .map_err(|e| SendError::transient(format!("sms webhook: {}", e.without_url())))?;
        let status = response.status();
        if status.is_success() {
            Ok(())
        } else {
            Err(SendError::transient(format!(
                "sms webhook answered {status}"
            )))
        }
    }
}
