//! SRP verifiers, refresh tokens, revocation and single-use markers.

use crate::connect::SqlStore;
use crate::error::{conflict_as, unavailable};
use crate::rows::get;
use crate::users::{USER_COLUMNS, user_from_row};
use async_trait::async_trait;
use cognate_core::clock::Millis;
use cognate_core::store::{
    RefreshTokenRecord, SrpCredential, StoreError, StoreResult, TokenHolder, TokenStore, UserRecord,
};
use sqlx::any::AnyRow;
use sqlx::{Any, Transaction};

const REFRESH_COLUMNS: &str = "token_hash, pool_id, client_id, user_id, origin_jti, auth_time, device_key, \
     created_at, expires_at, replaced_at, revoked_at";

fn refresh_from_row(r: &AnyRow) -> StoreResult<RefreshTokenRecord> {
    Ok(RefreshTokenRecord {
        token_hash: get(r, "token_hash")?,
        pool_id: get(r, "pool_id")?,
        client_id: get(r, "client_id")?,
        user_id: get(r, "user_id")?,
        origin_jti: get(r, "origin_jti")?,
        auth_time: get(r, "auth_time")?,
        device_key: get(r, "device_key")?,
        created_at: get(r, "created_at")?,
        expires_at: get(r, "expires_at")?,
        replaced_at: get(r, "replaced_at")?,
        revoked_at: get(r, "revoked_at")?,
    })
}

async fn insert_refresh(tx: &mut Transaction<'_, Any>, t: &RefreshTokenRecord) -> StoreResult<()> {
    let sql = format!(
        "INSERT INTO refresh_tokens ({REFRESH_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(&t.token_hash)
        .bind(&t.pool_id)
        .bind(&t.client_id)
        .bind(t.user_id)
        .bind(&t.origin_jti)
        .bind(t.auth_time)
        .bind(t.device_key.as_deref())
        .bind(t.created_at)
        .bind(t.expires_at)
        .bind(t.replaced_at)
        .bind(t.revoked_at)
        .execute(&mut **tx)
        .await
        .map_err(conflict_as("refresh_token"))?;
    Ok(())
}

#[async_trait]
impl TokenStore for SqlStore {
    async fn get_user_by_id(&self, user_id: i64) -> StoreResult<Option<UserRecord>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users u WHERE u.id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(user_id)
            .fetch_optional(&self.read)
            .await
            .map_err(unavailable)?;
        row.as_ref().map(user_from_row).transpose()
    }

    async fn get_srp(&self, user_id: i64) -> StoreResult<Option<SrpCredential>> {
        let row = sqlx::query("SELECT salt, verifier FROM user_srp WHERE user_id = $1")
            .bind(user_id)
            .fetch_optional(&self.read)
            .await
            .map_err(unavailable)?;
        row.map(|r| {
            Ok(SrpCredential {
                salt: get(&r, "salt")?,
                verifier: get(&r, "verifier")?,
            })
        })
        .transpose()
    }

    async fn insert_refresh_token(&self, t: &RefreshTokenRecord) -> StoreResult<()> {
        let mut tx = self.write.begin().await.map_err(unavailable)?;
        insert_refresh(&mut tx, t).await?;
        tx.commit().await.map_err(unavailable)
    }

    async fn get_refresh_token(&self, token_hash: &str) -> StoreResult<Option<RefreshTokenRecord>> {
        let sql = format!("SELECT {REFRESH_COLUMNS} FROM refresh_tokens WHERE token_hash = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(token_hash)
            .fetch_optional(&self.write)
            .await
            .map_err(unavailable)?;
        row.as_ref().map(refresh_from_row).transpose()
    }

    async fn rotate_refresh_token(
        &self,
        old_hash: &str,
        now: Millis,
        new: &RefreshTokenRecord,
    ) -> StoreResult<bool> {
        let mut tx = self.write.begin().await.map_err(unavailable)?;
        let done = sqlx::query(
            "UPDATE refresh_tokens SET replaced_at = $1 WHERE token_hash = $2 AND replaced_at IS NULL AND revoked_at IS NULL",
        )
        .bind(now)
        .bind(old_hash)
        .execute(&mut *tx)
        .await
        .map_err(unavailable)?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        insert_refresh(&mut tx, new).await?;
        tx.commit().await.map_err(unavailable)?;
        Ok(true)
    }

    async fn revoke_origin(
        &self,
        origin_jti: &str,
        now: Millis,
        expires_at: Millis,
    ) -> StoreResult<()> {
        let mut tx = self.write.begin().await.map_err(unavailable)?;
        sqlx::query("INSERT INTO revoked_origins (origin_jti, expires_at) VALUES ($1, $2) ON CONFLICT DO NOTHING")
            .bind(origin_jti)
            .bind(expires_at)
            .execute(&mut *tx)
            .await
            .map_err(unavailable)?;
        sqlx::query("UPDATE refresh_tokens SET revoked_at = $1 WHERE origin_jti = $2 AND revoked_at IS NULL")
            .bind(now)
            .bind(origin_jti)
            .execute(&mut *tx)
            .await
            .map_err(unavailable)?;
        tx.commit().await.map_err(unavailable)
    }

    async fn is_origin_revoked(&self, origin_jti: &str) -> StoreResult<bool> {
        let row = sqlx::query("SELECT 1 AS hit FROM revoked_origins WHERE origin_jti = $1")
            .bind(origin_jti)
            .fetch_optional(&self.read)
            .await
            .map_err(unavailable)?;
        Ok(row.is_some())
    }

    async fn revoke_user_tokens(&self, user_id: i64, now: Millis) -> StoreResult<()> {
        let mut tx = self.write.begin().await.map_err(unavailable)?;
        sqlx::query(
            "INSERT INTO user_token_state (user_id, valid_after) VALUES ($1, $2) \
             ON CONFLICT (user_id) DO UPDATE SET valid_after = excluded.valid_after",
        )
        .bind(user_id)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(unavailable)?;
        // Access tokens minted from these refresh tokens are refused by their family.
        sqlx::query(
            "INSERT INTO revoked_origins (origin_jti, expires_at) \
             SELECT DISTINCT origin_jti, expires_at FROM refresh_tokens WHERE user_id = $1 AND revoked_at IS NULL \
             ON CONFLICT DO NOTHING",
        )
        .bind(user_id)
        .execute(&mut *tx)
        .await
        .map_err(unavailable)?;
        sqlx::query(
            "UPDATE refresh_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
        )
        .bind(now)
        .bind(user_id)
        .execute(&mut *tx)
        .await
        .map_err(unavailable)?;
        tx.commit().await.map_err(unavailable)
    }

    async fn token_holder(
        &self,
        pool_id: &str,
        sub: &str,
        origin_jti: Option<&str>,
    ) -> StoreResult<Option<TokenHolder>> {
        let sql = format!(
            "SELECT {USER_COLUMNS}, \
             CAST(COALESCE((SELECT s.valid_after FROM user_token_state s WHERE s.user_id = u.id), 0) AS BIGINT) AS holder_valid_after, \
             CAST(CASE WHEN EXISTS (SELECT 1 FROM revoked_origins r WHERE r.origin_jti = $3) THEN 1 ELSE 0 END AS BIGINT) AS holder_origin_revoked \
             FROM users u WHERE u.pool_id = $1 AND u.sub = $2"
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(pool_id)
            .bind(sub)
            .bind(origin_jti)
            .fetch_optional(&self.read)
            .await
            .map_err(unavailable)?;
        let Some(row) = row else {
            return Ok(None);
        };
        Ok(Some(TokenHolder {
            user: user_from_row(&row)?,
            tokens_valid_after: get(&row, "holder_valid_after")?,
            origin_revoked: get::<i64>(&row, "holder_origin_revoked")? != 0,
        }))
    }

    async fn consume_once(&self, id: &str, expires_at: Millis, now: Millis) -> StoreResult<bool> {
        let mut tx = self.write.begin().await.map_err(unavailable)?;
        // Expired markers can go: an expired Session or SECRET_BLOCK is refused anyway.
        sqlx::query("DELETE FROM consumed_once WHERE expires_at < $1")
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(unavailable)?;
        let inserted = sqlx::query("INSERT INTO consumed_once (id, expires_at) VALUES ($1, $2)")
            .bind(id)
            .bind(expires_at)
            .execute(&mut *tx)
            .await;
        match inserted {
            Ok(_) => {
                tx.commit().await.map_err(unavailable)?;
                Ok(true)
            }
            Err(e) => match conflict_as("consumed")(e) {
                StoreError::Conflict { .. } => Ok(false),
                other => Err(other),
            },
        }
    }
}
