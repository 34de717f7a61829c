//! PKCE (RFC 7636), required on every authorization-code request as RFC 9700 §2.1.1
//! recommends; only `S256` is accepted (Cognito refuses `plain` too).

use super::OAuthError;
use crate::crypto::ct_eq;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

/// RFC 7636 §4.1: verifiers are 43..=128 unreserved characters.
fn is_verifier(v: &str) -> bool {
    (43..=128).contains(&v.len())
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

/// Checks the authorize request's `code_challenge` and `code_challenge_method`.
pub fn check_pkce(challenge: Option<&str>, method: Option<&str>) -> Result<String, OAuthError> {
    let challenge = challenge
        .filter(|c| !c.is_empty())
        .ok_or_else(|| OAuthError::InvalidRequest("code_challenge is required".into()))?;
    if method != Some("S256") {
        return Err(OAuthError::InvalidRequest(
            "code_challenge_method must be S256".into(),
        ));
    }
    // A S256 challenge is BASE64URL(SHA-256), always 43 characters.
    if challenge.len() != 43 || URL_SAFE_NO_PAD.decode(challenge).is_err() {
        return Err(OAuthError::InvalidRequest(
            "malformed code_challenge".into(),
        ));
    }
    Ok(challenge.to_owned())
}

/// RFC 7636 §4.6: `BASE64URL(SHA256(verifier)) == challenge`.
pub fn verify_pkce(challenge: &str, verifier: Option<&str>) -> Result<(), OAuthError> {
    let verifier = verifier
        .filter(|v| is_verifier(v))
        .ok_or_else(|| OAuthError::InvalidGrant("invalid code_verifier".into()))?;
    let computed = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    if ct_eq(computed.as_bytes(), challenge.as_bytes()) {
        Ok(())
    } else {
        Err(OAuthError::InvalidGrant("invalid code_verifier".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // RFC 7636 Appendix B.
    const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    #[test]
    fn the_rfc_example_verifies_and_plain_or_missing_is_refused() {
        assert_eq!(
            check_pkce(Some(CHALLENGE), Some("S256")).unwrap(),
            CHALLENGE
        );
        assert!(verify_pkce(CHALLENGE, Some(VERIFIER)).is_ok());
        assert!(verify_pkce(CHALLENGE, Some(&VERIFIER.replace('d', "e"))).is_err());
        assert!(verify_pkce(CHALLENGE, Some("short")).is_err());
        assert!(check_pkce(Some(CHALLENGE), Some("plain")).is_err());
        assert!(check_pkce(Some(CHALLENGE), None).is_err());
        assert!(check_pkce(None, Some("S256")).is_err());
    }
}
