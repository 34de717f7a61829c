//! `ApiError`: what a failed AWS JSON call answers, and the one place where domain
//! errors become `__type`, status and message.
//!
//! Body `{"__type": "...", "message": "..."}`, content type
//! `application/x-amz-json-1.1`, and the `x-amzn-ErrorType` header. Internal causes
//! are logged once here and never sent.

use crate::sigv4::SigV4Error;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use cognate_core::CoreError;
use cognate_proto::ErrorType;

/// Content type of every AWS JSON 1.1 reply.
pub const CONTENT_TYPE: &str = "application/x-amz-json-1.1";

/// A failed call.
#[derive(Debug)]
pub struct ApiError {
    /// The `__type`.
    pub kind: ErrorType,
    /// The client-facing message.
    pub message: String,
}

impl ApiError {
    /// An error with a message.
    pub fn new(kind: ErrorType, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }
}

impl From<CoreError> for ApiError {
    fn from(e: CoreError) -> Self {
        if let CoreError::Internal(cause) = &e {
            tracing::error!(error = %cause, "internal error");
        }
        ApiError::new(e.error_type(), e.client_message())
    }
}

impl From<SigV4Error> for ApiError {
    fn from(e: SigV4Error) -> Self {
        let kind = match &e {
            SigV4Error::Missing => ErrorType::MissingAuthenticationToken,
            SigV4Error::Incomplete(_) => ErrorType::IncompleteSignature,
            SigV4Error::UnknownKey => ErrorType::UnrecognizedClient,
            SigV4Error::Invalid(_) => ErrorType::InvalidSignature,
        };
        ApiError::new(kind, e.to_string())
    }
}

impl From<serde_json::Error> for ApiError {
    fn from(e: serde_json::Error) -> Self {
        // serde's message names the offending member type and position, never values.
        ApiError::new(
            ErrorType::Serialization,
            format!("Could not parse request body: {e}"),
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.kind.status()).unwrap_or(StatusCode::BAD_REQUEST);
        let body = serde_json::json!({ "__type": self.kind.as_str(), "message": self.message });
        let mut resp = (status, body.to_string()).into_response();
        let headers = resp.headers_mut();
        headers.insert(
            axum::http::header::CONTENT_TYPE,
            HeaderValue::from_static(CONTENT_TYPE),
        );
        if let Ok(v) = HeaderValue::from_str(&format!("{}:", self.kind.as_str())) {
            headers.insert("x-amzn-errortype", v);
        }
        resp.extensions_mut().insert(self.kind);
        resp
    }
}
