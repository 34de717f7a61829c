//! `BreachError`: why a filter could not be built, read or queried.

use std::path::PathBuf;

/// A filter that could not be built, read or queried.
#[derive(Debug, thiserror::Error)]
pub enum BreachError {
    /// An I/O operation on a file failed.
    #[error("{path}: {error}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why (part of the message, so not repeated as a source).
        error: std::io::Error,
    },
    /// The bytes do not start with the filter magic.
    #[error("not a breached-password filter (bad magic bytes)")]
    NotAFilter,
    /// The filter was written by a newer format version.
    #[error("unsupported filter format version {0} (this build reads version 1)")]
    UnsupportedVersion(u32),
    /// The file is shorter (or longer) than its header says.
    #[error("filter is truncated or has trailing bytes: expected {expected} bytes, found {found}")]
    Truncated {
        /// Length the header implies.
        expected: u64,
        /// Actual length.
        found: u64,
    },
    /// The header holds impossible parameters or the checksum does not match.
    #[error("filter is corrupt: {0}")]
    Corrupt(String),
    /// A line of a Pwned Passwords file is not `HEX40` or `HEX40:COUNT`.
    #[error("line {line}: {message}")]
    Parse {
        /// 1-based line number.
        line: u64,
        /// What is wrong with it.
        message: String,
    },
    /// Requested parameters cannot be honoured (false-positive rate, size).
    #[error("invalid filter parameters: {0}")]
    InvalidParameters(String),
    /// The bit array could not be allocated.
    #[error("cannot allocate {bytes} bytes for the filter")]
    OutOfMemory {
        /// Size of the allocation that failed.
        bytes: u64,
    },
    /// An error about a particular file.
    #[error("{path}: {error}")]
    InFile {
        /// The file.
        path: PathBuf,
        /// What is wrong with it (part of the message, so not repeated as a source).
        error: Box<BreachError>,
    },
}

impl BreachError {
    pub(crate) fn io(path: &std::path::Path, error: std::io::Error) -> Self {
        BreachError::Io {
            path: path.to_owned(),
            error,
        }
    }

    pub(crate) fn in_file(path: &std::path::Path, error: BreachError) -> Self {
        match error {
            e @ (BreachError::Io { .. } | BreachError::InFile { .. }) => e,
            other => BreachError::InFile {
                path: path.to_owned(),
                error: Box::new(other),
            },
        }
    }
}
