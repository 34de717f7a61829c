//! Translation of sqlx errors into [`StoreError`], detecting unique violations once
//! through sqlx's backend-neutral error kind.

use cognate_core::store::StoreError;
use sqlx::error::ErrorKind;

/// Maps a sqlx error; a unique violation becomes `Conflict { what }`.
pub(crate) fn conflict_as(what: &str) -> impl FnOnce(sqlx::Error) -> StoreError + '_ {
    move |e| match &e {
        sqlx::Error::Database(db) if db.kind() == ErrorKind::UniqueViolation => {
            StoreError::Conflict {
                what: what.to_owned(),
            }
        }
        _ => unavailable(e),
    }
}

/// Any other database failure.
pub(crate) fn unavailable(e: sqlx::Error) -> StoreError {
    StoreError::Unavailable(Box::new(e))
}
