//! IAM OpenID Connect providers. Client ids and thumbprints are JSON arrays in text
//! columns; the ARN (derived from the issuer's host and path) is the key.

use crate::connect::SqlStore;
use crate::error::{conflict_as, unavailable};
use crate::rows::{get, json, to_json};
use async_trait::async_trait;
use cognate_core::store::{OidcProviderRecord, OidcProviderStore, StoreResult};
use sqlx::any::AnyRow;

const COLUMNS: &str = "arn, url, client_ids, thumbprints, created_at";

fn from_row(r: &AnyRow) -> StoreResult<OidcProviderRecord> {
    Ok(OidcProviderRecord {
        arn: get(r, "arn")?,
        url: get(r, "url")?,
        client_ids: json(r, "client_ids")?,
        thumbprints: json(r, "thumbprints")?,
        created_at: get(r, "created_at")?,
    })
}

#[async_trait]
impl OidcProviderStore for SqlStore {
    async fn insert_oidc_provider(&self, p: &OidcProviderRecord) -> StoreResult<()> {
        let sql = format!("INSERT INTO oidc_providers ({COLUMNS}) VALUES ($1, $2, $3, $4, $5)");
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(&p.arn)
            .bind(&p.url)
            .bind(to_json(&p.client_ids)?)
            .bind(to_json(&p.thumbprints)?)
            .bind(p.created_at)
            .execute(&self.write)
            .await
            .map_err(conflict_as("oidc_provider"))?;
        Ok(())
    }

    async fn get_oidc_provider(&self, arn: &str) -> StoreResult<Option<OidcProviderRecord>> {
        let sql = format!("SELECT {COLUMNS} FROM oidc_providers WHERE arn = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(arn)
            .fetch_optional(&self.read)
            .await
            .map_err(unavailable)?;
        row.as_ref().map(from_row).transpose()
    }

    async fn delete_oidc_provider(&self, arn: &str) -> StoreResult<bool> {
        let done = sqlx::query("DELETE FROM oidc_providers WHERE arn = $1")
            .bind(arn)
            .execute(&self.write)
            .await
            .map_err(unavailable)?;
        Ok(done.rows_affected() > 0)
    }

    async fn list_oidc_providers(&self) -> StoreResult<Vec<OidcProviderRecord>> {
        let sql = format!("SELECT {COLUMNS} FROM oidc_providers ORDER BY arn");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch_all(&self.read)
            .await
            .map_err(unavailable)?;
        rows.iter().map(from_row).collect()
    }
}
