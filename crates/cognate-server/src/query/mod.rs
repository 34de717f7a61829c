//! The AWS query protocol on `POST /` (form-encoded `Action=...`, no `X-Amz-Target`):
//! the IAM role subset and STS. IAM calls must be SigV4-signed with the admin key;
//! `AssumeRoleWithWebIdentity` is unsigned, as in AWS; `GetCallerIdentity` is signed
//! with the temporary credentials it describes.
//! <https://docs.aws.amazon.com/IAM/latest/APIReference/iam-api.pdf>

pub mod iam;
pub mod sts;
pub mod xml;

use crate::app::AppState;
use crate::sigv4::{self, SecretLookup, SignedRequest};
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Method, Uri};
use axum::response::Response;
use std::collections::BTreeMap;

/// Form parameters of one request.
pub type Params = BTreeMap<String, String>;

/// A verified signer.
#[derive(Debug, Clone)]
pub enum Signer {
    /// The admin key.
    Admin,
    /// Temporary credentials with their session token.
    Temporary {
        /// Access key id.
        access_key_id: String,
        /// Session token.
        session_token: String,
    },
}

struct OneKey(String, String);

impl SecretLookup for OneKey {
    fn secret_for(&self, access_key_id: &str) -> Option<String> {
        (!self.0.is_empty() && access_key_id == self.0).then(|| self.1.clone())
    }
}

fn access_key_in(headers: &HeaderMap, query: Option<&str>) -> Option<String> {
    let auth = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let from_header = auth
        .split("Credential=")
        .nth(1)
        .and_then(|c| c.split('/').next());
    let from_query = query.and_then(|q| {
        q.split('&')
            .find_map(|kv| kv.strip_prefix("X-Amz-Credential="))
            .and_then(|c| c.split("%2F").next().or_else(|| c.split('/').next()))
    });
    from_header.or(from_query).map(str::to_owned)
}

/// Verifies the request's SigV4 signature for `service` against the admin key or live
/// temporary credentials.
pub async fn verify_signer(
    state: &AppState,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
    service: &str,
) -> Result<Signer, sigv4::SigV4Error> {
    let req = SignedRequest {
        method: method.as_str(),
        path: uri.path(),
        query: uri.query(),
        headers,
        body,
    };
    if service != "s3" {
        sigv4::require_signed_request(headers, uri.query(), &["content-type"])?;
    }
    let now = state.core.clock().now_millis() / 1000;
    let region = state.config.region.as_str();
    let key = access_key_in(headers, uri.query()).unwrap_or_default();
    if state.admin.secret_for(&key).is_some() {
        sigv4::verify(
            &req,
            service,
            region,
            now,
            crate::aws_json::MAX_SKEW_SECS,
            state.admin.as_ref(),
        )?;
        return Ok(Signer::Admin);
    }
    let secret = state.core.credentials_secret(&key).await.ok().flatten();
    let lookup = match secret.filter(|_| !key.is_empty()) {
        Some(secret) => OneKey(key.clone(), secret),
        // An unknown key: `verify` still reports malformed requests as such, and then
        // answers UnknownKey because this lookup knows no key at all.
        None => OneKey(String::new(), String::new()),
    };
    let caller = sigv4::verify(
        &req,
        service,
        region,
        now,
        crate::aws_json::MAX_SKEW_SECS,
        &lookup,
    )?;
    Ok(Signer::Temporary {
        access_key_id: caller.access_key_id,
        session_token: caller.session_token.unwrap_or_default(),
    })
}

/// `POST /` (or `GET /?Action=`) without `X-Amz-Target`.
pub async fn endpoint(
    state: AppState,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let request_id = uuid::Uuid::new_v4().to_string();
    let bytes = match axum::body::to_bytes(body, state.config.max_body_bytes).await {
        Ok(b) => b,
        Err(_) => {
            return xml::error(
                413,
                "RequestEntityTooLarge",
                "Request body is too large.",
                sts::NAMESPACE,
                &request_id,
            );
        }
    };
    let params = parse_params(&uri, &bytes);
    let action = params.get("Action").cloned().unwrap_or_default();
    let started = std::time::Instant::now();
    let (label, resp) = if let Some(op) = iam::operation(&action) {
        (
            op,
            iam::handle(
                &state,
                op,
                &params,
                (&method, &uri, &headers, &bytes),
                &request_id,
            )
            .await,
        )
    } else if let Some(op) = sts::operation(&action) {
        (
            op,
            sts::handle(
                &state,
                op,
                &params,
                (&method, &uri, &headers, &bytes),
                &request_id,
            )
            .await,
        )
    } else {
        let resp = xml::error(
            400,
            "InvalidAction",
            &format!("Could not find operation {}", xml::esc(&action)),
            sts::NAMESPACE,
            &request_id,
        );
        ("unknown", resp)
    };
    let outcome = if resp.status().is_success() {
        "ok"
    } else {
        "error"
    };
    crate::observability::record(label, outcome, started.elapsed());
    resp
}

fn parse_params(uri: &Uri, body: &Bytes) -> Params {
    let mut params = Params::new();
    let mut add = |raw: &[u8]| {
        if let Ok(pairs) = serde_urlencoded::from_bytes::<Vec<(String, String)>>(raw) {
            params.extend(pairs);
        }
    };
    if let Some(q) = uri.query() {
        add(q.as_bytes());
    }
    add(body);
    params
}

/// The request as the handlers need it for signature checks.
pub type Raw<'a> = (&'a Method, &'a Uri, &'a HeaderMap, &'a Bytes);
