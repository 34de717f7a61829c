//! Roles with their inline policies, temporary credentials, and service-wide keys.

use crate::connect::SqlStore;
use crate::error::{conflict_as, unavailable};
use crate::rows::get;
use async_trait::async_trait;
use cognate_core::clock::Millis;
use cognate_core::store::{RoleRecord, RoleStore, StoreResult, TemporaryCredentialRecord};
use sqlx::any::AnyRow;

const ROLE_COLUMNS: &str =
    "name, arn, role_id, path, trust_policy, description, max_session, implicit_pool, created_at";

fn role_from_row(r: &AnyRow) -> StoreResult<RoleRecord> {
    Ok(RoleRecord {
        name: get(r, "name")?,
        arn: get(r, "arn")?,
        role_id: get(r, "role_id")?,
        path: get(r, "path")?,
        trust_policy: get(r, "trust_policy")?,
        description: get(r, "description")?,
        max_session_secs: get(r, "max_session")?,
        implicit_pool: get(r, "implicit_pool")?,
        created_at: get(r, "created_at")?,
    })
}

#[async_trait]
impl RoleStore for SqlStore {
    async fn insert_role(&self, r: &RoleRecord) -> StoreResult<()> {
        let sql = format!(
            "INSERT INTO roles ({ROLE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(&r.name)
            .bind(&r.arn)
            .bind(&r.role_id)
            .bind(&r.path)
            .bind(&r.trust_policy)
            .bind(r.description.as_deref())
            .bind(r.max_session_secs)
            .bind(r.implicit_pool.as_deref())
            .bind(r.created_at)
            .execute(&self.write)
            .await
            .map_err(conflict_as("role"))?;
        Ok(())
    }

    async fn get_role(&self, name: &str) -> StoreResult<Option<RoleRecord>> {
        let sql = format!("SELECT {ROLE_COLUMNS} FROM roles WHERE name = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(name)
            .fetch_optional(&self.read)
            .await
            .map_err(unavailable)?;
        row.as_ref().map(role_from_row).transpose()
    }

    async fn get_role_by_arn(&self, arn: &str) -> StoreResult<Option<RoleRecord>> {
        let sql = format!("SELECT {ROLE_COLUMNS} FROM roles WHERE arn = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(arn)
            .fetch_optional(&self.read)
            .await
            .map_err(unavailable)?;
        row.as_ref().map(role_from_row).transpose()
    }

    async fn delete_role(&self, name: &str) -> StoreResult<bool> {
        let mut tx = self.write.begin().await.map_err(unavailable)?;
        sqlx::query("DELETE FROM role_policies WHERE role_name = $1")
            .bind(name)
            .execute(&mut *tx)
            .await
            .map_err(unavailable)?;
        let done = sqlx::query("DELETE FROM roles WHERE name = $1")
            .bind(name)
            .execute(&mut *tx)
            .await
            .map_err(unavailable)?;
        tx.commit().await.map_err(unavailable)?;
        Ok(done.rows_affected() > 0)
    }

    async fn list_roles(&self, after: Option<&str>, limit: usize) -> StoreResult<Vec<RoleRecord>> {
        let sql =
            format!("SELECT {ROLE_COLUMNS} FROM roles WHERE name > $1 ORDER BY name LIMIT $2");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(after.unwrap_or(""))
            .bind(limit as i64)
            .fetch_all(&self.read)
            .await
            .map_err(unavailable)?;
        rows.iter().map(role_from_row).collect()
    }

    async fn put_role_policy(&self, role: &str, name: &str, document: &str) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO role_policies (role_name, policy_name, document) VALUES ($1, $2, $3) \
             ON CONFLICT (role_name, policy_name) DO UPDATE SET document = excluded.document",
        )
        .bind(role)
        .bind(name)
        .bind(document)
        .execute(&self.write)
        .await
        .map_err(unavailable)?;
        Ok(())
    }

    async fn get_role_policy(&self, role: &str, name: &str) -> StoreResult<Option<String>> {
        let row = sqlx::query(
            "SELECT document FROM role_policies WHERE role_name = $1 AND policy_name = $2",
        )
        .bind(role)
        .bind(name)
        .fetch_optional(&self.read)
        .await
        .map_err(unavailable)?;
        row.map(|r| get(&r, "document")).transpose()
    }

    async fn delete_role_policy(&self, role: &str, name: &str) -> StoreResult<bool> {
        let done =
            sqlx::query("DELETE FROM role_policies WHERE role_name = $1 AND policy_name = $2")
                .bind(role)
                .bind(name)
                .execute(&self.write)
                .await
                .map_err(unavailable)?;
        Ok(done.rows_affected() > 0)
    }

    async fn role_policies(&self, role: &str) -> StoreResult<Vec<(String, String)>> {
        let rows = sqlx::query("SELECT policy_name, document FROM role_policies WHERE role_name = $1 ORDER BY policy_name")
            .bind(role)
            .fetch_all(&self.read)
            .await
            .map_err(unavailable)?;
        rows.iter()
            .map(|r| Ok((get(r, "policy_name")?, get(r, "document")?)))
            .collect()
    }

    async fn insert_credentials(&self, c: &TemporaryCredentialRecord) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO temporary_credentials (access_key_id, secret, token_hash, role_arn, session_name, identity_id, \
             context, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&c.access_key_id)
        .bind(&c.secret)
        .bind(&c.token_hash)
        .bind(&c.role_arn)
        .bind(&c.session_name)
        .bind(c.identity_id.as_deref())
        .bind(&c.context)
        .bind(c.created_at)
        .bind(c.expires_at)
        .execute(&self.write)
        .await
        .map_err(conflict_as("credentials"))?;
        Ok(())
    }

    async fn get_credentials(
        &self,
        access_key_id: &str,
    ) -> StoreResult<Option<TemporaryCredentialRecord>> {
        let row = sqlx::query(
            "SELECT access_key_id, secret, token_hash, role_arn, session_name, identity_id, context, created_at, expires_at \
             FROM temporary_credentials WHERE access_key_id = $1",
        )
        .bind(access_key_id)
        .fetch_optional(&self.read)
        .await
        .map_err(unavailable)?;
        row.map(|r| {
            Ok(TemporaryCredentialRecord {
                access_key_id: get(&r, "access_key_id")?,
                secret: get(&r, "secret")?,
                token_hash: get(&r, "token_hash")?,
                role_arn: get(&r, "role_arn")?,
                session_name: get(&r, "session_name")?,
                identity_id: get(&r, "identity_id")?,
                context: get(&r, "context")?,
                created_at: get(&r, "created_at")?,
                expires_at: get(&r, "expires_at")?,
            })
        })
        .transpose()
    }

    async fn purge_expired_credentials(&self, now: Millis) -> StoreResult<u64> {
        let done = sqlx::query("DELETE FROM temporary_credentials WHERE expires_at < $1")
            .bind(now)
            .execute(&self.write)
            .await
            .map_err(unavailable)?;
        Ok(done.rows_affected())
    }

    async fn insert_service_key(
        &self,
        purpose: &str,
        generation: i64,
        kid: &str,
        private_key: &[u8],
        public_jwk: &str,
        now: Millis,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO service_keys (kid, purpose, generation, private_key, public_jwk, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(kid)
        .bind(purpose)
        .bind(generation)
        .bind(private_key)
        .bind(public_jwk)
        .bind(now)
        .execute(&self.write)
        .await
        .map_err(conflict_as("service_key"))?;
        Ok(())
    }

    async fn service_keys(
        &self,
        purpose: &str,
    ) -> StoreResult<Vec<(String, i64, Vec<u8>, String)>> {
        let rows = sqlx::query(
            "SELECT kid, generation, private_key, public_jwk FROM service_keys WHERE purpose = $1 ORDER BY generation",
        )
        .bind(purpose)
        .fetch_all(&self.read)
        .await
        .map_err(unavailable)?;
        rows.iter()
            .map(|r| {
                Ok((
                    get(r, "kid")?,
                    get(r, "generation")?,
                    get(r, "private_key")?,
                    get(r, "public_jwk")?,
                ))
            })
            .collect()
    }
}
