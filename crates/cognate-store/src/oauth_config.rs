//! OAuth configuration rows: user-pool domains, resource servers (scopes as a JSON
//! array in a text column) and hosted-UI customization (logo as base64 text).

use crate::connect::SqlStore;
use crate::error::{conflict_as, unavailable};
use crate::rows::{get, json, to_json};
use async_trait::async_trait;
use cognate_core::store::{
    DomainRecord, OAuthConfigStore, ResourceServerRecord, StoreError, StoreResult,
    UiCustomizationRecord,
};
use sqlx::any::AnyRow;

const DOMAIN_COLUMNS: &str =
    "domain, pool_id, kind, certificate_arn, managed_login_version, created_at, updated_at";
const SERVER_COLUMNS: &str = "pool_id, identifier, name, scopes, created_at, updated_at";
const UI_COLUMNS: &str = "pool_id, client_id, css, image, created_at, updated_at";

fn kind(custom: bool) -> &'static str {
    if custom { "custom" } else { "prefix" }
}

fn domain_from_row(r: &AnyRow) -> StoreResult<DomainRecord> {
    let kind: String = get(r, "kind")?;
    Ok(DomainRecord {
        domain: get(r, "domain")?,
        pool_id: get(r, "pool_id")?,
        custom: kind == "custom",
        certificate_arn: get(r, "certificate_arn")?,
        managed_login_version: get(r, "managed_login_version")?,
        created_at: get(r, "created_at")?,
        updated_at: get(r, "updated_at")?,
    })
}

fn server_from_row(r: &AnyRow) -> StoreResult<ResourceServerRecord> {
    Ok(ResourceServerRecord {
        pool_id: get(r, "pool_id")?,
        identifier: get(r, "identifier")?,
        name: get(r, "name")?,
        scopes: json(r, "scopes")?,
        created_at: get(r, "created_at")?,
        updated_at: get(r, "updated_at")?,
    })
}

fn ui_from_row(r: &AnyRow) -> StoreResult<UiCustomizationRecord> {
    Ok(UiCustomizationRecord {
        pool_id: get(r, "pool_id")?,
        client_id: get(r, "client_id")?,
        css: get(r, "css")?,
        image: get(r, "image")?,
        created_at: get(r, "created_at")?,
        updated_at: get(r, "updated_at")?,
    })
}

#[async_trait]
impl OAuthConfigStore for SqlStore {
    async fn insert_domain(&self, d: &DomainRecord) -> StoreResult<()> {
        let sql = format!(
            "INSERT INTO user_pool_domains ({DOMAIN_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)"
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(&d.domain)
            .bind(&d.pool_id)
            .bind(kind(d.custom))
            .bind(d.certificate_arn.as_deref())
            .bind(d.managed_login_version)
            .bind(d.created_at)
            .bind(d.updated_at)
            .execute(&self.write)
            .await
            .map_err(conflict_as("domain"))?;
        Ok(())
    }

    async fn get_domain(&self, domain: &str) -> StoreResult<Option<DomainRecord>> {
        let sql = format!("SELECT {DOMAIN_COLUMNS} FROM user_pool_domains WHERE domain = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(domain)
            .fetch_optional(&self.read)
            .await
            .map_err(unavailable)?;
        row.as_ref().map(domain_from_row).transpose()
    }

    async fn domains_of_pool(&self, pool_id: &str) -> StoreResult<Vec<DomainRecord>> {
        let sql = format!(
            "SELECT {DOMAIN_COLUMNS} FROM user_pool_domains WHERE pool_id = $1 ORDER BY domain"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(pool_id)
            .fetch_all(&self.read)
            .await
            .map_err(unavailable)?;
        rows.iter().map(domain_from_row).collect()
    }

    async fn update_domain(&self, d: &DomainRecord) -> StoreResult<()> {
        let done = sqlx::query(
            "UPDATE user_pool_domains SET certificate_arn = $1, managed_login_version = $2, updated_at = $3 \
             WHERE domain = $4",
        )
        .bind(d.certificate_arn.as_deref())
        .bind(d.managed_login_version)
        .bind(d.updated_at)
        .bind(&d.domain)
        .execute(&self.write)
        .await
        .map_err(unavailable)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    async fn delete_domain(&self, domain: &str) -> StoreResult<bool> {
        let done = sqlx::query("DELETE FROM user_pool_domains WHERE domain = $1")
            .bind(domain)
            .execute(&self.write)
            .await
            .map_err(unavailable)?;
        Ok(done.rows_affected() > 0)
    }

    async fn insert_resource_server(&self, s: &ResourceServerRecord) -> StoreResult<()> {
        let sql = format!(
            "INSERT INTO resource_servers ({SERVER_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)"
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(&s.pool_id)
            .bind(&s.identifier)
            .bind(&s.name)
            .bind(to_json(&s.scopes)?)
            .bind(s.created_at)
            .bind(s.updated_at)
            .execute(&self.write)
            .await
            .map_err(conflict_as("resource_server"))?;
        Ok(())
    }

    async fn get_resource_server(
        &self,
        pool_id: &str,
        identifier: &str,
    ) -> StoreResult<Option<ResourceServerRecord>> {
        let sql = format!(
            "SELECT {SERVER_COLUMNS} FROM resource_servers WHERE pool_id = $1 AND identifier = $2"
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(pool_id)
            .bind(identifier)
            .fetch_optional(&self.read)
            .await
            .map_err(unavailable)?;
        row.as_ref().map(server_from_row).transpose()
    }

    async fn update_resource_server(&self, s: &ResourceServerRecord) -> StoreResult<()> {
        let done = sqlx::query(
            "UPDATE resource_servers SET name = $1, scopes = $2, updated_at = $3 \
             WHERE pool_id = $4 AND identifier = $5",
        )
        .bind(&s.name)
        .bind(to_json(&s.scopes)?)
        .bind(s.updated_at)
        .bind(&s.pool_id)
        .bind(&s.identifier)
        .execute(&self.write)
        .await
        .map_err(unavailable)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    async fn delete_resource_server(&self, pool_id: &str, identifier: &str) -> StoreResult<bool> {
        let done =
            sqlx::query("DELETE FROM resource_servers WHERE pool_id = $1 AND identifier = $2")
                .bind(pool_id)
                .bind(identifier)
                .execute(&self.write)
                .await
                .map_err(unavailable)?;
        Ok(done.rows_affected() > 0)
    }

    async fn list_resource_servers(
        &self,
        pool_id: &str,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<ResourceServerRecord>> {
        let sql = format!(
            "SELECT {SERVER_COLUMNS} FROM resource_servers WHERE pool_id = $1 AND identifier > $2 \
             ORDER BY identifier LIMIT $3"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(pool_id)
            .bind(after.unwrap_or(""))
            .bind(limit as i64)
            .fetch_all(&self.read)
            .await
            .map_err(unavailable)?;
        rows.iter().map(server_from_row).collect()
    }

    async fn put_ui_customization(&self, ui: &UiCustomizationRecord) -> StoreResult<()> {
        let sql = format!(
            "INSERT INTO ui_customizations ({UI_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (pool_id, client_id) DO UPDATE SET css = excluded.css, \
             image = excluded.image, updated_at = excluded.updated_at"
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(&ui.pool_id)
            .bind(&ui.client_id)
            .bind(ui.css.as_deref())
            .bind(ui.image.as_deref())
            .bind(ui.created_at)
            .bind(ui.updated_at)
            .execute(&self.write)
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn get_ui_customization(
        &self,
        pool_id: &str,
        client_id: &str,
    ) -> StoreResult<Option<UiCustomizationRecord>> {
        let sql = format!(
            "SELECT {UI_COLUMNS} FROM ui_customizations WHERE pool_id = $1 AND client_id = $2"
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(pool_id)
            .bind(client_id)
            .fetch_optional(&self.read)
            .await
            .map_err(unavailable)?;
        row.as_ref().map(ui_from_row).transpose()
    }
}
