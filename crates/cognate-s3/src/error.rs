//! Why the S3 gateway could not start (request-level failures are S3 error responses).

/// Errors of the S3 gateway.
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
}
