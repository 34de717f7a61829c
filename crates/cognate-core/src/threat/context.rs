//! Where a request comes from: the client address, the device fingerprint and name, and
//! the time zone, taken from `UserContextData` / `ContextData` and the HTTP request.
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-adaptive-authentication.html>
//!
//! `EncodedData` is what the Cognito context-data libraries produce: base64 of
//! `{"payload": "<json>", "signature": "<base64 HMAC-SHA256(client id, version ‖ payload)>",
//! "version": "..."}` whose payload holds `contextData` (`DeviceId`, `DeviceFingerprint`,
//! `DeviceName`, `ClientTimezone`, `UserAgent`, ...). When it decodes and its signature
//! matches the client, the stable device id (or fingerprint, or user agent) identifies the
//! device; otherwise the opaque value itself does. Only a keyed hash of that material is
//! stored, never the context data.

use crate::Core;
use crate::store::AppClientRecord;
use crate::threat::cidr;
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE};
use hmac::{Hmac, KeyInit, Mac};
use serde_json::Value;
use sha2::Sha256;
use std::net::IpAddr;

/// Largest `EncodedData` that is decoded (the model allows much more; real values are a
/// few kilobytes).
const MAX_ENCODED: usize = 16 * 1024;

/// What a request tells about its origin. Built by the flows from the request and
/// passed to [`Core::assess_sign_in`] and [`Core::record_auth_event`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SignInContext {
    /// The end user's address as Cognate trusts it.
    pub ip: Option<IpAddr>,
    /// `EncodedData` verbatim.
    pub encoded_data: Option<String>,
    /// The `User-Agent` of the end user's request.
    pub user_agent: Option<String>,
}

impl SignInContext {
    /// Context of a public operation (`InitiateAuth`, `SignUp`, ...). The address is the
    /// connection's (`peer`), except that `UserContextData.IpAddress` is honoured when
    /// the client has a secret and `EnablePropagateAdditionalUserContextData` (as in
    /// Cognito: only a confidential back end may speak for the end user).
    pub fn from_user_context_data(
        data: Option<&Value>,
        peer: Option<IpAddr>,
        user_agent: Option<&str>,
        client: &AppClientRecord,
    ) -> Self {
        let field = |k: &str| data.and_then(|d| d.get(k)).and_then(Value::as_str);
        let propagate = client.secret.is_some()
            && client
                .settings
                .enable_propagate_additional_user_context_data
                .unwrap_or(false);
        let claimed = field("IpAddress").and_then(|s| s.trim().parse().ok());
        Self {
            ip: if propagate { claimed.or(peer) } else { peer },
            encoded_data: field("EncodedData").map(str::to_owned),
            user_agent: user_agent.map(str::to_owned),
        }
    }

    /// Context of an admin operation: `ContextData{IpAddress, HttpHeaders, EncodedData}`
    /// describes the end user's request to the calling back end.
    pub fn from_context_data(data: Option<&Value>) -> Self {
        let field = |k: &str| data.and_then(|d| d.get(k)).and_then(Value::as_str);
        let user_agent = data
            .and_then(|d| d.get("HttpHeaders"))
            .and_then(Value::as_array)
            .and_then(|headers| {
                headers.iter().find_map(|h| {
                    let name = h.get("headerName").and_then(Value::as_str)?;
                    name.eq_ignore_ascii_case("user-agent")
                        .then(|| h.get("headerValue").and_then(Value::as_str))
                        .flatten()
                })
            });
        Self {
            ip: field("IpAddress").and_then(|s| s.trim().parse().ok()),
            encoded_data: field("EncodedData").map(str::to_owned),
            user_agent: user_agent.map(str::to_owned),
        }
    }
}

/// The context as stored on an event.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResolvedContext {
    /// Canonical address text.
    pub ip: Option<String>,
    /// `/24` or `/48` network.
    pub network: Option<String>,
    /// Keyed device fingerprint.
    pub device_key: Option<String>,
    /// Device or browser name.
    pub device_name: Option<String>,
    /// `±HH:MM`.
    pub timezone: Option<String>,
}

/// The parts of `contextData` Cognate uses.
#[derive(Debug, Default, PartialEq, Eq)]
struct Decoded {
    device_id: Option<String>,
    fingerprint: Option<String>,
    device_name: Option<String>,
    timezone: Option<String>,
    user_agent: Option<String>,
}

fn decode(encoded: &str, client_id: Option<&str>) -> Option<Decoded> {
    if encoded.len() > MAX_ENCODED {
        return None;
    }
    let raw = [STANDARD, URL_SAFE]
        .iter()
        .find_map(|e| e.decode(encoded.trim()).ok())?;
    let outer: Value = serde_json::from_slice(&raw).ok()?;
    let payload = outer.get("payload")?.as_str()?;
    let version = outer.get("version").and_then(Value::as_str).unwrap_or("");
    let signature = outer.get("signature")?.as_str()?;
    if let Some(client_id) = client_id {
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(client_id.as_bytes()).ok()?;
        mac.update(version.as_bytes());
        mac.update(payload.as_bytes());
        let expected = STANDARD.encode(mac.finalize().into_bytes());
        if !crate::crypto::ct_eq(expected.as_bytes(), signature.as_bytes()) {
            return None;
        }
    }
    let inner: Value = serde_json::from_str(payload).ok()?;
    let data = inner.get("contextData")?;
    let text = |k: &str| {
        data.get(k)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| s.chars().take(256).collect::<String>())
    };
    Some(Decoded {
        device_id: text("DeviceId"),
        fingerprint: text("DeviceFingerprint"),
        device_name: text("DeviceName"),
        timezone: text("ClientTimezone").filter(|t| offset_minutes(t).is_some()),
        user_agent: text("UserAgent"),
    })
}

/// `±HH:MM` (or `±H:MM`) as minutes east of UTC; `None` for anything else.
pub fn offset_minutes(tz: &str) -> Option<i64> {
    let sign = match tz.chars().next()? {
        '+' => 1,
        '-' => -1,
        _ => return None,
    };
    let (h, m) = tz.get(1..)?.split_once(':')?;
    let digits = |s: &str| !s.is_empty() && s.len() <= 2 && s.chars().all(|c| c.is_ascii_digit());
    if !digits(h) || m.len() != 2 || !digits(m) {
        return None;
    }
    let (h, m): (i64, i64) = (h.parse().ok()?, m.parse().ok()?);
    (h <= 14 && m < 60).then_some(sign * (h * 60 + m))
}

/// A short `Browser, OS` name from a User-Agent, e.g. `Firefox, Linux`.
pub fn device_name_from_user_agent(ua: &str) -> String {
    let lower = ua.to_ascii_lowercase();
    let browser = [
        ("edg/", "Edge"),
        ("opr/", "Opera"),
        ("firefox/", "Firefox"),
        ("chrome/", "Chrome"),
        ("crios/", "Chrome"),
        ("safari/", "Safari"),
    ]
    .iter()
    .find(|(k, _)| lower.contains(k))
    .map(|(_, v)| (*v).to_owned())
    .unwrap_or_else(|| {
        ua.split(['/', ' '])
            .next()
            .filter(|s| !s.is_empty())
            .map_or_else(|| "Other".to_owned(), |s| s.chars().take(40).collect())
    });
    let os = [
        ("windows", "Windows"),
        ("android", "Android"),
        ("iphone", "iOS"),
        ("ipad", "iOS"),
        ("mac os x", "macOS"),
        ("macintosh", "macOS"),
        ("linux", "Linux"),
    ]
    .iter()
    .find(|(k, _)| lower.contains(k))
    .map_or("Other", |(_, v)| v);
    format!("{browser}, {os}")
}

impl Core {
    /// Resolves a request's context for storage and scoring: canonical address and its
    /// network, keyed device fingerprint, device name and time zone.
    pub fn resolve_context(
        &self,
        pool_id: &str,
        client_id: Option<&str>,
        ctx: &SignInContext,
    ) -> ResolvedContext {
        let decoded = ctx
            .encoded_data
            .as_deref()
            .and_then(|e| decode(e, client_id));
        let decoded_ua = decoded.as_ref().and_then(|d| d.user_agent.clone());
        let user_agent = decoded_ua.or_else(|| ctx.user_agent.clone());
        let material = match &decoded {
            Some(Decoded {
                device_id: Some(id),
                ..
            }) => Some(format!("id:{id}")),
            Some(Decoded {
                fingerprint: Some(fp),
                ..
            }) => Some(format!("fp:{fp}")),
            Some(_) => user_agent.as_ref().map(|ua| format!("ua:{ua}")),
            None => match ctx.encoded_data.as_deref().filter(|e| !e.trim().is_empty()) {
                Some(raw) => Some(format!("raw:{raw}")),
                None => user_agent.as_ref().map(|ua| format!("ua:{ua}")),
            },
        };
        let device_key = material.map(|m| {
            self.server_key
                .mac_hex(&format!("auth-event-device:{pool_id}"), m.as_bytes())
        });
        let device_name = decoded
            .as_ref()
            .and_then(|d| d.device_name.clone())
            .or_else(|| user_agent.as_deref().map(device_name_from_user_agent));
        ResolvedContext {
            ip: ctx.ip.map(cidr::ip_text),
            network: ctx.ip.map(cidr::network_of),
            device_key,
            device_name,
            timezone: decoded.and_then(|d| d.timezone),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encoded(client_id: &str, context: Value) -> String {
        let payload = serde_json::json!({
            "contextData": context, "username": "alice", "userPoolId": "p", "timestamp": "1"
        })
        .to_string();
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(client_id.as_bytes()).unwrap();
        mac.update(b"JS20171115");
        mac.update(payload.as_bytes());
        let signature = STANDARD.encode(mac.finalize().into_bytes());
        let outer = serde_json::json!({"payload": payload, "signature": signature, "version": "JS20171115"});
        STANDARD.encode(outer.to_string())
    }

    #[test]
    fn encoded_data_decodes_when_signed_for_the_client() {
        let e = encoded(
            "client1",
            serde_json::json!({"DeviceId": "dev-1", "DeviceName": "Pixel", "ClientTimezone": "+05:30"}),
        );
        let d = decode(&e, Some("client1")).unwrap();
        assert_eq!(d.device_id.as_deref(), Some("dev-1"));
        assert_eq!(d.device_name.as_deref(), Some("Pixel"));
        assert_eq!(d.timezone.as_deref(), Some("+05:30"));
        assert!(decode(&e, Some("other-client")).is_none());
        assert!(decode("not base64 at all", Some("client1")).is_none());
    }

    #[test]
    fn time_zone_offsets_parse_strictly() {
        assert_eq!(offset_minutes("+05:30"), Some(330));
        assert_eq!(offset_minutes("-8:00"), Some(-480));
        for bad in ["05:30", "+5", "+25:00", "+05:3", "+05:60", "", "+aa:bb"] {
            assert_eq!(offset_minutes(bad), None, "{bad}");
        }
    }

    #[test]
    fn user_agents_become_short_device_names() {
        let chrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36";
        assert_eq!(device_name_from_user_agent(chrome), "Chrome, Windows");
        let firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0";
        assert_eq!(device_name_from_user_agent(firefox), "Firefox, Linux");
        let safari = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 Mobile/15E148 Safari/604.1";
        assert_eq!(device_name_from_user_agent(safari), "Safari, iOS");
        assert_eq!(device_name_from_user_agent("curl/8.5.0"), "curl, Other");
    }

    #[test]
    fn admin_context_reads_the_user_agent_header() {
        let data = serde_json::json!({
            "IpAddress": "198.51.100.7", "ServerName": "app", "ServerPath": "/login",
            "HttpHeaders": [{"headerName": "User-Agent", "headerValue": "curl/8"}]
        });
        let ctx = SignInContext::from_context_data(Some(&data));
        assert_eq!(ctx.ip, Some("198.51.100.7".parse().unwrap()));
        assert_eq!(ctx.user_agent.as_deref(), Some("curl/8"));
    }
}
