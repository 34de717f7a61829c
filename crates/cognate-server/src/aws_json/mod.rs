//! The AWS JSON 1.1 endpoint: `POST /` with `X-Amz-Target`, as the AWS SDKs call
//! Cognito. Reads the body (bounded), resolves the operation, checks the caller
//! (SigV4 for IAM operations), runs it, and answers with `x-amzn-RequestId`.
//! Protocol: <https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html>

pub mod dispatch;
pub mod error;

use crate::app::AppState;
use crate::sigv4::{self, SignedRequest};
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, Uri};
use axum::response::{IntoResponse, Response};
use cognate_proto::ErrorType;
use dispatch::{Auth, Handler};
use error::{ApiError, CONTENT_TYPE};
use std::time::Instant;

/// Target prefix of the user-pool service.
pub const USER_POOL_SERVICE: &str = "AWSCognitoIdentityProviderService";

/// Most seconds a signature's date may differ from the server clock.
pub const MAX_SKEW_SECS: i64 = 15 * 60;

/// `POST /`.
pub async fn endpoint(
    State(state): State<AppState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let started = Instant::now();
    let request_id = uuid::Uuid::new_v4().to_string();
    let target = headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let (operation, result) = match resolve(&target) {
        Ok((name, auth, handler)) => {
            let span = tracing::info_span!("request", op = name, request_id = %request_id);
            let _guard = span.enter();
            (
                name,
                run(&state, &method, &uri, &headers, body, auth, handler).await,
            )
        }
        Err(e) => ("unknown", Err(e)),
    };
    let outcome = match &result {
        Ok(_) => "ok",
        Err(e) => e.kind.as_str(),
    };
    crate::observability::record(operation, outcome, started.elapsed());
    tracing::info!(op = operation, outcome, request_id = %request_id, elapsed_ms = started.elapsed().as_millis() as u64, "handled");
    let mut resp = match result {
        Ok(bytes) => {
            let mut r = Response::new(Body::from(bytes));
            r.headers_mut().insert(
                axum::http::header::CONTENT_TYPE,
                HeaderValue::from_static(CONTENT_TYPE),
            );
            r
        }
        Err(e) => e.into_response(),
    };
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        resp.headers_mut().insert("x-amzn-requestid", v);
    }
    resp
}

fn resolve(target: &str) -> Result<(&'static str, Auth, Handler), ApiError> {
    let unknown = || {
        ApiError::new(
            ErrorType::UnknownOperation,
            format!("Unknown operation: {target}"),
        )
    };
    let (service, op) = target.split_once('.').ok_or_else(unknown)?;
    if service != USER_POOL_SERVICE {
        return Err(unknown());
    }
    match dispatch::user_pool_operation(op) {
        Some(o) => Ok((o.name, o.auth, o.handler)),
        None if dispatch::is_known_user_pool_operation(op) => Err(ApiError::new(
            ErrorType::UnsupportedOperation,
            format!("{op} is not supported by this Cognate version."),
        )),
        None => Err(unknown()),
    }
}

async fn run(
    state: &AppState,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: Body,
    auth: Auth,
    handler: Handler,
) -> Result<Vec<u8>, ApiError> {
    let body = read_body(body, state.config.max_body_bytes).await?;
    if auth == Auth::Iam {
        let now = state.core.clock().now_millis() / 1000;
        let req = SignedRequest {
            method: method.as_str(),
            path: uri.path(),
            query: uri.query(),
            headers,
            body: &body,
        };
        sigv4::verify(
            &req,
            "cognito-idp",
            &state.config.region,
            now,
            MAX_SKEW_SECS,
            state.admin.as_ref(),
        )?;
    }
    handler(state.clone(), body).await
}

async fn read_body(body: Body, limit: usize) -> Result<Bytes, ApiError> {
    axum::body::to_bytes(body, limit).await.map_err(|_| {
        ApiError::new(
            ErrorType::RequestEntityTooLarge,
            format!("Request body is larger than {limit} bytes."),
        )
    })
}
