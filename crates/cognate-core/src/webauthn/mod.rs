//! Passkeys (WebAuthn) for user pools: registration (`StartWebAuthnRegistration`,
//! `CompleteWebAuthnRegistration`), management (`ListWebAuthnCredentials`,
//! `DeleteWebAuthnCredential`) and the assertion check sign-in uses
//! ([`crate::Core::passkey_request_options`], [`crate::Core::verify_passkey_assertion`]).
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-authentication-flow-methods.html#amazon-cognito-user-pools-authentication-flow-methods-passkey>
//!
//! Invariants:
//! - The relying party id comes from the pool's `WebAuthnConfiguration`, else its custom
//!   domain, else the host of the public URL ([`settings`]); allowed origins come from one
//!   function, [`crate::Core::passkey_origins`].
//! - Every challenge is single-use and expires: registration state is stored (sealed)
//!   and deleted when completed; assertion state travels sealed and is spent once.
//! - An assertion is accepted only for a passkey of that user in that pool, registered
//!   for the pool's current relying party, with a valid signature, the configured user
//!   verification, and a signature counter that increased (when either side is non-zero).
//! - A user has at most [`MAX_PASSKEYS`] passkeys.
//!
//! Cryptographic checks are done by `webauthn-rs-core`; its JSON shapes are the
//! WebAuthn Level 3 encodings browsers and Amplify produce.

pub mod assertion;
pub mod credentials;
pub mod registration;
pub mod settings;

use crate::error::CoreError;
use cognate_proto::ErrorType;

/// Most passkeys one user may register (Cognito's limit).
pub const MAX_PASSKEYS: i64 = 20;
/// How long a registration challenge stays valid.
pub const REGISTRATION_TTL_MS: i64 = 5 * 60 * 1000;
/// How long an assertion challenge stays valid by default (Cognito's default
/// `AuthSessionValidity`).
pub const ASSERTION_TTL_MS: i64 = 3 * 60 * 1000;

/// Why a passkey operation was refused, as Cognito names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebAuthnFault {
    /// The registration challenge is unknown, used or expired.
    ChallengeNotFound,
    /// The access token is for another client than the one that started registration.
    ClientMismatch,
    /// No relying party id can be derived for the pool.
    ConfigurationMissing,
    /// The authenticator or its response cannot be used.
    CredentialNotSupported,
    /// Passkeys are not enabled for the pool.
    NotEnabled,
    /// The response came from an origin the pool does not allow.
    OriginNotAllowed,
    /// The credential belongs to another relying party.
    RelyingPartyMismatch,
}

impl WebAuthnFault {
    /// The Cognito `__type`.
    pub fn error_type(self) -> ErrorType {
        match self {
            WebAuthnFault::ChallengeNotFound => ErrorType::WebAuthnChallengeNotFound,
            WebAuthnFault::ClientMismatch => ErrorType::WebAuthnClientMismatch,
            WebAuthnFault::ConfigurationMissing => ErrorType::WebAuthnConfigurationMissing,
            WebAuthnFault::CredentialNotSupported => ErrorType::WebAuthnCredentialNotSupported,
            WebAuthnFault::NotEnabled => ErrorType::WebAuthnNotEnabled,
            WebAuthnFault::OriginNotAllowed => ErrorType::WebAuthnOriginNotAllowed,
            WebAuthnFault::RelyingPartyMismatch => ErrorType::WebAuthnRelyingPartyMismatch,
        }
    }
}

pub(crate) fn fault(kind: WebAuthnFault, message: &str) -> CoreError {
    CoreError::WebAuthn(kind, message.to_owned())
}

/// Base64url without padding, the encoding of every binary WebAuthn field.
pub(crate) fn b64url(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Decodes base64url, tolerating padding.
pub(crate) fn from_b64url(text: &str) -> Option<Vec<u8>> {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text.trim_end_matches('='))
        .ok()
}
