//! User-pool rows.

use crate::connect::SqlStore;
use crate::error::{conflict_as, unavailable};
use crate::rows::{get, json, to_json};
use async_trait::async_trait;
use cognate_core::store::{StoreError, StoreResult, UserPoolRecord, UserPoolStore};
use sqlx::any::AnyRow;
use sqlx::{Any, Transaction};

const COLUMNS: &str = "id, name, settings, schema, created_at, updated_at, version";

fn pool_from_row(row: &AnyRow) -> StoreResult<UserPoolRecord> {
    Ok(UserPoolRecord {
        id: get(row, "id")?,
        name: get(row, "name")?,
        settings: json(row, "settings")?,
        schema: json(row, "schema")?,
        created_at: get(row, "created_at")?,
        updated_at: get(row, "updated_at")?,
        version: get(row, "version")?,
    })
}

/// Replaces a pool inside `tx` if its version still matches (`VersionConflict`
/// otherwise).
pub(crate) async fn update_pool_in(
    tx: &mut Transaction<'_, Any>,
    p: &UserPoolRecord,
) -> StoreResult<()> {
    let done = sqlx::query(
        "UPDATE user_pools SET name = $1, settings = $2, schema = $3, updated_at = $4, version = version + 1 \
         WHERE id = $5 AND version = $6",
    )
    .bind(&p.name)
    .bind(to_json(&p.settings)?)
    .bind(to_json(&p.schema)?)
    .bind(p.updated_at)
    .bind(&p.id)
    .bind(p.version)
    .execute(&mut **tx)
    .await
    .map_err(unavailable)?;
    if done.rows_affected() == 0 {
        return Err(StoreError::VersionConflict);
    }
    Ok(())
}

#[async_trait]
impl UserPoolStore for SqlStore {
    async fn insert_pool(&self, p: &UserPoolRecord) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO user_pools (id, name, settings, schema, created_at, updated_at, version) \
             VALUES ($1, $2, $3, $4, $5, $6, 0)",
        )
        .bind(&p.id)
        .bind(&p.name)
        .bind(to_json(&p.settings)?)
        .bind(to_json(&p.schema)?)
        .bind(p.created_at)
        .bind(p.updated_at)
        .execute(&self.write)
        .await
        .map_err(conflict_as("pool"))?;
        Ok(())
    }

    async fn get_pool(&self, id: &str) -> StoreResult<Option<UserPoolRecord>> {
        let sql = format!("SELECT {COLUMNS} FROM user_pools WHERE id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(&self.read)
            .await
            .map_err(unavailable)?;
        row.as_ref().map(pool_from_row).transpose()
    }

    async fn update_pool(&self, p: &UserPoolRecord) -> StoreResult<()> {
        let mut tx = self.write.begin().await.map_err(unavailable)?;
        update_pool_in(&mut tx, p).await?;
        tx.commit().await.map_err(unavailable)
    }

    async fn delete_pool(&self, id: &str) -> StoreResult<bool> {
        let mut tx = self.write.begin().await.map_err(unavailable)?;
        // Child rows that reference users go first; the rest cascade from the pool.
        for sql in [
            "DELETE FROM group_members WHERE pool_id = $1",
            "DELETE FROM user_index WHERE pool_id = $1",
            "DELETE FROM user_logins WHERE pool_id = $1",
            "DELETE FROM users WHERE pool_id = $1",
            "DELETE FROM unknown_login_failures WHERE pool_id = $1",
        ] {
            sqlx::query(sql)
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(unavailable)?;
        }
        let done = sqlx::query("DELETE FROM user_pools WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(unavailable)?;
        tx.commit().await.map_err(unavailable)?;
        Ok(done.rows_affected() > 0)
    }

    async fn list_pools(
        &self,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<UserPoolRecord>> {
        let sql = format!("SELECT {COLUMNS} FROM user_pools WHERE id > $1 ORDER BY id LIMIT $2");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(after.unwrap_or(""))
            .bind(limit as i64)
            .fetch_all(&self.read)
            .await
            .map_err(unavailable)?;
        rows.iter().map(pool_from_row).collect()
    }

    async fn count_users(&self, pool_id: &str) -> StoreResult<i64> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM users WHERE pool_id = $1")
            .bind(pool_id)
            .fetch_one(&self.read)
            .await
            .map_err(unavailable)?;
        get(&row, "n")
    }
}
