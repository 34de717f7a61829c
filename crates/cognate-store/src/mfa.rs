//! MFA rows: a pool's factors (`user_pool_mfa`, written with the pool in one
//! transaction) and each user's factor choices and sealed TOTP secrets (`user_mfa`).
//! The single-use rule of TOTP steps is one conditional `UPDATE`, so two requests with
//! the same code cannot both pass.

use crate::connect::SqlStore;
use crate::error::unavailable;
use crate::pools::update_pool_in;
use crate::rows::{get, json, to_json};
use crate::users::update_user_in;
use async_trait::async_trait;
use cognate_core::clock::Millis;
use cognate_core::store::{
    MfaPreferences, MfaStore, PoolMfaConfig, StoreResult, UserMfaRecord, UserPoolRecord, UserWrite,
};

const USER_MFA_COLUMNS: &str = "user_id, sms_enabled, email_enabled, totp_enabled, webauthn_enabled, \
     preferred, totp_secret, totp_pending, totp_device_name, totp_last_step, updated_at";

fn flag(row: &sqlx::any::AnyRow, col: &str) -> StoreResult<bool> {
    Ok(get::<i64>(row, col)? != 0)
}

#[async_trait]
impl MfaStore for SqlStore {
    async fn get_pool_mfa(&self, pool_id: &str) -> StoreResult<Option<PoolMfaConfig>> {
        let row = sqlx::query("SELECT config FROM user_pool_mfa WHERE pool_id = $1")
            .bind(pool_id)
            .fetch_optional(&self.read)
            .await
            .map_err(unavailable)?;
        row.map(|r| json(&r, "config")).transpose()
    }

    async fn set_pool_mfa(&self, pool: &UserPoolRecord, config: &PoolMfaConfig) -> StoreResult<()> {
        let mut tx = self.write.begin().await.map_err(unavailable)?;
        update_pool_in(&mut tx, pool).await?;
        sqlx::query(
            "INSERT INTO user_pool_mfa (pool_id, config, updated_at) VALUES ($1, $2, $3) \
             ON CONFLICT (pool_id) DO UPDATE SET config = excluded.config, updated_at = excluded.updated_at",
        )
        .bind(&pool.id)
        .bind(to_json(config)?)
        .bind(pool.updated_at)
        .execute(&mut *tx)
        .await
        .map_err(unavailable)?;
        tx.commit().await.map_err(unavailable)
    }

    async fn get_user_mfa(&self, user_id: i64) -> StoreResult<Option<UserMfaRecord>> {
        let sql = format!("SELECT {USER_MFA_COLUMNS} FROM user_mfa WHERE user_id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(user_id)
            .fetch_optional(&self.write)
            .await
            .map_err(unavailable)?;
        row.map(|r| {
            Ok(UserMfaRecord {
                user_id: get(&r, "user_id")?,
                preferences: MfaPreferences {
                    sms: flag(&r, "sms_enabled")?,
                    email: flag(&r, "email_enabled")?,
                    software_token: flag(&r, "totp_enabled")?,
                    web_authn: flag(&r, "webauthn_enabled")?,
                    preferred: get(&r, "preferred")?,
                },
                totp_secret: get(&r, "totp_secret")?,
                totp_pending: get(&r, "totp_pending")?,
                totp_device_name: get(&r, "totp_device_name")?,
                totp_last_step: get(&r, "totp_last_step")?,
                updated_at: get(&r, "updated_at")?,
            })
        })
        .transpose()
    }

    async fn set_mfa_preferences(
        &self,
        user_id: i64,
        p: &MfaPreferences,
        now: Millis,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO user_mfa (user_id, sms_enabled, email_enabled, totp_enabled, webauthn_enabled, \
             preferred, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (user_id) DO UPDATE SET \
             sms_enabled = excluded.sms_enabled, email_enabled = excluded.email_enabled, \
             totp_enabled = excluded.totp_enabled, webauthn_enabled = excluded.webauthn_enabled, \
             preferred = excluded.preferred, updated_at = excluded.updated_at",
        )
        .bind(user_id)
        .bind(i64::from(p.sms))
        .bind(i64::from(p.email))
        .bind(i64::from(p.software_token))
        .bind(i64::from(p.web_authn))
        .bind(p.preferred.as_deref())
        .bind(now)
        .execute(&self.write)
        .await
        .map_err(unavailable)?;
        Ok(())
    }

    async fn set_pending_totp(&self, user_id: i64, sealed: &[u8], now: Millis) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO user_mfa (user_id, totp_pending, updated_at) VALUES ($1, $2, $3) \
             ON CONFLICT (user_id) DO UPDATE SET totp_pending = excluded.totp_pending, \
             updated_at = excluded.updated_at",
        )
        .bind(user_id)
        .bind(sealed.to_vec())
        .bind(now)
        .execute(&self.write)
        .await
        .map_err(unavailable)?;
        Ok(())
    }

    async fn activate_totp(
        &self,
        user_id: i64,
        pending: &[u8],
        device_name: Option<&str>,
        step: i64,
        enable: bool,
        now: Millis,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE user_mfa SET totp_secret = totp_pending, totp_pending = NULL, totp_device_name = $1, \
             totp_last_step = $2, \
             totp_enabled = CASE WHEN $3 = 1 THEN 1 ELSE totp_enabled END, \
             preferred = CASE WHEN $3 = 1 THEN COALESCE(preferred, 'SOFTWARE_TOKEN_MFA') ELSE preferred END, \
             updated_at = $4 WHERE user_id = $5 AND totp_pending = $6",
        )
        .bind(device_name)
        .bind(step)
        .bind(i64::from(enable))
        .bind(now)
        .bind(user_id)
        .bind(pending.to_vec())
        .execute(&self.write)
        .await
        .map_err(unavailable)?;
        Ok(done.rows_affected() == 1)
    }

    async fn accept_totp_step(&self, user_id: i64, step: i64) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE user_mfa SET totp_last_step = $1 \
             WHERE user_id = $2 AND (totp_last_step IS NULL OR totp_last_step < $1)",
        )
        .bind(step)
        .bind(user_id)
        .execute(&self.write)
        .await
        .map_err(unavailable)?;
        Ok(done.rows_affected() == 1)
    }

    async fn enable_email_mfa(&self, write: &UserWrite, now: Millis) -> StoreResult<()> {
        let mut tx = self.write.begin().await.map_err(unavailable)?;
        update_user_in(&mut tx, write).await?;
        sqlx::query(
            "INSERT INTO user_mfa (user_id, email_enabled, preferred, updated_at) \
             VALUES ($1, 1, 'EMAIL_OTP', $2) ON CONFLICT (user_id) DO UPDATE SET email_enabled = 1, \
             preferred = COALESCE(user_mfa.preferred, 'EMAIL_OTP'), updated_at = excluded.updated_at",
        )
        .bind(write.user.id)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(unavailable)?;
        tx.commit().await.map_err(unavailable)
    }
}
