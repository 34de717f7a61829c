//! Why the S3 gateway could not start or keep serving.

/// Errors of the S3 gateway (request-level failures are S3 error responses instead).
#[derive(Debug, thiserror::Error)]
pub enum S3GatewayError {
    /// The storage root could not be created or opened.
    #[error("opening the storage root {path}: {message}")]
    Root {
        /// The configured root.
        path: std::path::PathBuf,
        /// Why it failed.
        message: String,
    },
    /// Accepting connections failed.
    #[error("{context}: {source}")]
    Io {
        /// What was being done.
        context: &'static str,
        /// Why it failed.
        source: std::io::Error,
    },
}
