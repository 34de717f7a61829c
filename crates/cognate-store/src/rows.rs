//! Row decoding shared by the per-concept modules.

use crate::error::unavailable;
use cognate_core::store::{StoreError, StoreResult};
use serde::de::DeserializeOwned;
use sqlx::Row;
use sqlx::any::AnyRow;

/// Reads a column.
pub(crate) fn get<'r, T>(row: &'r AnyRow, col: &str) -> StoreResult<T>
where
    T: sqlx::Decode<'r, sqlx::Any> + sqlx::Type<sqlx::Any>,
{
    row.try_get(col).map_err(unavailable)
}

/// Reads a JSON text column into a value.
pub(crate) fn json<T: DeserializeOwned>(row: &AnyRow, col: &str) -> StoreResult<T> {
    let text: String = get(row, col)?;
    serde_json::from_str(&text).map_err(|e| StoreError::Corrupt(format!("{col}: {e}")))
}

/// Encodes a value as JSON text.
pub(crate) fn to_json<T: serde::Serialize>(value: &T) -> StoreResult<String> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt(e.to_string()))
}
