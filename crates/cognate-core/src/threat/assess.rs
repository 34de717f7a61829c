//! Adaptive authentication: gathers the signals of a sign-in from the event history,
//! scores them ([`crate::threat::scoring`]) and picks the action the risk configuration
//! names for the level.
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pool-settings-adaptive-authentication.html>
//!
//! Order of precedence: threat protection off → nothing; address in
//! `BlockedIPRangeList` → Block without scoring; address in `SkippedIPRangeList` → no
//! scoring, no risk; otherwise the score. In `AUDIT` mode the decision is recorded but
//! the action to apply is always `NO_ACTION` without notification.

use crate::Core;
use crate::clock::Millis;
use crate::error::CoreResult;
use crate::store::{AuthEventRecord, UserPoolRecord, UserRecord};
use crate::threat::cidr::{self, any_contains};
use crate::threat::context::{ResolvedContext, SignInContext, offset_minutes};
use crate::threat::scoring::{self, Assessment, Reason, RiskLevel, Signals};
use crate::threat::{Mode, mode_of};
use cognate_proto::threat::{AccountTakeoverActionType, RiskConfigurationType};

/// Failures (per address and per account) count within this window.
const VELOCITY_WINDOW_MS: Millis = 15 * 60 * 1000;
/// Newest events of the user read for familiarity.
const HISTORY_LIMIT: usize = 200;
/// Trusted sign-ins needed before the hour of day counts.
const MIN_HOURS_HISTORY: usize = 5;

/// `RiskDecisionType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RiskDecision {
    /// No risk detected (or not scored).
    NoRisk,
    /// Risk detected; the level's action applies.
    AccountTakeover,
    /// The sign-in was blocked.
    Block,
}

impl RiskDecision {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            RiskDecision::NoRisk => "NoRisk",
            RiskDecision::AccountTakeover => "AccountTakeover",
            RiskDecision::Block => "Block",
        }
    }
}

/// `AccountTakeoverEventActionType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventAction {
    /// Allow the sign-in.
    NoAction,
    /// Challenge with MFA when the user has a factor, else allow.
    MfaIfConfigured,
    /// Challenge with MFA; refuse (or set up MFA) when the user has none.
    MfaRequired,
    /// Refuse the sign-in.
    Block,
}

impl EventAction {
    fn parse(s: Option<&str>) -> Self {
        match s {
            Some("BLOCK") => EventAction::Block,
            Some("MFA_IF_CONFIGURED") => EventAction::MfaIfConfigured,
            Some("MFA_REQUIRED") => EventAction::MfaRequired,
            _ => EventAction::NoAction,
        }
    }
}

/// What to do about a sign-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RiskAction {
    /// The action.
    pub event_action: EventAction,
    /// Send the notification email ([`Core::notify_risk`]).
    pub notify: bool,
}

impl RiskAction {
    /// Allow, without notification.
    pub const NONE: RiskAction = RiskAction {
        event_action: EventAction::NoAction,
        notify: false,
    };
}

/// The result of [`Core::assess_sign_in`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignInAssessment {
    /// The pool's mode.
    pub mode: Mode,
    /// False when nothing was scored (mode off, or an excepted address).
    pub scored: bool,
    /// Score, level and reasons.
    pub assessment: Assessment,
    /// The recorded decision.
    pub decision: RiskDecision,
    /// The action the configuration names for this outcome.
    pub configured: RiskAction,
    /// The action to apply: `configured` when `ENFORCED`, none otherwise.
    pub action: RiskAction,
}

impl SignInAssessment {
    fn unscored(
        mode: Mode,
        decision: RiskDecision,
        configured: RiskAction,
        reason: Option<Reason>,
    ) -> Self {
        Self {
            mode,
            scored: false,
            assessment: Assessment {
                level: RiskLevel::Low,
                risk_detected: decision != RiskDecision::NoRisk,
                score: 0,
                reasons: reason.into_iter().collect(),
            },
            decision,
            configured,
            action: if mode == Mode::Enforced {
                configured
            } else {
                RiskAction::NONE
            },
        }
    }

    /// The stored reason codes.
    pub fn reason_codes(&self) -> Vec<String> {
        self.assessment.reasons.iter().map(|r| r.code()).collect()
    }
}

fn configured_action(config: &RiskConfigurationType, level: RiskLevel) -> RiskAction {
    let actions = config
        .account_takeover_risk_configuration
        .as_ref()
        .and_then(|t| t.actions.clone())
        .unwrap_or_default();
    let action: Option<AccountTakeoverActionType> = match level {
        RiskLevel::Low => actions.low_action,
        RiskLevel::Medium => actions.medium_action,
        RiskLevel::High => actions.high_action,
    };
    action.map_or(RiskAction::NONE, |a| RiskAction {
        event_action: EventAction::parse(a.event_action.as_deref()),
        notify: a.notify.unwrap_or(false),
    })
}

/// The local hour (0–23) of `at` in the offset `tz` (UTC when unknown).
fn local_hour(at: Millis, tz: Option<&str>) -> u32 {
    let offset = tz.and_then(offset_minutes).unwrap_or(0);
    let minutes = at.div_euclid(60_000) + offset;
    u32::try_from(minutes.div_euclid(60).rem_euclid(24)).unwrap_or(0)
}

/// Familiarity and feedback signals from the user's history (newest first).
fn history_signals(history: &[AuthEventRecord], now: &ResolvedContext, at: Millis) -> Signals {
    let trusted: Vec<&AuthEventRecord> = history
        .iter()
        .filter(|e| e.event_type == "SignIn" && e.response == "Pass")
        .filter(|e| e.feedback.as_ref().is_none_or(|f| f.value != "Invalid"))
        .collect();
    let seen = |f: fn(&AuthEventRecord) -> Option<&String>, current: &Option<String>| match current
    {
        Some(c) => trusted.iter().any(|e| f(e) == Some(c)),
        None => !trusted.iter().any(|e| f(e).is_some()),
    };
    let same = |a: &Option<String>, b: &Option<String>| a.is_some() && a == b;
    let feedback = |value: &'static str| {
        history
            .iter()
            .filter(move |e| e.feedback.as_ref().is_some_and(|f| f.value == value))
    };
    let hours: Vec<u32> = trusted
        .iter()
        .map(|e| local_hour(e.created_at, e.timezone.as_deref()))
        .collect();
    Signals {
        has_history: !trusted.is_empty(),
        new_device: !seen(|e| e.device_key.as_ref(), &now.device_key),
        new_ip: !seen(|e| e.ip.as_ref(), &now.ip),
        new_network: !seen(|e| e.network.as_ref(), &now.network),
        ip_failures: 0,
        account_failures: count(history.iter().filter(|e| {
            e.event_type == "SignIn"
                && e.response == "Fail"
                && e.created_at >= at - VELOCITY_WINDOW_MS
        })),
        unusual_hour: scoring::is_unusual_hour(
            local_hour(at, now.timezone.as_deref()),
            &hours,
            MIN_HOURS_HISTORY,
        ),
        valid_feedback: count(
            feedback("Valid")
                .filter(|e| same(&e.device_key, &now.device_key) && same(&e.network, &now.network)),
        ),
        invalid_feedback: count(
            feedback("Invalid")
                .filter(|e| same(&e.device_key, &now.device_key) || same(&e.network, &now.network)),
        ),
    }
}

fn count<T>(it: impl Iterator<Item = T>) -> u32 {
    u32::try_from(it.count()).unwrap_or(u32::MAX)
}

impl Core {
    /// Scores a sign-in of `user` through `client_id` after its password step and
    /// answers the action to apply (see the module docs for the precedence rules).
    pub async fn assess_sign_in(
        &self,
        pool: &UserPoolRecord,
        client_id: &str,
        user: &UserRecord,
        ctx: &SignInContext,
    ) -> CoreResult<SignInAssessment> {
        let mode = mode_of(pool);
        if mode == Mode::Off {
            return Ok(SignInAssessment::unscored(
                mode,
                RiskDecision::NoRisk,
                RiskAction::NONE,
                None,
            ));
        }
        let config = self
            .effective_risk_configuration(&pool.id, Some(client_id))
            .await?;
        let exceptions = config
            .risk_exception_configuration
            .clone()
            .unwrap_or_default();
        if let Some(ip) = ctx.ip {
            if any_contains(exceptions.blocked_ip_range_list.as_deref(), ip) {
                let block = RiskAction {
                    event_action: EventAction::Block,
                    notify: false,
                };
                let decision = if mode == Mode::Enforced {
                    RiskDecision::Block
                } else {
                    RiskDecision::AccountTakeover
                };
                return Ok(SignInAssessment::unscored(
                    mode,
                    decision,
                    block,
                    Some(Reason::BlockedIp),
                ));
            }
            if any_contains(exceptions.skipped_ip_range_list.as_deref(), ip) {
                return Ok(SignInAssessment::unscored(
                    mode,
                    RiskDecision::NoRisk,
                    RiskAction::NONE,
                    Some(Reason::SkippedIp),
                ));
            }
        }
        let now = self.now();
        let resolved = self.resolve_context(&pool.id, Some(client_id), ctx);
        let since = now - self.threat.retention_ms();
        let history: Vec<AuthEventRecord> = self
            .store
            .list_auth_events(&pool.id, user.id, None, HISTORY_LIMIT)
            .await?
            .into_iter()
            .filter(|e| e.created_at >= since)
            .collect();
        let mut signals = history_signals(&history, &resolved, now);
        if let Some(ip) = ctx.ip {
            let n = self
                .store
                .count_ip_failures(&pool.id, &cidr::ip_text(ip), now - VELOCITY_WINDOW_MS)
                .await?;
            signals.ip_failures = u32::try_from(n).unwrap_or(u32::MAX);
        }
        Ok(self.decide(
            mode,
            &config,
            scoring::score(&signals, &self.threat.weights),
        ))
    }

    fn decide(
        &self,
        mode: Mode,
        config: &RiskConfigurationType,
        assessment: Assessment,
    ) -> SignInAssessment {
        let configured = if assessment.risk_detected {
            configured_action(config, assessment.level)
        } else {
            RiskAction::NONE
        };
        let action = if mode == Mode::Enforced {
            configured
        } else {
            RiskAction::NONE
        };
        let decision = if !assessment.risk_detected {
            RiskDecision::NoRisk
        } else if action.event_action == EventAction::Block {
            RiskDecision::Block
        } else {
            RiskDecision::AccountTakeover
        };
        SignInAssessment {
            mode,
            scored: true,
            assessment,
            decision,
            configured,
            action,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::EventFeedbackRecord;

    fn event(device: &str, net: &str, response: &str, at: Millis) -> AuthEventRecord {
        AuthEventRecord {
            seq: 0,
            event_id: String::new(),
            pool_id: "p".into(),
            user_id: Some(1),
            client_id: None,
            event_type: "SignIn".into(),
            response: response.into(),
            risk_decision: None,
            risk_level: None,
            compromised: false,
            challenges: Vec::new(),
            ip: Some(format!("{net}.1")),
            network: Some(format!("{net}.0/24")),
            device_key: Some(device.into()),
            device_name: None,
            timezone: None,
            score: None,
            reasons: Vec::new(),
            feedback: None,
            feedback_token_hash: None,
            created_at: at,
        }
    }

    fn ctx(device: &str, net: &str) -> ResolvedContext {
        ResolvedContext {
            ip: Some(format!("{net}.1")),
            network: Some(format!("{net}.0/24")),
            device_key: Some(device.into()),
            device_name: None,
            timezone: None,
        }
    }

    #[test]
    fn familiarity_comes_from_trusted_sign_ins_only() {
        let at = 10 * 3_600_000;
        let mut bad = event("d2", "10.9.9", "Pass", at - 1000);
        bad.feedback = Some(EventFeedbackRecord {
            value: "Invalid".into(),
            provider: "Admin".into(),
            at,
        });
        let history = vec![
            event("d1", "10.0.0", "Pass", at - 5000),
            bad,
            event("d3", "10.7.7", "Fail", at - 100),
        ];
        let familiar = history_signals(&history, &ctx("d1", "10.0.0"), at);
        assert!(familiar.has_history && !familiar.new_device && !familiar.new_network);
        assert_eq!(familiar.account_failures, 1);
        let attacker = history_signals(&history, &ctx("d2", "10.9.9"), at);
        assert!(attacker.new_device && attacker.new_network);
        assert_eq!(attacker.invalid_feedback, 1);
    }

    #[test]
    fn local_hours_honour_the_offset() {
        let at = 23 * 3_600_000;
        assert_eq!(local_hour(at, None), 23);
        assert_eq!(local_hour(at, Some("+02:00")), 1);
        assert_eq!(local_hour(at, Some("-05:30")), 17);
    }
}
