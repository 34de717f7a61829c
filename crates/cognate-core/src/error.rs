//! `CoreError`: every failure of a Cognate operation, in Cognito's terms.
//!
//! The HTTP edge turns each variant into a `__type` with [`CoreError::error_type`];
//! decisions such as hiding unknown users are taken before an error is built.

use crate::store::StoreError;
use cognate_proto::ErrorType;

/// A failed operation.
#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    /// A request member breaks a constraint.
    #[error("{0}")]
    InvalidParameter(String),
    /// Pool, client or other resource does not exist.
    #[error("{0}")]
    ResourceNotFound(String),
    /// The user does not exist.
    #[error("User does not exist.")]
    UserNotFound,
    /// Username (or email/phone used as username) taken.
    #[error("{0}")]
    UsernameExists(String),
    /// A verified alias is taken by another user.
    #[error("An account with the given {0} already exists.")]
    AliasExists(String),
    /// Group name taken.
    #[error("A group with the name {0} already exists.")]
    GroupExists(String),
    /// `ConfirmDevice` for a device that is already confirmed.
    #[error("{0}")]
    DeviceKeyExists(String),
    /// Not permitted (wrong password, disabled user, refused operation).
    #[error("{0}")]
    NotAuthorized(String),
    /// Password breaks the pool's policy.
    #[error("Password did not conform with policy: {0}")]
    InvalidPassword(String),
    /// Wrong one-time code.
    #[error("{0}")]
    CodeMismatch(String),
    /// No code, or the code expired.
    #[error("Invalid code provided, please request a code again.")]
    ExpiredCode,
    /// The user has not confirmed sign-up.
    #[error("User is not confirmed.")]
    UserNotConfirmed,
    /// The user must reset the password with a code.
    #[error("Password reset required for the user")]
    PasswordResetRequired,
    /// A token of the wrong kind was sent.
    #[error("{0}")]
    UnsupportedTokenType(String),
    /// A rotated refresh token was used after its grace period.
    #[error("Refresh token has been used already.")]
    RefreshTokenReuse,
    /// Too many requests from this caller.
    #[error("{0}")]
    TooManyRequests(String),
    /// An app client names a custom scope no resource server defines.
    #[error("{0}")]
    ScopeDoesNotExist(String),
    /// A login is already linked to another identity.
    #[error("{0}")]
    ResourceConflict(String),
    /// The identity pool lacks a role for the request.
    #[error("{0}")]
    InvalidIdentityPoolConfiguration(String),
    /// IAM/STS: the named role or policy does not exist (`NoSuchEntity`, 404).
    #[error("{0}")]
    NoSuchEntity(String),
    /// IAM: the role already exists (`EntityAlreadyExists`, 409).
    #[error("{0}")]
    EntityAlreadyExists(String),
    /// IAM: the policy document is invalid (`MalformedPolicyDocument`, 400).
    #[error("{0}")]
    MalformedPolicyDocument(String),
    /// STS: the web identity token is invalid (`InvalidIdentityToken`, 400).
    #[error("{0}")]
    InvalidIdentityToken(String),
    /// STS: the web identity token expired (`ExpiredTokenException`, 400).
    #[error("{0}")]
    ExpiredToken(String),
    /// STS/IAM: not allowed (`AccessDenied`, 403).
    #[error("{0}")]
    AccessDenied(String),
    /// A quota or per-user limit was reached.
    #[error("{0}")]
    LimitExceeded(String),
    /// Another request changed the same record first; retrying is safe.
    #[error("The request could not be completed because of a concurrent change. Try again.")]
    ConcurrentModification,
    /// Operation not available in this configuration or not supported.
    #[error("{0}")]
    UnsupportedOperation(String),
    /// The user (or pool) has no software token for TOTP MFA.
    #[error("{0}")]
    SoftwareTokenMfaNotFound(String),
    /// `VerifySoftwareToken` got a wrong code.
    #[error("{0}")]
    EnableSoftwareTokenMfa(String),
    /// Threat protection (`UserPoolAddOns.AdvancedSecurityMode`) is off for the pool.
    #[error("{0}")]
    UserPoolAddOnNotEnabled(String),
    /// A passkey operation refused for a WebAuthn reason (`WebAuthn*Exception`).
    #[error("{1}")]
    WebAuthn(crate::webauthn::WebAuthnFault, String),
    /// Storage or another internal fault; details are logged, never sent.
    #[error("internal error")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl CoreError {
    /// The Cognito `__type` for this error.
    pub fn error_type(&self) -> ErrorType {
        match self {
            CoreError::InvalidParameter(_) => ErrorType::InvalidParameter,
            CoreError::ResourceNotFound(_) => ErrorType::ResourceNotFound,
            CoreError::UserNotFound => ErrorType::UserNotFound,
            CoreError::UsernameExists(_) => ErrorType::UsernameExists,
            CoreError::AliasExists(_) => ErrorType::AliasExists,
            CoreError::GroupExists(_) => ErrorType::GroupExists,
            CoreError::DeviceKeyExists(_) => ErrorType::DeviceKeyExists,
            CoreError::NotAuthorized(_) => ErrorType::NotAuthorized,
            CoreError::InvalidPassword(_) => ErrorType::InvalidPassword,
            CoreError::CodeMismatch(_) => ErrorType::CodeMismatch,
            CoreError::ExpiredCode => ErrorType::ExpiredCode,
            CoreError::UserNotConfirmed => ErrorType::UserNotConfirmed,
            CoreError::PasswordResetRequired => ErrorType::PasswordResetRequired,
            CoreError::UnsupportedTokenType(_) => ErrorType::UnsupportedTokenType,
            CoreError::RefreshTokenReuse => ErrorType::RefreshTokenReuse,
            CoreError::TooManyRequests(_) => ErrorType::TooManyRequests,
            CoreError::ScopeDoesNotExist(_) => ErrorType::ScopeDoesNotExist,
            CoreError::ResourceConflict(_) => ErrorType::ResourceConflict,
            CoreError::InvalidIdentityPoolConfiguration(_) => {
                ErrorType::InvalidIdentityPoolConfiguration
            }
            CoreError::NoSuchEntity(_) => ErrorType::ResourceNotFound,
            CoreError::EntityAlreadyExists(_) => ErrorType::ResourceConflict,
            CoreError::MalformedPolicyDocument(_)
            | CoreError::InvalidIdentityToken(_)
            | CoreError::ExpiredToken(_) => ErrorType::InvalidParameter,
            CoreError::AccessDenied(_) => ErrorType::AccessDenied,
            CoreError::LimitExceeded(_) => ErrorType::LimitExceeded,
            CoreError::ConcurrentModification => ErrorType::ConcurrentModification,
            CoreError::UnsupportedOperation(_) => ErrorType::UnsupportedOperation,
            CoreError::SoftwareTokenMfaNotFound(_) => ErrorType::SoftwareTokenMfaNotFound,
            CoreError::EnableSoftwareTokenMfa(_) => ErrorType::EnableSoftwareTokenMfa,
            CoreError::UserPoolAddOnNotEnabled(_) => ErrorType::UserPoolAddOnNotEnabled,
            CoreError::WebAuthn(fault, _) => fault.error_type(),
            CoreError::Internal(_) => ErrorType::InternalError,
        }
    }

    /// The message sent to the client: internal causes are never exposed.
    pub fn client_message(&self) -> String {
        match self {
            CoreError::Internal(_) => "An internal error occurred.".into(),
            other => other.to_string(),
        }
    }

    /// `NotAuthorizedException` with `Incorrect username or password.`
    pub fn bad_credentials() -> Self {
        CoreError::NotAuthorized("Incorrect username or password.".into())
    }

    pub(crate) fn pool_not_found(id: &str) -> Self {
        CoreError::ResourceNotFound(format!("User pool {id} does not exist."))
    }
}

impl From<StoreError> for CoreError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::VersionConflict => CoreError::ConcurrentModification,
            other => CoreError::Internal(Box::new(other)),
        }
    }
}

/// Shorthand for results of core operations.
pub type CoreResult<T> = Result<T, CoreError>;
