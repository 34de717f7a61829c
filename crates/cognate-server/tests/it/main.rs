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
mod concurrency;
mod delivery;
mod groups;
mod list_users;
mod oauth;
mod oauth_config;
mod protocol;
mod readme;
mod recovery;
mod scenario;
mod self_service;
mod sign_in;
mod sign_up;
mod smoke;
mod third_party;
mod user_pools;
mod users;
