//! Threat-protection rows: risk configurations (`risk_configurations`, the pool's own
//! under client id `''`) and auth events (`auth_events`, challenges and reasons as
//! JSON arrays). A notification's feedback-token hash and its queued email are written
//! in one transaction.

use crate::connect::SqlStore;
use crate::error::{conflict_as, unavailable};
use crate::outbox::queue_message;
use crate::rows::{get, json, to_json};
use async_trait::async_trait;
use cognate_core::clock::Millis;
use cognate_core::store::{
    AuthEventRecord, AuthEventUpdate, EventFeedbackRecord, OutboundMessage, RiskConfigRecord,
    StoreResult, ThreatStore,
};
use sqlx::any::AnyRow;

const EVENT_COLUMNS: &str = "seq, event_id, pool_id, user_id, client_id, event_type, response, \
     risk_decision, risk_level, compromised, challenges, ip, network, device_key, device_name, \
     timezone, score, reasons, feedback_value, feedback_provider, feedback_at, \
     feedback_token_hash, created_at";

/// The stored key of a configuration: the client id, or `''` for the pool's own.
fn client_key(client_id: Option<&str>) -> &str {
    client_id.unwrap_or("")
}

fn event_from_row(r: &AnyRow) -> StoreResult<AuthEventRecord> {
    let feedback = match (
        get::<Option<String>>(r, "feedback_value")?,
        get::<Option<String>>(r, "feedback_provider")?,
        get::<Option<i64>>(r, "feedback_at")?,
    ) {
        (Some(value), Some(provider), Some(at)) => Some(EventFeedbackRecord {
            value,
            provider,
            at,
        }),
        _ => None,
    };
    Ok(AuthEventRecord {
        seq: get(r, "seq")?,
        event_id: get(r, "event_id")?,
        pool_id: get(r, "pool_id")?,
        user_id: get(r, "user_id")?,
        client_id: get(r, "client_id")?,
        event_type: get(r, "event_type")?,
        response: get(r, "response")?,
        risk_decision: get(r, "risk_decision")?,
        risk_level: get(r, "risk_level")?,
        compromised: get::<i64>(r, "compromised")? != 0,
        challenges: json(r, "challenges")?,
        ip: get(r, "ip")?,
        network: get(r, "network")?,
        device_key: get(r, "device_key")?,
        device_name: get(r, "device_name")?,
        timezone: get(r, "timezone")?,
        score: get(r, "score")?,
        reasons: json(r, "reasons")?,
        feedback,
        feedback_token_hash: get(r, "feedback_token_hash")?,
        created_at: get(r, "created_at")?,
    })
}

#[async_trait]
impl ThreatStore for SqlStore {
    async fn put_risk_config(&self, record: &RiskConfigRecord) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO risk_configurations (pool_id, client_id, config, updated_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (pool_id, client_id) DO UPDATE SET \
             config = excluded.config, updated_at = excluded.updated_at",
        )
        .bind(&record.pool_id)
        .bind(client_key(record.client_id.as_deref()))
        .bind(to_json(&record.config)?)
        .bind(record.updated_at)
        .execute(&self.write)
        .await
        .map_err(unavailable)?;
        Ok(())
    }

    async fn get_risk_config(
        &self,
        pool_id: &str,
        client_id: Option<&str>,
    ) -> StoreResult<Option<RiskConfigRecord>> {
        let row = sqlx::query(
            "SELECT config, updated_at FROM risk_configurations WHERE pool_id = $1 AND client_id = $2",
        )
        .bind(pool_id)
        .bind(client_key(client_id))
        .fetch_optional(&self.read)
        .await
        .map_err(unavailable)?;
        row.map(|r| {
            Ok(RiskConfigRecord {
                pool_id: pool_id.to_owned(),
                client_id: client_id.map(str::to_owned),
                config: json(&r, "config")?,
                updated_at: get(&r, "updated_at")?,
            })
        })
        .transpose()
    }

    async fn delete_risk_config(
        &self,
        pool_id: &str,
        client_id: Option<&str>,
    ) -> StoreResult<bool> {
        let done =
            sqlx::query("DELETE FROM risk_configurations WHERE pool_id = $1 AND client_id = $2")
                .bind(pool_id)
                .bind(client_key(client_id))
                .execute(&self.write)
                .await
                .map_err(unavailable)?;
        Ok(done.rows_affected() > 0)
    }

    async fn insert_auth_event(&self, e: &AuthEventRecord) -> StoreResult<i64> {
        let (value, provider, at) = match &e.feedback {
            Some(f) => (
                Some(f.value.as_str()),
                Some(f.provider.as_str()),
                Some(f.at),
            ),
            None => (None, None, None),
        };
        let row = sqlx::query(
            "INSERT INTO auth_events (event_id, pool_id, user_id, client_id, event_type, response, \
             risk_decision, risk_level, compromised, challenges, ip, network, device_key, device_name, \
             timezone, score, reasons, feedback_value, feedback_provider, feedback_at, \
             feedback_token_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, \
             $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22) RETURNING seq",
        )
        .bind(&e.event_id)
        .bind(&e.pool_id)
        .bind(e.user_id)
        .bind(e.client_id.as_deref())
        .bind(&e.event_type)
        .bind(&e.response)
        .bind(e.risk_decision.as_deref())
        .bind(e.risk_level.as_deref())
        .bind(i64::from(e.compromised))
        .bind(to_json(&e.challenges)?)
        .bind(e.ip.as_deref())
        .bind(e.network.as_deref())
        .bind(e.device_key.as_deref())
        .bind(e.device_name.as_deref())
        .bind(e.timezone.as_deref())
        .bind(e.score)
        .bind(to_json(&e.reasons)?)
        .bind(value)
        .bind(provider)
        .bind(at)
        .bind(e.feedback_token_hash.as_deref())
        .bind(e.created_at)
        .fetch_one(&self.write)
        .await
        .map_err(conflict_as("auth_event"))?;
        get(&row, "seq")
    }

    async fn get_auth_event(
        &self,
        pool_id: &str,
        event_id: &str,
    ) -> StoreResult<Option<AuthEventRecord>> {
        let sql =
            format!("SELECT {EVENT_COLUMNS} FROM auth_events WHERE pool_id = $1 AND event_id = $2");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(pool_id)
            .bind(event_id)
            .fetch_optional(&self.write)
            .await
            .map_err(unavailable)?;
        row.map(|r| event_from_row(&r)).transpose()
    }

    async fn update_auth_event(
        &self,
        pool_id: &str,
        event_id: &str,
        u: &AuthEventUpdate,
        message: Option<&OutboundMessage>,
    ) -> StoreResult<bool> {
        let challenges = u.challenges.as_ref().map(to_json).transpose()?;
        let feedback = u.feedback.as_ref();
        let mut tx = self.write.begin().await.map_err(unavailable)?;
        let done = sqlx::query(
            "UPDATE auth_events SET response = COALESCE($1, response), \
             challenges = COALESCE($2, challenges), feedback_value = COALESCE($3, feedback_value), \
             feedback_provider = COALESCE($4, feedback_provider), \
             feedback_at = COALESCE($5, feedback_at), \
             feedback_token_hash = COALESCE($6, feedback_token_hash) \
             WHERE pool_id = $7 AND event_id = $8 AND response = COALESCE($9, response)",
        )
        .bind(u.response.as_deref())
        .bind(challenges)
        .bind(feedback.map(|f| f.value.as_str()))
        .bind(feedback.map(|f| f.provider.as_str()))
        .bind(feedback.map(|f| f.at))
        .bind(u.feedback_token_hash.as_deref())
        .bind(pool_id)
        .bind(event_id)
        .bind(u.only_if_response.as_deref())
        .execute(&mut *tx)
        .await
        .map_err(unavailable)?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        if let Some(m) = message {
            queue_message(&mut tx, m).await?;
        }
        tx.commit().await.map_err(unavailable)?;
        Ok(true)
    }

    async fn list_auth_events(
        &self,
        pool_id: &str,
        user_id: i64,
        before: Option<(Millis, i64)>,
        limit: usize,
    ) -> StoreResult<Vec<AuthEventRecord>> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = match before {
            None => {
                let sql = format!(
                    "SELECT {EVENT_COLUMNS} FROM auth_events WHERE pool_id = $1 AND user_id = $2 \
                     ORDER BY created_at DESC, seq DESC LIMIT $3"
                );
                sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(pool_id)
                    .bind(user_id)
                    .bind(limit)
                    .fetch_all(&self.read)
                    .await
            }
            Some((at, seq)) => {
                let sql = format!(
                    "SELECT {EVENT_COLUMNS} FROM auth_events WHERE pool_id = $1 AND user_id = $2 \
                     AND (created_at < $3 OR (created_at = $3 AND seq < $4)) \
                     ORDER BY created_at DESC, seq DESC LIMIT $5"
                );
                sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(pool_id)
                    .bind(user_id)
                    .bind(at)
                    .bind(seq)
                    .bind(limit)
                    .fetch_all(&self.read)
                    .await
            }
        }
        .map_err(unavailable)?;
        rows.iter().map(event_from_row).collect()
    }

    async fn count_ip_failures(&self, pool_id: &str, ip: &str, since: Millis) -> StoreResult<i64> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS n FROM auth_events WHERE pool_id = $1 AND ip = $2 \
             AND created_at >= $3 AND response = 'Fail'",
        )
        .bind(pool_id)
        .bind(ip)
        .bind(since)
        .fetch_one(&self.read)
        .await
        .map_err(unavailable)?;
        get(&row, "n")
    }

    async fn prune_auth_events(&self, before: Millis) -> StoreResult<u64> {
        let done = sqlx::query("DELETE FROM auth_events WHERE created_at < $1")
            .bind(before)
            .execute(&self.write)
            .await
            .map_err(unavailable)?;
        Ok(done.rows_affected())
    }
}
