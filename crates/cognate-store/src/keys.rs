//! Signing-key rows.

use crate::connect::SqlStore;
use crate::error::{conflict_as, unavailable};
use crate::rows::get;
use async_trait::async_trait;
use cognate_core::store::{KeyStore, SigningKeyRecord, StoreResult};

#[async_trait]
impl KeyStore for SqlStore {
    async fn insert_signing_key(&self, k: &SigningKeyRecord) -> StoreResult<()> {
        let mut tx = self.write.begin().await.map_err(unavailable)?;
        sqlx::query(
            "INSERT INTO signing_keys (kid, pool_id, purpose, generation, private_key, public_jwk, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&k.kid)
        .bind(&k.pool_id)
        .bind(&k.purpose)
        .bind(k.generation)
        .bind(&k.private_key)
        .bind(&k.public_jwk)
        .bind(k.created_at)
        .execute(&mut *tx)
        .await
        .map_err(conflict_as("signing_key"))?;
        sqlx::query(
            "UPDATE signing_keys SET retired_at = $1 \
             WHERE pool_id = $2 AND purpose = $3 AND generation < $4 AND retired_at IS NULL",
        )
        .bind(k.created_at)
        .bind(&k.pool_id)
        .bind(&k.purpose)
        .bind(k.generation)
        .execute(&mut *tx)
        .await
        .map_err(unavailable)?;
        tx.commit().await.map_err(unavailable)?;
        Ok(())
    }

    async fn signing_keys(&self, pool_id: &str) -> StoreResult<Vec<SigningKeyRecord>> {
        let rows = sqlx::query(
            "SELECT kid, pool_id, purpose, generation, private_key, public_jwk, created_at, retired_at \
             FROM signing_keys WHERE pool_id = $1 ORDER BY generation, purpose",
        )
        .bind(pool_id)
        .fetch_all(&self.read)
        .await
        .map_err(unavailable)?;
        rows.iter()
            .map(|r| {
                Ok(SigningKeyRecord {
                    kid: get(r, "kid")?,
                    pool_id: get(r, "pool_id")?,
                    purpose: get(r, "purpose")?,
                    generation: get(r, "generation")?,
                    private_key: get(r, "private_key")?,
                    public_jwk: get(r, "public_jwk")?,
                    created_at: get(r, "created_at")?,
                    retired_at: get(r, "retired_at")?,
                })
            })
            .collect()
    }
}
