//! Time-based one-time passwords as authenticator apps compute them: RFC 6238 over
//! RFC 4226's HOTP with HMAC-SHA-1, 6 digits, 30-second steps, one step of clock drift
//! either way. Secrets are 160 random bits, shown to users as 32 Base32 characters
//! (RFC 4648 §6, no padding).
//!
//! Codes are compared in constant time, and every candidate step is checked, so the
//! time taken does not tell which step (if any) matched.

use crate::crypto::ct_eq;
use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;

/// Seconds per step (RFC 6238 §4.1, X).
pub const STEP_SECS: i64 = 30;
/// Digits per code.
pub const DIGITS: usize = 6;
/// Secret length in bytes (160 bits, RFC 4226 §4 R6).
pub const SECRET_LEN: usize = 20;

const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// A fresh secret from the OS RNG.
pub fn new_secret() -> [u8; SECRET_LEN] {
    let mut secret = [0u8; SECRET_LEN];
    crate::ids::os_random(&mut secret);
    secret
}

/// RFC 4648 Base32 without padding (20 bytes give 32 characters).
pub fn base32_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &b in bytes {
        buffer = (buffer << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(BASE32[((buffer >> bits) & 31) as usize] as char);
        }
    }
    if bits > 0 {
        out.push(BASE32[((buffer << (5 - bits)) & 31) as usize] as char);
    }
    out
}

/// The time step of an instant (epoch seconds).
pub fn step_at(epoch_secs: i64) -> i64 {
    epoch_secs.div_euclid(STEP_SECS)
}

/// HOTP (RFC 4226 §5.3) of `secret` at counter `step`, as a zero-padded 6-digit string.
pub fn code_at(secret: &[u8], step: i64) -> String {
    let Ok(mut mac) = <Hmac<Sha1> as KeyInit>::new_from_slice(secret) else {
        return String::new();
    };
    mac.update(&step.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest[digest.len() - 1] & 0x0f);
    let binary = u32::from_be_bytes([
        digest[offset] & 0x7f,
        digest[offset + 1],
        digest[offset + 2],
        digest[offset + 3],
    ]);
    format!(
        "{:0width$}",
        binary % 10u32.pow(DIGITS as u32),
        width = DIGITS
    )
}

/// The step at which `code` is valid for `secret` around `epoch_secs` (current step
/// ±1), preferring the latest. `None` for a wrong code or one that is not 6 digits.
pub fn matching_step(secret: &[u8], code: &str, epoch_secs: i64) -> Option<i64> {
    let code = code.trim();
    let well_formed = code.len() == DIGITS && code.bytes().all(|b| b.is_ascii_digit());
    let now = step_at(epoch_secs);
    let mut found = None;
    for step in [now - 1, now, now + 1] {
        // Every step is computed and compared, whatever matched before.
        if ct_eq(code_at(secret, step).as_bytes(), code.as_bytes()) && well_formed {
            found = Some(step);
        }
    }
    found
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// RFC 6238 Appendix B, SHA-1 rows: the 8-digit values' last 6 digits.
    #[test]
    fn rfc6238_test_vectors() {
        let secret = b"12345678901234567890";
        for (time, eight) in [
            (59i64, "94287082"),
            (1_111_111_109, "07081804"),
            (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
            (20_000_000_000, "65353130"),
        ] {
            assert_eq!(code_at(secret, step_at(time)), eight[2..], "T = {time}");
        }
    }

    #[test]
    fn rfc4648_base32_vectors() {
        for (plain, encoded) in [
            ("", ""),
            ("f", "MY"),
            ("fo", "MZXQ"),
            ("foo", "MZXW6"),
            ("foob", "MZXW6YQ"),
            ("fooba", "MZXW6YTB"),
            ("foobar", "MZXW6YTBOI"),
        ] {
            assert_eq!(base32_encode(plain.as_bytes()), encoded);
        }
        assert_eq!(base32_encode(&new_secret()).len(), 32);
    }

    #[test]
    fn codes_match_within_one_step_of_drift_only() {
        let secret = new_secret();
        let t = 1_700_000_015;
        let now = step_at(t);
        assert_eq!(matching_step(&secret, &code_at(&secret, now), t), Some(now));
        assert_eq!(
            matching_step(&secret, &code_at(&secret, now - 1), t),
            Some(now - 1)
        );
        assert_eq!(
            matching_step(&secret, &code_at(&secret, now + 1), t),
            Some(now + 1)
        );
        let old = code_at(&secret, now - 2);
        if old != code_at(&secret, now - 1)
            && old != code_at(&secret, now)
            && old != code_at(&secret, now + 1)
        {
            assert_eq!(matching_step(&secret, &old, t), None);
        }
        assert_eq!(matching_step(&secret, "12345", t), None);
        assert_eq!(matching_step(&secret, "abcdef", t), None);
        assert_eq!(matching_step(&secret, "", t), None);
    }
}
