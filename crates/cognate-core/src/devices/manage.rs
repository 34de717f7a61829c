//! The device operations: `ConfirmDevice`, `GetDevice`, `ListDevices`,
//! `UpdateDeviceStatus`, `ForgetDevice` (access token) and `AdminGetDevice`,
//! `AdminListDevices`, `AdminUpdateDeviceStatus`, `AdminForgetDevice` (IAM).
//! <https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ConfirmDevice.html>
//!
//! A device can be confirmed only with an access token that was issued together with
//! its `NewDeviceMetadata` (the token's `device_key` claim names it), so nobody confirms
//! a key they were not given. Users see and change only their own devices; a key of
//! another user's device is answered like an unknown one.

use super::store::DeviceRecord;
use super::{DeviceSettings, verifier_context};
use crate::Core;
use crate::clock::epoch_secs;
use crate::error::{CoreError, CoreResult};
use crate::paging;
use crate::srp;
use crate::store::{StoreError, UserPoolRecord, UserRecord};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use cognate_proto::common::AttributeType;
use cognate_proto::device::{
    ConfirmDeviceRequest, ConfirmDeviceResponse, DEVICE_KEY_PATTERN, DEVICE_REMEMBERED_STATUSES,
    DeviceSecretVerifierConfig, DeviceType, ForgetDeviceRequest, GetDeviceRequest,
    GetDeviceResponse, ListDevicesRequest, ListDevicesResponse, UpdateDeviceStatusRequest,
    is_device_key,
};
use cognate_proto::validate::Validator;

/// `Limit` of `ListDevices` / `AdminListDevices`: 0–60.
const MAX_PAGE: i64 = 60;
/// Largest `PAD(v)`: a 3072-bit value plus the sign byte.
const MAX_VERIFIER_BYTES: usize = 385;
/// Largest salt accepted (clients send 16 bytes, padded to 17).
const MAX_SALT_BYTES: usize = 64;

fn not_found() -> CoreError {
    CoreError::ResourceNotFound("Device does not exist.".into())
}

/// `AdminGetDevice` and `AdminListDevices` model no `UserNotFoundException`: an unknown
/// user is a missing resource there.
fn user_as_resource(e: CoreError) -> CoreError {
    match e {
        CoreError::UserNotFound => CoreError::ResourceNotFound("User does not exist.".into()),
        other => other,
    }
}

fn check_device_key(val: &mut Validator, key: &Option<String>) {
    val.required("deviceKey", key)
        .len("deviceKey", key.as_deref(), 1, 55)
        .pattern(
            "deviceKey",
            key.as_deref(),
            DEVICE_KEY_PATTERN,
            is_device_key,
        );
}

fn base64_bytes(text: &str) -> Option<Vec<u8>> {
    STANDARD
        .decode(text)
        .or_else(|_| STANDARD_NO_PAD.decode(text))
        .ok()
}

/// `(salt hex, v)` from the client's verifier config: Base64 of the padded salt and of
/// `PAD(v)`; `v` must be a usable SRP verifier (not 0 mod N, at most 3072 bits + sign).
fn parse_verifier(config: Option<&DeviceSecretVerifierConfig>) -> CoreResult<(String, Vec<u8>)> {
    let bad = || CoreError::InvalidParameter("Invalid DeviceSecretVerifierConfig.".into());
    let config = config.ok_or_else(|| {
        CoreError::InvalidParameter("Missing required parameter DeviceSecretVerifierConfig".into())
    })?;
    let v = config
        .password_verifier
        .as_deref()
        .and_then(base64_bytes)
        .filter(|v| !v.is_empty() && v.len() <= MAX_VERIFIER_BYTES)
        .ok_or_else(bad)?;
    srp::parse_client_public(&hex::encode(&v)).map_err(|_| bad())?;
    let salt = config
        .salt
        .as_deref()
        .and_then(base64_bytes)
        .filter(|s| !s.is_empty() && s.len() <= MAX_SALT_BYTES)
        .ok_or_else(bad)?;
    Ok((hex::encode(salt), v))
}

/// `DeviceType` as Cognito shows it.
fn describe(d: DeviceRecord) -> DeviceType {
    let mut attrs = vec![AttributeType::new("device_status", "valid")];
    if let Some(name) = d.name {
        attrs.push(AttributeType::new("device_name", name));
    }
    let status = if d.remembered {
        "remembered"
    } else {
        "not_remembered"
    };
    attrs.push(AttributeType::new("dev:device_remembered_status", status));
    if let Some(ip) = d.last_ip {
        attrs.push(AttributeType::new("last_ip_used", ip));
    }
    DeviceType {
        device_key: d.device_key,
        device_attributes: attrs,
        device_create_date: epoch_secs(d.created_at),
        device_last_modified_date: epoch_secs(d.updated_at),
        device_last_authenticated_date: d.last_authenticated_at.map(epoch_secs),
    }
}

impl Core {
    /// `ConfirmDevice`: stores the device's verifier; remembered at once unless the pool
    /// wants the user asked (`UserConfirmationNecessary`).
    pub async fn confirm_device(
        &self,
        req: ConfirmDeviceRequest,
    ) -> CoreResult<ConfirmDeviceResponse> {
        let ctx = self.check_access_token(&req.access_token).await?;
        let mut val = Validator::new();
        check_device_key(&mut val, &req.device_key);
        val.len("deviceName", req.device_name.as_deref(), 1, 1024);
        val.finish().map_err(CoreError::InvalidParameter)?;
        let key = req.device_key.as_deref().unwrap_or_default();
        let settings = DeviceSettings::of(&ctx.pool).ok_or_else(|| {
            CoreError::InvalidParameter("Device tracking is not enabled for this user pool.".into())
        })?;
        let exists = || CoreError::DeviceKeyExists("Device key already exists.".into());
        match self.store.get_device(&ctx.pool.id, key).await? {
            Some(d) if d.user_id == ctx.user.id => return Err(exists()),
            Some(_) => return Err(not_found()),
            None => {}
        }
        if ctx.claims["device_key"].as_str() != Some(key) {
            return Err(not_found());
        }
        let (salt, v) = parse_verifier(req.device_secret_verifier_config.as_ref())?;
        let now = self.now();
        let device = DeviceRecord {
            id: 0,
            device_key: key.to_owned(),
            pool_id: ctx.pool.id.clone(),
            user_id: ctx.user.id,
            group_key: self.device_group_key(&ctx.pool.id, key),
            name: req.device_name.clone(),
            salt,
            verifier: self
                .server_key
                .seal(&verifier_context(&ctx.pool.id, key), &v),
            remembered: !settings.only_remembered_on_user_prompt,
            last_ip: None,
            created_at: now,
            updated_at: now,
            last_authenticated_at: Some(now),
        };
        match self.store.insert_device(&device).await {
            Ok(_) => Ok(ConfirmDeviceResponse {
                user_confirmation_necessary: settings.only_remembered_on_user_prompt,
            }),
            Err(StoreError::Conflict { .. }) => Err(exists()),
            Err(StoreError::NotFound) => Err(CoreError::UserNotFound),
            Err(e) => Err(e.into()),
        }
    }

    /// The user a device request is about: the access token's (`GetDevice`, ...) or,
    /// for the admin forms, the named user of the named pool.
    async fn device_owner(
        &self,
        admin: bool,
        token: &Option<String>,
        pool_id: &Option<String>,
        username: &Option<String>,
    ) -> CoreResult<(UserPoolRecord, UserRecord)> {
        if !admin {
            let ctx = self.check_access_token(token).await?;
            return Ok((ctx.pool, ctx.user));
        }
        let pool_id = crate::user_pool::check_pool_id(pool_id)?;
        let username = crate::user::check_username(username)?;
        let pool = self.load_pool(pool_id).await?;
        let user = self.find_user(&pool, username).await?;
        Ok((pool, user))
    }

    /// One of the user's devices.
    async fn own_device(
        &self,
        pool: &UserPoolRecord,
        user: &UserRecord,
        key: &str,
    ) -> CoreResult<DeviceRecord> {
        self.store
            .get_device(&pool.id, key)
            .await?
            .filter(|d| d.user_id == user.id)
            .ok_or_else(not_found)
    }

    async fn get_device_as(
        &self,
        req: GetDeviceRequest,
        admin: bool,
    ) -> CoreResult<GetDeviceResponse> {
        let mut val = Validator::new();
        check_device_key(&mut val, &req.device_key);
        val.finish().map_err(CoreError::InvalidParameter)?;
        let (pool, user) = self
            .device_owner(admin, &req.access_token, &req.user_pool_id, &req.username)
            .await
            .map_err(user_as_resource)?;
        let key = req.device_key.as_deref().unwrap_or_default();
        let device = self.own_device(&pool, &user, key).await?;
        Ok(GetDeviceResponse {
            device: describe(device),
        })
    }

    /// `GetDevice`.
    pub async fn get_device(&self, req: GetDeviceRequest) -> CoreResult<GetDeviceResponse> {
        self.get_device_as(req, false).await
    }

    /// `AdminGetDevice`.
    pub async fn admin_get_device(&self, req: GetDeviceRequest) -> CoreResult<GetDeviceResponse> {
        self.get_device_as(req, true).await
    }

    async fn list_devices_as(
        &self,
        req: ListDevicesRequest,
        admin: bool,
    ) -> CoreResult<ListDevicesResponse> {
        let mut val = Validator::new();
        val.range("limit", req.limit, 0, MAX_PAGE);
        val.len(
            "paginationToken",
            req.pagination_token.as_deref(),
            1,
            131_072,
        );
        val.finish().map_err(CoreError::InvalidParameter)?;
        let (pool, user) = self
            .device_owner(admin, &req.access_token, &req.user_pool_id, &req.username)
            .await
            .map_err(user_as_resource)?;
        let scope = format!("{}/{}/devices", pool.id, user.sub);
        let after = req
            .pagination_token
            .as_deref()
            .map(|t| paging::decode_i64(&scope, t))
            .transpose()?;
        let size = paging::page_size(req.limit, MAX_PAGE as usize);
        let mut rows = self.store.list_devices(user.id, after, size + 1).await?;
        let pagination_token = if rows.len() > size {
            rows.truncate(size);
            rows.last()
                .map(|d| paging::encode(&scope, &d.id.to_string()))
        } else {
            None
        };
        Ok(ListDevicesResponse {
            devices: rows.into_iter().map(describe).collect(),
            pagination_token,
        })
    }

    /// `ListDevices`: the signed-in user's devices, oldest first, at most 60 a page.
    pub async fn list_devices(&self, req: ListDevicesRequest) -> CoreResult<ListDevicesResponse> {
        self.list_devices_as(req, false).await
    }

    /// `AdminListDevices`.
    pub async fn admin_list_devices(
        &self,
        req: ListDevicesRequest,
    ) -> CoreResult<ListDevicesResponse> {
        self.list_devices_as(req, true).await
    }

    async fn update_device_status_as(
        &self,
        req: UpdateDeviceStatusRequest,
        admin: bool,
    ) -> CoreResult<()> {
        let mut val = Validator::new();
        check_device_key(&mut val, &req.device_key);
        val.one_of(
            "deviceRememberedStatus",
            req.device_remembered_status.as_deref(),
            DEVICE_REMEMBERED_STATUSES,
        );
        val.finish().map_err(CoreError::InvalidParameter)?;
        let (_, user) = self
            .device_owner(admin, &req.access_token, &req.user_pool_id, &req.username)
            .await?;
        let key = req.device_key.as_deref().unwrap_or_default();
        // Absent status: not remembered (the member is optional in the model).
        let remembered = req.device_remembered_status.as_deref() == Some("remembered");
        if !self
            .store
            .set_device_remembered(user.id, key, remembered, self.now())
            .await?
        {
            return Err(not_found());
        }
        Ok(())
    }

    /// `UpdateDeviceStatus`: `remembered` or `not_remembered`.
    pub async fn update_device_status(&self, req: UpdateDeviceStatusRequest) -> CoreResult<()> {
        self.update_device_status_as(req, false).await
    }

    /// `AdminUpdateDeviceStatus`.
    pub async fn admin_update_device_status(
        &self,
        req: UpdateDeviceStatusRequest,
    ) -> CoreResult<()> {
        self.update_device_status_as(req, true).await
    }

    async fn forget_device_as(&self, req: ForgetDeviceRequest, admin: bool) -> CoreResult<()> {
        let mut val = Validator::new();
        check_device_key(&mut val, &req.device_key);
        val.finish().map_err(CoreError::InvalidParameter)?;
        let (_, user) = self
            .device_owner(admin, &req.access_token, &req.user_pool_id, &req.username)
            .await?;
        let key = req.device_key.as_deref().unwrap_or_default();
        if !self.store.forget_device(user.id, key, self.now()).await? {
            return Err(not_found());
        }
        Ok(())
    }

    /// `ForgetDevice`: deletes the device and revokes the tokens bound to it.
    pub async fn forget_device(&self, req: ForgetDeviceRequest) -> CoreResult<()> {
        self.forget_device_as(req, false).await
    }

    /// `AdminForgetDevice`.
    pub async fn admin_forget_device(&self, req: ForgetDeviceRequest) -> CoreResult<()> {
        self.forget_device_as(req, true).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(v: &[u8], salt: &[u8]) -> DeviceSecretVerifierConfig {
        DeviceSecretVerifierConfig {
            password_verifier: Some(STANDARD.encode(v)),
            salt: Some(STANDARD.encode(salt)),
        }
    }

    #[test]
    fn verifier_config_must_be_a_usable_verifier_and_a_salt() {
        let good = srp::make_verifier("-group", "us-east-1_0a", "pw");
        let salt = [0x00, 0x9f, 1, 2];
        let (hex_salt, v) = parse_verifier(Some(&config(&good.verifier, &salt))).unwrap();
        assert_eq!(hex_salt, "009f0102");
        assert_eq!(v, good.verifier);
        assert!(parse_verifier(None).is_err());
        // v ≡ 0 mod N would make the session key public.
        assert!(parse_verifier(Some(&config(&[0], &salt))).is_err());
        assert!(parse_verifier(Some(&config(&[1; 386], &salt))).is_err());
        assert!(parse_verifier(Some(&config(&good.verifier, &[]))).is_err());
        let garbage = DeviceSecretVerifierConfig {
            password_verifier: Some("%%%".into()),
            salt: Some("AQ==".into()),
        };
        assert!(parse_verifier(Some(&garbage)).is_err());
    }
}
