//! Request-rate limits on the public (unsigned) operations, per client IP and per
//! user, answered with `TooManyRequestsException`. They are separate from the
//! per-user lockout (which counts wrong passwords) and from the per-user hourly code
//! limits: these stop floods, such as one address trying passwords across many
//! accounts, before any password is hashed.
//!
//! Two classes of operations, each with a per-IP and a per-user bucket (token
//! buckets: a sustained rate per minute and a burst):
//! - sign-in: InitiateAuth, RespondToAuthChallenge, GetTokensFromRefreshToken and the
//!   hosted sign-in form;
//! - account: SignUp, ConfirmSignUp, ResendConfirmationCode, ForgotPassword,
//!   ConfirmForgotPassword and the hosted pages that do the same.

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use serde::Deserialize;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};

/// The limits' settings (`[rate_limits]`, `COGNATE_RATE_LIMITS__*`).
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct RateLimitConfig {
    /// Whether limits apply (default true).
    pub enabled: bool,
    /// Sign-in requests per minute from one IP address (default 300).
    pub sign_in_per_ip_per_minute: u32,
    /// Sign-in requests one IP address may send at once (default 60).
    pub sign_in_per_ip_burst: u32,
    /// Sign-in requests per minute for one username (default 30).
    pub sign_in_per_user_per_minute: u32,
    /// Sign-in requests at once for one username (default 10).
    pub sign_in_per_user_burst: u32,
    /// Account requests per minute from one IP address (default 60).
    pub account_per_ip_per_minute: u32,
    /// Account requests one IP address may send at once (default 20).
    pub account_per_ip_burst: u32,
    /// Account requests per minute for one username (default 10).
    pub account_per_user_per_minute: u32,
    /// Account requests at once for one username (default 5).
    pub account_per_user_burst: u32,
}

impl Default for RateLimitConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            sign_in_per_ip_per_minute: 300,
            sign_in_per_ip_burst: 60,
            sign_in_per_user_per_minute: 30,
            sign_in_per_user_burst: 10,
            account_per_ip_per_minute: 60,
            account_per_ip_burst: 20,
            account_per_user_per_minute: 10,
            account_per_user_burst: 5,
        }
    }
}

/// Which bucket family an operation draws from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Class {
    /// Password, challenge and refresh steps.
    SignIn,
    /// Sign-up, confirmation and recovery steps.
    Account,
}

impl Class {
    /// The class of a public cognito-idp operation, if it is limited.
    pub fn of(operation: &str) -> Option<Self> {
        match operation {
            "InitiateAuth" | "RespondToAuthChallenge" | "GetTokensFromRefreshToken" => {
                Some(Self::SignIn)
            }
            "SignUp"
            | "ConfirmSignUp"
            | "ResendConfirmationCode"
            | "ForgotPassword"
            | "ConfirmForgotPassword" => Some(Self::Account),
            _ => None,
        }
    }
}

type Limiter<K> = DefaultKeyedRateLimiter<K>;

/// The buckets of one server.
#[derive(Debug)]
pub struct RateLimits {
    enabled: bool,
    per_ip: [Limiter<IpAddr>; 2],
    per_user: [Limiter<String>; 2],
    checks: AtomicU64,
}

/// Why a request was refused: which bucket ran dry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Too many requests from this IP address.
    Ip,
    /// Too many requests for this user.
    User,
}

fn quota(per_minute: u32, burst: u32) -> Quota {
    let rate = NonZeroU32::new(per_minute.max(1)).unwrap_or(NonZeroU32::MIN);
    let burst = NonZeroU32::new(burst.max(1)).unwrap_or(NonZeroU32::MIN);
    Quota::per_minute(rate).allow_burst(burst)
}

impl RateLimits {
    /// Buckets for these settings.
    pub fn new(c: &RateLimitConfig) -> Self {
        Self {
            enabled: c.enabled,
            per_ip: [
                RateLimiter::keyed(quota(c.sign_in_per_ip_per_minute, c.sign_in_per_ip_burst)),
                RateLimiter::keyed(quota(c.account_per_ip_per_minute, c.account_per_ip_burst)),
            ],
            per_user: [
                RateLimiter::keyed(quota(
                    c.sign_in_per_user_per_minute,
                    c.sign_in_per_user_burst,
                )),
                RateLimiter::keyed(quota(
                    c.account_per_user_per_minute,
                    c.account_per_user_burst,
                )),
            ],
            checks: AtomicU64::new(0),
        }
    }

    /// Takes one request from the IP's and (when known) the user's bucket. `user` is
    /// `(client or pool, username)`; usernames are compared case-insensitively.
    pub fn check(
        &self,
        class: Class,
        ip: Option<IpAddr>,
        user: Option<(&str, &str)>,
    ) -> Result<(), Refusal> {
        if !self.enabled {
            return Ok(());
        }
        self.tidy();
        let i = match class {
            Class::SignIn => 0,
            Class::Account => 1,
        };
        if let Some(ip) = ip
            && self.per_ip[i].check_key(&ip).is_err()
        {
            metrics::counter!("cognate_rate_limited_total", "bucket" => "ip").increment(1);
            return Err(Refusal::Ip);
        }
        if let Some((scope, name)) = user.filter(|(_, n)| !n.is_empty()) {
            let key = format!("{scope}\n{}", name.to_lowercase());
            if self.per_user[i].check_key(&key).is_err() {
                metrics::counter!("cognate_rate_limited_total", "bucket" => "user").increment(1);
                return Err(Refusal::User);
            }
        }
        Ok(())
    }

    /// Now and then, forgets buckets that are full again, so memory stays bounded.
    fn tidy(&self) {
        if self.checks.fetch_add(1, Ordering::Relaxed) % 4096 == 4095 {
            for l in &self.per_ip {
                l.retain_recent();
                l.shrink_to_fit();
            }
            for l in &self.per_user {
                l.retain_recent();
                l.shrink_to_fit();
            }
        }
    }
}

/// The username a public request is about: `Username`, or `AuthParameters.USERNAME`
/// / `ChallengeResponses.USERNAME`; with its `ClientId`.
pub fn request_user(body: &[u8]) -> Option<(String, String)> {
    let v: serde_json::Value = serde_json::from_slice(body).ok()?;
    let client = v.get("ClientId")?.as_str()?.to_owned();
    let name = v
        .get("Username")
        .or_else(|| v.get("AuthParameters").and_then(|p| p.get("USERNAME")))
        .or_else(|| v.get("ChallengeResponses").and_then(|p| p.get("USERNAME")))?
        .as_str()?
        .to_owned();
    Some((client, name))
}

/// An `X-Forwarded-For` entry: an address, optionally with a port (`1.2.3.4:80`,
/// `[::1]:80`).
fn parse_forwarded(entry: &str) -> Option<IpAddr> {
    let e = entry.trim();
    if let Ok(ip) = e.parse::<IpAddr>() {
        return Some(ip);
    }
    if let Some(rest) = e.strip_prefix('[') {
        return rest.split(']').next()?.parse().ok();
    }
    e.rsplit_once(':')?.0.parse().ok()
}

/// The client's address: the peer, or (behind a trusted proxy) the last
/// `X-Forwarded-For` entry, which that proxy appended.
pub fn client_ip(
    extensions: &axum::http::Extensions,
    headers: &axum::http::HeaderMap,
    trust_forwarded_for: bool,
) -> Option<IpAddr> {
    // Only the entry the trusted proxy appended (the last) counts; one that does not
    // parse falls back to the peer rather than to an earlier, client-written entry.
    if trust_forwarded_for
        && let Some(ip) = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .next_back()
            .and_then(|v| v.rsplit(',').next())
            .and_then(parse_forwarded)
    {
        return Some(ip);
    }
    extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> RateLimits {
        RateLimits::new(&RateLimitConfig {
            sign_in_per_ip_burst: 3,
            sign_in_per_user_burst: 2,
            ..RateLimitConfig::default()
        })
    }

    #[test]
    fn per_user_bucket_runs_dry_before_the_ip_bucket() {
        let l = small();
        let ip = Some(IpAddr::from([10, 0, 0, 1]));
        assert!(l.check(Class::SignIn, ip, Some(("c", "Alice"))).is_ok());
        assert!(l.check(Class::SignIn, ip, Some(("c", "alice"))).is_ok());
        assert_eq!(
            l.check(Class::SignIn, ip, Some(("c", "ALICE"))),
            Err(Refusal::User)
        );
        // The refused request still took from the IP bucket; the next user is refused by IP.
        assert_eq!(
            l.check(Class::SignIn, ip, Some(("c", "bob"))),
            Err(Refusal::Ip)
        );
        // Another address is unaffected.
        let other = Some(IpAddr::from([10, 0, 0, 2]));
        assert!(l.check(Class::SignIn, other, Some(("c", "carol"))).is_ok());
        // Account operations have their own buckets.
        assert!(l.check(Class::Account, ip, Some(("c", "alice"))).is_ok());
    }

    #[test]
    fn only_the_last_forwarded_entry_counts() {
        let mut h = axum::http::HeaderMap::new();
        h.insert(
            "x-forwarded-for",
            "9.9.9.9, 203.0.113.8:51234".parse().unwrap(),
        );
        let ext = axum::http::Extensions::new();
        assert_eq!(
            client_ip(&ext, &h, true),
            Some(IpAddr::from([203, 0, 113, 8]))
        );
        h.insert("x-forwarded-for", "9.9.9.9, unknown".parse().unwrap());
        assert_eq!(client_ip(&ext, &h, true), None, "never an earlier entry");
        h.insert("x-forwarded-for", "[2001:db8::1]:443".parse().unwrap());
        assert_eq!(client_ip(&ext, &h, true), "2001:db8::1".parse().ok());
    }

    #[test]
    fn disabled_limits_never_refuse() {
        let l = RateLimits::new(&RateLimitConfig {
            enabled: false,
            sign_in_per_ip_burst: 1,
            ..RateLimitConfig::default()
        });
        for _ in 0..10 {
            assert!(l.check(Class::SignIn, None, Some(("c", "a"))).is_ok());
        }
    }

    #[test]
    fn the_user_comes_from_the_body() {
        let b = br#"{"ClientId":"c","AuthFlow":"USER_PASSWORD_AUTH","AuthParameters":{"USERNAME":"al"}}"#;
        assert_eq!(request_user(b), Some(("c".into(), "al".into())));
        assert_eq!(
            request_user(br#"{"ClientId":"c","Username":"x"}"#),
            Some(("c".into(), "x".into()))
        );
        assert_eq!(request_user(b"not json"), None);
    }
}
