//! AWS Signature Version 4 verification for signed admin requests.
//!
//! This is the server side of [SigV4](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv.html):
//! the canonical request is rebuilt from what was actually received (method, path, query,
//! headers, body), the signing key is derived from the caller's secret, and the signature is
//! compared in constant time. Both the `Authorization` header form and the presigned
//! query-string form (`X-Amz-Signature=...`) are accepted.

use axum::http::HeaderMap;
use axum::http::header::{AUTHORIZATION, DATE};
use hmac::{Hmac, KeyInit, Mac};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, percent_encode};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use time::format_description::BorrowedFormatItem;
use time::macros::format_description;
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time};

/// What the verifier needs to know about one HTTP request.
pub struct SignedRequest<'a> {
    /// HTTP method, e.g. `"POST"`.
    pub method: &'a str,
    /// Raw path as received (still percent-encoded), e.g. `"/"`.
    pub path: &'a str,
    /// Raw query string without the leading `?`, if any.
    pub query: Option<&'a str>,
    /// All request headers. For HTTP/2 requests the caller must make sure a `host`
    /// header is present (copy it from the `:authority` / URI authority).
    pub headers: &'a HeaderMap,
    /// The complete request body.
    pub body: &'a [u8],
}

/// The verified caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// Access key id from the credential scope; its signature has been verified.
    pub access_key_id: String,
    /// `X-Amz-Security-Token` sent with the request (header, or query parameter for
    /// presigned requests), signed or not. The caller decides what to do with it.
    pub session_token: Option<String>,
}

/// Why a request failed SigV4 verification. Each variant maps to one AWS error type.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SigV4Error {
    /// No Authorization header (and no presigned query): maps to MissingAuthenticationTokenException.
    #[error("Missing Authentication Token")]
    Missing,
    /// Authorization header / presigned query present but malformed, missing parts, missing
    /// date, unsupported algorithm, host not signed or a signed header absent:
    /// maps to IncompleteSignatureException.
    #[error("{0}")]
    Incomplete(String),
    /// Access key unknown: maps to UnrecognizedClientException.
    #[error("The security token included in the request is invalid.")]
    UnknownKey,
    /// Signature mismatch, body hash mismatch, wrong scope, or date outside the allowed
    /// skew / presign expiry: maps to InvalidSignatureException.
    #[error("{0}")]
    Invalid(String),
}

/// Looks up the secret for an access key id. Returns None when the key is unknown.
pub trait SecretLookup {
    /// Returns the secret access key for `access_key_id`, or `None` if the key is unknown.
    fn secret_for(&self, access_key_id: &str) -> Option<String>;
}

const ALGORITHM: &str = "AWS4-HMAC-SHA256";
const TERMINATOR: &str = "aws4_request";
const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";
const CONTENT_SHA256: &str = "x-amz-content-sha256";
const SECURITY_TOKEN: &str = "x-amz-security-token";
const MISMATCH: &str = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";
/// Longest validity AWS accepts for a presigned request (one week).
const MAX_PRESIGN_EXPIRES: i64 = 604_800;
/// Longest excerpt of client input echoed back in an error message.
const MAX_ECHO_CHARS: usize = 64;

/// Everything except AWS's unreserved set `A-Z a-z 0-9 - _ . ~` is percent-encoded.
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');
/// Like [`UNRESERVED`] but keeps `/` (used for the canonical URI).
const PATH_SET: &AsciiSet = &UNRESERVED.remove(b'/');

const AMZ_DATE_FORMAT: &[BorrowedFormatItem<'static>] =
    format_description!("[year][month][day]T[hour][minute][second]Z");
const HTTP_DATE_FORMAT: &[BorrowedFormatItem<'static>] = format_description!(
    "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
);

type HmacSha256 = Hmac<Sha256>;

/// Decoded query parameter (raw bytes after percent-decoding).
type Param = (Vec<u8>, Vec<u8>);

/// Authentication parameters, from either the header or the presigned query.
struct AuthParams {
    access_key_id: String,
    scope_date: String,
    scope_region: String,
    scope_service: String,
    scope_terminator: String,
    signed_headers: Vec<String>,
    signature: String,
    /// Request timestamp in ISO 8601 basic format (`YYYYMMDDTHHMMSSZ`).
    amz_date: String,
    /// `X-Amz-Expires` for presigned requests.
    expires: Option<i64>,
    session_token: Option<String>,
    presigned: bool,
}

/// Verifies `req` as a SigV4 request for `service` in `region` at time `now` (unix seconds),
/// allowing `max_skew_secs` (900) of clock skew either way.
///
/// Header-signed requests must carry a request date within `max_skew_secs` of `now_unix`.
/// Presigned requests must not be dated more than `max_skew_secs` in the future and expire
/// `X-Amz-Expires` seconds after their date (if `X-Amz-Expires` is absent, the same skew
/// window as for header auth applies).
///
/// The payload hash is always the SHA-256 of `req.body`, except that a request carrying
/// `x-amz-content-sha256: UNSIGNED-PAYLOAD` (and presigned requests without that header) are
/// signed over the literal `UNSIGNED-PAYLOAD`, i.e. their body is *not* authenticated.
/// An `x-amz-content-sha256` that disagrees with the body yields [`SigV4Error::Invalid`].
pub fn verify(
    req: &SignedRequest<'_>,
    service: &str,
    region: &str,
    now_unix: i64,
    max_skew_secs: i64,
    keys: &dyn SecretLookup,
) -> Result<Caller, SigV4Error> {
    let params = parse_query(req.query);
    let presigned = params.iter().any(|(k, _)| {
        k == b"X-Amz-Algorithm" || k == b"X-Amz-Signature" || k == b"X-Amz-Credential"
    });
    let has_header = req.headers.contains_key(AUTHORIZATION);
    let auth = match (has_header, presigned) {
        (false, false) => return Err(SigV4Error::Missing),
        (true, true) => {
            return Err(incomplete(
                "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter or the Authorization header should be specified.",
            ));
        }
        (true, false) => parse_header_auth(req.headers)?,
        (false, true) => parse_presigned_auth(&params, req.headers)?,
    };

    if !auth.signed_headers.iter().any(|h| h == "host") {
        return Err(incomplete(
            "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
        ));
    }
    let canonical_headers = canonical_headers(req.headers, &auth.signed_headers)?;
    let request_time = parse_amz_date(&auth.amz_date).ok_or_else(|| {
        incomplete(format!(
            "Date must be in ISO-8601 'basic format'. Got '{}'. See http://en.wikipedia.org/wiki/ISO_8601",
            echo(&auth.amz_date)
        ))
    })?;

    check_scope(&auth, service, region)?;
    check_time(&auth, request_time, now_unix, max_skew_secs)?;

    let secret = keys
        .secret_for(&auth.access_key_id)
        .ok_or(SigV4Error::UnknownKey)?;

    let payload_hash = payload_hash(req.headers, req.body, auth.presigned)?;
    let canonical_uri = canonical_uri(req.path, service);
    let canonical_query = canonical_query(&params, auth.presigned);
    let signed_headers = auth.signed_headers.join(";");
    let canonical_request = format!(
        "{}\n{canonical_uri}\n{canonical_query}\n{canonical_headers}\n{signed_headers}\n{payload_hash}",
        req.method
    );
    let scope = format!(
        "{}/{}/{}/{TERMINATOR}",
        auth.scope_date, auth.scope_region, auth.scope_service
    );
    let string_to_sign = format!(
        "{ALGORITHM}\n{}\n{scope}\n{}",
        auth.amz_date,
        hex::encode(Sha256::digest(canonical_request.as_bytes()))
    );
    let k_date = hmac_sha256(
        format!("AWS4{secret}").as_bytes(),
        auth.scope_date.as_bytes(),
    )?;
    let k_region = hmac_sha256(&k_date, auth.scope_region.as_bytes())?;
    let k_service = hmac_sha256(&k_region, auth.scope_service.as_bytes())?;
    let k_signing = hmac_sha256(&k_service, TERMINATOR.as_bytes())?;
    let expected = hex::encode(hmac_sha256(&k_signing, string_to_sign.as_bytes())?);

    // `ct_eq` on slices of different lengths returns false without comparing contents.
    if bool::from(expected.as_bytes().ct_eq(auth.signature.as_bytes())) {
        Ok(Caller {
            access_key_id: auth.access_key_id,
            session_token: auth.session_token,
        })
    } else {
        Err(SigV4Error::Invalid(MISMATCH.to_owned()))
    }
}

fn incomplete(msg: impl Into<String>) -> SigV4Error {
    SigV4Error::Incomplete(msg.into())
}

fn invalid(msg: impl Into<String>) -> SigV4Error {
    SigV4Error::Invalid(msg.into())
}

/// A short, single-line excerpt of client input, safe to put in an error message.
fn echo(s: &str) -> String {
    let mut out: String = s
        .chars()
        .take(MAX_ECHO_CHARS)
        .map(|c| if c.is_control() { '?' } else { c })
        .collect();
    if s.chars().nth(MAX_ECHO_CHARS).is_some() {
        out.push_str("...");
    }
    out
}

fn hmac_sha256(key: &[u8], data: &[u8]) -> Result<[u8; 32], SigV4Error> {
    // HMAC accepts keys of any length, so this never fails in practice.
    let mut mac = HmacSha256::new_from_slice(key).map_err(|_| invalid(MISMATCH))?;
    mac.update(data);
    Ok(mac.finalize().into_bytes().into())
}

fn parse_query(query: Option<&str>) -> Vec<Param> {
    query
        .unwrap_or("")
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (
                percent_decode_str(k).collect(),
                percent_decode_str(v).collect(),
            )
        })
        .collect()
}

/// Header `name` as a string, `None` if absent; error if it is not visible ASCII.
fn header_str<'h>(headers: &'h HeaderMap, name: &str) -> Result<Option<&'h str>, SigV4Error> {
    match headers.get(name) {
        None => Ok(None),
        Some(v) => v
            .to_str()
            .map(Some)
            .map_err(|_| incomplete(format!("Header '{name}' contains invalid characters."))),
    }
}

fn parse_header_auth(headers: &HeaderMap) -> Result<AuthParams, SigV4Error> {
    if headers.get_all(AUTHORIZATION).iter().nth(1).is_some() {
        return Err(incomplete(
            "Multiple Authorization headers are not allowed.",
        ));
    }
    let value = header_str(headers, AUTHORIZATION.as_str())?
        .unwrap_or("")
        .trim();
    let (algorithm, rest) = value
        .split_once(|c: char| c.is_ascii_whitespace())
        .unwrap_or((value, ""));
    if !algorithm.is_empty() && algorithm != ALGORITHM {
        return Err(incomplete(format!(
            "Unsupported AWS 'algorithm': '{}'. Only '{ALGORITHM}' is supported.",
            echo(algorithm)
        )));
    }

    let (mut credential, mut signed_headers, mut signature) = (None, None, None);
    for part in rest.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let Some((key, val)) = part.split_once('=') else {
            return Err(incomplete(format!(
                "'{}' not a valid key=value pair (missing equal-sign) in Authorization header.",
                echo(part)
            )));
        };
        let key = key.trim();
        let slot = match key {
            "Credential" => &mut credential,
            "SignedHeaders" => &mut signed_headers,
            "Signature" => &mut signature,
            _ => continue,
        };
        if slot.is_some() {
            return Err(incomplete(format!(
                "Authorization header contains parameter '{key}' more than once."
            )));
        }
        *slot = Some(val.trim());
    }

    // Request date: x-amz-date, falling back to an RFC 1123 Date header.
    let amz_date = match header_str(headers, "x-amz-date")? {
        Some(d) => Some(d.trim().to_owned()),
        None => match header_str(headers, DATE.as_str())? {
            Some(d) => Some(http_date_to_amz(d.trim()).ok_or_else(|| {
                incomplete(format!(
                    "Date header must be an RFC 1123 date. Got '{}'.",
                    echo(d)
                ))
            })?),
            None => None,
        },
    };

    let mut problems = Vec::new();
    for (name, present) in [
        ("Credential", credential.is_some()),
        ("Signature", signature.is_some()),
        ("SignedHeaders", signed_headers.is_some()),
    ] {
        if !present {
            problems.push(format!("Authorization header requires '{name}' parameter."));
        }
    }
    if amz_date.is_none() {
        problems.push(
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."
                .to_owned(),
        );
    }
    let (Some(credential), Some(signed_headers), Some(signature), Some(amz_date)) =
        (credential, signed_headers, signature, amz_date)
    else {
        return Err(incomplete(problems.join(" ")));
    };

    let session_token = header_str(headers, SECURITY_TOKEN)
        .ok()
        .flatten()
        .map(str::to_owned);
    build_params(
        credential,
        signed_headers,
        signature,
        amz_date,
        None,
        session_token,
        false,
    )
}

fn parse_presigned_auth(params: &[Param], headers: &HeaderMap) -> Result<AuthParams, SigV4Error> {
    let get = |name: &str| -> Result<Option<String>, SigV4Error> {
        let mut found = params.iter().filter(|(k, _)| k == name.as_bytes());
        let Some((_, v)) = found.next() else {
            return Ok(None);
        };
        if found.next().is_some() {
            return Err(incomplete(format!(
                "Query parameter '{name}' must not be repeated."
            )));
        }
        String::from_utf8(v.clone())
            .map(Some)
            .map_err(|_| incomplete(format!("Query parameter '{name}' is not valid UTF-8.")))
    };

    let (Some(algorithm), Some(credential), Some(signature), Some(signed_headers), Some(amz_date)) = (
        get("X-Amz-Algorithm")?,
        get("X-Amz-Credential")?,
        get("X-Amz-Signature")?,
        get("X-Amz-SignedHeaders")?,
        get("X-Amz-Date")?,
    ) else {
        return Err(incomplete(
            "AWS query-string parameters must include 'X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature', 'X-Amz-SignedHeaders', 'X-Amz-Date'. Re-examine the query-string parameters.",
        ));
    };
    if algorithm != ALGORITHM {
        return Err(incomplete(format!(
            "Unsupported AWS 'algorithm': '{}'. Only '{ALGORITHM}' is supported.",
            echo(&algorithm)
        )));
    }
    let expires = match get("X-Amz-Expires")? {
        None => None,
        Some(e) => {
            let e: i64 = e
                .trim()
                .parse()
                .map_err(|_| incomplete("X-Amz-Expires should be a number"))?;
            if e < 0 {
                return Err(incomplete("X-Amz-Expires must be non-negative"));
            }
            if e > MAX_PRESIGN_EXPIRES {
                return Err(incomplete(format!(
                    "X-Amz-Expires must be less than a week (in seconds) that is {MAX_PRESIGN_EXPIRES}"
                )));
            }
            Some(e)
        }
    };
    let session_token = match get("X-Amz-Security-Token")? {
        Some(t) => Some(t),
        None => header_str(headers, SECURITY_TOKEN)
            .ok()
            .flatten()
            .map(str::to_owned),
    };
    build_params(
        &credential,
        &signed_headers,
        &signature,
        amz_date,
        expires,
        session_token,
        true,
    )
}

fn build_params(
    credential: &str,
    signed_headers: &str,
    signature: &str,
    amz_date: String,
    expires: Option<i64>,
    session_token: Option<String>,
    presigned: bool,
) -> Result<AuthParams, SigV4Error> {
    let parts: Vec<&str> = credential.split('/').collect();
    let [access_key_id, date, region, service, terminator] = parts.as_slice() else {
        return Err(incomplete(format!(
            "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '{}'",
            echo(credential)
        )));
    };
    let mut names = Vec::new();
    for name in signed_headers.split(';') {
        let name = name.trim();
        if name.is_empty() {
            return Err(incomplete(
                "SignedHeaders must not contain empty header names.",
            ));
        }
        names.push(name.to_ascii_lowercase());
    }
    Ok(AuthParams {
        access_key_id: (*access_key_id).to_owned(),
        scope_date: (*date).to_owned(),
        scope_region: (*region).to_owned(),
        scope_service: (*service).to_owned(),
        scope_terminator: (*terminator).to_owned(),
        signed_headers: names,
        signature: signature.to_owned(),
        amz_date,
        expires,
        session_token,
        presigned,
    })
}

fn check_scope(auth: &AuthParams, service: &str, region: &str) -> Result<(), SigV4Error> {
    if auth.scope_terminator != TERMINATOR {
        return Err(invalid(format!(
            "Credential should be scoped with a valid terminator: '{TERMINATOR}', not '{}'.",
            echo(&auth.scope_terminator)
        )));
    }
    let request_day = auth.amz_date.get(..8).unwrap_or("");
    if auth.scope_date != request_day {
        return Err(invalid(format!(
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{}' != '{request_day}', from '{}'.",
            echo(&auth.scope_date),
            auth.amz_date
        )));
    }
    if auth.scope_region != region {
        return Err(invalid("Credential should be scoped to a valid region."));
    }
    if auth.scope_service != service {
        return Err(invalid(format!(
            "Credential should be scoped to correct service: '{service}'."
        )));
    }
    Ok(())
}

fn check_time(
    auth: &AuthParams,
    request_time: i64,
    now: i64,
    max_skew: i64,
) -> Result<(), SigV4Error> {
    let skew_text = if max_skew % 60 == 0 {
        format!("{} min.", max_skew / 60)
    } else {
        format!("{max_skew} sec.")
    };
    if request_time > now.saturating_add(max_skew) {
        return Err(invalid(format!(
            "Signature not yet current: {} is still later than {} ({} + {skew_text})",
            auth.amz_date,
            format_amz_date(now.saturating_add(max_skew)),
            format_amz_date(now)
        )));
    }
    match (auth.presigned, auth.expires) {
        (true, Some(expires)) => {
            if now > request_time.saturating_add(expires) {
                return Err(invalid("Request has expired"));
            }
        }
        _ => {
            if request_time < now.saturating_sub(max_skew) {
                return Err(invalid(format!(
                    "Signature expired: {} is now earlier than {} ({} - {skew_text})",
                    auth.amz_date,
                    format_amz_date(now.saturating_sub(max_skew)),
                    format_amz_date(now)
                )));
            }
        }
    }
    Ok(())
}

/// Parses a strict `YYYYMMDDTHHMMSSZ` timestamp to unix seconds.
fn parse_amz_date(s: &str) -> Option<i64> {
    let bytes = s.as_bytes();
    if bytes.len() != 16 || bytes.get(8) != Some(&b'T') || bytes.get(15) != Some(&b'Z') {
        return None;
    }
    fn digits<T: std::str::FromStr>(s: &str, from: usize, to: usize) -> Option<T> {
        let part = s.get(from..to)?;
        if !part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        part.parse().ok()
    }
    let month = Month::try_from(digits::<u8>(s, 4, 6)?).ok()?;
    let date = Date::from_calendar_date(digits(s, 0, 4)?, month, digits(s, 6, 8)?).ok()?;
    let time = Time::from_hms(digits(s, 9, 11)?, digits(s, 11, 13)?, digits(s, 13, 15)?).ok()?;
    Some(
        PrimitiveDateTime::new(date, time)
            .assume_utc()
            .unix_timestamp(),
    )
}

/// Converts an RFC 1123 `Date` header value to `YYYYMMDDTHHMMSSZ`.
fn http_date_to_amz(s: &str) -> Option<String> {
    let dt = PrimitiveDateTime::parse(s, HTTP_DATE_FORMAT).ok()?;
    dt.assume_utc().format(AMZ_DATE_FORMAT).ok()
}

fn format_amz_date(unix: i64) -> String {
    OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| t.format(AMZ_DATE_FORMAT).ok())
        .unwrap_or_else(|| unix.to_string())
}

/// `name:value` lines for each signed header, in SignedHeaders order.
fn canonical_headers(headers: &HeaderMap, names: &[String]) -> Result<String, SigV4Error> {
    let mut out = String::new();
    for name in names {
        let mut values = headers.get_all(name.as_str()).iter().peekable();
        if values.peek().is_none() {
            // AWS signs what arrives: a header listed but removed in transit makes the
            // canonical request differ, which is a signature mismatch.
            return Err(SigV4Error::Invalid(MISMATCH.into()));
        }
        out.push_str(name);
        out.push(':');
        for (i, value) in values.enumerate() {
            if i > 0 {
                out.push(',');
            }
            let value = String::from_utf8_lossy(value.as_bytes());
            for (j, word) in value.split_ascii_whitespace().enumerate() {
                if j > 0 {
                    out.push(' ');
                }
                out.push_str(word);
            }
        }
        out.push('\n');
    }
    Ok(out)
}

fn payload_hash(headers: &HeaderMap, body: &[u8], presigned: bool) -> Result<String, SigV4Error> {
    let actual = hex::encode(Sha256::digest(body));
    match header_str(headers, CONTENT_SHA256) {
        Ok(None) if presigned => Ok(UNSIGNED_PAYLOAD.to_owned()),
        Ok(None) => Ok(actual),
        Ok(Some(UNSIGNED_PAYLOAD)) => Ok(UNSIGNED_PAYLOAD.to_owned()),
        Ok(Some(claimed)) if claimed == actual => Ok(actual),
        _ => Err(invalid(MISMATCH)),
    }
}

/// Canonical URI: for S3 the path as received; for every other service the path with dot
/// segments and empty segments removed, URI-encoded once more ("double encoding").
fn canonical_uri(path: &str, service: &str) -> String {
    if service == "s3" {
        return if path.is_empty() {
            "/".to_owned()
        } else {
            path.to_owned()
        };
    }
    let mut segments: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            other => segments.push(other),
        }
    }
    let mut normalized = String::with_capacity(path.len() + 1);
    for segment in &segments {
        normalized.push('/');
        normalized.push_str(segment);
    }
    if segments.is_empty() || path.ends_with('/') || path.ends_with("/.") {
        normalized.push('/');
    }
    percent_encode(normalized.as_bytes(), PATH_SET).to_string()
}

/// Canonical query string: every parameter URI-encoded, sorted by name then value.
/// For presigned requests `X-Amz-Signature` is left out.
fn canonical_query(params: &[Param], presigned: bool) -> String {
    let mut encoded: Vec<(String, String)> = params
        .iter()
        .filter(|(k, _)| !(presigned && k == b"X-Amz-Signature"))
        .map(|(k, v)| {
            (
                percent_encode(k, UNRESERVED).to_string(),
                percent_encode(v, UNRESERVED).to_string(),
            )
        })
        .collect();
    encoded.sort();
    encoded
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// Stricter rules for API calls whose meaning is in headers and body (everything but
/// S3): no presigned URLs, no `UNSIGNED-PAYLOAD`, and the named headers (such as
/// `x-amz-target`) must be among the signed ones. Call before [`verify`]; requests
/// without an `Authorization` header are left to `verify` (which answers `Missing`).
pub fn require_signed_request(
    headers: &HeaderMap,
    query: Option<&str>,
    must_sign: &[&str],
) -> Result<(), SigV4Error> {
    if query.is_some_and(|q| q.split('&').any(|kv| kv.starts_with("X-Amz-Signature="))) {
        return Err(SigV4Error::Incomplete(
            "Presigned requests are not accepted by this service.".into(),
        ));
    }
    let Some(auth) = headers.get("authorization").and_then(|v| v.to_str().ok()) else {
        return Ok(());
    };
    if headers.get(CONTENT_SHA256).is_some_and(|v| {
        v.as_bytes()
            .eq_ignore_ascii_case(UNSIGNED_PAYLOAD.as_bytes())
    }) {
        return Err(SigV4Error::Incomplete(
            "The request payload must be signed.".into(),
        ));
    }
    let signed: Vec<String> = auth
        .split("SignedHeaders=")
        .nth(1)
        .and_then(|rest| rest.split([',', ' ']).next())
        .map(|list| list.split(';').map(str::to_ascii_lowercase).collect())
        .unwrap_or_default();
    for name in must_sign {
        if headers.contains_key(*name) && !signed.iter().any(|s| s == name) {
            return Err(SigV4Error::Incomplete(format!(
                "The header {name} must be signed."
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use axum::http::{HeaderName, HeaderValue};
    use std::collections::HashMap;

    const AKID: &str = "AKIDEXAMPLE";
    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    /// 2015-08-30T12:36:00Z, the AWS test-suite timestamp.
    const SUITE_NOW: i64 = 1_440_938_160;
    const SUITE_DATE: &str = "20150830T123600Z";
    const SUITE_SCOPE: &str = "AKIDEXAMPLE/20150830/us-east-1/service/aws4_request";

    struct Keys(HashMap<String, String>);

    impl SecretLookup for Keys {
        fn secret_for(&self, access_key_id: &str) -> Option<String> {
            self.0.get(access_key_id).cloned()
        }
    }

    fn keys() -> Keys {
        Keys(HashMap::from([(AKID.to_owned(), SECRET.to_owned())]))
    }

    fn header_map(headers: &[(&str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            map.append(
                HeaderName::from_bytes(name.as_bytes()).unwrap(),
                HeaderValue::from_str(value).unwrap(),
            );
        }
        map
    }

    struct Req {
        method: &'static str,
        path: String,
        query: Option<String>,
        headers: HeaderMap,
        body: Vec<u8>,
    }

    impl Req {
        fn verify_at(&self, service: &str, region: &str, now: i64) -> Result<Caller, SigV4Error> {
            let req = SignedRequest {
                method: self.method,
                path: &self.path,
                query: self.query.as_deref(),
                headers: &self.headers,
                body: &self.body,
            };
            verify(&req, service, region, now, 900, &keys())
        }

        fn verify_suite(&self) -> Result<Caller, SigV4Error> {
            self.verify_at("service", "us-east-1", SUITE_NOW)
        }
    }

    /// A request from the AWS SigV4 test suite: host + x-amz-date plus `extra` headers.
    fn suite_req(
        method: &'static str,
        path: &str,
        query: Option<&str>,
        extra: &[(&str, &str)],
        body: &[u8],
        signed_headers: &str,
        signature: &str,
    ) -> Req {
        let auth = format!(
            "AWS4-HMAC-SHA256 Credential={SUITE_SCOPE}, SignedHeaders={signed_headers}, Signature={signature}"
        );
        let mut headers = vec![
            ("host", "example.amazonaws.com"),
            ("x-amz-date", SUITE_DATE),
            ("authorization", auth.as_str()),
        ];
        headers.extend_from_slice(extra);
        Req {
            method,
            path: path.to_owned(),
            query: query.map(str::to_owned),
            headers: header_map(&headers),
            body: body.to_vec(),
        }
    }

    // ---- Independent reference signer (straight from the AWS documentation) ----

    fn hm(key: &[u8], data: &str) -> Vec<u8> {
        let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap();
        mac.update(data.as_bytes());
        mac.finalize().into_bytes().to_vec()
    }

    /// Signs an already-canonical request.
    fn sign(secret: &str, scope: &str, amz_date: &str, canonical_request: &str) -> String {
        let mut parts = scope.split('/');
        let (date, region, service) = (
            parts.next().unwrap(),
            parts.next().unwrap(),
            parts.next().unwrap(),
        );
        let sts = format!(
            "AWS4-HMAC-SHA256\n{amz_date}\n{scope}\n{}",
            hex::encode(Sha256::digest(canonical_request.as_bytes()))
        );
        let k = hm(format!("AWS4{secret}").as_bytes(), date);
        let k = hm(&k, region);
        let k = hm(&k, service);
        let k = hm(&k, "aws4_request");
        hex::encode(hm(&k, &sts))
    }

    const BODY: &[u8] = br#"{"UserPoolId":"us-east-1_abc","Username":"alice"}"#;
    /// 2026-01-01T00:00:00Z
    const NOW: i64 = 1_767_225_600;
    const NOW_DATE: &str = "20260101T000000Z";
    const COGNITO: &str = "cognito-idp";

    /// A Cognito admin POST signed at `amz_date` with `secret` for `scope_tail`
    /// (`<region>/<service>`); the body is `body`.
    fn cognito_post(secret: &str, amz_date: &str, scope_tail: &str, body: &[u8]) -> Req {
        let day = &amz_date[..8];
        let scope = format!("{day}/{scope_tail}/aws4_request");
        let body_hash = hex::encode(Sha256::digest(body));
        let creq = format!(
            "POST\n/\n\ncontent-type:application/x-amz-json-1.1\nhost:cognito-idp.us-east-1.amazonaws.com\nx-amz-content-sha256:{body_hash}\nx-amz-date:{amz_date}\nx-amz-target:AWSCognitoIdentityProviderService.AdminGetUser\n\ncontent-type;host;x-amz-content-sha256;x-amz-date;x-amz-target\n{body_hash}"
        );
        let sig = sign(secret, &scope, amz_date, &creq);
        let auth = format!(
            "AWS4-HMAC-SHA256 Credential={AKID}/{scope},SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-target,Signature={sig}"
        );
        Req {
            method: "POST",
            path: "/".to_owned(),
            query: None,
            headers: header_map(&[
                ("Content-Type", "application/x-amz-json-1.1"),
                ("Host", "cognito-idp.us-east-1.amazonaws.com"),
                ("X-Amz-Content-Sha256", &body_hash),
                ("X-Amz-Date", amz_date),
                (
                    "X-Amz-Target",
                    "AWSCognitoIdentityProviderService.AdminGetUser",
                ),
                ("Authorization", &auth),
            ]),
            body: body.to_vec(),
        }
    }

    fn ok_post() -> Req {
        cognito_post(SECRET, NOW_DATE, "us-east-1/cognito-idp", BODY)
    }

    fn verify_cognito(req: &Req) -> Result<Caller, SigV4Error> {
        req.verify_at(COGNITO, "us-east-1", NOW)
    }

    fn assert_invalid_mismatch(r: Result<Caller, SigV4Error>) {
        assert_eq!(r, Err(SigV4Error::Invalid(MISMATCH.to_owned())));
    }

    // ---- AWS published vectors ----

    #[test]
    fn aws_suite_header_vectors() {
        let empty = b"".as_slice();
        let cases: Vec<(&str, Req)> = vec![
            (
                "get-vanilla",
                suite_req(
                    "GET",
                    "/",
                    None,
                    &[],
                    empty,
                    "host;x-amz-date",
                    "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
                ),
            ),
            (
                "get-vanilla-query-order-key-case",
                suite_req(
                    "GET",
                    "/",
                    Some("Param2=value2&Param1=value1"),
                    &[],
                    empty,
                    "host;x-amz-date",
                    "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500",
                ),
            ),
            (
                "get-vanilla-empty-query-key",
                suite_req(
                    "GET",
                    "/",
                    Some("Param1=value1"),
                    &[],
                    empty,
                    "host;x-amz-date",
                    "a67d582fa61cc504c4bae71f336f98b97f1ea3c7a6bfe1b6e45aec72011b9aeb",
                ),
            ),
            (
                "get-vanilla-utf8-query",
                suite_req(
                    "GET",
                    "/",
                    Some("%E1%88%B4=bar"),
                    &[],
                    empty,
                    "host;x-amz-date",
                    "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04",
                ),
            ),
            (
                "get-unreserved",
                suite_req(
                    "GET",
                    "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
                    None,
                    &[],
                    empty,
                    "host;x-amz-date",
                    "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f",
                ),
            ),
            (
                // The suite's raw (unencoded) request path is "/ሴ"; its canonical form is
                // "/%E1%88%B4", which is what encoding the given path once produces.
                "get-utf8",
                suite_req(
                    "GET",
                    "/ሴ",
                    None,
                    &[],
                    empty,
                    "host;x-amz-date",
                    "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85",
                ),
            ),
            (
                "get-header-key-duplicate",
                suite_req(
                    "GET",
                    "/",
                    None,
                    &[
                        ("My-Header1", "value2"),
                        ("My-Header1", "value2"),
                        ("My-Header1", "value1"),
                    ],
                    empty,
                    "host;my-header1;x-amz-date",
                    "c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea",
                ),
            ),
            (
                "get-header-value-trim",
                suite_req(
                    "GET",
                    "/",
                    None,
                    &[("My-Header1", " value1"), ("My-Header2", "\"a   b   c\"")],
                    empty,
                    "host;my-header1;my-header2;x-amz-date",
                    "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736",
                ),
            ),
            (
                "post-vanilla",
                suite_req(
                    "POST",
                    "/",
                    None,
                    &[],
                    empty,
                    "host;x-amz-date",
                    "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b",
                ),
            ),
            (
                "post-vanilla-query",
                suite_req(
                    "POST",
                    "/",
                    Some("Param1=value1"),
                    &[],
                    empty,
                    "host;x-amz-date",
                    "28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11",
                ),
            ),
            (
                "post-header-value-case",
                suite_req(
                    "POST",
                    "/",
                    None,
                    &[("My-Header1", "VALUE1")],
                    empty,
                    "host;my-header1;x-amz-date",
                    "cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d",
                ),
            ),
            (
                "post-x-www-form-urlencoded",
                suite_req(
                    "POST",
                    "/",
                    None,
                    &[("Content-Type", "application/x-www-form-urlencoded")],
                    b"Param1=value1",
                    "content-type;host;x-amz-date",
                    "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a",
                ),
            ),
            (
                "post-x-www-form-urlencoded-parameters",
                suite_req(
                    "POST",
                    "/",
                    None,
                    &[(
                        "Content-Type",
                        "application/x-www-form-urlencoded; charset=utf8",
                    )],
                    b"Param1=value1",
                    "content-type;host;x-amz-date",
                    "1a72ec8f64bd914b0e42e42607c7fbce7fb2c7465f63e3092b3b0d39fa77a6fe",
                ),
            ),
            // normalize-path cases whose canonical URI is "/", hence get-vanilla's signature.
            (
                "normalize-path/get-relative",
                suite_req(
                    "GET",
                    "/example/..",
                    None,
                    &[],
                    empty,
                    "host;x-amz-date",
                    "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
                ),
            ),
            (
                "normalize-path/get-relative-relative",
                suite_req(
                    "GET",
                    "/example1/example2/../..",
                    None,
                    &[],
                    empty,
                    "host;x-amz-date",
                    "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
                ),
            ),
            (
                "normalize-path/get-slash",
                suite_req(
                    "GET",
                    "//",
                    None,
                    &[],
                    empty,
                    "host;x-amz-date",
                    "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
                ),
            ),
            (
                "normalize-path/get-slash-dot-slash",
                suite_req(
                    "GET",
                    "/./",
                    None,
                    &[],
                    empty,
                    "host;x-amz-date",
                    "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
                ),
            ),
        ];
        for (name, req) in cases {
            let caller = req
                .verify_suite()
                .unwrap_or_else(|e| panic!("{name}: {e:?}"));
            assert_eq!(caller.access_key_id, AKID, "{name}");
            assert_eq!(caller.session_token, None, "{name}");
        }
    }

    #[test]
    fn aws_suite_post_sts_header_before_returns_token() {
        let token = "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==";
        let req = suite_req(
            "POST",
            "/",
            None,
            &[("X-Amz-Security-Token", token)],
            b"",
            "host;x-amz-date;x-amz-security-token",
            "85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead",
        );
        let caller = req.verify_suite().unwrap();
        assert_eq!(caller.session_token.as_deref(), Some(token));
    }

    #[test]
    fn aws_iam_list_users_example() {
        let auth = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7";
        let req = Req {
            method: "GET",
            path: "/".to_owned(),
            query: Some("Action=ListUsers&Version=2010-05-08".to_owned()),
            headers: header_map(&[
                ("Host", "iam.amazonaws.com"),
                (
                    "Content-Type",
                    "application/x-www-form-urlencoded; charset=utf-8",
                ),
                ("X-Amz-Date", SUITE_DATE),
                ("Authorization", auth),
            ]),
            body: Vec::new(),
        };
        assert!(req.verify_at("iam", "us-east-1", SUITE_NOW).is_ok());
    }

    #[test]
    fn aws_s3_presigned_example() {
        // "Authenticating Requests: Using Query Parameters" example from the S3 docs.
        let keys = Keys(HashMap::from([(
            "AKIAIOSFODNN7EXAMPLE".to_owned(),
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY".to_owned(),
        )]));
        let headers = header_map(&[("Host", "examplebucket.s3.amazonaws.com")]);
        let query = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404";
        let req = SignedRequest {
            method: "GET",
            path: "/test.txt",
            query: Some(query),
            headers: &headers,
            body: b"",
        };
        // 2013-05-24T00:00:00Z plus one hour.
        let now = 1_369_353_600 + 3600;
        let caller = verify(&req, "s3", "us-east-1", now, 900, &keys).unwrap();
        assert_eq!(caller.access_key_id, "AKIAIOSFODNN7EXAMPLE");
        // One second after expiry.
        let late = 1_369_353_600 + 86_401;
        assert_eq!(
            verify(&req, "s3", "us-east-1", late, 900, &keys),
            Err(SigV4Error::Invalid("Request has expired".to_owned()))
        );
    }

    // ---- Round trips against the reference signer ----

    #[test]
    fn signed_json_post_verifies() {
        let caller = verify_cognito(&ok_post()).unwrap();
        assert_eq!(
            caller,
            Caller {
                access_key_id: AKID.to_owned(),
                session_token: None
            }
        );
    }

    #[test]
    fn tampered_body_is_invalid() {
        let mut req = ok_post();
        req.body = br#"{"UserPoolId":"us-east-1_abc","Username":"mallory"}"#.to_vec();
        assert_invalid_mismatch(verify_cognito(&req));
        // Dropping the signed x-amz-content-sha256 header is a mismatch too.
        let mut req = ok_post();
        req.headers.remove("x-amz-content-sha256");
        assert_invalid_mismatch(verify_cognito(&req));
    }

    #[test]
    fn body_hash_checked_without_content_sha_header() {
        // Signed without x-amz-content-sha256: payload hash comes from the body.
        let body_hash = hex::encode(Sha256::digest(BODY));
        let creq =
            format!("POST\n/\n\nhost:h\nx-amz-date:{NOW_DATE}\n\nhost;x-amz-date\n{body_hash}");
        let scope = "20260101/us-east-1/cognito-idp/aws4_request";
        let sig = sign(SECRET, scope, NOW_DATE, &creq);
        let auth = format!(
            "AWS4-HMAC-SHA256 Credential={AKID}/{scope}, SignedHeaders=host;x-amz-date, Signature={sig}"
        );
        let mut req = Req {
            method: "POST",
            path: "/".to_owned(),
            query: None,
            headers: header_map(&[
                ("host", "h"),
                ("x-amz-date", NOW_DATE),
                ("authorization", &auth),
            ]),
            body: BODY.to_vec(),
        };
        assert!(verify_cognito(&req).is_ok());
        req.body.push(b' ');
        assert_invalid_mismatch(verify_cognito(&req));
    }

    #[test]
    fn content_sha_header_must_match_body() {
        let mut req = ok_post();
        req.headers.insert(
            "x-amz-content-sha256",
            HeaderValue::from_static(
                "0000000000000000000000000000000000000000000000000000000000000000",
            ),
        );
        assert_invalid_mismatch(verify_cognito(&req));
    }

    #[test]
    fn unsigned_payload_is_accepted_literally() {
        let creq = format!(
            "POST\n/\n\nhost:h\nx-amz-content-sha256:UNSIGNED-PAYLOAD\nx-amz-date:{NOW_DATE}\n\nhost;x-amz-content-sha256;x-amz-date\nUNSIGNED-PAYLOAD"
        );
        let scope = "20260101/us-east-1/cognito-idp/aws4_request";
        let sig = sign(SECRET, scope, NOW_DATE, &creq);
        let auth = format!(
            "AWS4-HMAC-SHA256 Credential={AKID}/{scope}, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature={sig}"
        );
        let req = Req {
            method: "POST",
            path: "/".to_owned(),
            query: None,
            headers: header_map(&[
                ("host", "h"),
                ("x-amz-content-sha256", "UNSIGNED-PAYLOAD"),
                ("x-amz-date", NOW_DATE),
                ("authorization", &auth),
            ]),
            body: b"anything".to_vec(),
        };
        assert!(verify_cognito(&req).is_ok());
    }

    #[test]
    fn removed_signed_header_is_rejected() {
        let mut req = ok_post();
        req.headers.remove("x-amz-target");
        assert!(matches!(verify_cognito(&req), Err(SigV4Error::Invalid(m)) if m == MISMATCH));
    }

    #[test]
    fn modified_signed_header_is_invalid() {
        let mut req = ok_post();
        req.headers.insert(
            "x-amz-target",
            HeaderValue::from_static("AWSCognitoIdentityProviderService.AdminDeleteUser"),
        );
        assert_invalid_mismatch(verify_cognito(&req));
    }

    #[test]
    fn unsigned_extra_header_and_query_changes() {
        // Adding an unsigned header is fine; adding a query parameter is not.
        let mut req = ok_post();
        req.headers
            .insert("user-agent", HeaderValue::from_static("test"));
        assert!(verify_cognito(&req).is_ok());
        req.query = Some("x=1".to_owned());
        assert_invalid_mismatch(verify_cognito(&req));
        req.query = None;
        req.path = "/other".to_owned();
        assert_invalid_mismatch(verify_cognito(&req));
    }

    #[test]
    fn wrong_secret_is_invalid() {
        let req = cognito_post("not-the-secret", NOW_DATE, "us-east-1/cognito-idp", BODY);
        assert_invalid_mismatch(verify_cognito(&req));
    }

    #[test]
    fn unknown_key() {
        let req = ok_post();
        let r = SignedRequest {
            method: req.method,
            path: &req.path,
            query: None,
            headers: &req.headers,
            body: &req.body,
        };
        let nobody = Keys(HashMap::new());
        assert_eq!(
            verify(&r, COGNITO, "us-east-1", NOW, 900, &nobody),
            Err(SigV4Error::UnknownKey)
        );
    }

    #[test]
    fn no_authorization_is_missing() {
        let mut req = ok_post();
        req.headers.remove("authorization");
        assert_eq!(verify_cognito(&req), Err(SigV4Error::Missing));
        req.query = Some("Action=AdminGetUser&X-Amz-Date=20260101T000000Z".to_owned());
        assert_eq!(verify_cognito(&req), Err(SigV4Error::Missing));
    }

    #[test]
    fn clock_skew() {
        // Signed 16 minutes before "now".
        let req = cognito_post(SECRET, "20251231T234400Z", "us-east-1/cognito-idp", BODY);
        assert_eq!(
            verify_cognito(&req),
            Err(SigV4Error::Invalid(
                "Signature expired: 20251231T234400Z is now earlier than 20251231T234500Z (20260101T000000Z - 15 min.)".to_owned()
            ))
        );
        // Signed 16 minutes after "now".
        let req = cognito_post(SECRET, "20260101T001600Z", "us-east-1/cognito-idp", BODY);
        assert_eq!(
            verify_cognito(&req),
            Err(SigV4Error::Invalid(
                "Signature not yet current: 20260101T001600Z is still later than 20260101T001500Z (20260101T000000Z + 15 min.)".to_owned()
            ))
        );
        // 14 minutes either way is fine.
        let req = cognito_post(SECRET, "20251231T234600Z", "us-east-1/cognito-idp", BODY);
        assert!(verify_cognito(&req).is_ok());
        let req = cognito_post(SECRET, "20260101T001400Z", "us-east-1/cognito-idp", BODY);
        assert!(verify_cognito(&req).is_ok());
    }

    #[test]
    fn wrong_scope_is_invalid() {
        let req = cognito_post(SECRET, NOW_DATE, "us-east-1/iam", BODY);
        assert_eq!(
            verify_cognito(&req),
            Err(SigV4Error::Invalid(
                "Credential should be scoped to correct service: 'cognito-idp'.".to_owned()
            ))
        );
        let req = cognito_post(SECRET, NOW_DATE, "eu-west-1/cognito-idp", BODY);
        assert_eq!(
            verify_cognito(&req),
            Err(SigV4Error::Invalid(
                "Credential should be scoped to a valid region.".to_owned()
            ))
        );
    }

    #[test]
    fn scope_date_must_match_request_date() {
        let mut req = ok_post();
        let auth = req.headers["authorization"]
            .to_str()
            .unwrap()
            .replace("AKIDEXAMPLE/20260101/", "AKIDEXAMPLE/20260102/");
        req.headers
            .insert("authorization", HeaderValue::from_str(&auth).unwrap());
        assert!(matches!(
            verify_cognito(&req),
            Err(SigV4Error::Invalid(m)) if m.starts_with("Date in Credential scope")
        ));
    }

    #[test]
    fn host_must_be_signed() {
        let creq = format!(
            "GET\n/\n\nx-amz-date:{NOW_DATE}\n\nx-amz-date\n{}",
            hex::encode(Sha256::digest(b""))
        );
        let scope = "20260101/us-east-1/cognito-idp/aws4_request";
        let sig = sign(SECRET, scope, NOW_DATE, &creq);
        let auth = format!(
            "AWS4-HMAC-SHA256 Credential={AKID}/{scope}, SignedHeaders=x-amz-date, Signature={sig}"
        );
        let req = Req {
            method: "GET",
            path: "/".to_owned(),
            query: None,
            headers: header_map(&[
                ("host", "h"),
                ("x-amz-date", NOW_DATE),
                ("authorization", &auth),
            ]),
            body: Vec::new(),
        };
        assert!(
            matches!(verify_cognito(&req), Err(SigV4Error::Incomplete(m)) if m.contains("Host"))
        );
    }

    #[test]
    fn date_header_fallback() {
        let http_date = "Thu, 01 Jan 2026 00:00:00 GMT";
        let creq = format!(
            "GET\n/\n\ndate:{http_date}\nhost:h\n\ndate;host\n{}",
            hex::encode(Sha256::digest(b""))
        );
        let scope = "20260101/us-east-1/cognito-idp/aws4_request";
        // The string to sign uses the Date header converted to ISO 8601 basic format.
        let sig = sign(SECRET, scope, NOW_DATE, &creq);
        let auth = format!(
            "AWS4-HMAC-SHA256 Credential={AKID}/{scope}, SignedHeaders=date;host, Signature={sig}"
        );
        let mut req = Req {
            method: "GET",
            path: "/".to_owned(),
            query: None,
            headers: header_map(&[("host", "h"), ("date", http_date), ("authorization", &auth)]),
            body: Vec::new(),
        };
        assert!(verify_cognito(&req).is_ok());
        req.headers.remove("date");
        assert_eq!(
            verify_cognito(&req),
            Err(SigV4Error::Incomplete(
                "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.".to_owned()
            ))
        );
        req.headers
            .insert("date", HeaderValue::from_static("yesterday"));
        assert!(matches!(
            verify_cognito(&req),
            Err(SigV4Error::Incomplete(_))
        ));
    }

    #[test]
    fn presigned_round_trip() {
        let amz_date = NOW_DATE;
        let cred = format!("{AKID}%2F20260101%2Fus-east-1%2Fcognito-idp%2Faws4_request");
        let base = format!(
            "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential={cred}&X-Amz-Date={amz_date}&X-Amz-Expires=300&X-Amz-Security-Token=tok%2Fen&X-Amz-SignedHeaders=host"
        );
        let creq = format!("GET\n/\n{base}\nhost:h\n\nhost\nUNSIGNED-PAYLOAD");
        let sig = sign(
            SECRET,
            "20260101/us-east-1/cognito-idp/aws4_request",
            amz_date,
            &creq,
        );
        let mut req = Req {
            method: "GET",
            path: "/".to_owned(),
            query: Some(format!("{base}&X-Amz-Signature={sig}")),
            headers: header_map(&[("host", "h")]),
            body: b"ignored".to_vec(),
        };
        let caller = verify_cognito(&req).unwrap();
        assert_eq!(caller.session_token.as_deref(), Some("tok/en"));
        assert_eq!(
            req.verify_at(COGNITO, "us-east-1", NOW + 301),
            Err(SigV4Error::Invalid("Request has expired".to_owned()))
        );
        assert!(matches!(
            req.verify_at(COGNITO, "us-east-1", NOW - 901),
            Err(SigV4Error::Invalid(m)) if m.starts_with("Signature not yet current")
        ));
        // Presigned + Authorization header at once.
        req.headers.insert(
            "authorization",
            HeaderValue::from_static("AWS4-HMAC-SHA256 x=y"),
        );
        assert!(matches!(
            verify_cognito(&req),
            Err(SigV4Error::Incomplete(_))
        ));
        req.headers.remove("authorization");
        // Missing required parameter.
        req.query = Some(base.clone());
        assert!(matches!(
            verify_cognito(&req),
            Err(SigV4Error::Incomplete(_))
        ));
        // Tampered extra parameter.
        req.query = Some(format!("{base}&X-Amz-Signature={sig}&Action=x"));
        assert_invalid_mismatch(verify_cognito(&req));
    }

    #[test]
    fn canonical_pieces() {
        assert_eq!(canonical_uri("", "svc"), "/");
        assert_eq!(canonical_uri("/", "svc"), "/");
        assert_eq!(canonical_uri("/a%20b/c/", "svc"), "/a%2520b/c/");
        assert_eq!(canonical_uri("//a//b", "svc"), "/a/b");
        assert_eq!(canonical_uri("/a/./b/../c", "svc"), "/a/c");
        assert_eq!(canonical_uri("/../..", "svc"), "/");
        assert_eq!(canonical_uri("/a%20b//c", "s3"), "/a%20b//c");
        assert_eq!(
            canonical_query(&parse_query(Some("b=2&a=&c&a=1&&%7e=%2f+")), false),
            "a=&a=1&b=2&c=&~=%2F%2B"
        );
        assert_eq!(canonical_query(&parse_query(None), false), "");
        assert_eq!(parse_amz_date(SUITE_DATE), Some(SUITE_NOW));
        assert_eq!(parse_amz_date("20150830T123600"), None);
        assert_eq!(parse_amz_date("2015083XT123600Z"), None);
        assert_eq!(parse_amz_date("+0150830T123600Z"), None);
        assert_eq!(parse_amz_date("20151330T123600Z"), None);
        assert_eq!(parse_amz_date("20150830T126000Z"), None);
        assert_eq!(parse_amz_date("2015083ሴ123600Z"), None);
        assert_eq!(format_amz_date(SUITE_NOW), SUITE_DATE);
        assert_eq!(format_amz_date(i64::MAX), i64::MAX.to_string());
        assert_eq!(
            http_date_to_amz("Sun, 30 Aug 2015 12:36:00 GMT").as_deref(),
            Some(SUITE_DATE)
        );
    }

    #[test]
    fn garbage_authorization_headers_never_panic() {
        let huge = "A".repeat(100_000);
        let huge_sig = format!(
            "AWS4-HMAC-SHA256 Credential={AKID}/20260101/us-east-1/cognito-idp/aws4_request, SignedHeaders=host;x-amz-date, Signature={huge}"
        );
        let huge_cred = format!(
            "AWS4-HMAC-SHA256 Credential={huge}/20260101/us-east-1/cognito-idp/aws4_request, SignedHeaders=host;x-amz-date, Signature=00"
        );
        let huge_headers = format!(
            "AWS4-HMAC-SHA256 Credential={AKID}/20260101/us-east-1/cognito-idp/aws4_request, SignedHeaders={}, Signature=00",
            ";host".repeat(20_000)
        );
        let good_prefix = format!(
            "AWS4-HMAC-SHA256 Credential={AKID}/20260101/us-east-1/cognito-idp/aws4_request, SignedHeaders=host;x-amz-date"
        );
        let cases: Vec<String> = vec![
            String::new(),
            " ".to_owned(),
            "AWS4-HMAC-SHA256".to_owned(),
            "AWS4-HMAC-SHA256 ".to_owned(),
            "AWS4-HMAC-SHA512 Credential=a/b/c/d/e".to_owned(),
            "Bearer abc".to_owned(),
            "AWS4-HMAC-SHA256 Credential".to_owned(),
            "AWS4-HMAC-SHA256 ,,,,".to_owned(),
            "AWS4-HMAC-SHA256 ===".to_owned(),
            "AWS4-HMAC-SHA256 Credential=, SignedHeaders=, Signature=".to_owned(),
            "AWS4-HMAC-SHA256 Credential=a, SignedHeaders=host, Signature=ab".to_owned(),
            "AWS4-HMAC-SHA256 Credential=a/b/c/d/e/f, SignedHeaders=host, Signature=ab".to_owned(),
            "AWS4-HMAC-SHA256 Credential=////, SignedHeaders=host, Signature=ab".to_owned(),
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/cognito-idp/aws4_request, SignedHeaders=host;;x, Signature=ab".to_owned(),
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/cognito-idp/xyz, SignedHeaders=host;x-amz-date, Signature=ab".to_owned(),
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/cognito-idp/aws4_request, Credential=x, SignedHeaders=host, Signature=ab".to_owned(),
            good_prefix.clone(),
            format!("{good_prefix}, Signature=zz-not-hex"),
            format!("{good_prefix}, Signature=ABCDEF"),
            format!("{good_prefix}, Signature={}", "g".repeat(64)),
            format!("{good_prefix}, Signature={}", "0".repeat(64)),
            format!("{good_prefix}, SignedHeaders=host, Signature=00"),
            format!("{good_prefix}, SignedHeaders=Bad Header Name, Signature=00"),
            huge.clone(),
            huge_sig,
            huge_headers,
        ];
        for auth in cases {
            let mut req = ok_post();
            req.headers
                .insert("authorization", HeaderValue::from_str(&auth).unwrap());
            let result = verify_cognito(&req);
            assert!(
                matches!(
                    result,
                    Err(SigV4Error::Incomplete(_) | SigV4Error::Invalid(_))
                ),
                "{}: {result:?}",
                echo(&auth)
            );
            if let Err(SigV4Error::Incomplete(m) | SigV4Error::Invalid(m)) = result {
                assert!(m.len() < 1_000, "error message too long: {}", echo(&m));
                assert!(!m.contains(SECRET));
            }
        }
        // A well-formed header with an absurd access key id is just an unknown key.
        let mut req = ok_post();
        req.headers
            .insert("authorization", HeaderValue::from_str(&huge_cred).unwrap());
        assert_eq!(verify_cognito(&req), Err(SigV4Error::UnknownKey));
        // Non-ASCII / opaque header bytes.
        let mut req = ok_post();
        req.headers.insert(
            "authorization",
            HeaderValue::from_bytes(b"AWS4-HMAC-SHA256 Credential=\xff\xfe").unwrap(),
        );
        assert!(matches!(
            verify_cognito(&req),
            Err(SigV4Error::Incomplete(_))
        ));
        // Two Authorization headers.
        let mut req = ok_post();
        let auth = req.headers["authorization"].clone();
        req.headers.append("authorization", auth);
        assert!(matches!(
            verify_cognito(&req),
            Err(SigV4Error::Incomplete(_))
        ));
    }

    #[test]
    fn missing_parts_message() {
        let mut req = ok_post();
        let good = req.headers["authorization"].to_str().unwrap().to_owned();
        let without_sig = good.split(",Signature=").next().unwrap().to_owned();
        req.headers.insert(
            "authorization",
            HeaderValue::from_str(&without_sig).unwrap(),
        );
        assert_eq!(
            verify_cognito(&req),
            Err(SigV4Error::Incomplete(
                "Authorization header requires 'Signature' parameter.".to_owned()
            ))
        );
    }

    #[test]
    fn pseudo_random_inputs_never_panic() {
        let pieces = [
            "AWS4-HMAC-SHA256",
            " ",
            ",",
            "=",
            "/",
            ";",
            "Credential",
            "SignedHeaders",
            "Signature",
            "AKIDEXAMPLE",
            "20260101",
            "us-east-1",
            "cognito-idp",
            "aws4_request",
            "host",
            "x-amz-date",
            "%",
            "%zz",
            "..",
            "ሴ",
            "0",
            "ff",
            "X-Amz-Signature",
            "X-Amz-Credential",
            "X-Amz-Expires",
            "&",
            "-1",
            "99999999999999999999",
        ];
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..3_000 {
            let mut s = String::new();
            for _ in 0..(next() % 24) {
                s.push_str(pieces[(next() % pieces.len() as u64) as usize]);
            }
            let mut req = ok_post();
            let value = s.replace('ሴ', "x");
            if next() % 2 == 0 {
                req.headers
                    .insert("authorization", HeaderValue::from_str(&value).unwrap());
            } else {
                req.headers.remove("authorization");
            }
            req.query = Some(s.clone());
            req.path = s;
            let _ = verify_cognito(&req);
        }
    }
}
