//! The storage contract for remembered devices: one row per confirmed device, with the
//! device's SRP verifier sealed under the server key. Devices named in
//! `NewDeviceMetadata` but never confirmed are not stored.

use crate::clock::Millis;
use crate::store::StoreResult;
use async_trait::async_trait;

/// A confirmed device (`ConfirmDevice` succeeded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceRecord {
    /// Store-assigned id (0 before insertion); also the listing order.
    pub id: i64,
    /// `<region>_<uuid>`; unique.
    pub device_key: String,
    /// Owning pool.
    pub pool_id: String,
    /// Owner.
    pub user_id: i64,
    /// `DeviceGroupKey`: the SRP realm of the device.
    pub group_key: String,
    /// `DeviceName` from `ConfirmDevice`.
    pub name: Option<String>,
    /// The verifier's salt, lowercase hex of the bytes the client sent.
    pub salt: String,
    /// The verifier `v`, sealed under the server key.
    pub verifier: Vec<u8>,
    /// `remembered` (true) or `not_remembered`.
    pub remembered: bool,
    /// Address of the last sign-in with the device, when known.
    pub last_ip: Option<String>,
    /// Confirmation time.
    pub created_at: Millis,
    /// Last change of status (or confirmation).
    pub updated_at: Millis,
    /// Last sign-in that proved the device.
    pub last_authenticated_at: Option<Millis>,
}

/// Remembered devices.
#[async_trait]
pub trait DeviceStore: Send + Sync {
    /// Inserts a confirmed device and returns its id; a taken key gives
    /// `Conflict{what: "device"}`, an owner that no longer exists `NotFound`.
    async fn insert_device(&self, device: &DeviceRecord) -> StoreResult<i64>;
    /// A device of the pool by key.
    async fn get_device(
        &self,
        pool_id: &str,
        device_key: &str,
    ) -> StoreResult<Option<DeviceRecord>>;
    /// A user's devices in id order after `after`.
    async fn list_devices(
        &self,
        user_id: i64,
        after: Option<i64>,
        limit: usize,
    ) -> StoreResult<Vec<DeviceRecord>>;
    /// Sets the remembered status of one of the user's devices; false if the user has
    /// no such device.
    async fn set_device_remembered(
        &self,
        user_id: i64,
        device_key: &str,
        remembered: bool,
        now: Millis,
    ) -> StoreResult<bool>;
    /// Records a sign-in that proved the device (time, and the address when known).
    async fn touch_device(
        &self,
        user_id: i64,
        device_key: &str,
        now: Millis,
        ip: Option<&str>,
    ) -> StoreResult<()>;
    /// Deletes one of the user's devices and revokes, in the same transaction, the
    /// refresh tokens bound to it and every access token they minted; false if the
    /// user has no such device.
    async fn forget_device(&self, user_id: i64, device_key: &str, now: Millis)
    -> StoreResult<bool>;
}
