//! Cognate's HTTP server: the AWS JSON 1.1 endpoint Cognito's SDKs call, SigV4 for
//! admin operations, health and metrics, configuration, and graceful shutdown.
//!
//! The server holds no SQL and no Cognito rules of its own: handlers decode the wire
//! request, call one `cognate_core::Core` method, and encode the answer.

pub mod admin_keys;
pub mod app;
pub mod aws_json;
pub mod config;
pub mod delivery;
pub(crate) mod hosted;
pub mod jwks;
pub mod oauth;
pub mod observability;
pub mod outbound;
pub mod query;
pub mod ratelimit;
pub(crate) mod request_meta;
pub mod server_key;
pub mod sigv4;
pub(crate) mod threat_feedback;

pub use app::{Server, StartError};
pub use config::Config;
