//! Compromised-password detection without network look-ups.
//!
//! A [`Checker`] answers [`Checker::is_breached`] from two blocked Bloom filters of the
//! same type, both keyed by the SHA-1 of the password (the 20 bytes that Pwned Passwords
//! writes as 40 upper-case hex digits):
//!
//! - **the built-in filter**, embedded in the binary: the 100,000 most common passwords
//!   of the "10 million password list" published in SecLists (MIT licence; origin,
//!   checksums and the regeneration command are in `data/SOURCE.md`). It is 189 KiB
//!   with a designed false-positive rate of 0.1 % (measured 0.1017 % over one million
//!   random 20-character strings, see `tests/builtin.rs`);
//! - **an optional on-disk filter** an operator builds from the full Pwned Passwords
//!   SHA-1 list with `cognate breach import` ([`import_pwned_passwords`]): the list is
//!   streamed, so memory use is the filter itself (about 1.9 bytes per hash at 0.1 %)
//!   plus a 1 MiB read buffer.
//!
//! A filter never misses a password it holds. "Breached" is wrong with the filter's
//! false-positive rate, so a rejected password is occasionally a fine one; callers
//! should word their error accordingly.
//!
//! ```
//! let checker = cognate_breach::Checker::builtin()?;
//! assert!(checker.is_breached("password"));
//! assert!(!checker.is_breached("kV7#q9-Tr2mZ!wLx8pEs"));
//! # Ok::<(), cognate_breach::BreachError>(())
//! ```
//!
//! Filters are files in one format ([`mod@format`]): a 64-byte header (magic, version,
//! bits per key, block count, entry count, SHA-256 checksum) and 512-bit blocks. Each
//! key sets its bits inside one block, so a lookup reads one cache line, or one 64-byte
//! positional read when the filter stays on disk ([`Residency::Disk`]). Opening a file
//! checks its length and checksum; a truncated or damaged file is an error, never a
//! panic.

mod bloom;
mod builtin;
mod checker;
mod error;
pub mod format;
mod import;
mod key;
pub mod sizing;

pub use bloom::{BloomBuilder, BloomFilter, Residency};
pub use builtin::{BUILTIN_SOURCE, builtin_filter};
pub use checker::Checker;
pub use error::BreachError;
pub use import::{ImportOptions, ImportReport, Pass, build_from_reader, import_pwned_passwords};
pub use key::{key_hex, parse_key_hex, password_key};
