//! Wire types of Cognate: the AWS JSON 1.1 shapes of Amazon Cognito's user-pool API
//! (`cognito-idp`, API version 2016-04-18) and the `__type` error names clients match on.
//!
//! This crate does no I/O. Request members are all `Option` so that a missing required
//! member becomes `InvalidParameterException` (as Cognito answers) rather than a
//! deserialization failure; [`validate`] holds the constraint checks.
//! Reference: <https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/Welcome.html>
#![warn(missing_docs)]

pub mod app_client;
pub mod auth;
pub mod common;
pub mod device;
pub mod error_type;
pub mod group;
pub mod identity;
pub mod mfa;
pub mod oauth_config;
pub mod self_service;
pub mod threat;
pub mod user;
pub mod user_pool;
pub mod validate;
pub mod webauthn;

pub use error_type::ErrorType;
