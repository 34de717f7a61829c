//! Setting a password: the Argon2id hash for password sign-in and the SRP verifier
//! (sealed under the server key) for SRP sign-in, written together in one transaction.

use crate::Core;
use crate::error::CoreResult;
use crate::password::Policy;
use crate::srp;
use crate::store::{SrpCredential, UserPoolRecord, UserRecord};
use tokio::sync::OnceCell;

/// Sealing context of a user's SRP verifier (bound to pool and `sub`).
pub fn srp_context(pool_id: &str, sub: &str) -> String {
    format!("srp-verifier:{pool_id}:{sub}")
}

/// A hash to verify against when the user does not exist, so that the answer takes as
/// long as for a real user.
#[derive(Clone, Default)]
pub struct DummyHash(std::sync::Arc<OnceCell<String>>);

impl Core {
    /// Computes the hash and SRP verifier for `password` (policy already checked).
    pub(crate) async fn password_credentials(
        &self,
        pool_id: &str,
        user: &UserRecord,
        password: &str,
    ) -> CoreResult<(String, SrpCredential)> {
        let hash = self.passwords.hash(password).await?;
        let realm = super::flows::srp_pool_name(pool_id).to_owned();
        let (username, pw) = (user.username.clone(), password.to_owned());
        let verifier =
            tokio::task::spawn_blocking(move || srp::make_verifier(&realm, &username, &pw))
                .await
                .map_err(|e| crate::CoreError::Internal(e.to_string().into()))?;
        let sealed = self
            .server_key
            .seal(&srp_context(pool_id, &user.sub), &verifier.verifier);
        Ok((
            hash,
            SrpCredential {
                salt: verifier.salt_hex,
                verifier: sealed,
            },
        ))
    }

    /// Checks `password` against the pool's policy, sets it and saves the user.
    pub(crate) async fn set_password_and_save(
        &self,
        pool: &UserPoolRecord,
        mut user: UserRecord,
        password: &str,
    ) -> CoreResult<UserRecord> {
        crate::password::check_shape("password", password)?;
        Policy::from_wire(
            pool.settings
                .policies
                .as_ref()
                .and_then(|p| p.password_policy.as_ref()),
        )
        .check(password)?;
        let (hash, srp) = self.password_credentials(&pool.id, &user, password).await?;
        user.password_hash = Some(hash);
        user.password_set_at = Some(self.now());
        self.save_user_with_srp(pool, user, Some(srp), Vec::new())
            .await
    }

    /// Spends the time of one password verification without a user.
    pub(crate) async fn burn_password_check(&self, password: &str) {
        let hasher = self.passwords.clone();
        let dummy = self
            .dummy_hash
            .0
            .get_or_init(|| async move {
                hasher
                    .hash("cognate-dummy-password")
                    .await
                    .unwrap_or_default()
            })
            .await
            .clone();
        let _ = self.passwords.verify(password, &dummy).await;
    }
}
