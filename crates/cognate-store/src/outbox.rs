//! Delivery bookkeeping of the outbox: claim a due message with a lease, then mark it
//! delivered or failed (with a retry time).

use crate::connect::SqlStore;
use crate::error::unavailable;
use crate::rows::get;
use async_trait::async_trait;
use cognate_core::clock::Millis;
use cognate_core::store::{OutboundMessage, OutboxStore, QueuedMessage, StoreResult};
use sqlx::{Any, Transaction};

/// Queues a message inside a transaction, so it is sent only if the change commits.
pub(crate) async fn queue_message(
    tx: &mut Transaction<'_, Any>,
    m: &OutboundMessage,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO outbox (pool_id, channel, destination, subject, body, created_at, next_attempt_at, \
         sender, reply_to, html) VALUES ($1, $2, $3, $4, $5, $6, $6, $7, $8, $9)",
    )
    .bind(&m.pool_id)
    .bind(&m.channel)
    .bind(&m.destination)
    .bind(m.subject.as_deref())
    .bind(&m.body)
    .bind(m.created_at)
    .bind(m.from.as_deref())
    .bind(m.reply_to.as_deref())
    .bind(m.html.map(i64::from))
    .execute(&mut **tx)
    .await
    .map_err(unavailable)?;
    Ok(())
}

/// The `html` column: 1 or 0, NULL for messages queued before it was recorded.
pub(crate) fn html_flag(row: &sqlx::any::AnyRow) -> StoreResult<Option<bool>> {
    Ok(get::<Option<i64>>(row, "html")?.map(|v| v != 0))
}

#[async_trait]
impl OutboxStore for SqlStore {
    async fn claim_due(&self, now: Millis, lease_ms: i64) -> StoreResult<Option<QueuedMessage>> {
        let mut tx = self.write.begin().await.map_err(unavailable)?;
        let candidate = sqlx::query(
            "SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= $1 ORDER BY next_attempt_at, id LIMIT 1",
        )
        .bind(now)
        .fetch_optional(&mut *tx)
        .await
        .map_err(unavailable)?;
        let Some(candidate) = candidate else {
            return Ok(None);
        };
        let id: i64 = get(&candidate, "id")?;
        // The guard on next_attempt_at makes the claim safe when two nodes race for it.
        let row = sqlx::query(
            "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = $1 \
             WHERE id = $2 AND status = 'pending' AND next_attempt_at <= $3 \
             RETURNING id, pool_id, channel, destination, subject, body, created_at, attempts, sender, reply_to, html",
        )
        .bind(now + lease_ms)
        .bind(id)
        .bind(now)
        .fetch_optional(&mut *tx)
        .await
        .map_err(unavailable)?;
        tx.commit().await.map_err(unavailable)?;
        row.map(|r| {
            Ok(QueuedMessage {
                id: get(&r, "id")?,
                attempts: get(&r, "attempts")?,
                message: OutboundMessage {
                    pool_id: get(&r, "pool_id")?,
                    channel: get(&r, "channel")?,
                    destination: get(&r, "destination")?,
                    subject: get(&r, "subject")?,
                    body: get(&r, "body")?,
                    created_at: get(&r, "created_at")?,
                    from: get(&r, "sender")?,
                    reply_to: get(&r, "reply_to")?,
                    html: html_flag(&r)?,
                },
            })
        })
        .transpose()
    }

    async fn mark_delivered(&self, id: i64, now: Millis) -> StoreResult<()> {
        sqlx::query("UPDATE outbox SET status = 'delivered', delivered_at = $1, last_error = NULL WHERE id = $2")
            .bind(now)
            .bind(id)
            .execute(&self.write)
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn mark_failed(&self, id: i64, error: &str, retry_at: Option<Millis>) -> StoreResult<()> {
        let (status, next) = match retry_at {
            Some(t) => ("pending", t),
            None => ("failed", 0),
        };
        sqlx::query(
            "UPDATE outbox SET status = $1, next_attempt_at = $2, last_error = $3 WHERE id = $4",
        )
        .bind(status)
        .bind(next)
        .bind(error)
        .bind(id)
        .execute(&self.write)
        .await
        .map_err(unavailable)?;
        Ok(())
    }
}
