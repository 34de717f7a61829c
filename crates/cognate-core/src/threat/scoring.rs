//! The risk-scoring model of adaptive authentication: a pure function from the
//! signals of one sign-in to a score, a level and the reasons. The README's "Threat
//! protection" section documents the signals, weights and thresholds; keep them in step.
//!
//! Additive and explainable on purpose: every point of the score comes from a named
//! [`Reason`], so an operator can see why a sign-in was challenged and tune one weight
//! without retraining anything. Familiarity signals (new device, address, network,
//! unusual hour) only count once the user has a trusted sign-in history; a first
//! sign-in is not suspicious for being first.

/// What was observed about one sign-in (gathered by `Core::assess_sign_in`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Signals {
    /// The user has at least one earlier successful sign-in not marked `Invalid`.
    pub has_history: bool,
    /// The device fingerprint is not among the user's trusted sign-ins.
    pub new_device: bool,
    /// The address is not among the user's trusted sign-ins.
    pub new_ip: bool,
    /// The address's `/24` (IPv4) or `/48` (IPv6) is not among them either.
    pub new_network: bool,
    /// Failed events from this address across all users in the velocity window.
    pub ip_failures: u32,
    /// Failed sign-ins on this account in the velocity window.
    pub account_failures: u32,
    /// The local hour is outside the hours of the user's past sign-ins (≥ 5 of them).
    pub unusual_hour: bool,
    /// Earlier events with the same device and network marked `Valid`.
    pub valid_feedback: u32,
    /// Earlier events with the same device or network marked `Invalid`.
    pub invalid_feedback: u32,
}

/// Weights and thresholds of the model. Points add up; the level follows from the
/// thresholds. Defaults are documented on [`Weights::default`]; operators set them in
/// the server's `[threat_scoring]` settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Weights {
    /// Points for a new device.
    pub new_device: u32,
    /// Points for a new address (on a known network).
    pub new_ip: u32,
    /// Further points when the whole network is new.
    pub new_network: u32,
    /// Failures from the address that cost nothing (shared NATs, typos).
    pub ip_failures_free: u32,
    /// Points per address failure beyond the free ones.
    pub ip_failure: u32,
    /// Cap of the address-failure points.
    pub ip_failure_cap: u32,
    /// Points per recent failure on the account.
    pub account_failure: u32,
    /// Cap of the account-failure points.
    pub account_failure_cap: u32,
    /// Points for an unusual hour.
    pub unusual_hour: u32,
    /// Points taken off per matching `Valid` feedback.
    pub valid_feedback: u32,
    /// Cap of the points taken off for `Valid` feedback.
    pub valid_feedback_cap: u32,
    /// Points per matching `Invalid` feedback.
    pub invalid_feedback: u32,
    /// Cap of the `Invalid` feedback points.
    pub invalid_feedback_cap: u32,
    /// From this score on, risk is detected at level Low (below it: no risk).
    pub low: u32,
    /// From this score on, the level is Medium.
    pub medium: u32,
    /// From this score on, the level is High.
    pub high: u32,
}

impl Default for Weights {
    /// New device 25, new address 10, new network +20, address failures 5 each after 2
    /// free (cap 40), account failures 8 each (cap 40), unusual hour 15, `Valid`
    /// feedback −30 each (cap −60), `Invalid` feedback +30 each (cap 60); Low from 20,
    /// Medium from 40, High from 60.
    fn default() -> Self {
        Self {
            new_device: 25,
            new_ip: 10,
            new_network: 20,
            ip_failures_free: 2,
            ip_failure: 5,
            ip_failure_cap: 40,
            account_failure: 8,
            account_failure_cap: 40,
            unusual_hour: 15,
            valid_feedback: 30,
            valid_feedback_cap: 60,
            invalid_feedback: 30,
            invalid_feedback_cap: 60,
            low: 20,
            medium: 40,
            high: 60,
        }
    }
}

impl Weights {
    /// Refuses thresholds out of order (`1 <= low <= medium <= high`).
    pub fn check(&self) -> Result<(), String> {
        if self.low == 0 || self.low > self.medium || self.medium > self.high {
            return Err(format!(
                "thresholds must satisfy 1 <= low <= medium <= high (got {}, {}, {})",
                self.low, self.medium, self.high
            ));
        }
        Ok(())
    }
}

/// `RiskLevelType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum RiskLevel {
    /// `Low`.
    Low,
    /// `Medium`.
    Medium,
    /// `High`.
    High,
}

impl RiskLevel {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            RiskLevel::Low => "Low",
            RiskLevel::Medium => "Medium",
            RiskLevel::High => "High",
        }
    }
}

/// One contribution to a score, or why no score was computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// Unknown device.
    NewDevice,
    /// Unknown address.
    NewIp,
    /// Unknown network.
    NewNetwork,
    /// Failures from the address (the count).
    IpFailures(u32),
    /// Failures on the account (the count).
    AccountFailures(u32),
    /// Sign-in outside the user's usual hours.
    UnusualHour,
    /// Matching `Valid` feedback (the count).
    ValidFeedback(u32),
    /// Matching `Invalid` feedback (the count).
    InvalidFeedback(u32),
    /// The address is in `BlockedIPRangeList`.
    BlockedIp,
    /// The address is in `SkippedIPRangeList`.
    SkippedIp,
}

impl Reason {
    /// The stored form: `new_device`, `ip_failures:7`, ...
    pub fn code(self) -> String {
        match self {
            Reason::NewDevice => "new_device".into(),
            Reason::NewIp => "new_ip".into(),
            Reason::NewNetwork => "new_network".into(),
            Reason::IpFailures(n) => format!("ip_failures:{n}"),
            Reason::AccountFailures(n) => format!("account_failures:{n}"),
            Reason::UnusualHour => "unusual_hour".into(),
            Reason::ValidFeedback(n) => format!("valid_feedback:{n}"),
            Reason::InvalidFeedback(n) => format!("invalid_feedback:{n}"),
            Reason::BlockedIp => "blocked_ip".into(),
            Reason::SkippedIp => "skipped_ip".into(),
        }
    }
}

/// The outcome of scoring.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    /// The level (Low when no risk was detected).
    pub level: RiskLevel,
    /// The score reached [`Weights::low`]: the level's action applies.
    pub risk_detected: bool,
    /// Sum of the contributions, never below zero.
    pub score: u32,
    /// Every contribution, in the order of [`Signals`].
    pub reasons: Vec<Reason>,
}

/// Scores one sign-in.
pub fn score(s: &Signals, w: &Weights) -> Assessment {
    let mut points: i64 = 0;
    let mut reasons = Vec::new();
    let mut add = |p: u32, r: Reason| {
        points += i64::from(p);
        reasons.push(r);
    };
    if s.has_history {
        if s.new_device {
            add(w.new_device, Reason::NewDevice);
        }
        if s.new_ip {
            add(w.new_ip, Reason::NewIp);
        }
        if s.new_network {
            add(w.new_network, Reason::NewNetwork);
        }
    }
    if s.ip_failures > w.ip_failures_free {
        let extra = s.ip_failures - w.ip_failures_free;
        let p = extra.saturating_mul(w.ip_failure).min(w.ip_failure_cap);
        add(p, Reason::IpFailures(s.ip_failures));
    }
    if s.account_failures > 0 {
        let p = s
            .account_failures
            .saturating_mul(w.account_failure)
            .min(w.account_failure_cap);
        add(p, Reason::AccountFailures(s.account_failures));
    }
    if s.has_history && s.unusual_hour {
        add(w.unusual_hour, Reason::UnusualHour);
    }
    if s.invalid_feedback > 0 {
        let p = s
            .invalid_feedback
            .saturating_mul(w.invalid_feedback)
            .min(w.invalid_feedback_cap);
        add(p, Reason::InvalidFeedback(s.invalid_feedback));
    }
    if s.valid_feedback > 0 {
        let p = s
            .valid_feedback
            .saturating_mul(w.valid_feedback)
            .min(w.valid_feedback_cap);
        points -= i64::from(p);
        reasons.push(Reason::ValidFeedback(s.valid_feedback));
    }
    let score = u32::try_from(points.max(0)).unwrap_or(u32::MAX);
    let level = if score >= w.high {
        RiskLevel::High
    } else if score >= w.medium {
        RiskLevel::Medium
    } else {
        RiskLevel::Low
    };
    Assessment {
        level,
        risk_detected: score >= w.low,
        score,
        reasons,
    }
}

/// Whether `hour` (0–23) is unusual for a user whose past trusted sign-ins happened at
/// `past` hours: at least `min_history` of them, and none within one hour (circularly)
/// of `hour`.
pub fn is_unusual_hour(hour: u32, past: &[u32], min_history: usize) -> bool {
    if past.len() < min_history {
        return false;
    }
    !past.iter().any(|&p| {
        let d = (24 + hour % 24 - p % 24) % 24;
        d <= 1 || d >= 23
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known() -> Signals {
        Signals {
            has_history: true,
            ..Signals::default()
        }
    }

    #[test]
    fn the_model_scores_each_signal_as_documented() {
        use RiskLevel::*;
        let w = Weights::default();
        #[rustfmt::skip]
        let cases: Vec<(&str, Signals, u32, RiskLevel, bool)> = vec![
            ("familiar sign-in", known(), 0, Low, false),
            ("first sign-in is not suspicious", Signals { new_device: true, new_ip: true, new_network: true, unusual_hour: true, ..Signals::default() }, 0, Low, false),
            ("new device", Signals { new_device: true, ..known() }, 25, Low, true),
            ("new address on a known network", Signals { new_ip: true, ..known() }, 10, Low, false),
            ("new device and network", Signals { new_device: true, new_ip: true, new_network: true, ..known() }, 55, Medium, true),
            ("two address failures are free", Signals { ip_failures: 2, ..known() }, 0, Low, false),
            ("address failures beyond the free ones", Signals { ip_failures: 6, ..known() }, 20, Low, true),
            ("address failures are capped", Signals { ip_failures: 500, ..known() }, 40, Medium, true),
            ("account failures", Signals { account_failures: 3, ..known() }, 24, Low, true),
            ("account failures are capped", Signals { account_failures: 50, ..known() }, 40, Medium, true),
            ("new device, network and failures", Signals { new_device: true, new_ip: true, new_network: true, account_failures: 3, ..known() }, 79, High, true),
            ("unusual hour", Signals { unusual_hour: true, ..known() }, 15, Low, false),
            ("valid feedback lowers", Signals { new_device: true, new_ip: true, new_network: true, valid_feedback: 1, ..known() }, 25, Low, true),
            ("valid feedback never goes below zero", Signals { valid_feedback: 5, ..known() }, 0, Low, false),
            ("invalid feedback raises", Signals { invalid_feedback: 1, new_device: true, ..known() }, 55, Medium, true),
            ("invalid feedback is capped", Signals { invalid_feedback: 9, ..known() }, 60, High, true),
        ];
        for (name, signals, points, level, detected) in cases {
            let a = score(&signals, &w);
            assert_eq!(
                (a.score, a.level, a.risk_detected),
                (points, level, detected),
                "{name}"
            );
        }
    }

    #[test]
    fn reasons_name_every_contribution() {
        let s = Signals {
            new_device: true,
            new_network: true,
            new_ip: true,
            ip_failures: 4,
            account_failures: 1,
            valid_feedback: 1,
            ..known()
        };
        let codes: Vec<String> = score(&s, &Weights::default())
            .reasons
            .into_iter()
            .map(Reason::code)
            .collect();
        assert_eq!(
            codes,
            [
                "new_device",
                "new_ip",
                "new_network",
                "ip_failures:4",
                "account_failures:1",
                "valid_feedback:1"
            ]
        );
    }

    #[test]
    fn thresholds_are_tunable() {
        let strict = Weights {
            low: 5,
            medium: 10,
            high: 20,
            ..Weights::default()
        };
        let a = score(
            &Signals {
                new_ip: true,
                ..known()
            },
            &strict,
        );
        assert_eq!((a.level, a.risk_detected), (RiskLevel::Medium, true));
    }

    #[test]
    fn unusual_hours_need_history_and_distance() {
        let past = [9, 10, 9, 11, 10];
        assert!(!is_unusual_hour(3, &past[..4], 5));
        assert!(is_unusual_hour(3, &past, 5));
        assert!(!is_unusual_hour(12, &past, 5));
        assert!(!is_unusual_hour(8, &past, 5));
        assert!(is_unusual_hour(13, &past, 5));
        let late = [23, 23, 22, 23, 0];
        assert!(!is_unusual_hour(1, &late, 5));
        assert!(is_unusual_hour(2, &late, 5));
    }
}
