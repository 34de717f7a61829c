//! Integration tests: the real server driven by the official AWS SDK for Rust and by
//! raw HTTP, on SQLite and (when configured) PostgreSQL.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::disallowed_methods,
    unreachable_pub,
    dead_code
)]

#[macro_use]
mod helpers;

mod iam_sts;
mod identity_pools;
mod oidc_providers;

mod admin_auth;
mod app_clients;
mod browser;
mod choice;
mod concurrency;
mod delivery;
mod devices;
mod groups;
mod hosted;
mod hosted_cookies;
mod hosted_link;
mod hosted_security;
mod list_users;
mod mfa;
mod oauth;
mod oauth_config;
mod passkeys;
mod protocol;
mod rate_limits;
mod readme;
mod recovery;
mod scenario;
mod self_service;
mod sign_in;
mod sign_up;
mod smoke;
mod third_party;
mod third_party_mfa;
mod threat;
mod threat_flows;
mod user_pools;
mod users;
