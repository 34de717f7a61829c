//! Outbound HTTP for URLs that users control (OIDC provider discovery and keys): one
//! `reqwest` client with a 5 s timeout, no redirects, no proxies, a 1 MiB body cap,
//! `https://` only, and an SSRF guard.
//!
//! The guard refuses loopback, private (RFC 1918), link-local (cloud metadata lives at
//! 169.254.169.254), CGNAT (RFC 6598), unique-local IPv6 (RFC 4193), multicast,
//! broadcast and unspecified addresses, IPv4-mapped IPv6 forms of them included. It
//! sits in the client's DNS resolver, so the addresses checked are exactly the ones
//! connected to (a DNS rebinding between check and connect is impossible); IP-literal
//! URLs never reach a resolver and are checked before the request.
//! `allow_private_fetch` (development and tests) lifts the guard and allows `http://`.

use async_trait::async_trait;
use cognate_core::oidc::{FetchError, HttpFetcher};
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use serde_json::Value;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

/// Whole-request timeout.
const TIMEOUT: Duration = Duration::from_secs(5);
/// Largest accepted response body.
const MAX_BODY: usize = 1024 * 1024;

/// Whether connecting to `ip` could reach something inside the deployment.
pub fn is_internal(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_internal_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_internal_v4(v4),
            None => is_internal_v6(v6),
        },
    }
}

fn is_internal_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_multicast()
        || ip.is_broadcast()
        || ip.is_unspecified()
        || a == 0
        || (a == 100 && (64..128).contains(&b))
}

fn is_internal_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        || (first & 0xfe00) == 0xfc00
        || (first & 0xffc0) == 0xfe80
}

/// Resolves with the system resolver and drops internal addresses; fails when none
/// remain, so the connection can only go to a checked address.
struct GuardedResolver;

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let found: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await?
                .filter(|a| !is_internal(a.ip()))
                .collect();
            if found.is_empty() {
                return Err(format!("{host} resolves only to internal addresses").into());
            }
            let addrs: Addrs = Box::new(found.into_iter());
            Ok(addrs)
        })
    }
}

/// The outbound client (see the module docs).
pub struct Outbound {
    client: reqwest::Client,
    allow_private: bool,
}

impl Outbound {
    /// Builds the one client; `allow_private` lifts the SSRF guard and allows `http://`.
    pub fn new(allow_private: bool) -> Result<Self, FetchError> {
        let mut builder = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .connect_timeout(TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .https_only(!allow_private);
        if !allow_private {
            builder = builder.dns_resolver(GuardedResolver);
        }
        let client = builder
            .build()
            .map_err(|e| FetchError::Transport(e.to_string()))?;
        Ok(Self {
            client,
            allow_private,
        })
    }

    /// Refuses a URL before any connection: scheme, and internal IP literals.
    fn check_url(&self, url: &str) -> Result<reqwest::Url, FetchError> {
        let parsed = reqwest::Url::parse(url).map_err(|e| FetchError::Refused(e.to_string()))?;
        let scheme_ok =
            parsed.scheme() == "https" || (self.allow_private && parsed.scheme() == "http");
        if !scheme_ok {
            return Err(FetchError::Refused(format!(
                "{} URLs are not fetched",
                parsed.scheme()
            )));
        }
        let host = parsed
            .host_str()
            .ok_or_else(|| FetchError::Refused("the URL has no host".into()))?;
        let literal = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
            .ok();
        if !self.allow_private && literal.is_some_and(is_internal) {
            return Err(FetchError::Refused("internal address".into()));
        }
        Ok(parsed)
    }

    async fn fetch(&self, url: reqwest::Url) -> Result<Value, FetchError> {
        let mut response = self
            .client
            .get(url)
            .header("accept", "application/json")
            .send()
            .await
            .map_err(|e| FetchError::Transport(error_chain(&e)))?;
        if !response.status().is_success() {
            return Err(FetchError::Status(response.status().as_u16()));
        }
        if response
            .content_length()
            .is_some_and(|n| n > MAX_BODY as u64)
        {
            return Err(FetchError::Body("larger than 1 MiB".into()));
        }
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| FetchError::Transport(error_chain(&e)))?
        {
            if body.len() + chunk.len() > MAX_BODY {
                return Err(FetchError::Body("larger than 1 MiB".into()));
            }
            body.extend_from_slice(&chunk);
        }
        serde_json::from_slice(&body).map_err(|e| FetchError::Body(e.to_string()))
    }
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        out.push_str(": ");
        out.push_str(&c.to_string());
        cause = c.source();
    }
    out
}

#[async_trait]
impl HttpFetcher for Outbound {
    async fn get_json(&self, url: &str) -> Result<Value, FetchError> {
        let result = match self.check_url(url) {
            Ok(parsed) => self.fetch(parsed).await,
            Err(e) => Err(e),
        };
        if let Err(e) = &result {
            tracing::warn!(%url, error = %e, "outbound fetch failed");
        }
        result
    }

    fn allows_insecure_http(&self) -> bool {
        self.allow_private
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_guard_refuses_internal_addresses_unless_allowed() {
        let guarded = Outbound::new(false).unwrap();
        for url in [
            "https://127.0.0.1/.well-known/openid-configuration",
            "https://10.0.0.1/jwks",
            "https://169.254.169.254/latest/meta-data/",
            "https://[::1]/jwks",
            "https://[::ffff:127.0.0.1]/jwks",
            "https://100.64.0.1/jwks",
            "https://[fd00::1]/jwks",
        ] {
            let err = guarded.get_json(url).await.unwrap_err();
            assert!(matches!(err, FetchError::Refused(_)), "{url}: {err:?}");
        }
        let err = guarded
            .get_json("http://example.com/jwks")
            .await
            .unwrap_err();
        assert!(matches!(err, FetchError::Refused(_)), "{err:?}");
        // A name that resolves to loopback is refused by the resolver, before connecting.
        let err = guarded
            .get_json("https://localhost/jwks")
            .await
            .unwrap_err();
        assert!(err.to_string().contains("internal"), "{err}");
        let open = Outbound::new(true).unwrap();
        assert!(open.check_url("http://127.0.0.1:1/x").is_ok());
    }

    #[test]
    fn public_addresses_pass() {
        assert!(!is_internal("93.184.216.34".parse().unwrap()));
        assert!(!is_internal("2606:2800:220:1::".parse().unwrap()));
        assert!(is_internal("172.16.0.1".parse().unwrap()));
        assert!(is_internal("192.168.1.1".parse().unwrap()));
        assert!(is_internal("fe80::1".parse().unwrap()));
    }
}
