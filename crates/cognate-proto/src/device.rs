//! Remembered-device shapes: `ConfirmDevice`, `GetDevice`, `ListDevices`,
//! `UpdateDeviceStatus`, `ForgetDevice` and their `Admin*` forms.
//! <https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ConfirmDevice.html>

use crate::common::AttributeType;
use serde::{Deserialize, Serialize};

/// `DeviceRememberedStatusType` values.
pub const DEVICE_REMEMBERED_STATUSES: &[&str] = &["remembered", "not_remembered"];

/// `DeviceKey`: `[\w-]+_[0-9a-f-]+`, 1–55 characters (`<region>_<uuid>`).
pub fn is_device_key(s: &str) -> bool {
    match s.rsplit_once('_') {
        Some((region, id)) => {
            s.len() <= 55
                && !region.is_empty()
                && !id.is_empty()
                && region
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
                && id
                    .chars()
                    .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c) || c == '-')
        }
        None => false,
    }
}

/// Pattern text of [`is_device_key`].
pub const DEVICE_KEY_PATTERN: &str = r"[\w-]+_[0-9a-f-]+";

/// `DeviceSecretVerifierConfigType`: the device's SRP verifier, made by the client.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeviceSecretVerifierConfig {
    /// `Base64(PAD(v))`, `v = g^x mod N` (§3.4).
    pub password_verifier: Option<String>,
    /// `Base64(PAD(salt))`.
    pub salt: Option<String>,
}

/// `ConfirmDevice` request.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ConfirmDeviceRequest {
    /// The signed-in user's access token.
    pub access_token: Option<String>,
    /// The key from `NewDeviceMetadata`.
    pub device_key: Option<String>,
    /// The device's SRP verifier.
    pub device_secret_verifier_config: Option<DeviceSecretVerifierConfig>,
    /// A name for the device (1–1024 characters).
    pub device_name: Option<String>,
}

/// `ConfirmDevice` reply.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ConfirmDeviceResponse {
    /// Whether the app must ask the user and call `UpdateDeviceStatus`
    /// (`DeviceOnlyRememberedOnUserPrompt`).
    pub user_confirmation_necessary: bool,
}

/// `DeviceType`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeviceType {
    /// The device key.
    pub device_key: String,
    /// `device_status`, `device_name`, `dev:device_remembered_status`, `last_ip_used`, ...
    pub device_attributes: Vec<AttributeType>,
    /// When the device was confirmed (epoch seconds).
    pub device_create_date: f64,
    /// Last change (epoch seconds).
    pub device_last_modified_date: f64,
    /// Last sign-in with the device (epoch seconds).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub device_last_authenticated_date: Option<f64>,
}

/// `GetDevice` request (the admin form names the pool and user instead of a token).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetDeviceRequest {
    /// The signed-in user's access token (`GetDevice`).
    pub access_token: Option<String>,
    /// The pool (`AdminGetDevice`).
    pub user_pool_id: Option<String>,
    /// The user (`AdminGetDevice`).
    pub username: Option<String>,
    /// The device.
    pub device_key: Option<String>,
}

/// `GetDevice` / `AdminGetDevice` reply.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetDeviceResponse {
    /// The device.
    pub device: DeviceType,
}

/// `ListDevices` request (the admin form names the pool and user instead of a token).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListDevicesRequest {
    /// The signed-in user's access token (`ListDevices`).
    pub access_token: Option<String>,
    /// The pool (`AdminListDevices`).
    pub user_pool_id: Option<String>,
    /// The user (`AdminListDevices`).
    pub username: Option<String>,
    /// Page size, 0–60 (0 or absent: 60).
    pub limit: Option<i64>,
    /// Token of the next page.
    pub pagination_token: Option<String>,
}

/// `ListDevices` / `AdminListDevices` reply.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListDevicesResponse {
    /// One page of devices, oldest first.
    pub devices: Vec<DeviceType>,
    /// Present when more devices follow.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pagination_token: Option<String>,
}

/// `UpdateDeviceStatus` request (the admin form names the pool and user).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateDeviceStatusRequest {
    /// The signed-in user's access token (`UpdateDeviceStatus`).
    pub access_token: Option<String>,
    /// The pool (`AdminUpdateDeviceStatus`).
    pub user_pool_id: Option<String>,
    /// The user (`AdminUpdateDeviceStatus`).
    pub username: Option<String>,
    /// The device.
    pub device_key: Option<String>,
    /// `remembered` or `not_remembered`.
    pub device_remembered_status: Option<String>,
}

/// `ForgetDevice` request (the admin form names the pool and user).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ForgetDeviceRequest {
    /// The signed-in user's access token (`ForgetDevice`).
    pub access_token: Option<String>,
    /// The pool (`AdminForgetDevice`).
    pub user_pool_id: Option<String>,
    /// The user (`AdminForgetDevice`).
    pub username: Option<String>,
    /// The device.
    pub device_key: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_keys_are_region_underscore_lowercase_uuid() {
        assert!(is_device_key(
            "us-east-1_0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
        ));
        assert!(!is_device_key("us-east-1"));
        assert!(!is_device_key("_abc"));
        assert!(!is_device_key("us-east-1_ABC"));
        assert!(!is_device_key(&format!("us-east-1_{}", "a".repeat(60))));
    }
}
