//! CIDR ranges of `RiskExceptionConfiguration` and the network an address belongs to.
//!
//! A range is `<address>/<prefix>` (IPv4 prefix 0–32, IPv6 0–128); host bits may be
//! set and are ignored. An IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) is treated as
//! the IPv4 address, so a range matches however the proxy wrote the client address.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// A parsed CIDR range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    network: IpAddr,
    prefix: u8,
}

fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

fn mask_v4(ip: Ipv4Addr, prefix: u8) -> Ipv4Addr {
    let bits = u32::from(ip);
    let mask = u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0);
    Ipv4Addr::from(bits & mask)
}

fn mask_v6(ip: Ipv6Addr, prefix: u8) -> Ipv6Addr {
    let bits = u128::from(ip);
    let mask = u128::MAX.checked_shl(128 - u32::from(prefix)).unwrap_or(0);
    Ipv6Addr::from(bits & mask)
}

impl Cidr {
    /// Parses `a.b.c.d/n` or `x:y::z/n`; `None` for anything else.
    pub fn parse(text: &str) -> Option<Self> {
        let (addr, prefix) = text.trim().split_once('/')?;
        if prefix.is_empty() || !prefix.chars().all(|c| c.is_ascii_digit()) || prefix.len() > 3 {
            return None;
        }
        let prefix: u8 = prefix.parse().ok()?;
        match addr.parse::<IpAddr>().ok()? {
            IpAddr::V4(v4) if prefix <= 32 => Some(Self {
                network: IpAddr::V4(mask_v4(v4, prefix)),
                prefix,
            }),
            IpAddr::V6(v6) if prefix <= 128 => Some(Self {
                network: IpAddr::V6(mask_v6(v6, prefix)),
                prefix,
            }),
            _ => None,
        }
    }

    /// Whether `ip` lies in the range.
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.network, canonical(ip)) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => mask_v4(ip, self.prefix) == net,
            (IpAddr::V6(net), IpAddr::V6(ip)) => mask_v6(ip, self.prefix) == net,
            _ => false,
        }
    }
}

/// Whether any of `ranges` (CIDR text, unparsable entries skipped) contains `ip`.
pub fn any_contains(ranges: Option<&[String]>, ip: IpAddr) -> bool {
    ranges
        .unwrap_or_default()
        .iter()
        .filter_map(|r| Cidr::parse(r))
        .any(|c| c.contains(ip))
}

/// The network an address belongs to for familiarity checks: its `/24` (IPv4) or
/// `/48` (IPv6), written as CIDR text.
pub fn network_of(ip: IpAddr) -> String {
    match canonical(ip) {
        IpAddr::V4(v4) => format!("{}/24", mask_v4(v4, 24)),
        IpAddr::V6(v6) => format!("{}/48", mask_v6(v6, 48)),
    }
}

/// The address in its canonical text (IPv4-mapped IPv6 written as IPv4).
pub fn ip_text(ip: IpAddr) -> String {
    canonical(ip).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn parses_ranges_and_refuses_everything_else() {
        for ok in [
            "10.0.0.0/8",
            "192.168.1.7/32",
            "0.0.0.0/0",
            "2001:db8::/32",
            "::/0",
        ] {
            assert!(Cidr::parse(ok).is_some(), "{ok}");
        }
        for bad in [
            "10.0.0.0",
            "10.0.0.0/33",
            "10.0.0/8",
            "2001:db8::/129",
            "abc/8",
            "10.0.0.0/",
            "10.0.0.0/-1",
            "10.0.0.0/+8",
            "",
            "/8",
        ] {
            assert!(Cidr::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn containment_masks_host_bits_and_keeps_families_apart() {
        let r = Cidr::parse("192.168.1.77/24").unwrap();
        assert!(r.contains(ip("192.168.1.1")));
        assert!(r.contains(ip("::ffff:192.168.1.200")));
        assert!(!r.contains(ip("192.168.2.1")));
        assert!(!r.contains(ip("2001:db8::1")));
        let all = Cidr::parse("0.0.0.0/0").unwrap();
        assert!(all.contains(ip("8.8.8.8")));
        let v6 = Cidr::parse("2001:db8:abcd::/48").unwrap();
        assert!(v6.contains(ip("2001:db8:abcd:12::1")));
        assert!(!v6.contains(ip("2001:db8:abce::1")));
        let host = Cidr::parse("203.0.113.9/32").unwrap();
        assert!(host.contains(ip("203.0.113.9")));
        assert!(!host.contains(ip("203.0.113.10")));
    }

    #[test]
    fn networks_are_slash_24_and_slash_48() {
        assert_eq!(network_of(ip("203.0.113.9")), "203.0.113.0/24");
        assert_eq!(network_of(ip("::ffff:203.0.113.9")), "203.0.113.0/24");
        assert_eq!(network_of(ip("2001:db8:abcd:12::1")), "2001:db8:abcd::/48");
        assert_eq!(ip_text(ip("::ffff:10.1.2.3")), "10.1.2.3");
    }
}
