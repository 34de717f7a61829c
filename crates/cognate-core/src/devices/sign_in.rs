//! Devices in the sign-in flows: which device a sign-in names, what follows a correct
//! first factor when one is named (§3.4), and the tokens at the end: bound to the named
//! device, or to a new device announced in `NewDeviceMetadata`.
//!
//! Order after the first factor with `DEVICE_KEY` naming a confirmed device of the user:
//! a remembered device in a pool with `ChallengeRequiredOnNewDevice` goes straight to
//! DEVICE_SRP_AUTH (its proof replaces MFA); any other device answers MFA first when the
//! pool asks for it, else proves itself with DEVICE_SRP_AUTH. A key that names no such
//! device (unknown, forgotten, another user's) is ignored: the sign-in continues as from
//! a new device, except in the SRP password step (`Core::known_device_key`).

use super::session::DeviceSession;
use super::store::DeviceRecord;
use super::{DEVICE_SRP_AUTH, DeviceSettings};
use crate::Core;
use crate::auth::client::ClientContext;
use crate::auth::tokens::Grant;
use crate::error::{CoreError, CoreResult};
use crate::store::{AppClientRecord, UserPoolRecord, UserRecord};
use cognate_proto::auth::{AuthResponse, AuthenticationResult, NewDeviceMetadata, StringMap};
use cognate_proto::device::is_device_key;

impl Core {
    /// The confirmed device of `user` that `key` names, when the pool tracks devices.
    pub(crate) async fn named_device(
        &self,
        pool: &UserPoolRecord,
        user: &UserRecord,
        key: Option<&str>,
    ) -> CoreResult<Option<DeviceRecord>> {
        if DeviceSettings::of(pool).is_none() {
            return Ok(None);
        }
        let Some(key) = key.filter(|k| is_device_key(k)) else {
            return Ok(None);
        };
        Ok(self
            .store
            .get_device(&pool.id, key)
            .await?
            .filter(|d| d.user_id == user.id))
    }

    /// The `DEVICE_KEY` sent with the answer to PASSWORD_VERIFIER (USER_SRP_AUTH's
    /// password step), which must name a device of the user in a pool that tracks
    /// devices: else `ResourceNotFoundException` "Device does not exist.".
    ///
    /// Cognito answers so when the key is of a forgotten device, and the clients rely
    /// on it: amazon-cognito-identity-js (PR #206, "Retry PASSWORD_VERIFIER challenge
    /// if device has been forgotten") and Amplify Android, Swift and Flutter catch
    /// that error, drop their stored device and sign in again without it. A client
    /// that kept a forgotten device's key therefore learns to forget it instead of
    /// sending it forever. Elsewhere (InitiateAuth's `AuthParameters`, the answers to
    /// NEW_PASSWORD_REQUIRED and MFA) no such answer from Cognito is documented or
    /// reported, so a key that names no device is ignored there, as before. The check
    /// runs only after the password proof passed, so it tells nothing to a guesser.
    pub(crate) async fn known_device_key(
        &self,
        pool: &UserPoolRecord,
        user: &UserRecord,
        key: Option<&str>,
    ) -> CoreResult<()> {
        let Some(key) = key.filter(|k| !k.is_empty()) else {
            return Ok(());
        };
        if DeviceSettings::of(pool).is_none()
            || self.named_device(pool, user, Some(key)).await?.is_some()
        {
            return Ok(());
        }
        Err(CoreError::ResourceNotFound("Device does not exist.".into()))
    }

    /// Whether this device's proof stands in for MFA: it is remembered and the pool
    /// lets remembered devices skip MFA.
    pub(crate) fn device_replaces_mfa(pool: &UserPoolRecord, device: &DeviceRecord) -> bool {
        device.remembered
            && DeviceSettings::of(pool).is_some_and(|s| s.challenge_required_on_new_device)
    }

    /// The challenge after a correct first factor (and after NEW_PASSWORD_REQUIRED):
    /// device SRP, MFA, or `None` for tokens (see the module docs for the order).
    pub(crate) async fn device_or_mfa_challenge(
        &self,
        ctx: &ClientContext,
        user: &UserRecord,
        auth_time: i64,
        device: Option<&DeviceRecord>,
    ) -> CoreResult<Option<AuthResponse>> {
        let Some(device) = device else {
            return self.mfa_challenge(ctx, user, auth_time).await;
        };
        let skips_mfa = Self::device_replaces_mfa(&ctx.pool, device);
        if !skips_mfa && let Some(mfa) = self.mfa_challenge(ctx, user, auth_time).await? {
            return Ok(Some(mfa));
        }
        Ok(Some(self.device_srp_challenge(
            ctx, user, device, auth_time, skips_mfa,
        )))
    }

    /// DEVICE_SRP_AUTH: `USERNAME` and `DEVICE_KEY`, with a session naming the device.
    fn device_srp_challenge(
        &self,
        ctx: &ClientContext,
        user: &UserRecord,
        device: &DeviceRecord,
        auth_time: i64,
        skips_mfa: bool,
    ) -> AuthResponse {
        let s = DeviceSession {
            id: uuid::Uuid::new_v4().to_string(),
            pool_id: ctx.pool.id.clone(),
            client_id: ctx.client.id.clone(),
            sub: user.sub.clone(),
            device_key: device.device_key.clone(),
            challenge: DEVICE_SRP_AUTH.into(),
            skips_mfa,
            auth_time,
            expires_at: self.now() + ctx.session_minutes() * 60_000,
            event_id: crate::threat::request::sign_in_event(),
        };
        let mut params = StringMap::new();
        params.insert("USERNAME".into(), user.username.clone());
        params.insert("DEVICE_KEY".into(), device.device_key.clone());
        AuthResponse {
            challenge_name: Some(DEVICE_SRP_AUTH.into()),
            session: Some(self.seal_device_session(&s)),
            challenge_parameters: params,
            ..Default::default()
        }
    }

    /// Tokens for a finished sign-in (new token family, refresh token stored). In a pool
    /// that tracks devices they are bound to `device`, or, without one, to a new device
    /// whose key and group key go back in `NewDeviceMetadata` for `ConfirmDevice`.
    pub(crate) async fn device_sign_in_tokens(
        &self,
        pool: &UserPoolRecord,
        client: &AppClientRecord,
        user: &UserRecord,
        auth_time: i64,
        device: Option<&DeviceRecord>,
    ) -> CoreResult<AuthenticationResult> {
        let (device_key, new_device) = match (DeviceSettings::of(pool), device) {
            (None, _) => (None, None),
            (Some(_), Some(d)) => (Some(d.device_key.clone()), None),
            (Some(_), None) => {
                let key = self.new_device_key();
                let group = self.device_group_key(&pool.id, &key);
                (
                    Some(key.clone()),
                    Some(NewDeviceMetadata {
                        device_key: key,
                        device_group_key: group,
                    }),
                )
            }
        };
        let (mut result, refresh) = self
            .issue_tokens(Grant {
                pool,
                client,
                user,
                auth_time,
                origin_jti: uuid::Uuid::new_v4().to_string(),
                event_id: uuid::Uuid::new_v4().to_string(),
                device_key,
                with_refresh_token: true,
                oauth: None,
            })
            .await?;
        if let Some(r) = refresh {
            self.store.insert_refresh_token(&r).await?;
        }
        result.new_device_metadata = new_device;
        Ok(result)
    }

    /// Tokens once MFA passed: bound to the confirmed device the answer names
    /// (`DEVICE_KEY`, as amazon-cognito-identity-js and Amplify send it), else to a new
    /// device. MFA was answered, so no device proof is asked for here.
    pub(crate) async fn tokens_after_mfa(
        &self,
        ctx: &ClientContext,
        user: &UserRecord,
        auth_time: i64,
        device_key: Option<&str>,
    ) -> CoreResult<AuthResponse> {
        let device = self.named_device(&ctx.pool, user, device_key).await?;
        let result = self
            .device_sign_in_tokens(&ctx.pool, &ctx.client, user, auth_time, device.as_ref())
            .await?;
        Ok(AuthResponse {
            authentication_result: Some(result),
            ..Default::default()
        })
    }
}
