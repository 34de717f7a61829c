//! Generated identifiers and secrets, all from the operating system's RNG.
//!
//! Formats follow Cognito: pool ids `<region>_<9 alnum>`, client ids of 26 lowercase
//! base-36 characters, client secrets of 51, `sub` a lowercase UUID v4.

use rand::TryRng;
use rand::rngs::SysRng;

const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const BASE36: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";

/// Fills `buf` from the operating system's RNG.
pub fn os_random(buf: &mut [u8]) {
    // The OS RNG fails only when the kernel offers no entropy source at all; the
    // thread RNG (a CSPRNG seeded and reseeded from the OS) is the fallback.
    if SysRng.try_fill_bytes(buf).is_err() {
        rand::fill(buf);
    }
}

/// `len` characters drawn uniformly from `alphabet` (at most 256 symbols) with the OS RNG.
pub fn random_string(alphabet: &[u8], len: usize) -> String {
    // Rejection sampling keeps the distribution uniform for any alphabet size.
    let limit = 256 - (256 % alphabet.len().max(1));
    let mut out = String::with_capacity(len);
    let mut buf = [0u8; 64];
    while out.len() < len {
        os_random(&mut buf);
        for &b in &buf {
            if (b as usize) < limit && out.len() < len {
                out.push(alphabet[b as usize % alphabet.len()] as char);
            }
        }
    }
    out
}

/// A new user-pool id for `region`.
pub fn user_pool_id(region: &str) -> String {
    format!("{region}_{}", random_string(ALNUM, 9))
}

/// A new app-client id.
pub fn client_id() -> String {
    random_string(BASE36, 26)
}

/// A new app-client secret.
pub fn client_secret() -> String {
    random_string(BASE36, 51)
}

/// A new `sub`.
pub fn sub() -> String {
    uuid::Uuid::new_v4().to_string()
}
