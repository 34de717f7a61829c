//! Signing in and staying signed in: the challenge flows, tokens and keys, sessions,
//! lockout, refresh and revocation, and the access-token check.

pub mod access;
pub mod choice;
pub mod client;
pub mod credentials;
pub mod flows;
pub mod keys;
pub mod lockout;
pub mod refresh;
pub mod session;
pub mod tokens;
