//! Identity pools, identities and their linked logins.

use crate::connect::SqlStore;
use crate::error::{conflict_as, unavailable};
use crate::rows::{get, json, to_json};
use async_trait::async_trait;
use cognate_core::store::{
    IdentityPoolRecord, IdentityRecord, IdentityStore, StoreError, StoreResult,
};
use sqlx::any::AnyRow;

fn pool_from_row(r: &AnyRow) -> StoreResult<IdentityPoolRecord> {
    Ok(IdentityPoolRecord {
        id: get(r, "id")?,
        name: get(r, "name")?,
        settings: json(r, "settings")?,
        roles: json(r, "roles")?,
        created_at: get(r, "created_at")?,
        updated_at: get(r, "updated_at")?,
        version: get(r, "version")?,
    })
}

fn identity_from_row(r: &AnyRow) -> StoreResult<IdentityRecord> {
    Ok(IdentityRecord {
        id: get(r, "id")?,
        pool_id: get(r, "pool_id")?,
        logins: json(r, "logins")?,
        created_at: get(r, "created_at")?,
        updated_at: get(r, "updated_at")?,
    })
}

#[async_trait]
impl IdentityStore for SqlStore {
    async fn insert_identity_pool(&self, p: &IdentityPoolRecord) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO identity_pools (id, name, settings, roles, created_at, updated_at, version) \
             VALUES ($1, $2, $3, $4, $5, $6, 0)",
        )
        .bind(&p.id)
        .bind(&p.name)
        .bind(to_json(&p.settings)?)
        .bind(to_json(&p.roles)?)
        .bind(p.created_at)
        .bind(p.updated_at)
        .execute(&self.write)
        .await
        .map_err(conflict_as("identity_pool"))?;
        Ok(())
    }

    async fn get_identity_pool(&self, id: &str) -> StoreResult<Option<IdentityPoolRecord>> {
        let row = sqlx::query(
            "SELECT id, name, settings, roles, created_at, updated_at, version FROM identity_pools WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.read)
        .await
        .map_err(unavailable)?;
        row.as_ref().map(pool_from_row).transpose()
    }

    async fn update_identity_pool(&self, p: &IdentityPoolRecord) -> StoreResult<()> {
        let done = sqlx::query(
            "UPDATE identity_pools SET name = $1, settings = $2, roles = $3, updated_at = $4, version = version + 1 \
             WHERE id = $5 AND version = $6",
        )
        .bind(&p.name)
        .bind(to_json(&p.settings)?)
        .bind(to_json(&p.roles)?)
        .bind(p.updated_at)
        .bind(&p.id)
        .bind(p.version)
        .execute(&self.write)
        .await
        .map_err(unavailable)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::VersionConflict);
        }
        Ok(())
    }

    async fn delete_identity_pool(&self, id: &str) -> StoreResult<bool> {
        let mut tx = self.write.begin().await.map_err(unavailable)?;
        sqlx::query("DELETE FROM identity_logins WHERE pool_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(unavailable)?;
        sqlx::query("DELETE FROM identities WHERE pool_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(unavailable)?;
        let done = sqlx::query("DELETE FROM identity_pools WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(unavailable)?;
        tx.commit().await.map_err(unavailable)?;
        Ok(done.rows_affected() > 0)
    }

    async fn list_identity_pools(
        &self,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<IdentityPoolRecord>> {
        let rows = sqlx::query(
            "SELECT id, name, settings, roles, created_at, updated_at, version FROM identity_pools \
             WHERE id > $1 ORDER BY id LIMIT $2",
        )
        .bind(after.unwrap_or(""))
        .bind(limit as i64)
        .fetch_all(&self.read)
        .await
        .map_err(unavailable)?;
        rows.iter().map(pool_from_row).collect()
    }

    async fn get_identity(&self, id: &str) -> StoreResult<Option<IdentityRecord>> {
        let row = sqlx::query(
            "SELECT id, pool_id, logins, created_at, updated_at FROM identities WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.read)
        .await
        .map_err(unavailable)?;
        row.as_ref().map(identity_from_row).transpose()
    }

    async fn find_identity_by_login(
        &self,
        pool_id: &str,
        login: &str,
    ) -> StoreResult<Option<IdentityRecord>> {
        let row = sqlx::query(
            "SELECT i.id, i.pool_id, i.logins, i.created_at, i.updated_at FROM identity_logins l \
             JOIN identities i ON i.id = l.identity_id WHERE l.pool_id = $1 AND l.login = $2",
        )
        .bind(pool_id)
        .bind(login)
        .fetch_optional(&self.read)
        .await
        .map_err(unavailable)?;
        row.as_ref().map(identity_from_row).transpose()
    }

    async fn insert_identity(
        &self,
        identity: &IdentityRecord,
        logins: &[String],
    ) -> StoreResult<()> {
        let mut tx = self.write.begin().await.map_err(unavailable)?;
        sqlx::query("INSERT INTO identities (id, pool_id, logins, created_at, updated_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(&identity.id)
            .bind(&identity.pool_id)
            .bind(to_json(&identity.logins)?)
            .bind(identity.created_at)
            .bind(identity.updated_at)
            .execute(&mut *tx)
            .await
            .map_err(conflict_as("identity"))?;
        for login in logins {
            sqlx::query(
                "INSERT INTO identity_logins (pool_id, login, identity_id) VALUES ($1, $2, $3)",
            )
            .bind(&identity.pool_id)
            .bind(login)
            .bind(&identity.id)
            .execute(&mut *tx)
            .await
            .map_err(conflict_as("login"))?;
        }
        tx.commit().await.map_err(unavailable)
    }

    async fn link_logins(&self, identity: &IdentityRecord, logins: &[String]) -> StoreResult<()> {
        let mut tx = self.write.begin().await.map_err(unavailable)?;
        sqlx::query("UPDATE identities SET logins = $1, updated_at = $2 WHERE id = $3")
            .bind(to_json(&identity.logins)?)
            .bind(identity.updated_at)
            .bind(&identity.id)
            .execute(&mut *tx)
            .await
            .map_err(unavailable)?;
        for login in logins {
            sqlx::query(
                "INSERT INTO identity_logins (pool_id, login, identity_id) VALUES ($1, $2, $3)",
            )
            .bind(&identity.pool_id)
            .bind(login)
            .bind(&identity.id)
            .execute(&mut *tx)
            .await
            .map_err(conflict_as("login"))?;
        }
        tx.commit().await.map_err(unavailable)
    }

    async fn list_identities(
        &self,
        pool_id: &str,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<IdentityRecord>> {
        let rows = sqlx::query(
            "SELECT id, pool_id, logins, created_at, updated_at FROM identities WHERE pool_id = $1 AND id > $2 \
             ORDER BY id LIMIT $3",
        )
        .bind(pool_id)
        .bind(after.unwrap_or(""))
        .bind(limit as i64)
        .fetch_all(&self.read)
        .await
        .map_err(unavailable)?;
        rows.iter().map(identity_from_row).collect()
    }

    async fn delete_identity(&self, id: &str) -> StoreResult<bool> {
        let mut tx = self.write.begin().await.map_err(unavailable)?;
        sqlx::query("DELETE FROM identity_logins WHERE identity_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(unavailable)?;
        let done = sqlx::query("DELETE FROM identities WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(unavailable)?;
        tx.commit().await.map_err(unavailable)?;
        Ok(done.rows_affected() > 0)
    }

    async fn identity_login_keys(&self, identity_id: &str) -> StoreResult<Vec<String>> {
        let rows =
            sqlx::query("SELECT login FROM identity_logins WHERE identity_id = $1 ORDER BY login")
                .bind(identity_id)
                .fetch_all(&self.read)
                .await
                .map_err(unavailable)?;
        rows.iter().map(|r| get(r, "login")).collect()
    }

    async fn unlink_logins(&self, identity: &IdentityRecord, logins: &[String]) -> StoreResult<()> {
        let mut tx = self.write.begin().await.map_err(unavailable)?;
        for login in logins {
            sqlx::query("DELETE FROM identity_logins WHERE identity_id = $1 AND login = $2")
                .bind(&identity.id)
                .bind(login)
                .execute(&mut *tx)
                .await
                .map_err(unavailable)?;
        }
        sqlx::query("UPDATE identities SET logins = $1, updated_at = $2 WHERE id = $3")
            .bind(to_json(&identity.logins)?)
            .bind(identity.updated_at)
            .bind(&identity.id)
            .execute(&mut *tx)
            .await
            .map_err(unavailable)?;
        tx.commit().await.map_err(unavailable)
    }
}
