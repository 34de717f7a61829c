//! The storage contract of threat protection: risk configurations (per pool and per
//! client) and the auth-event history that `AdminListUserAuthEvents` lists and risk
//! scoring reads. Re-exported from [`crate::store`].
//!
//! Each method is one transaction. Events of a user go with the user; events without a
//! user (sign-in attempts for unknown usernames, kept for the per-address failure
//! velocity) and configurations go with the pool.

use crate::clock::Millis;
use crate::store::{OutboundMessage, StoreResult};
use async_trait::async_trait;
use cognate_proto::threat::RiskConfigurationType;

/// A stored risk configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct RiskConfigRecord {
    /// Owning pool.
    pub pool_id: String,
    /// The client it overrides the pool's configuration for; `None` for the pool's own.
    pub client_id: Option<String>,
    /// The three configuration parts (ids and dates are not part of the document).
    pub config: RiskConfigurationType,
    /// Last change.
    pub updated_at: Millis,
}

/// Feedback given on an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventFeedbackRecord {
    /// `Valid` or `Invalid`.
    pub value: String,
    /// `Admin` or `User`.
    pub provider: String,
    /// When it was given.
    pub at: Millis,
}

/// One auth event: a sign-in, sign-up, password change, forgot-password or resend-code
/// request, with its risk assessment and where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct AuthEventRecord {
    /// Store-assigned insertion number (0 before insertion); breaks ties in listings.
    pub seq: i64,
    /// The public event id (a UUID; also the `event_id` claim of issued tokens).
    pub event_id: String,
    /// Owning pool.
    pub pool_id: String,
    /// The user; `None` for attempts on unknown usernames.
    pub user_id: Option<i64>,
    /// The app client the request named.
    pub client_id: Option<String>,
    /// `SignIn`, `SignUp`, `ForgotPassword`, `PasswordChange` or `ResendCode`.
    pub event_type: String,
    /// `Pass`, `Fail` or `InProgress`.
    pub response: String,
    /// `NoRisk`, `AccountTakeover` or `Block`.
    pub risk_decision: Option<String>,
    /// `Low`, `Medium` or `High`.
    pub risk_level: Option<String>,
    /// The password was found in the breached-password set.
    pub compromised: bool,
    /// `(Password|Mfa, Success|Failure)` steps in order.
    pub challenges: Vec<(String, String)>,
    /// Client address.
    pub ip: Option<String>,
    /// The address's network (`/24` for IPv4, `/48` for IPv6), for familiarity checks.
    pub network: Option<String>,
    /// Keyed fingerprint of the device (never the raw context data).
    pub device_key: Option<String>,
    /// Device or browser name.
    pub device_name: Option<String>,
    /// Client time-zone offset such as `+01:00`.
    pub timezone: Option<String>,
    /// Risk score (Cognate extension).
    pub score: Option<i64>,
    /// Why the score is what it is (Cognate extension), e.g. `new_device`.
    pub reasons: Vec<String>,
    /// Feedback, once given.
    pub feedback: Option<EventFeedbackRecord>,
    /// Keyed hash of the secret inside the feedback token of a notification email.
    pub feedback_token_hash: Option<String>,
    /// When the event happened.
    pub created_at: Millis,
}

/// Changes to an event after it was recorded; `None` members stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuthEventUpdate {
    /// New `Pass`/`Fail`/`InProgress`.
    pub response: Option<String>,
    /// The whole new list of challenge outcomes.
    pub challenges: Option<Vec<(String, String)>>,
    /// Feedback to record.
    pub feedback: Option<EventFeedbackRecord>,
    /// Hash of a newly issued feedback token's secret.
    pub feedback_token_hash: Option<String>,
    /// Apply only while the event's response is still this one (checked in the same
    /// statement, so a concurrent update cannot be overwritten); `None`: always.
    pub only_if_response: Option<String>,
}

/// Threat-protection storage.
#[async_trait]
pub trait ThreatStore: Send + Sync {
    /// Inserts or replaces the configuration of a pool or client.
    async fn put_risk_config(&self, record: &RiskConfigRecord) -> StoreResult<()>;
    /// The configuration of a pool (`client_id` `None`) or one client, if set.
    async fn get_risk_config(
        &self,
        pool_id: &str,
        client_id: Option<&str>,
    ) -> StoreResult<Option<RiskConfigRecord>>;
    /// Deletes the configuration of a pool or client; false if there was none.
    async fn delete_risk_config(&self, pool_id: &str, client_id: Option<&str>)
    -> StoreResult<bool>;
    /// Records an event; returns its `seq`. A taken `event_id` gives
    /// `Conflict{what: "auth_event"}`.
    async fn insert_auth_event(&self, event: &AuthEventRecord) -> StoreResult<i64>;
    /// Reads an event of a pool.
    async fn get_auth_event(
        &self,
        pool_id: &str,
        event_id: &str,
    ) -> StoreResult<Option<AuthEventRecord>>;
    /// Applies `update` and queues `message` (the notification carrying a new feedback
    /// token) in one transaction; false (and nothing changed or queued) if the event
    /// is gone or its response is not `update.only_if_response`.
    async fn update_auth_event(
        &self,
        pool_id: &str,
        event_id: &str,
        update: &AuthEventUpdate,
        message: Option<&OutboundMessage>,
    ) -> StoreResult<bool>;
    /// A user's events, newest first (`created_at`, then `seq`), strictly before the
    /// `(created_at, seq)` cursor when one is given.
    async fn list_auth_events(
        &self,
        pool_id: &str,
        user_id: i64,
        before: Option<(Millis, i64)>,
        limit: usize,
    ) -> StoreResult<Vec<AuthEventRecord>>;
    /// Failed events from `ip` in the pool since `since`, across all users.
    async fn count_ip_failures(&self, pool_id: &str, ip: &str, since: Millis) -> StoreResult<i64>;
    /// Deletes every event created before `before`; how many went.
    async fn prune_auth_events(&self, before: Millis) -> StoreResult<u64>;
}
