//! Group and membership rows.

use crate::connect::SqlStore;
use crate::error::{conflict_as, unavailable};
use crate::rows::get;
use crate::users::{USER_COLUMNS, user_from_row};
use async_trait::async_trait;
use cognate_core::store::{GroupRecord, GroupStore, StoreError, StoreResult, UserRecord};
use sqlx::any::AnyRow;

const COLUMNS: &str =
    "g.pool_id, g.name, g.description, g.role_arn, g.precedence, g.created_at, g.updated_at";

fn group_from_row(row: &AnyRow) -> StoreResult<GroupRecord> {
    Ok(GroupRecord {
        pool_id: get(row, "pool_id")?,
        name: get(row, "name")?,
        description: get(row, "description")?,
        role_arn: get(row, "role_arn")?,
        precedence: get(row, "precedence")?,
        created_at: get(row, "created_at")?,
        updated_at: get(row, "updated_at")?,
    })
}

#[async_trait]
impl GroupStore for SqlStore {
    async fn insert_group(&self, g: &GroupRecord) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO groups (pool_id, name, description, role_arn, precedence, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&g.pool_id)
        .bind(&g.name)
        .bind(g.description.as_deref())
        .bind(g.role_arn.as_deref())
        .bind(g.precedence)
        .bind(g.created_at)
        .bind(g.updated_at)
        .execute(&self.write)
        .await
        .map_err(conflict_as("group"))?;
        Ok(())
    }

    async fn get_group(&self, pool_id: &str, name: &str) -> StoreResult<Option<GroupRecord>> {
        let sql = format!("SELECT {COLUMNS} FROM groups g WHERE g.pool_id = $1 AND g.name = $2");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(pool_id)
            .bind(name)
            .fetch_optional(&self.read)
            .await
            .map_err(unavailable)?;
        row.as_ref().map(group_from_row).transpose()
    }

    async fn update_group(&self, g: &GroupRecord) -> StoreResult<()> {
        let done = sqlx::query(
            "UPDATE groups SET description = $1, role_arn = $2, precedence = $3, updated_at = $4 WHERE pool_id = $5 AND name = $6",
        )
        .bind(g.description.as_deref())
        .bind(g.role_arn.as_deref())
        .bind(g.precedence)
        .bind(g.updated_at)
        .bind(&g.pool_id)
        .bind(&g.name)
        .execute(&self.write)
        .await
        .map_err(unavailable)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    async fn delete_group(&self, pool_id: &str, name: &str) -> StoreResult<bool> {
        let mut tx = self.write.begin().await.map_err(unavailable)?;
        sqlx::query("DELETE FROM group_members WHERE pool_id = $1 AND group_name = $2")
            .bind(pool_id)
            .bind(name)
            .execute(&mut *tx)
            .await
            .map_err(unavailable)?;
        let done = sqlx::query("DELETE FROM groups WHERE pool_id = $1 AND name = $2")
            .bind(pool_id)
            .bind(name)
            .execute(&mut *tx)
            .await
            .map_err(unavailable)?;
        tx.commit().await.map_err(unavailable)?;
        Ok(done.rows_affected() > 0)
    }

    async fn list_groups(
        &self,
        pool_id: &str,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<GroupRecord>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM groups g WHERE g.pool_id = $1 AND g.name > $2 ORDER BY g.name LIMIT $3"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(pool_id)
            .bind(after.unwrap_or(""))
            .bind(limit as i64)
            .fetch_all(&self.read)
            .await
            .map_err(unavailable)?;
        rows.iter().map(group_from_row).collect()
    }

    async fn add_member(&self, pool_id: &str, group: &str, user_id: i64) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO group_members (pool_id, group_name, user_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        )
        .bind(pool_id)
        .bind(group)
        .bind(user_id)
        .execute(&self.write)
        .await
        .map_err(unavailable)?;
        Ok(())
    }

    async fn remove_member(&self, pool_id: &str, group: &str, user_id: i64) -> StoreResult<()> {
        sqlx::query(
            "DELETE FROM group_members WHERE pool_id = $1 AND group_name = $2 AND user_id = $3",
        )
        .bind(pool_id)
        .bind(group)
        .bind(user_id)
        .execute(&self.write)
        .await
        .map_err(unavailable)?;
        Ok(())
    }

    async fn groups_for_user(
        &self,
        user_id: i64,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<GroupRecord>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM group_members m JOIN groups g ON g.pool_id = m.pool_id AND g.name = m.group_name \
             WHERE m.user_id = $1 AND m.group_name > $2 ORDER BY m.group_name LIMIT $3"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(user_id)
            .bind(after.unwrap_or(""))
            .bind(limit as i64)
            .fetch_all(&self.read)
            .await
            .map_err(unavailable)?;
        rows.iter().map(group_from_row).collect()
    }

    async fn count_groups_for_user(&self, user_id: i64) -> StoreResult<i64> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM group_members WHERE user_id = $1")
            .bind(user_id)
            .fetch_one(&self.read)
            .await
            .map_err(unavailable)?;
        get(&row, "n")
    }

    async fn users_in_group(
        &self,
        pool_id: &str,
        group: &str,
        after: Option<i64>,
        limit: usize,
    ) -> StoreResult<Vec<UserRecord>> {
        let sql = format!(
            "SELECT {USER_COLUMNS} FROM group_members m JOIN users u ON u.id = m.user_id \
             WHERE m.pool_id = $1 AND m.group_name = $2 AND m.user_id > $3 ORDER BY m.user_id LIMIT $4"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(pool_id)
            .bind(group)
            .bind(after.unwrap_or(0))
            .bind(limit as i64)
            .fetch_all(&self.read)
            .await
            .map_err(unavailable)?;
        rows.iter().map(user_from_row).collect()
    }
}
