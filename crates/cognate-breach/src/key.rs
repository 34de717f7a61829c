//! Keys: the SHA-1 of a password, the same 20 bytes that Pwned Passwords writes as 40
//! upper-case hex digits.

use sha1::{Digest, Sha1};

/// The filter key of a password: SHA-1 over its UTF-8 bytes.
pub fn password_key(password: &str) -> [u8; 20] {
    Sha1::digest(password.as_bytes()).into()
}

/// The key written as Pwned Passwords does: 40 upper-case hex digits.
pub fn key_hex(key: &[u8; 20]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(40);
    for b in key {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0xf)]));
    }
    out
}

/// Parses 40 hex digits (either case) into a key.
pub fn parse_key_hex(hex: &[u8]) -> Option<[u8; 20]> {
    let hex: &[u8; 40] = hex.try_into().ok()?;
    let mut out = [0_u8; 20];
    // Table look-ups without branches: lists of random hashes defeat branch prediction.
    let mut bad = 0_u8;
    for (o, pair) in out.iter_mut().zip(hex.chunks_exact(2)) {
        let (hi, lo) = (HEX[usize::from(pair[0])], HEX[usize::from(pair[1])]);
        bad |= hi | lo;
        *o = (hi << 4) | (lo & 0x0f);
    }
    (bad & 0xf0 == 0).then_some(out)
}

/// Value of each byte as a hex digit, or 0xFF.
const HEX: [u8; 256] = {
    let mut t = [0xff_u8; 256];
    let mut i = 0;
    while i < 10 {
        t[b'0' as usize + i] = i as u8;
        i += 1;
    }
    let mut i = 0;
    while i < 6 {
        t[b'a' as usize + i] = 10 + i as u8;
        t[b'A' as usize + i] = 10 + i as u8;
        i += 1;
    }
    t
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_hash_matches_pwned_passwords() {
        // The Pwned Passwords line for "password".
        let key = password_key("password");
        assert_eq!(key_hex(&key), "5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8");
        assert_eq!(
            parse_key_hex(b"5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8"),
            Some(key)
        );
        assert_eq!(
            parse_key_hex(b"5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD"),
            None
        );
        assert_eq!(
            parse_key_hex(b"5BAA61E4C9B93F3F0682250B6CF8331B7EE68FDG"),
            None
        );
    }
}
