//! The device proof: `RespondToAuthChallenge` DEVICE_SRP_AUTH {USERNAME, DEVICE_KEY,
//! SRP_A} → DEVICE_PASSWORD_VERIFIER {USERNAME, DEVICE_KEY, SALT, SRP_B, SECRET_BLOCK},
//! then {PASSWORD_CLAIM_SIGNATURE, PASSWORD_CLAIM_SECRET_BLOCK, TIMESTAMP} checked with
//! Cognito's SRP where the pool name is the `DeviceGroupKey` and `USER_ID_FOR_SRP` the
//! `DeviceKey` (§3.3, §3.4).
//!
//! Each answer must come with the sealed state of the step before (same pool, client,
//! user and device, unexpired, single-use); the user must still be able to sign in and
//! the device must still be theirs. A wrong signature counts toward the lockout like a
//! wrong password. A proof that stood in for MFA only does so if the device is still
//! remembered when it passes; otherwise MFA is asked for after all.

use super::session::{DeviceSession, DeviceSrpState, invalid_session};
use super::store::DeviceRecord;
use super::{DEVICE_PASSWORD_VERIFIER, DEVICE_SRP_AUTH, verifier_context};
use crate::Core;
use crate::auth::client::ClientContext;
use crate::error::{CoreError, CoreResult};
use crate::srp;
use crate::store::UserRecord;
use crate::threat::resume::issued_tokens;
use crate::user::status;
use cognate_proto::auth::{AuthResponse, StringMap};

/// Most seconds a `TIMESTAMP` may differ from the server clock (as for user SRP).
const TIMESTAMP_SKEW_SECS: i64 = 300;

fn required<'a>(params: &'a StringMap, name: &str) -> CoreResult<&'a str> {
    params
        .get(name)
        .map(String::as_str)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| CoreError::InvalidParameter(format!("Missing required parameter {name}")))
}

fn pad_even(hex_text: &str) -> String {
    if hex_text.len() % 2 == 1 {
        format!("0{hex_text}")
    } else {
        hex_text.to_owned()
    }
}

impl Core {
    /// `RespondToAuthChallenge(DEVICE_SRP_AUTH)`; a refusal ends the sign-in's event
    /// as failed.
    pub(crate) async fn respond_device_srp_auth(
        &self,
        ctx: &ClientContext,
        session: Option<&str>,
        responses: &StringMap,
    ) -> CoreResult<AuthResponse> {
        let text = session.filter(|s| !s.is_empty()).ok_or_else(|| {
            CoreError::InvalidParameter("Missing required parameter Session".into())
        })?;
        let s = self.open_device_session(ctx, text, DEVICE_SRP_AUTH)?;
        let result = self.device_srp_step(ctx, &s, responses).await;
        self.end_sign_in_step(
            &ctx.pool,
            s.event_id.as_deref(),
            None,
            result,
            issued_tokens,
        )
        .await
    }

    async fn device_srp_step(
        &self,
        ctx: &ClientContext,
        s: &DeviceSession,
        responses: &StringMap,
    ) -> CoreResult<AuthResponse> {
        let a_hex = required(responses, "SRP_A")?;
        let a = srp::parse_client_public(a_hex)
            .map_err(|_| CoreError::InvalidParameter("Invalid SRP_A value.".into()))?;
        let (user, device) = self.device_answerer(ctx, s, responses).await?;
        self.spend_device_session(s).await?;
        let verifier = self.open_device_verifier(&device)?;
        let eph = srp::server_ephemeral(&verifier);
        let next = self.next_device_session(ctx, s, DEVICE_PASSWORD_VERIFIER);
        let block = self.seal_device_block(&DeviceSrpState {
            session: next.clone(),
            secret_b: hex::encode(&eph.secret_b),
            public_b: eph.public_b_hex.clone(),
            public_a: hex::encode(a),
        });
        let mut params = StringMap::new();
        params.insert("USERNAME".into(), user.username.clone());
        params.insert("DEVICE_KEY".into(), device.device_key.clone());
        params.insert("SALT".into(), device.salt.clone());
        params.insert("SRP_B".into(), eph.public_b_hex);
        params.insert("SECRET_BLOCK".into(), block);
        Ok(AuthResponse {
            challenge_name: Some(DEVICE_PASSWORD_VERIFIER.into()),
            session: Some(self.seal_device_session(&next)),
            challenge_parameters: params,
            ..Default::default()
        })
    }

    /// `RespondToAuthChallenge(DEVICE_PASSWORD_VERIFIER)`: the proof, then tokens bound
    /// to the device. The sign-in's event (from the secret block) ends `Pass` with the
    /// tokens, which carry its id, or `Fail` with a refusal.
    pub(crate) async fn respond_device_password_verifier(
        &self,
        ctx: &ClientContext,
        session: Option<&str>,
        responses: &StringMap,
    ) -> CoreResult<AuthResponse> {
        let block = required(responses, "PASSWORD_CLAIM_SECRET_BLOCK")?;
        let signature = required(responses, "PASSWORD_CLAIM_SIGNATURE")?;
        let timestamp = required(responses, "TIMESTAMP")?;
        // The secret block carries the state; a Session, when sent, must be its twin.
        let sent = session
            .filter(|t| !t.is_empty())
            .map(|t| self.open_device_session(ctx, t, DEVICE_PASSWORD_VERIFIER))
            .transpose()?;
        let state = self.open_device_block(ctx, block).await?;
        let event_id = state.session.event_id.clone();
        self.resume_sign_in_event(event_id.as_deref());
        let result = self
            .device_claim_step(ctx, sent, &state, responses, (block, signature, timestamp))
            .await;
        self.end_sign_in_step(&ctx.pool, event_id.as_deref(), None, result, issued_tokens)
            .await
    }

    /// The device's password claim (`block`, `signature`, `timestamp`) checked against
    /// the state of the step before.
    async fn device_claim_step(
        &self,
        ctx: &ClientContext,
        sent: Option<DeviceSession>,
        state: &DeviceSrpState,
        responses: &StringMap,
        (block, signature, timestamp): (&str, &str, &str),
    ) -> CoreResult<AuthResponse> {
        let s = &state.session;
        if sent.is_some_and(|t| t.id != s.id) {
            return Err(invalid_session());
        }
        let (user, device) = self.device_answerer(ctx, s, responses).await?;
        self.begin_password_attempt(&user).await?;
        let fresh = srp::parse_timestamp(timestamp)
            .is_some_and(|t| (t - self.now() / 1000).abs() <= TIMESTAMP_SKEW_SECS);
        let verifier = self.open_device_verifier(&device)?;
        let a = hex::decode(pad_even(&state.public_a)).unwrap_or_default();
        let b = hex::decode(&state.secret_b).unwrap_or_default();
        let check = srp::ClaimCheck {
            realm: &device.group_key,
            user_id: &device.device_key,
            salt_hex: &device.salt,
            verifier: &verifier,
            client_public_a: &a,
            secret_b: &b,
            public_b_hex: &state.public_b,
            secret_block_b64: block,
            timestamp,
            signature_b64: signature,
        };
        if !fresh || srp::verify_claim(&check).is_err() {
            return Err(CoreError::bad_credentials());
        }
        self.device_proven(ctx, &user, &device, s).await
    }

    /// The device passed: MFA after all if it no longer stands in for it, else tokens.
    async fn device_proven(
        &self,
        ctx: &ClientContext,
        user: &UserRecord,
        device: &DeviceRecord,
        s: &DeviceSession,
    ) -> CoreResult<AuthResponse> {
        let now = self.now();
        self.store
            .touch_device(user.id, &device.device_key, now, None)
            .await?;
        if s.skips_mfa
            && !Self::device_replaces_mfa(&ctx.pool, device)
            && let Some(mfa) = self.mfa_challenge(ctx, user, s.auth_time).await?
        {
            self.store.forgive_failure(user.id).await?;
            return Ok(mfa);
        }
        self.store.clear_failures(user.id).await?;
        let result = self
            .device_sign_in_tokens(&ctx.pool, &ctx.client, user, s.auth_time, Some(device))
            .await?;
        Ok(AuthResponse {
            authentication_result: Some(result),
            ..Default::default()
        })
    }

    /// The user and device a device-step answer is for: `DEVICE_KEY` and `USERNAME` (and
    /// `SECRET_HASH` for clients with a secret) must name the session's device and user;
    /// the user must still be able to sign in and the device must still be theirs.
    async fn device_answerer(
        &self,
        ctx: &ClientContext,
        s: &DeviceSession,
        responses: &StringMap,
    ) -> CoreResult<(UserRecord, DeviceRecord)> {
        let named = required(responses, "USERNAME")?;
        ctx.check_secret_hash(named, responses.get("SECRET_HASH").map(String::as_str))?;
        if required(responses, "DEVICE_KEY")? != s.device_key {
            return Err(invalid_session());
        }
        let user = self
            .store
            .find_user_by_sub(&ctx.pool.id, &s.sub)
            .await?
            .ok_or_else(invalid_session)?;
        if named != user.username {
            let same = match self.find_user(&ctx.pool, named).await {
                Ok(other) => other.sub == user.sub,
                Err(CoreError::UserNotFound) => false,
                Err(e) => return Err(e),
            };
            if !same {
                return Err(invalid_session());
            }
        }
        Self::check_can_sign_in(&user)?;
        if user.status != status::CONFIRMED {
            return Err(invalid_session());
        }
        let device = self
            .named_device(&ctx.pool, &user, Some(&s.device_key))
            .await?
            .ok_or_else(|| CoreError::ResourceNotFound("Device does not exist.".into()))?;
        Ok((user, device))
    }

    /// The device's verifier `v`, unsealed.
    fn open_device_verifier(&self, device: &DeviceRecord) -> CoreResult<Vec<u8>> {
        self.server_key
            .open(
                &verifier_context(&device.pool_id, &device.device_key),
                &device.verifier,
            )
            .ok_or_else(|| {
                CoreError::Internal("a device verifier does not open under the server key".into())
            })
    }
}
