//! The server key and what it protects: secrets at rest (signing keys, SRP verifiers,
//! TOTP secrets), auth `Session` strings and `SECRET_BLOCK`s, and keyed hashes of
//! one-time codes and refresh tokens.
//!
//! Invariants:
//! - The 32-byte server key is never used directly. Two subkeys are derived from it,
//!   `HMAC-SHA256(key, "cognate enc v1")` for AES-256-GCM and
//!   `HMAC-SHA256(key, "cognate mac v1")` for [`ServerKey::mac_hex`], so an encryption
//!   key and a MAC key never coincide.
//! - A sealed blob is `1 ‖ nonce (12) ‖ ciphertext ‖ tag (16)`. The nonce is random
//!   (NIST SP 800-38D §8.2.2 allows 2^32 messages per key that way). The caller's
//!   `context` is the associated data, so a blob opens only for the field and record it
//!   was sealed for.
//! - Nothing here prints or logs key material; `Debug` is redacted.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Key};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// Leading byte of every sealed blob; a new format gets a new number.
const SEAL_VERSION: u8 = 1;
const NONCE_LEN: usize = 12;
const TAG_LEN: usize = 16;

/// The 32-byte server key: encrypts secrets at rest (signing keys, SRP verifiers, TOTP
/// secrets) and auth Session blobs, and keys the hashes of one-time codes and refresh
/// tokens.
#[derive(Clone)]
pub struct ServerKey {
    raw: [u8; 32],
    enc: [u8; 32],
    mac: [u8; 32],
}

impl ServerKey {
    /// Wraps 32 key bytes (from configuration or a key file).
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self {
            raw: bytes,
            enc: hmac_sha256(&bytes, &[b"cognate enc v1"]),
            mac: hmac_sha256(&bytes, &[b"cognate mac v1"]),
        }
    }

    /// A fresh key from the OS RNG.
    pub fn generate() -> Self {
        let mut bytes = [0u8; 32];
        crate::ids::os_random(&mut bytes);
        Self::from_bytes(bytes)
    }

    /// The key as standard padded base64 (44 characters), for a key file or setting.
    pub fn to_base64(&self) -> String {
        STANDARD.encode(self.raw)
    }

    /// Parses base64 of exactly 32 bytes. Standard and URL-safe alphabets, padded or
    /// not, are accepted, and surrounding whitespace is ignored.
    pub fn from_base64(s: &str) -> Option<Self> {
        let s = s.trim();
        let decoded = [STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD]
            .iter()
            .find_map(|engine| engine.decode(s).ok())?;
        let bytes: [u8; 32] = decoded.try_into().ok()?;
        Some(Self::from_bytes(bytes))
    }

    /// AES-256-GCM with a random 96-bit nonce; `context` is bound as associated data
    /// (e.g. `"srp-verifier:<pool>:<user>"`) so a blob cannot be moved to another field
    /// or record. Returns `1 ‖ nonce ‖ ciphertext ‖ tag`.
    ///
    /// AES-GCM refuses only plaintexts over 2^36 bytes; for those the result is a bare
    /// version byte, which [`ServerKey::open`] never accepts.
    pub fn seal(&self, context: &str, plaintext: &[u8]) -> Vec<u8> {
        let mut nonce = [0u8; NONCE_LEN];
        crate::ids::os_random(&mut nonce);
        let payload = Payload {
            msg: plaintext,
            aad: context.as_bytes(),
        };
        let mut out = Vec::with_capacity(1 + NONCE_LEN + plaintext.len() + TAG_LEN);
        out.push(SEAL_VERSION);
        if let Ok(ciphertext) = self.cipher().encrypt(&nonce.into(), payload) {
            out.extend_from_slice(&nonce);
            out.extend_from_slice(&ciphertext);
        }
        out
    }

    /// Opens a blob from [`ServerKey::seal`]; `None` if it was sealed under another key
    /// or context, altered, truncated, or has an unknown version.
    pub fn open(&self, context: &str, sealed: &[u8]) -> Option<Vec<u8>> {
        let (&version, rest) = sealed.split_first()?;
        if version != SEAL_VERSION || rest.len() < NONCE_LEN + TAG_LEN {
            return None;
        }
        let (nonce, ciphertext) = rest.split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce.try_into().ok()?;
        let payload = Payload {
            msg: ciphertext,
            aad: context.as_bytes(),
        };
        self.cipher().decrypt(&nonce.into(), payload).ok()
    }

    /// [`ServerKey::seal`] as URL-safe base64 without padding, for tokens that travel
    /// (auth `Session` strings).
    pub fn seal_text(&self, context: &str, plaintext: &[u8]) -> String {
        URL_SAFE_NO_PAD.encode(self.seal(context, plaintext))
    }

    /// The inverse of [`ServerKey::seal_text`]; `None` for bad base64 or a blob that
    /// does not open.
    pub fn open_text(&self, context: &str, text: &str) -> Option<Vec<u8>> {
        let sealed = URL_SAFE_NO_PAD.decode(text).ok()?;
        self.open(context, &sealed)
    }

    /// HMAC-SHA256 under the MAC subkey of `len(context) ‖ context ‖ data`, as lowercase
    /// hex (64 characters). Stores one-time codes and refresh tokens so that a copy of
    /// the database alone cannot test guesses. The length prefix keeps contexts apart
    /// even when one is a prefix of another.
    pub fn mac_hex(&self, context: &str, data: &[u8]) -> String {
        let len = (context.len() as u64).to_be_bytes();
        hex::encode(hmac_sha256(&self.mac, &[&len, context.as_bytes(), data]))
    }

    fn cipher(&self) -> Aes256Gcm {
        Aes256Gcm::new(&Key::<Aes256Gcm>::from(self.enc))
    }
}

impl std::fmt::Debug for ServerKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ServerKey(<redacted>)")
    }
}

/// Constant-time equality of two byte strings (the length itself is not secret).
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    a.ct_eq(b).into()
}

fn hmac_sha256(key: &[u8; 32], parts: &[&[u8]]) -> [u8; 32] {
    // RFC 2104 §2: a key shorter than the block is zero-padded, so padding it ourselves
    // gives the same MAC and avoids the fallible `new_from_slice`.
    let mut block = [0u8; 64];
    block[..32].copy_from_slice(key);
    let mut mac = <Hmac<Sha256> as KeyInit>::new(&block.into());
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(byte: u8) -> ServerKey {
        ServerKey::from_bytes([byte; 32])
    }

    #[test]
    fn seal_then_open_returns_the_plaintext() {
        let k = key(7);
        let sealed = k.seal("srp-verifier:p:u", b"secret");
        assert_eq!(sealed[0], 1);
        assert_eq!(sealed.len(), 1 + 12 + 6 + 16);
        assert_eq!(k.open("srp-verifier:p:u", &sealed).unwrap(), b"secret");
        assert_eq!(k.open("c", &k.seal("c", b"")).unwrap(), b"");
    }

    #[test]
    fn open_refuses_wrong_context_flipped_bits_truncation_and_other_keys() {
        let k = key(7);
        let sealed = k.seal("srp-verifier:p:u", b"secret");
        assert!(k.open("srp-verifier:p:v", &sealed).is_none());
        assert!(key(8).open("srp-verifier:p:u", &sealed).is_none());
        for i in 0..sealed.len() {
            for bit in 0..8 {
                let mut bad = sealed.clone();
                bad[i] ^= 1 << bit;
                assert!(
                    k.open("srp-verifier:p:u", &bad).is_none(),
                    "byte {i} bit {bit}"
                );
            }
        }
        for len in 0..sealed.len() {
            assert!(
                k.open("srp-verifier:p:u", &sealed[..len]).is_none(),
                "len {len}"
            );
        }
        let mut longer = sealed.clone();
        longer.push(0);
        assert!(k.open("srp-verifier:p:u", &longer).is_none());
    }

    #[test]
    fn sealing_twice_gives_different_blobs() {
        let k = key(7);
        assert_ne!(k.seal("c", b"same"), k.seal("c", b"same"));
        assert_ne!(k.seal_text("c", b"same"), k.seal_text("c", b"same"));
    }

    #[test]
    fn seal_text_round_trips_and_is_url_safe() {
        let k = key(7);
        let text = k.seal_text("session", &[0xff; 100]);
        assert!(
            text.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
        assert_eq!(k.open_text("session", &text).unwrap(), vec![0xff; 100]);
        assert!(k.open_text("other", &text).is_none());
        assert!(k.open_text("session", "not base64!").is_none());
        assert!(k.open_text("session", "").is_none());
    }

    #[test]
    fn mac_is_deterministic_keyed_and_context_separated() {
        let k = key(7);
        let m = k.mac_hex("one-time-code", b"123456");
        assert_eq!(m.len(), 64);
        assert_eq!(m, k.mac_hex("one-time-code", b"123456"));
        assert_ne!(m, k.mac_hex("refresh-token", b"123456"));
        assert_ne!(m, k.mac_hex("one-time-code", b"123457"));
        assert_ne!(m, key(8).mac_hex("one-time-code", b"123456"));
        // Moving bytes between context and data changes the MAC.
        assert_ne!(k.mac_hex("ab", b"c"), k.mac_hex("a", b"bc"));
    }

    #[test]
    fn subkeys_differ_from_each_other_and_the_raw_key() {
        let k = key(7);
        assert_ne!(k.enc, k.mac);
        assert_ne!(k.enc, k.raw);
        assert_ne!(k.mac, k.raw);
    }

    #[test]
    fn hmac_with_padded_key_matches_the_reference_construction() {
        let raw = [7u8; 32];
        let mut reference = <Hmac<Sha256> as KeyInit>::new_from_slice(&raw).unwrap();
        reference.update(b"cognate enc v1");
        let expected: [u8; 32] = reference.finalize().into_bytes().into();
        assert_eq!(hmac_sha256(&raw, &[b"cognate ", b"enc v1"]), expected);
    }

    #[test]
    fn base64_round_trip_and_lenient_parsing() {
        let k = ServerKey::generate();
        let text = k.to_base64();
        assert_eq!(text.len(), 44);
        let back = ServerKey::from_base64(&format!("  {text}\n")).unwrap();
        assert_eq!(back.raw, k.raw);
        let url = URL_SAFE_NO_PAD.encode(k.raw);
        assert_eq!(ServerKey::from_base64(&url).unwrap().raw, k.raw);
        assert!(ServerKey::from_base64(&STANDARD.encode([1u8; 31])).is_none());
        assert!(ServerKey::from_base64(&STANDARD.encode([1u8; 33])).is_none());
        assert!(ServerKey::from_base64("***").is_none());
        assert_ne!(ServerKey::generate().raw, ServerKey::generate().raw);
    }

    #[test]
    fn debug_hides_the_key() {
        let k = key(0xab);
        let shown = format!("{k:?} {k:#?}");
        assert!(!shown.contains("ab"), "{shown}");
        assert!(!shown.contains("171"), "{shown}");
        assert!(!shown.contains(&k.to_base64()));
        assert!(shown.contains("redacted"));
    }

    #[test]
    fn ct_eq_compares_contents_and_lengths() {
        assert!(ct_eq(b"abc", b"abc"));
        assert!(ct_eq(b"", b""));
        assert!(!ct_eq(b"abc", b"abd"));
        assert!(!ct_eq(b"abc", b"ab"));
    }
}
