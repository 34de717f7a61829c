//! User rows with their unique logins, search index and queued messages, each write
//! in one transaction.

use crate::connect::SqlStore;
use crate::error::{conflict_as, unavailable};
use crate::outbox::queue_message;
use crate::rows::{get, json, to_json};
use async_trait::async_trait;
use cognate_core::store::{
    IndexFilter, OutboundMessage, StoreError, StoreResult, UserRecord, UserStore, UserWrite,
};
use sqlx::any::AnyRow;
use sqlx::{Any, Transaction};

pub(crate) const USER_COLUMNS: &str = "u.id, u.pool_id, u.username, u.sub, u.status, u.enabled, u.attributes, \
     u.password_hash, u.password_set_at, u.created_at, u.updated_at, u.version";

pub(crate) fn user_from_row(row: &AnyRow) -> StoreResult<UserRecord> {
    Ok(UserRecord {
        id: get(row, "id")?,
        pool_id: get(row, "pool_id")?,
        username: get(row, "username")?,
        sub: get(row, "sub")?,
        status: get(row, "status")?,
        enabled: get::<i64>(row, "enabled")? != 0,
        attributes: json(row, "attributes")?,
        password_hash: get(row, "password_hash")?,
        password_set_at: get(row, "password_set_at")?,
        created_at: get(row, "created_at")?,
        updated_at: get(row, "updated_at")?,
        version: get(row, "version")?,
    })
}

/// Inserts logins, index rows and messages for a user inside `tx`.
async fn write_children(
    tx: &mut Transaction<'_, Any>,
    w: &UserWrite,
    user_id: i64,
) -> StoreResult<()> {
    for login in &w.logins {
        sqlx::query(
            "INSERT INTO user_logins (pool_id, login, kind, user_id) VALUES ($1, $2, $3, $4)",
        )
        .bind(&w.user.pool_id)
        .bind(&login.value)
        .bind(login.kind)
        .bind(user_id)
        .execute(&mut **tx)
        .await
        .map_err(conflict_as(login.kind))?;
    }
    for (name, value) in &w.index {
        sqlx::query(
            "INSERT INTO user_index (pool_id, name, value, user_id) VALUES ($1, $2, $3, $4)",
        )
        .bind(&w.user.pool_id)
        .bind(name)
        .bind(value)
        .bind(user_id)
        .execute(&mut **tx)
        .await
        .map_err(unavailable)?;
    }
    for m in &w.outbox {
        queue_message(tx, m).await?;
    }
    if let Some(srp) = &w.srp {
        sqlx::query(
            "INSERT INTO user_srp (user_id, salt, verifier) VALUES ($1, $2, $3) \
             ON CONFLICT (user_id) DO UPDATE SET salt = excluded.salt, verifier = excluded.verifier",
        )
        .bind(user_id)
        .bind(&srp.salt)
        .bind(&srp.verifier)
        .execute(&mut **tx)
        .await
        .map_err(unavailable)?;
    }
    Ok(())
}

/// Replaces a user inside `tx` (version-checked), with its logins, index and messages.
pub(crate) async fn update_user_in(
    tx: &mut Transaction<'_, Any>,
    w: &UserWrite,
) -> StoreResult<()> {
    let u = &w.user;
    let done = sqlx::query(
        "UPDATE users SET username = $1, status = $2, enabled = $3, attributes = $4, password_hash = $5, \
         password_set_at = $6, updated_at = $7, version = version + 1 WHERE id = $8 AND version = $9",
    )
    .bind(&u.username)
    .bind(&u.status)
    .bind(i64::from(u.enabled))
    .bind(to_json(&u.attributes)?)
    .bind(u.password_hash.as_deref())
    .bind(u.password_set_at)
    .bind(u.updated_at)
    .bind(u.id)
    .bind(u.version)
    .execute(&mut **tx)
    .await
    .map_err(unavailable)?;
    if done.rows_affected() == 0 {
        return Err(StoreError::VersionConflict);
    }
    for sql in [
        "DELETE FROM user_logins WHERE user_id = $1",
        "DELETE FROM user_index WHERE user_id = $1",
    ] {
        sqlx::query(sql)
            .bind(u.id)
            .execute(&mut **tx)
            .await
            .map_err(unavailable)?;
    }
    write_children(tx, w, u.id).await
}

#[async_trait]
impl UserStore for SqlStore {
    async fn insert_user(&self, w: &UserWrite) -> StoreResult<i64> {
        let u = &w.user;
        let mut tx = self.write.begin().await.map_err(unavailable)?;
        let row = sqlx::query(
            "INSERT INTO users (pool_id, username, sub, status, enabled, attributes, password_hash, password_set_at, \
             created_at, updated_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0) RETURNING id",
        )
        .bind(&u.pool_id)
        .bind(&u.username)
        .bind(&u.sub)
        .bind(&u.status)
        .bind(i64::from(u.enabled))
        .bind(to_json(&u.attributes)?)
        .bind(u.password_hash.as_deref())
        .bind(u.password_set_at)
        .bind(u.created_at)
        .bind(u.updated_at)
        .fetch_one(&mut *tx)
        .await
        .map_err(conflict_as("sub"))?;
        let id: i64 = get(&row, "id")?;
        write_children(&mut tx, w, id).await?;
        tx.commit().await.map_err(unavailable)?;
        Ok(id)
    }

    async fn update_user(&self, w: &UserWrite) -> StoreResult<()> {
        let mut tx = self.write.begin().await.map_err(unavailable)?;
        update_user_in(&mut tx, w).await?;
        tx.commit().await.map_err(unavailable)?;
        Ok(())
    }

    async fn delete_user(&self, pool_id: &str, user_id: i64) -> StoreResult<bool> {
        let mut tx = self.write.begin().await.map_err(unavailable)?;
        // Scoped by pool too: naming the wrong pool must leave every row alone.
        for sql in [
            "DELETE FROM group_members WHERE user_id = $1 AND pool_id = $2",
            "DELETE FROM user_logins WHERE user_id = $1 AND pool_id = $2",
            "DELETE FROM user_index WHERE user_id = $1 AND pool_id = $2",
        ] {
            sqlx::query(sql)
                .bind(user_id)
                .bind(pool_id)
                .execute(&mut *tx)
                .await
                .map_err(unavailable)?;
        }
        let done = sqlx::query("DELETE FROM users WHERE id = $1 AND pool_id = $2")
            .bind(user_id)
            .bind(pool_id)
            .execute(&mut *tx)
            .await
            .map_err(unavailable)?;
        tx.commit().await.map_err(unavailable)?;
        Ok(done.rows_affected() > 0)
    }

    async fn find_user_by_login(
        &self,
        pool_id: &str,
        login: &str,
    ) -> StoreResult<Option<UserRecord>> {
        let sql = format!(
            "SELECT {USER_COLUMNS} FROM user_logins l JOIN users u ON u.id = l.user_id WHERE l.pool_id = $1 AND l.login = $2"
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(pool_id)
            .bind(login)
            .fetch_optional(&self.read)
            .await
            .map_err(unavailable)?;
        row.as_ref().map(user_from_row).transpose()
    }

    async fn find_user_by_sub(&self, pool_id: &str, sub: &str) -> StoreResult<Option<UserRecord>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users u WHERE u.pool_id = $1 AND u.sub = $2");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(pool_id)
            .bind(sub)
            .fetch_optional(&self.read)
            .await
            .map_err(unavailable)?;
        row.as_ref().map(user_from_row).transpose()
    }

    async fn list_users(
        &self,
        pool_id: &str,
        filter: Option<&IndexFilter>,
        after: Option<i64>,
        limit: usize,
    ) -> StoreResult<Vec<UserRecord>> {
        let after = after.unwrap_or(0);
        let limit = limit as i64;
        let rows = match filter {
            None => {
                let sql = format!("SELECT {USER_COLUMNS} FROM users u WHERE u.pool_id = $1 AND u.id > $2 ORDER BY u.id LIMIT $3");
                sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(pool_id)
                    .bind(after)
                    .bind(limit)
                    .fetch_all(&self.read)
                    .await
            }
            Some(f) if !f.prefix => {
                let sql = format!(
                    "SELECT {USER_COLUMNS} FROM user_index i JOIN users u ON u.id = i.user_id \
                     WHERE i.pool_id = $1 AND i.name = $2 AND i.value = $3 AND i.user_id > $4 ORDER BY i.user_id LIMIT $5"
                );
                sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(pool_id)
                    .bind(&f.name)
                    .bind(&f.value)
                    .bind(after)
                    .bind(limit)
                    .fetch_all(&self.read)
                    .await
            }
            Some(f) => {
                // Bytewise range [value, value + U+10FFFF] covers every string with the prefix.
                let sql = format!(
                    "SELECT {USER_COLUMNS} FROM user_index i JOIN users u ON u.id = i.user_id \
                     WHERE i.pool_id = $1 AND i.name = $2 AND i.value >= $3 AND i.value <= $4 AND i.user_id > $5 \
                     ORDER BY i.user_id LIMIT $6"
                );
                sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(pool_id)
                    .bind(&f.name)
                    .bind(&f.value)
                    .bind(format!("{}\u{10FFFF}", f.value))
                    .bind(after)
                    .bind(limit)
                    .fetch_all(&self.read)
                    .await
            }
        }
        .map_err(unavailable)?;
        rows.iter().map(user_from_row).collect()
    }

    async fn list_outbox(&self, pool_id: &str, limit: usize) -> StoreResult<Vec<OutboundMessage>> {
        let rows = sqlx::query(
            "SELECT pool_id, channel, destination, subject, body, created_at, sender, reply_to, html FROM outbox \
             WHERE pool_id = $1 ORDER BY id LIMIT $2",
        )
        .bind(pool_id)
        .bind(limit as i64)
        .fetch_all(&self.read)
        .await
        .map_err(unavailable)?;
        rows.iter()
            .map(|r| {
                Ok(OutboundMessage {
                    pool_id: get(r, "pool_id")?,
                    channel: get(r, "channel")?,
                    destination: get(r, "destination")?,
                    subject: get(r, "subject")?,
                    body: get(r, "body")?,
                    created_at: get(r, "created_at")?,
                    from: get(r, "sender")?,
                    reply_to: get(r, "reply_to")?,
                    html: crate::outbox::html_flag(r)?,
                })
            })
            .collect()
    }
}
