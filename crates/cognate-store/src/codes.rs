//! One-time codes, per-user rate windows, and lockout counters.

use crate::connect::SqlStore;
use crate::error::unavailable;
use crate::outbox::queue_message;
use crate::rows::get;
use async_trait::async_trait;
use cognate_core::clock::Millis;
use cognate_core::store::{CodeRecord, CodeStore, LockoutStore, OutboundMessage, StoreResult};
use sqlx::any::AnyRow;

/// `(failures, last_failure_at)` of a lockout counter row (a user's or an unknown name's).
fn failure_count(r: &AnyRow) -> StoreResult<(i64, Millis)> {
    Ok((get(r, "failures")?, get(r, "last_failure_at")?))
}

#[async_trait]
impl CodeStore for SqlStore {
    async fn put_code(&self, c: &CodeRecord, message: Option<&OutboundMessage>) -> StoreResult<()> {
        let mut tx = self.write.begin().await.map_err(unavailable)?;
        sqlx::query(
            "INSERT INTO codes (user_id, purpose, code_hash, expires_at, attempts_left, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (user_id, purpose) DO UPDATE SET \
             code_hash = excluded.code_hash, expires_at = excluded.expires_at, \
             attempts_left = excluded.attempts_left, created_at = excluded.created_at",
        )
        .bind(c.user_id)
        .bind(&c.purpose)
        .bind(&c.code_hash)
        .bind(c.expires_at)
        .bind(c.attempts_left)
        .bind(c.created_at)
        .execute(&mut *tx)
        .await
        .map_err(unavailable)?;
        if let Some(m) = message {
            queue_message(&mut tx, m).await?;
        }
        tx.commit().await.map_err(unavailable)
    }

    async fn get_code(&self, user_id: i64, purpose: &str) -> StoreResult<Option<CodeRecord>> {
        let row = sqlx::query(
            "SELECT user_id, purpose, code_hash, expires_at, attempts_left, created_at FROM codes \
             WHERE user_id = $1 AND purpose = $2",
        )
        .bind(user_id)
        .bind(purpose)
        .fetch_optional(&self.write)
        .await
        .map_err(unavailable)?;
        row.map(|r| {
            Ok(CodeRecord {
                user_id: get(&r, "user_id")?,
                purpose: get(&r, "purpose")?,
                code_hash: get(&r, "code_hash")?,
                expires_at: get(&r, "expires_at")?,
                attempts_left: get(&r, "attempts_left")?,
                created_at: get(&r, "created_at")?,
            })
        })
        .transpose()
    }

    async fn spend_code_attempt(&self, user_id: i64, purpose: &str) -> StoreResult<Option<i64>> {
        let row = sqlx::query(
            "UPDATE codes SET attempts_left = attempts_left - 1 \
             WHERE user_id = $1 AND purpose = $2 AND attempts_left > 0 RETURNING attempts_left",
        )
        .bind(user_id)
        .bind(purpose)
        .fetch_optional(&self.write)
        .await
        .map_err(unavailable)?;
        row.map(|r| get(&r, "attempts_left")).transpose()
    }

    async fn delete_code(&self, user_id: i64, purpose: &str) -> StoreResult<bool> {
        let done = sqlx::query("DELETE FROM codes WHERE user_id = $1 AND purpose = $2")
            .bind(user_id)
            .bind(purpose)
            .execute(&self.write)
            .await
            .map_err(unavailable)?;
        Ok(done.rows_affected() > 0)
    }

    async fn bump_rate(
        &self,
        user_id: i64,
        action: &str,
        now: Millis,
        window_ms: i64,
    ) -> StoreResult<i64> {
        let row = sqlx::query(
            "INSERT INTO rate_windows (user_id, action, window_start, count) VALUES ($1, $2, $3, 1) \
             ON CONFLICT (user_id, action) DO UPDATE SET \
             count = CASE WHEN rate_windows.window_start <= $4 THEN 1 ELSE rate_windows.count + 1 END, \
             window_start = CASE WHEN rate_windows.window_start <= $4 THEN $3 ELSE rate_windows.window_start END \
             RETURNING count",
        )
        .bind(user_id)
        .bind(action)
        .bind(now)
        .bind(now - window_ms)
        .fetch_one(&self.write)
        .await
        .map_err(unavailable)?;
        get(&row, "count")
    }
}

#[async_trait]
impl LockoutStore for SqlStore {
    async fn record_failure(
        &self,
        user_id: i64,
        now: Millis,
        reset_after_ms: i64,
    ) -> StoreResult<i64> {
        let row = sqlx::query(
            "INSERT INTO sign_in_failures (user_id, failures, last_failure_at) VALUES ($1, 1, $2) \
             ON CONFLICT (user_id) DO UPDATE SET \
             failures = CASE WHEN sign_in_failures.last_failure_at < $3 THEN 1 ELSE sign_in_failures.failures + 1 END, \
             last_failure_at = $2 RETURNING failures",
        )
        .bind(user_id)
        .bind(now)
        .bind(now - reset_after_ms)
        .fetch_one(&self.write)
        .await
        .map_err(unavailable)?;
        get(&row, "failures")
    }

    async fn failures(&self, user_id: i64) -> StoreResult<Option<(i64, Millis)>> {
        let row = sqlx::query(
            "SELECT failures, last_failure_at FROM sign_in_failures WHERE user_id = $1",
        )
        .bind(user_id)
        .fetch_optional(&self.write)
        .await
        .map_err(unavailable)?;
        row.as_ref().map(failure_count).transpose()
    }

    async fn clear_failures(&self, user_id: i64) -> StoreResult<()> {
        sqlx::query("DELETE FROM sign_in_failures WHERE user_id = $1")
            .bind(user_id)
            .execute(&self.write)
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn record_unknown_failure(
        &self,
        pool_id: &str,
        login_key: &str,
        now: Millis,
        reset_after_ms: i64,
    ) -> StoreResult<i64> {
        let quiet_since = now - reset_after_ms;
        // Housekeeping first, bounded and on its own: a cleanup that fails (or loses a
        // race with another node's) must not refuse the sign-in; the next one retries.
        if let Err(e) = sqlx::query(
            "DELETE FROM unknown_login_failures WHERE (pool_id, login_key) IN \
             (SELECT pool_id, login_key FROM unknown_login_failures \
             WHERE last_failure_at < $1 ORDER BY last_failure_at LIMIT 100)",
        )
        .bind(quiet_since)
        .execute(&self.write)
        .await
        {
            tracing::debug!(error = %e, "deleting stale unknown-name failure counters failed");
        }
        let row = sqlx::query(
            "INSERT INTO unknown_login_failures (pool_id, login_key, failures, last_failure_at) \
             VALUES ($1, $2, 1, $3) ON CONFLICT (pool_id, login_key) DO UPDATE SET \
             failures = CASE WHEN unknown_login_failures.last_failure_at < $4 THEN 1 \
             ELSE unknown_login_failures.failures + 1 END, last_failure_at = $3 RETURNING failures",
        )
        .bind(pool_id)
        .bind(login_key)
        .bind(now)
        .bind(quiet_since)
        .fetch_one(&self.write)
        .await
        .map_err(unavailable)?;
        get(&row, "failures")
    }

    async fn unknown_failures(
        &self,
        pool_id: &str,
        login_key: &str,
    ) -> StoreResult<Option<(i64, Millis)>> {
        let row = sqlx::query(
            "SELECT failures, last_failure_at FROM unknown_login_failures \
             WHERE pool_id = $1 AND login_key = $2",
        )
        .bind(pool_id)
        .bind(login_key)
        .fetch_optional(&self.write)
        .await
        .map_err(unavailable)?;
        row.as_ref().map(failure_count).transpose()
    }

    async fn forgive_failure(&self, user_id: i64) -> StoreResult<()> {
        sqlx::query(
            "UPDATE sign_in_failures SET failures = failures - 1 WHERE user_id = $1 AND failures > 0",
        )
        .bind(user_id)
        .execute(&self.write)
        .await
        .map_err(unavailable)?;
        Ok(())
    }
}
