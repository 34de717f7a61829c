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

mod admin_auth;
mod app_clients;
mod concurrency;
mod groups;
mod list_users;
mod protocol;
mod readme;
mod sign_in;
mod smoke;
mod user_pools;
mod users;
