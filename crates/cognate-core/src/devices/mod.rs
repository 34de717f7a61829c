//! Remembered devices (device tracking), §3.4 of the wire fact sheet: a pool with
//! `DeviceConfiguration` hands every sign-in from an unknown device a new
//! `NewDeviceMetadata{DeviceKey, DeviceGroupKey}`; `ConfirmDevice` stores the device's SRP
//! verifier; later sign-ins that name the device prove it with DEVICE_SRP_AUTH /
//! DEVICE_PASSWORD_VERIFIER (Cognito's SRP with the group key as realm and the device
//! key as user id), which replaces MFA for a remembered device when
//! `ChallengeRequiredOnNewDevice` is set. Tokens carry `device_key` and refresh tokens are
//! bound to the device. <https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-device-tracking.html>
//!
//! Invariants: only confirmed devices are stored, each with its verifier sealed under the
//! server key; a device is confirmed only with an access token issued with that device's
//! key; a device key skips nothing unless it names a confirmed, remembered device of the
//! user signing in and the device proof passes; forgetting a device revokes the tokens
//! bound to it.

pub mod manage;
mod session;
pub mod sign_in;
mod srp_steps;
pub mod store;

use crate::Core;
use crate::store::UserPoolRecord;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// `DEVICE_SRP_AUTH`.
pub const DEVICE_SRP_AUTH: &str = "DEVICE_SRP_AUTH";
/// `DEVICE_PASSWORD_VERIFIER`.
pub const DEVICE_PASSWORD_VERIFIER: &str = "DEVICE_PASSWORD_VERIFIER";

/// A pool's `DeviceConfiguration`; present exactly when the pool tracks devices
/// (Cognito: "when you provide a value for any property of DeviceConfiguration, you
/// activate device remembering").
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeviceSettings {
    /// A remembered device may sign in with device authentication instead of MFA.
    pub challenge_required_on_new_device: bool,
    /// `ConfirmDevice` leaves the device not remembered until `UpdateDeviceStatus`.
    pub only_remembered_on_user_prompt: bool,
}

impl DeviceSettings {
    /// The pool's settings, or `None` when it does not track devices.
    pub fn of(pool: &UserPoolRecord) -> Option<Self> {
        let v = pool
            .settings
            .device_configuration
            .as_ref()
            .filter(|v| v.is_object())?;
        let flag = |name: &str| v.get(name).and_then(serde_json::Value::as_bool) == Some(true);
        Some(Self {
            challenge_required_on_new_device: flag("ChallengeRequiredOnNewDevice"),
            only_remembered_on_user_prompt: flag("DeviceOnlyRememberedOnUserPrompt"),
        })
    }
}

/// Sealing context of a device's verifier: bound to the pool and the device key, so a
/// sealed verifier copied to another row does not open.
fn verifier_context(pool_id: &str, device_key: &str) -> String {
    format!("device-verifier/{pool_id}/{device_key}")
}

impl Core {
    /// A new `DeviceKey`: `<region>_<uuid>`.
    fn new_device_key(&self) -> String {
        format!("{}_{}", self.settings.region, uuid::Uuid::new_v4())
    }

    /// The `DeviceGroupKey` of a device key: derived with the server key, so nothing is
    /// stored for devices that are never confirmed and `ConfirmDevice` finds the same
    /// value the client used in its verifier.
    fn device_group_key(&self, pool_id: &str, device_key: &str) -> String {
        let mac = self.server_key.mac_hex(
            "device-group-key",
            format!("{pool_id}\n{device_key}").as_bytes(),
        );
        let bytes = hex::decode(mac.get(..12).unwrap_or_default()).unwrap_or_default();
        format!("-{}", URL_SAFE_NO_PAD.encode(bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pool(config: Option<serde_json::Value>) -> UserPoolRecord {
        let settings = cognate_proto::user_pool::UserPoolSettings {
            device_configuration: config,
            ..Default::default()
        };
        UserPoolRecord {
            id: "us-east-1_abc".into(),
            name: "p".into(),
            settings,
            schema: Vec::new(),
            created_at: 0,
            updated_at: 0,
            version: 0,
        }
    }

    #[test]
    fn device_configuration_turns_tracking_on_with_its_flags() {
        assert_eq!(DeviceSettings::of(&pool(None)), None);
        assert_eq!(DeviceSettings::of(&pool(Some(json!(null)))), None);
        assert_eq!(
            DeviceSettings::of(&pool(Some(json!({})))),
            Some(DeviceSettings::default())
        );
        let s = DeviceSettings::of(&pool(Some(json!({
            "ChallengeRequiredOnNewDevice": true,
            "DeviceOnlyRememberedOnUserPrompt": false
        }))))
        .unwrap();
        assert!(s.challenge_required_on_new_device);
        assert!(!s.only_remembered_on_user_prompt);
    }
}
