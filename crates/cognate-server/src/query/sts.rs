//! STS over the query protocol: `AssumeRoleWithWebIdentity` (unsigned) and
//! `GetCallerIdentity` (signed with the temporary credentials it describes).

use super::{Params, Raw, Signer, verify_signer, xml};
use crate::app::AppState;
use axum::response::Response;
use cognate_core::CoreError;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// XML namespace of STS replies.
pub const NAMESPACE: &str = "https://sts.amazonaws.com/doc/2011-06-15/";

/// The STS actions answered.
pub fn operation(action: &str) -> Option<&'static str> {
    ["AssumeRoleWithWebIdentity", "GetCallerIdentity"]
        .into_iter()
        .find(|a| *a == action)
}

fn iso(ms: i64) -> String {
    OffsetDateTime::from_unix_timestamp(ms / 1000)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_default()
}

/// Maps a core error to STS's code and status.
pub fn error_response(e: &CoreError, request_id: &str) -> Response {
    let (status, code) = match e {
        CoreError::InvalidIdentityToken(_) => (400, "InvalidIdentityToken"),
        CoreError::ExpiredToken(_) => (400, "ExpiredTokenException"),
        CoreError::AccessDenied(_) => (403, "AccessDenied"),
        CoreError::InvalidParameter(_) => (400, "ValidationError"),
        CoreError::Internal(cause) => {
            tracing::error!(error = %cause, "internal error");
            (500, "InternalFailure")
        }
        _ => (400, "ValidationError"),
    };
    xml::error(status, code, &e.client_message(), NAMESPACE, request_id)
}

/// Runs one STS action.
pub async fn handle(
    state: &AppState,
    op: &str,
    params: &Params,
    raw: Raw<'_>,
    request_id: &str,
) -> Response {
    let result = match op {
        "AssumeRoleWithWebIdentity" => assume_role_with_web_identity(state, params).await,
        _ => get_caller_identity(state, raw).await,
    };
    match result {
        Ok(body) => xml::ok(op, NAMESPACE, &body, request_id),
        Err(e) => error_response(&e, request_id),
    }
}

fn required<'a>(params: &'a Params, name: &str) -> Result<&'a str, CoreError> {
    params
        .get(name)
        .map(String::as_str)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| CoreError::InvalidParameter(format!("1 validation error detected: Value null at '{name}' failed to satisfy constraint: Member must not be null")))
}

async fn assume_role_with_web_identity(
    state: &AppState,
    params: &Params,
) -> Result<String, CoreError> {
    let role = required(params, "RoleArn")?;
    let session = required(params, "RoleSessionName")?;
    let token = required(params, "WebIdentityToken")?;
    let duration = match params.get("DurationSeconds") {
        Some(d) => Some(d.parse::<i64>().map_err(|_| {
            CoreError::InvalidParameter("DurationSeconds must be a number.".into())
        })?),
        None => None,
    };
    let a = state
        .core
        .assume_role_with_web_identity(role, session, token, duration)
        .await?;
    let c = &a.credentials;
    Ok(format!(
        "{}{}<AssumedRoleUser>{}{}</AssumedRoleUser><Credentials>{}{}{}{}</Credentials>{}",
        xml::el("SubjectFromWebIdentityToken", &a.subject),
        xml::el("Audience", &a.audience),
        xml::el("Arn", &a.assumed_role_arn),
        xml::el("AssumedRoleId", &a.assumed_role_id),
        xml::el("AccessKeyId", &c.access_key_id),
        xml::el("SecretAccessKey", &c.secret_access_key),
        xml::el("SessionToken", &c.session_token),
        xml::el("Expiration", &iso(c.expires_at)),
        xml::el("Provider", &a.provider),
    ))
}

async fn get_caller_identity(
    state: &AppState,
    (method, uri, headers, body): Raw<'_>,
) -> Result<String, CoreError> {
    let signer = verify_signer(state, method, uri, headers, body, "sts")
        .await
        .map_err(|e| CoreError::AccessDenied(e.to_string()))?;
    let id = match signer {
        Signer::Admin => cognate_core::sts::CallerIdentity {
            user_id: state.admin.access_key_id().to_owned(),
            account: state.core.account_id().to_owned(),
            arn: format!("arn:aws:iam::{}:root", state.core.account_id()),
        },
        Signer::Temporary {
            access_key_id,
            session_token,
        } => {
            state
                .core
                .caller_identity(&access_key_id, &session_token)
                .await?
        }
    };
    Ok(format!(
        "{}{}{}",
        xml::el("Arn", &id.arn),
        xml::el("UserId", &id.user_id),
        xml::el("Account", &id.account)
    ))
}
