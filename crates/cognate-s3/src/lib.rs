//! An S3-compatible object store (s3s-fs on a local directory) that trusts Cognate's
//! temporary credentials: another node over the same database as `cognate serve`.
//!
//! Requests are signed with AWS SigV4 ([s3s] verifies the signature). The secret comes
//! from the admin key or, for `ASIA…` keys, from [`Core::credentials_secret`](cognate_core::Core::credentials_secret),
//! so expired or unknown credentials fail with `InvalidAccessKeyId`. Each request is
//! then authorized like AWS does for a role session: the `x-amz-security-token` must
//! belong to the key, and the assumed role's inline policies must allow the S3 action on
//! the bucket or object ARN
//! ([S3 actions](https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html)),
//! with the credentials' `cognito-identity.amazonaws.com:*` keys and `s3:prefix`
//! in the request context. Anything short of an explicit `Allow` is `AccessDenied`.
//!
//! Other Rust services that accept Cognate credentials can reuse the decision without
//! S3: [`decide`] answers `Ok(())` or [`Denied`] for an access key, session token,
//! IAM action, resource ARN and extra context keys.
//!
//! ```no_run
//! # async fn demo(core: std::sync::Arc<cognate_core::Core>, akid: &str, token: &str) {
//! use std::collections::BTreeMap;
//! let allowed = cognate_s3::decide(
//!     &core, akid, token, "s3:GetObject", "arn:aws:s3:::bucket/public/a.txt", &BTreeMap::new(),
//! ).await.is_ok();
//! # }
//! ```

pub mod access;
pub mod auth;
pub mod error;
pub mod service;

pub use access::{Denied, decide};
pub use error::S3GatewayError;
pub use service::{AdminKey, build, serve};
