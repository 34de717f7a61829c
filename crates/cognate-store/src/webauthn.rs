//! Passkey rows: registered credentials (`webauthn_credentials`) and pending
//! registrations (`webauthn_registrations`).
//!
//! Invariants kept here: the 20-passkey limit is checked and the row inserted in one
//! transaction that first write-locks the user's row, so concurrent registrations
//! cannot overshoot it; a pending registration is taken with one `DELETE`, so a
//! challenge completes at most once; the signature counter advances with one
//! conditional `UPDATE`, so two assertions cannot both move it from the same value.

use crate::connect::SqlStore;
use crate::error::{conflict_as, unavailable};
use crate::rows::{get, json, to_json};
use async_trait::async_trait;
use cognate_core::clock::Millis;
use cognate_core::store::{
    StoreError, StoreResult, WebAuthnCredentialRecord, WebAuthnRegistrationRecord, WebAuthnStore,
};
use sqlx::any::AnyRow;

const CREDENTIAL_COLUMNS: &str = "id, pool_id, user_id, credential_id, public_key, sign_count, \
     friendly_name, relying_party_id, authenticator_attachment, transports, created_at, last_used_at";

fn credential(row: &AnyRow) -> StoreResult<WebAuthnCredentialRecord> {
    Ok(WebAuthnCredentialRecord {
        id: get(row, "id")?,
        pool_id: get(row, "pool_id")?,
        user_id: get(row, "user_id")?,
        credential_id: get(row, "credential_id")?,
        public_key: get(row, "public_key")?,
        sign_count: get(row, "sign_count")?,
        friendly_name: get(row, "friendly_name")?,
        relying_party_id: get(row, "relying_party_id")?,
        authenticator_attachment: get(row, "authenticator_attachment")?,
        transports: json(row, "transports")?,
        created_at: get(row, "created_at")?,
        last_used_at: get(row, "last_used_at")?,
    })
}

#[async_trait]
impl WebAuthnStore for SqlStore {
    async fn insert_webauthn_registration(
        &self,
        r: &WebAuthnRegistrationRecord,
        now: Millis,
    ) -> StoreResult<()> {
        let mut tx = self.write.begin().await.map_err(unavailable)?;
        sqlx::query("DELETE FROM webauthn_registrations WHERE user_id = $1 AND expires_at < $2")
            .bind(r.user_id)
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(unavailable)?;
        sqlx::query(
            "INSERT INTO webauthn_registrations (user_id, challenge, state, expires_at) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(r.user_id)
        .bind(&r.challenge)
        .bind(r.state.clone())
        .bind(r.expires_at)
        .execute(&mut *tx)
        .await
        .map_err(conflict_as("webauthn_registration"))?;
        tx.commit().await.map_err(unavailable)
    }

    async fn take_webauthn_registration(
        &self,
        user_id: i64,
        challenge: &str,
        now: Millis,
    ) -> StoreResult<Option<WebAuthnRegistrationRecord>> {
        let mut tx = self.write.begin().await.map_err(unavailable)?;
        let row = sqlx::query(
            "SELECT user_id, challenge, state, expires_at FROM webauthn_registrations \
             WHERE user_id = $1 AND challenge = $2",
        )
        .bind(user_id)
        .bind(challenge)
        .fetch_optional(&mut *tx)
        .await
        .map_err(unavailable)?;
        let Some(row) = row else {
            return Ok(None);
        };
        let taken =
            sqlx::query("DELETE FROM webauthn_registrations WHERE user_id = $1 AND challenge = $2")
                .bind(user_id)
                .bind(challenge)
                .execute(&mut *tx)
                .await
                .map_err(unavailable)?;
        tx.commit().await.map_err(unavailable)?;
        let record = WebAuthnRegistrationRecord {
            user_id: get(&row, "user_id")?,
            challenge: get(&row, "challenge")?,
            state: get(&row, "state")?,
            expires_at: get(&row, "expires_at")?,
        };
        // Another request deleting it first means it was already used.
        if taken.rows_affected() == 0 || record.expires_at < now {
            return Ok(None);
        }
        Ok(Some(record))
    }

    async fn insert_webauthn_credential(
        &self,
        c: &WebAuthnCredentialRecord,
        limit: i64,
    ) -> StoreResult<Option<i64>> {
        let mut tx = self.write.begin().await.map_err(unavailable)?;
        // Write-locks the owner's row (PostgreSQL) so concurrent registrations of one
        // user count one after the other; SQLite has a single writer anyway.
        let owner =
            sqlx::query("UPDATE users SET updated_at = updated_at WHERE id = $1 AND pool_id = $2")
                .bind(c.user_id)
                .bind(&c.pool_id)
                .execute(&mut *tx)
                .await
                .map_err(unavailable)?;
        if owner.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        let row = sqlx::query("SELECT COUNT(*) AS n FROM webauthn_credentials WHERE user_id = $1")
            .bind(c.user_id)
            .fetch_one(&mut *tx)
            .await
            .map_err(unavailable)?;
        if get::<i64>(&row, "n")? >= limit {
            return Ok(None);
        }
        let row = sqlx::query(
            "INSERT INTO webauthn_credentials (pool_id, user_id, credential_id, public_key, \
             sign_count, friendly_name, relying_party_id, authenticator_attachment, transports, \
             created_at, last_used_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
             RETURNING id",
        )
        .bind(&c.pool_id)
        .bind(c.user_id)
        .bind(&c.credential_id)
        .bind(&c.public_key)
        .bind(c.sign_count)
        .bind(c.friendly_name.as_deref())
        .bind(&c.relying_party_id)
        .bind(c.authenticator_attachment.as_deref())
        .bind(to_json(&c.transports)?)
        .bind(c.created_at)
        .bind(c.last_used_at)
        .fetch_one(&mut *tx)
        .await
        .map_err(conflict_as("webauthn_credential"))?;
        let id = get(&row, "id")?;
        tx.commit().await.map_err(unavailable)?;
        Ok(Some(id))
    }

    async fn list_webauthn_credentials(
        &self,
        user_id: i64,
        after: Option<i64>,
        limit: usize,
    ) -> StoreResult<Vec<WebAuthnCredentialRecord>> {
        let sql = format!(
            "SELECT {CREDENTIAL_COLUMNS} FROM webauthn_credentials \
             WHERE user_id = $1 AND id > $2 ORDER BY id LIMIT $3"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(user_id)
            .bind(after.unwrap_or(0))
            .bind(limit as i64)
            .fetch_all(&self.read)
            .await
            .map_err(unavailable)?;
        rows.iter().map(credential).collect()
    }

    async fn find_webauthn_credential(
        &self,
        pool_id: &str,
        credential_id: &str,
    ) -> StoreResult<Option<WebAuthnCredentialRecord>> {
        let sql = format!(
            "SELECT {CREDENTIAL_COLUMNS} FROM webauthn_credentials \
             WHERE pool_id = $1 AND credential_id = $2"
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(pool_id)
            .bind(credential_id)
            .fetch_optional(&self.write)
            .await
            .map_err(unavailable)?;
        row.as_ref().map(credential).transpose()
    }

    async fn delete_webauthn_credential(
        &self,
        user_id: i64,
        credential_id: &str,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "DELETE FROM webauthn_credentials WHERE user_id = $1 AND credential_id = $2",
        )
        .bind(user_id)
        .bind(credential_id)
        .execute(&self.write)
        .await
        .map_err(unavailable)?;
        Ok(done.rows_affected() > 0)
    }

    async fn record_webauthn_use(
        &self,
        id: i64,
        expected: i64,
        count: i64,
        now: Millis,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE webauthn_credentials SET sign_count = $1, last_used_at = $2 \
             WHERE id = $3 AND sign_count = $4",
        )
        .bind(count)
        .bind(now)
        .bind(id)
        .bind(expected)
        .execute(&self.write)
        .await
        .map_err(unavailable)?;
        Ok(done.rows_affected() > 0)
    }
}
