//! Remembered-device rows (`devices`).
//!
//! Invariants kept here: a device is inserted only for a user that still exists (the
//! insert runs in the transaction that checks it); forgetting a device deletes its row,
//! marks the refresh tokens bound to it revoked and adds their token families to
//! `revoked_origins` (so access tokens they minted are refused too), all in one
//! transaction.

use crate::connect::SqlStore;
use crate::error::{conflict_as, unavailable};
use crate::rows::get;
use async_trait::async_trait;
use cognate_core::clock::Millis;
use cognate_core::store::{DeviceRecord, DeviceStore, StoreError, StoreResult};
use sqlx::any::AnyRow;

const DEVICE_COLUMNS: &str = "id, device_key, pool_id, user_id, group_key, name, salt, verifier, \
     remembered, last_ip, created_at, updated_at, last_authenticated_at";

fn device(row: &AnyRow) -> StoreResult<DeviceRecord> {
    Ok(DeviceRecord {
        id: get(row, "id")?,
        device_key: get(row, "device_key")?,
        pool_id: get(row, "pool_id")?,
        user_id: get(row, "user_id")?,
        group_key: get(row, "group_key")?,
        name: get(row, "name")?,
        salt: get(row, "salt")?,
        verifier: get(row, "verifier")?,
        remembered: get::<i64>(row, "remembered")? != 0,
        last_ip: get(row, "last_ip")?,
        created_at: get(row, "created_at")?,
        updated_at: get(row, "updated_at")?,
        last_authenticated_at: get(row, "last_authenticated_at")?,
    })
}

#[async_trait]
impl DeviceStore for SqlStore {
    async fn insert_device(&self, d: &DeviceRecord) -> StoreResult<i64> {
        let mut tx = self.write.begin().await.map_err(unavailable)?;
        // Write-locks the owner's row (PostgreSQL), so a user deleted meanwhile is seen.
        let owner =
            sqlx::query("UPDATE users SET updated_at = updated_at WHERE id = $1 AND pool_id = $2")
                .bind(d.user_id)
                .bind(&d.pool_id)
                .execute(&mut *tx)
                .await
                .map_err(unavailable)?;
        if owner.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        let row = sqlx::query(
            "INSERT INTO devices (device_key, pool_id, user_id, group_key, name, salt, verifier, \
             remembered, last_ip, created_at, updated_at, last_authenticated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
        )
        .bind(&d.device_key)
        .bind(&d.pool_id)
        .bind(d.user_id)
        .bind(&d.group_key)
        .bind(d.name.as_deref())
        .bind(&d.salt)
        .bind(d.verifier.clone())
        .bind(i64::from(d.remembered))
        .bind(d.last_ip.as_deref())
        .bind(d.created_at)
        .bind(d.updated_at)
        .bind(d.last_authenticated_at)
        .fetch_one(&mut *tx)
        .await
        .map_err(conflict_as("device"))?;
        let id = get(&row, "id")?;
        tx.commit().await.map_err(unavailable)?;
        Ok(id)
    }

    async fn get_device(
        &self,
        pool_id: &str,
        device_key: &str,
    ) -> StoreResult<Option<DeviceRecord>> {
        let sql =
            format!("SELECT {DEVICE_COLUMNS} FROM devices WHERE pool_id = $1 AND device_key = $2");
        // The writer pool: a device just confirmed or forgotten is seen at once.
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(pool_id)
            .bind(device_key)
            .fetch_optional(&self.write)
            .await
            .map_err(unavailable)?;
        row.as_ref().map(device).transpose()
    }

    async fn list_devices(
        &self,
        user_id: i64,
        after: Option<i64>,
        limit: usize,
    ) -> StoreResult<Vec<DeviceRecord>> {
        let sql = format!(
            "SELECT {DEVICE_COLUMNS} FROM devices WHERE user_id = $1 AND id > $2 ORDER BY id LIMIT $3"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(user_id)
            .bind(after.unwrap_or(0))
            .bind(i64::try_from(limit).unwrap_or(i64::MAX))
            .fetch_all(&self.read)
            .await
            .map_err(unavailable)?;
        rows.iter().map(device).collect()
    }

    async fn set_device_remembered(
        &self,
        user_id: i64,
        device_key: &str,
        remembered: bool,
        now: Millis,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE devices SET remembered = $1, updated_at = $2 \
             WHERE user_id = $3 AND device_key = $4",
        )
        .bind(i64::from(remembered))
        .bind(now)
        .bind(user_id)
        .bind(device_key)
        .execute(&self.write)
        .await
        .map_err(unavailable)?;
        Ok(done.rows_affected() > 0)
    }

    async fn touch_device(
        &self,
        user_id: i64,
        device_key: &str,
        now: Millis,
        ip: Option<&str>,
    ) -> StoreResult<()> {
        sqlx::query(
            "UPDATE devices SET last_authenticated_at = $1, last_ip = COALESCE($2, last_ip) \
             WHERE user_id = $3 AND device_key = $4",
        )
        .bind(now)
        .bind(ip)
        .bind(user_id)
        .bind(device_key)
        .execute(&self.write)
        .await
        .map_err(unavailable)?;
        Ok(())
    }

    async fn forget_device(
        &self,
        user_id: i64,
        device_key: &str,
        now: Millis,
    ) -> StoreResult<bool> {
        let mut tx = self.write.begin().await.map_err(unavailable)?;
        let gone = sqlx::query("DELETE FROM devices WHERE user_id = $1 AND device_key = $2")
            .bind(user_id)
            .bind(device_key)
            .execute(&mut *tx)
            .await
            .map_err(unavailable)?;
        if gone.rows_affected() == 0 {
            return Ok(false);
        }
        sqlx::query(
            "INSERT INTO revoked_origins (origin_jti, expires_at) \
             SELECT DISTINCT origin_jti, expires_at FROM refresh_tokens \
             WHERE user_id = $1 AND device_key = $2 AND revoked_at IS NULL \
             ON CONFLICT DO NOTHING",
        )
        .bind(user_id)
        .bind(device_key)
        .execute(&mut *tx)
        .await
        .map_err(unavailable)?;
        sqlx::query(
            "UPDATE refresh_tokens SET revoked_at = $1 \
             WHERE user_id = $2 AND device_key = $3 AND revoked_at IS NULL",
        )
        .bind(now)
        .bind(user_id)
        .bind(device_key)
        .execute(&mut *tx)
        .await
        .map_err(unavailable)?;
        tx.commit().await.map_err(unavailable)?;
        Ok(true)
    }
}
