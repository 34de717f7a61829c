//! App-client rows.

use crate::connect::SqlStore;
use crate::error::{conflict_as, unavailable};
use crate::rows::{get, json, to_json};
use async_trait::async_trait;
use cognate_core::store::{AppClientRecord, AppClientStore, StoreError, StoreResult};
use sqlx::any::AnyRow;

const COLUMNS: &str = "id, pool_id, name, secret, settings, created_at, updated_at, version";

fn client_from_row(row: &AnyRow) -> StoreResult<AppClientRecord> {
    Ok(AppClientRecord {
        id: get(row, "id")?,
        pool_id: get(row, "pool_id")?,
        name: get(row, "name")?,
        secret: get(row, "secret")?,
        settings: json(row, "settings")?,
        created_at: get(row, "created_at")?,
        updated_at: get(row, "updated_at")?,
        version: get(row, "version")?,
    })
}

#[async_trait]
impl AppClientStore for SqlStore {
    async fn insert_client(&self, c: &AppClientRecord) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO app_clients (id, pool_id, name, secret, settings, created_at, updated_at, version) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, 0)",
        )
        .bind(&c.id)
        .bind(&c.pool_id)
        .bind(&c.name)
        .bind(c.secret.as_deref())
        .bind(to_json(&c.settings)?)
        .bind(c.created_at)
        .bind(c.updated_at)
        .execute(&self.write)
        .await
        .map_err(conflict_as("client"))?;
        Ok(())
    }

    async fn get_client(&self, id: &str) -> StoreResult<Option<AppClientRecord>> {
        let sql = format!("SELECT {COLUMNS} FROM app_clients WHERE id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(&self.read)
            .await
            .map_err(unavailable)?;
        row.as_ref().map(client_from_row).transpose()
    }

    async fn update_client(&self, c: &AppClientRecord) -> StoreResult<()> {
        let done = sqlx::query(
            "UPDATE app_clients SET name = $1, settings = $2, updated_at = $3, version = version + 1 \
             WHERE id = $4 AND pool_id = $5 AND version = $6",
        )
        .bind(&c.name)
        .bind(to_json(&c.settings)?)
        .bind(c.updated_at)
        .bind(&c.id)
        .bind(&c.pool_id)
        .bind(c.version)
        .execute(&self.write)
        .await
        .map_err(unavailable)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::VersionConflict);
        }
        Ok(())
    }

    async fn delete_client(&self, pool_id: &str, id: &str) -> StoreResult<bool> {
        let done = sqlx::query("DELETE FROM app_clients WHERE id = $1 AND pool_id = $2")
            .bind(id)
            .bind(pool_id)
            .execute(&self.write)
            .await
            .map_err(unavailable)?;
        Ok(done.rows_affected() > 0)
    }

    async fn list_clients(
        &self,
        pool_id: &str,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<AppClientRecord>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM app_clients WHERE pool_id = $1 AND id > $2 ORDER BY id LIMIT $3"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(pool_id)
            .bind(after.unwrap_or(""))
            .bind(limit as i64)
            .fetch_all(&self.read)
            .await
            .map_err(unavailable)?;
        rows.iter().map(client_from_row).collect()
    }
}
