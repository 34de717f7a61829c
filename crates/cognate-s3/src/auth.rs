//! SigV4 secret lookup for the S3 gateway: the admin key, or Cognate's live temporary
//! credentials (`ASIA…`) read from the shared database.
//!
//! s3s calls [`CognateAuth::get_secret_key`] while verifying the signature; an unknown
//! or expired key answers `InvalidAccessKeyId`, as S3 does. The session token is not
//! checked here (s3s does not pass it); [`crate::access`] checks it on every request.

use crate::service::AdminKey;
use cognate_core::Core;
use s3s::auth::{S3Auth, SecretKey};
use s3s::{S3Result, s3_error};
use std::sync::Arc;

/// Prefix of the access key ids of temporary credentials.
pub const TEMPORARY_KEY_PREFIX: &str = "ASIA";

/// Looks up signing secrets for the admin key and temporary credentials.
pub struct CognateAuth {
    core: Arc<Core>,
    admin: AdminKey,
}

impl CognateAuth {
    /// Secrets come from `admin` and from `core`'s credentials store.
    pub fn new(core: Arc<Core>, admin: AdminKey) -> Self {
        Self { core, admin }
    }
}

#[async_trait::async_trait]
impl S3Auth for CognateAuth {
    async fn get_secret_key(&self, access_key: &str) -> S3Result<SecretKey> {
        if self.admin.is(access_key) {
            return Ok(SecretKey::from(self.admin.secret()));
        }
        if !access_key.starts_with(TEMPORARY_KEY_PREFIX) {
            return Err(s3_error!(InvalidAccessKeyId));
        }
        match self.core.credentials_secret(access_key).await {
            Ok(Some(secret)) => Ok(SecretKey::from(secret)),
            Ok(None) => Err(s3_error!(
                InvalidAccessKeyId,
                "The AWS Access Key Id you provided does not exist in our records."
            )),
            Err(e) => {
                tracing::error!(error = %e, "looking up temporary credentials");
                Err(s3_error!(InternalError))
            }
        }
    }
}
