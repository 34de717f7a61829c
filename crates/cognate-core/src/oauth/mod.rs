//! OAuth 2.0 and OpenID Connect for user pools: the authorize request and hosted sign-in
//! session, authorization codes with PKCE, the token endpoint (authorization code,
//! refresh token, client credentials), UserInfo and revocation.
//! RFC 6749, RFC 7636, RFC 7009, RFC 9700, OpenID Connect Core 1.0; Cognito behaviour:
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/federation-endpoints.html>
//!
//! Invariants: a redirect URI is only ever redirected to after it matched one of the
//! client's `CallbackURLs` exactly; codes are single use; failures never say more than
//! the RFC error code and a short description.

pub mod authorize;
pub mod code;
pub mod hosted;
pub mod pkce;
pub mod token_endpoint;
pub mod userinfo;

use crate::error::CoreError;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

/// The OIDC scope that makes a request an OpenID request.
pub const OPENID: &str = "openid";

/// What tokens from the OAuth endpoints carry beyond API sign-in tokens.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OAuthGrant {
    /// Granted scopes, in the order the client asked for them.
    pub scopes: Vec<String>,
    /// The authorize request's `nonce` (code redemption only, never on refresh).
    pub nonce: Option<String>,
}

impl OAuthGrant {
    /// Whether `scope` was granted.
    pub fn has(&self, scope: &str) -> bool {
        self.scopes.iter().any(|s| s == scope)
    }
}

/// An RFC 6749 §5.2 / RFC 6750 §3.1 error.
#[derive(Debug, thiserror::Error)]
pub enum OAuthError {
    /// `invalid_request`.
    #[error("invalid_request: {0}")]
    InvalidRequest(String),
    /// `invalid_client` (401).
    #[error("invalid_client")]
    InvalidClient,
    /// `invalid_grant`.
    #[error("invalid_grant: {0}")]
    InvalidGrant(String),
    /// `unauthorized_client`.
    #[error("unauthorized_client")]
    UnauthorizedClient,
    /// `unsupported_grant_type`.
    #[error("unsupported_grant_type")]
    UnsupportedGrantType,
    /// `unsupported_response_type`.
    #[error("unsupported_response_type")]
    UnsupportedResponseType,
    /// `unsupported_token_type` (RFC 7009 §2.2.1).
    #[error("unsupported_token_type")]
    UnsupportedTokenType,
    /// `invalid_scope`.
    #[error("invalid_scope")]
    InvalidScope,
    /// `login_required` (OIDC Core §3.1.2.6).
    #[error("login_required")]
    LoginRequired,
    /// `invalid_token` (RFC 6750, 401).
    #[error("invalid_token")]
    InvalidToken,
    /// `insufficient_scope` (RFC 6750, 403).
    #[error("insufficient_scope")]
    InsufficientScope,
    /// Anything else; the cause is logged, never shown.
    #[error("server_error: {0}")]
    Server(CoreError),
}

impl OAuthError {
    /// The RFC error code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidRequest(_) => "invalid_request",
            Self::InvalidClient => "invalid_client",
            Self::InvalidGrant(_) => "invalid_grant",
            Self::UnauthorizedClient => "unauthorized_client",
            Self::UnsupportedGrantType => "unsupported_grant_type",
            Self::UnsupportedResponseType => "unsupported_response_type",
            Self::UnsupportedTokenType => "unsupported_token_type",
            Self::InvalidScope => "invalid_scope",
            Self::LoginRequired => "login_required",
            Self::InvalidToken => "invalid_token",
            Self::InsufficientScope => "insufficient_scope",
            Self::Server(_) => "server_error",
        }
    }

    /// A short description safe to show to the client.
    pub fn description(&self) -> Option<&str> {
        match self {
            Self::InvalidRequest(d) | Self::InvalidGrant(d) => Some(d),
            _ => None,
        }
    }
}

impl From<CoreError> for OAuthError {
    fn from(e: CoreError) -> Self {
        Self::Server(e)
    }
}

impl From<crate::store::StoreError> for OAuthError {
    fn from(e: crate::store::StoreError) -> Self {
        Self::Server(e.into())
    }
}

/// OIDC Core §3.1.3.6: `at_hash` is the left half of SHA-256 of the access token.
pub fn at_hash(access_token: &str) -> String {
    let digest = Sha256::digest(access_token.as_bytes());
    URL_SAFE_NO_PAD.encode(&digest[..16])
}

/// Adds `nonce` and `at_hash` to an ID token's claims.
pub(crate) fn add_oidc_claims(g: &OAuthGrant, access_token: &str, id: &mut Map<String, Value>) {
    if let Some(nonce) = &g.nonce {
        id.insert("nonce".into(), nonce.clone().into());
    }
    id.insert("at_hash".into(), at_hash(access_token).into());
}

/// Appends the granted scopes to an OAuth refresh token, so that refreshing keeps them.
/// Only the keyed hash of the whole string is stored, so an edited suffix is an
/// unknown token.
pub(crate) fn tag_refresh_token(token: String, g: Option<&OAuthGrant>) -> String {
    match g {
        Some(g) => format!(
            "{token}.{}",
            URL_SAFE_NO_PAD.encode(g.scopes.join(" ").as_bytes())
        ),
        None => token,
    }
}

/// The scopes of an OAuth refresh token (`None` for a token from the sign-in API).
pub(crate) fn refresh_token_grant(token: &str) -> Option<OAuthGrant> {
    let (_, tag) = token.split_once('.')?;
    let scopes = String::from_utf8(URL_SAFE_NO_PAD.decode(tag).ok()?).ok()?;
    Some(OAuthGrant {
        scopes: scopes
            .split(' ')
            .filter(|s| !s.is_empty())
            .map(Into::into)
            .collect(),
        nonce: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_hash_matches_the_oidc_example() {
        // OIDC Core §A.3 example access token and its published at_hash; also checked
        // with `printf %s <token> | sha256sum`, left 16 bytes, base64url.
        assert_eq!(
            at_hash("jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y"),
            "77QmUPtjPfzWtF2AnpK9RQ"
        );
    }

    #[test]
    fn refresh_tokens_keep_their_scopes_and_api_tokens_have_none() {
        let g = OAuthGrant {
            scopes: vec!["openid".into(), "email".into()],
            nonce: Some("n".into()),
        };
        let t = tag_refresh_token("abc".into(), Some(&g));
        assert_eq!(refresh_token_grant(&t).unwrap().scopes, g.scopes);
        assert!(refresh_token_grant("abc").is_none());
    }
}
