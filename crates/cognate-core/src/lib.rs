//! Cognate's domain: user pools, app clients, users and groups, with Cognito's rules.
//!
//! [`Core`] holds the injected dependencies (a [`store::Store`], a [`clock::Clock`],
//! the password hasher) and exposes one method per Cognito operation, named after it
//! (`admin_create_user`, `list_users`, ...). This crate never touches HTTP or SQL.
#![warn(missing_docs)]

pub mod app_client;
pub mod auth;
pub mod clock;
pub mod codes;
pub mod crypto;
pub mod devices;
pub mod domain;
pub mod error;
pub mod group;
pub mod iam;
pub mod identifiers;
pub mod identity_pool;
pub mod ids;
pub mod list_users;
pub mod messages;
pub mod mfa;
pub mod oauth;
pub mod oidc;
pub mod paging;
pub mod password;
pub mod recovery;
pub mod resource_server;
pub mod schema;
pub mod self_service;
pub mod sign_up;
pub mod srp;
pub mod store;
pub mod sts;
pub mod threat;
pub mod token;
pub mod ui_customization;
pub mod user;
pub mod user_pool;
pub mod webauthn;

use clock::Clock;
use password::PasswordHasher;
use std::sync::Arc;
use store::Store;

pub use error::{CoreError, CoreResult};

/// Deployment facts the domain needs.
#[derive(Debug, Clone)]
pub struct CoreSettings {
    /// AWS region name used in ids and ARNs, e.g. `us-east-1`.
    pub region: String,
    /// Twelve-digit account id used in ARNs.
    pub account_id: String,
    /// Externally visible base URL without a trailing slash; token issuers are
    /// `<public_url>/<pool id>`.
    pub public_url: String,
}

/// The domain service: every Cognito operation Cognate implements.
#[derive(Clone)]
pub struct Core {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    passwords: PasswordHasher,
    settings: CoreSettings,
    server_key: crypto::ServerKey,
    key_cache: auth::keys::KeyCache,
    dummy_hash: auth::credentials::DummyHash,
    fetcher: Option<Arc<dyn oidc::HttpFetcher>>,
    oidc_keys: oidc::JwksCache,
    breach: Option<Arc<cognate_breach::Checker>>,
    threat: threat::ThreatSettings,
}

impl Core {
    /// Builds the service over a store and a clock.
    pub fn new(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        passwords: PasswordHasher,
        settings: CoreSettings,
        server_key: crypto::ServerKey,
    ) -> Self {
        Self {
            store,
            clock,
            passwords,
            settings,
            server_key,
            key_cache: Default::default(),
            dummy_hash: Default::default(),
            fetcher: None,
            oidc_keys: Default::default(),
            breach: None,
            threat: Default::default(),
        }
    }

    /// The store, for health checks and shutdown.
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// The clock.
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    fn now(&self) -> clock::Millis {
        self.clock.now_millis()
    }
}
