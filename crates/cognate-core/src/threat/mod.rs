//! Threat protection (formerly "advanced security"): risk configuration, the
//! auth-event history, adaptive-authentication scoring, compromised-credential checks
//! and the notification emails with their one-click feedback links.
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pool-settings-threat-protection.html>
//!
//! The sign-in, sign-up and recovery flows call into this module:
//! [`Core::check_compromised_password`] before accepting a password,
//! [`Core::assess_sign_in`] after the password step, [`Core::record_auth_event`] for
//! every covered request, [`Core::update_auth_event`] when a challenge completes, and
//! [`Core::notify_risk`] when the applied action says to notify; `gate` (sign-in) and
//! `account` (sign-up, password changes, recovery) are where the flows do so, with the
//! request's address and `User-Agent` from [`request::RequestMeta`]. Everything is inert
//! while the pool's `UserPoolAddOns.AdvancedSecurityMode` is `OFF`; in `AUDIT` mode
//! events are scored and recorded but no action is applied.

pub(crate) mod account;
pub mod assess;
pub mod cidr;
pub mod compromised;
pub mod context;
pub mod events;
pub(crate) mod failures;
pub mod feedback;
pub(crate) mod gate;
pub mod notify;
pub(crate) mod passwordless;
pub mod request;
pub(crate) mod resume;
pub mod risk_config;
pub mod scoring;
pub mod store;

use crate::Core;
use crate::store::UserPoolRecord;

pub use assess::{EventAction, RiskAction, RiskDecision, SignInAssessment};
pub use compromised::{CompromisedAction, CompromisedOutcome, CredentialEvent};
pub use context::SignInContext;
pub use events::{ChallengeName, EventResponse, EventType, NewAuthEvent};
pub use request::RequestMeta;
pub use scoring::{Assessment, Reason, RiskLevel, Signals, Weights};

/// `UserPoolAddOns.AdvancedSecurityMode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Threat protection is off: nothing is scored, checked or recorded.
    Off,
    /// Evaluate and record, never act.
    Audit,
    /// Evaluate, record and apply the configured actions.
    Enforced,
}

/// Deployment settings of threat protection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThreatSettings {
    /// Days an auth event is kept (`threat_event_retention_days`, default 90).
    pub event_retention_days: u32,
    /// The scoring model's weights and thresholds.
    pub weights: Weights,
}

impl Default for ThreatSettings {
    fn default() -> Self {
        Self {
            event_retention_days: 90,
            weights: Weights::default(),
        }
    }
}

impl ThreatSettings {
    /// The retention period in milliseconds.
    pub fn retention_ms(&self) -> i64 {
        i64::from(self.event_retention_days.max(1)) * 86_400_000
    }
}

/// The mode a pool's settings select (`OFF` when unset or unknown).
pub fn mode_of(pool: &UserPoolRecord) -> Mode {
    let mode = pool
        .settings
        .user_pool_add_ons
        .as_ref()
        .and_then(|a| a.get("AdvancedSecurityMode"))
        .and_then(|m| m.as_str());
    match mode {
        Some("AUDIT") => Mode::Audit,
        Some("ENFORCED") => Mode::Enforced,
        _ => Mode::Off,
    }
}

impl Core {
    /// Replaces the threat-protection settings (retention, scoring weights).
    pub fn with_threat_settings(mut self, settings: ThreatSettings) -> Self {
        self.threat = settings;
        self
    }

    /// The threat-protection settings in force.
    pub fn threat_settings(&self) -> &ThreatSettings {
        &self.threat
    }

    /// The threat-protection mode of a pool (`ResourceNotFoundException` if absent).
    pub async fn security_mode(&self, pool_id: &str) -> crate::CoreResult<Mode> {
        Ok(mode_of(&self.load_pool(pool_id).await?))
    }

    /// Refuses with `UserPoolAddOnNotEnabledException` when threat protection is off.
    pub(crate) fn require_threat_protection(pool: &UserPoolRecord) -> crate::CoreResult<Mode> {
        match mode_of(pool) {
            Mode::Off => Err(crate::CoreError::UserPoolAddOnNotEnabled(
                "Advanced security features are not enabled for this user pool.".into(),
            )),
            mode => Ok(mode),
        }
    }
}
