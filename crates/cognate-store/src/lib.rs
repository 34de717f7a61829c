//! Cognate's storage: the [`cognate_core::store::Store`] contract on SQLite (the
//! embedded default) and PostgreSQL (for several nodes sharing one database).
//!
//! Both backends run the same portable SQL through sqlx's `Any` driver; each owns its
//! schema migrations (`migrations/sqlite`, `migrations/postgres`, same numbers and
//! names), embedded in the binary and applied at start. Callers never branch on the
//! backend. Tested with the bundled SQLite 3.4x and PostgreSQL 15.
//!
//! SQLite runs in WAL mode with `synchronous=FULL` (an acknowledged write survives a
//! power cut), a 5 s busy timeout, one writer connection (writes queue in the pool
//! instead of failing with `SQLITE_BUSY`) and a separate pool of read-only readers,
//! so readers never wait for writers.

mod clients;
mod codes;
mod connect;
mod devices;
mod error;
mod groups;
mod identities;
mod keys;
mod mfa;
mod oauth_config;
mod oidc;
mod outbox;
mod pools;
mod roles;
mod rows;
mod threat;
mod tokens;
mod users;
mod webauthn;

pub use connect::{Backend, SqlStore};
