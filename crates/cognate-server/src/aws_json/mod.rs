//! The AWS JSON 1.1 endpoint: `POST /` with `X-Amz-Target`, as the AWS SDKs call
//! Cognito. Reads the body (bounded), resolves the operation, checks the caller
//! (SigV4 for IAM operations), runs it, and answers with `x-amzn-RequestId`.
//! Protocol: <https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html>

pub mod dispatch;
pub mod error;
pub mod identity_dispatch;

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
/// Target prefix of the identity-pool service.
pub const IDENTITY_SERVICE: &str = "AWSCognitoIdentityService";

/// Most seconds a signature's date may differ from the server clock.
pub const MAX_SKEW_SECS: i64 = 15 * 60;

/// `POST /`.
pub async fn endpoint(
    State(state): State<AppState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    extensions: axum::http::Extensions,
    body: Body,
) -> Response {
    if headers.get("x-amz-target").is_none() && is_query_protocol(&method, &uri, &headers) {
        return crate::query::endpoint(state, method, uri, headers, body).await;
    }
    let started = Instant::now();
    let request_id = uuid::Uuid::new_v4().to_string();
    let target = headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let (operation, result) = match resolve(&target) {
        Ok(op) => {
            let span = tracing::info_span!("request", op = op.name, request_id = %request_id);
            let _guard = span.enter();
            (
                op.name,
                run(&state, &method, &uri, &headers, &extensions, body, &op).await,
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

/// The operation a target names: its label, signing service, caller check and handler.
struct Resolved {
    name: &'static str,
    service: &'static str,
    auth: Auth,
    handler: Handler,
}

fn resolve(target: &str) -> Result<Resolved, ApiError> {
    let unknown = || {
        ApiError::new(
            ErrorType::UnknownOperation,
            format!("Unknown operation: {target}"),
        )
    };
    let (service, op) = target.split_once('.').ok_or_else(unknown)?;
    let (found, signing) = match service {
        USER_POOL_SERVICE => (dispatch::user_pool_operation(op), "cognito-idp"),
        IDENTITY_SERVICE => (
            identity_dispatch::identity_operation(op),
            "cognito-identity",
        ),
        _ => return Err(unknown()),
    };
    match found {
        Some(o) => Ok(Resolved {
            name: o.name,
            service: signing,
            auth: o.auth,
            handler: o.handler,
        }),
        None if service == USER_POOL_SERVICE && dispatch::is_known_user_pool_operation(op) => {
            Err(ApiError::new(
                ErrorType::UnsupportedOperation,
                format!("{op} is not supported by this Cognate version."),
            ))
        }
        None => Err(unknown()),
    }
}

async fn run(
    state: &AppState,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    extensions: &axum::http::Extensions,
    body: Body,
    op: &Resolved,
) -> Result<Vec<u8>, ApiError> {
    let body = read_body(body, state.config.max_body_bytes).await?;
    if op.auth != Auth::Iam
        && let Some(class) = crate::ratelimit::Class::of(op.name)
    {
        let ip = crate::ratelimit::client_ip(extensions, headers, state.config.trust_forwarded_for);
        let user = crate::ratelimit::request_user(&body);
        let user = user.as_ref().map(|(c, u)| (c.as_str(), u.as_str()));
        if state.limits.check(class, ip, user).is_err() {
            return Err(ApiError::new(
                ErrorType::TooManyRequests,
                "Too many requests. Slow down and try again later.",
            ));
        }
    }
    if op.auth == Auth::Iam {
        sigv4::require_signed_request(headers, uri.query(), &["x-amz-target", "content-type"])?;
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
            op.service,
            &state.config.region,
            now,
            MAX_SKEW_SECS,
            state.admin.as_ref(),
        )?;
    }
    (op.handler)(state.clone(), body).await
}

async fn read_body(body: Body, limit: usize) -> Result<Bytes, ApiError> {
    axum::body::to_bytes(body, limit).await.map_err(|_| {
        ApiError::new(
            ErrorType::RequestEntityTooLarge,
            format!("Request body is larger than {limit} bytes."),
        )
    })
}

/// Form-encoded bodies (and `GET /?Action=`) belong to the query protocol (IAM, STS).
fn is_query_protocol(method: &Method, uri: &Uri, headers: &HeaderMap) -> bool {
    let form = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    form || (method == Method::GET && uri.query().is_some_and(|q| q.contains("Action=")))
}
