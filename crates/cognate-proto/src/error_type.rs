//! The `__type` names of Cognito errors: the stable contract that SDKs parse.
//!
//! Every modelled exception is HTTP 400 except the internal ones (500), per the AWS
//! JSON 1.1 protocol; front-door authentication errors use 400/403 as AWS does.

macro_rules! error_types {
    ($($variant:ident => $name:literal),* $(,)?) => {
        /// A Cognito (or AWS front-door) error name as sent in `__type`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum ErrorType {
            $(
                #[doc = concat!("`", $name, "`")]
                $variant,
            )*
        }

        impl ErrorType {
            /// The bare name, e.g. `NotAuthorizedException`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(ErrorType::$variant => $name,)*
                }
            }
        }
    };
}

error_types! {
    AliasExists => "AliasExistsException",
    CodeDeliveryFailure => "CodeDeliveryFailureException",
    CodeMismatch => "CodeMismatchException",
    ConcurrentModification => "ConcurrentModificationException",
    DeveloperUserAlreadyRegistered => "DeveloperUserAlreadyRegisteredException",
    DeviceKeyExists => "DeviceKeyExistsException",
    EnableSoftwareTokenMfa => "EnableSoftwareTokenMFAException",
    ExpiredCode => "ExpiredCodeException",
    GroupExists => "GroupExistsException",
    InternalError => "InternalErrorException",
    InvalidIdentityPoolConfiguration => "InvalidIdentityPoolConfigurationException",
    InvalidParameter => "InvalidParameterException",
    InvalidPassword => "InvalidPasswordException",
    InvalidUserPoolConfiguration => "InvalidUserPoolConfigurationException",
    LimitExceeded => "LimitExceededException",
    NotAuthorized => "NotAuthorizedException",
    PasswordHistoryPolicyViolation => "PasswordHistoryPolicyViolationException",
    PasswordResetRequired => "PasswordResetRequiredException",
    RefreshTokenReuse => "RefreshTokenReuseException",
    ResourceConflict => "ResourceConflictException",
    ResourceNotFound => "ResourceNotFoundException",
    ScopeDoesNotExist => "ScopeDoesNotExistException",
    SoftwareTokenMfaNotFound => "SoftwareTokenMFANotFoundException",
    TooManyFailedAttempts => "TooManyFailedAttemptsException",
    TooManyRequests => "TooManyRequestsException",
    UnsupportedOperation => "UnsupportedOperationException",
    UnsupportedTokenType => "UnsupportedTokenTypeException",
    UserLambdaValidation => "UserLambdaValidationException",
    UserNotConfirmed => "UserNotConfirmedException",
    UserNotFound => "UserNotFoundException",
    UsernameExists => "UsernameExistsException",
    UserPoolAddOnNotEnabled => "UserPoolAddOnNotEnabledException",
    UserPoolTagging => "UserPoolTaggingException",
    WebAuthnChallengeNotFound => "WebAuthnChallengeNotFoundException",
    WebAuthnClientMismatch => "WebAuthnClientMismatchException",
    WebAuthnConfigurationMissing => "WebAuthnConfigurationMissingException",
    WebAuthnCredentialNotSupported => "WebAuthnCredentialNotSupportedException",
    WebAuthnNotEnabled => "WebAuthnNotEnabledException",
    WebAuthnOriginNotAllowed => "WebAuthnOriginNotAllowedException",
    WebAuthnRelyingPartyMismatch => "WebAuthnRelyingPartyMismatchException",
    // Front-door errors of the AWS JSON protocol.
    UnknownOperation => "UnknownOperationException",
    Serialization => "SerializationException",
    RequestEntityTooLarge => "RequestEntityTooLargeException",
    MissingAuthenticationToken => "MissingAuthenticationTokenException",
    IncompleteSignature => "IncompleteSignatureException",
    InvalidSignature => "InvalidSignatureException",
    UnrecognizedClient => "UnrecognizedClientException",
    AccessDenied => "AccessDeniedException",
}

impl ErrorType {
    /// HTTP status for this error: 500 for internal faults, 403 for a missing
    /// signature on an IAM-authorized call (as the AWS front door answers), 413 for
    /// oversized bodies, 400 for everything else.
    pub fn status(self) -> u16 {
        match self {
            ErrorType::InternalError => 500,
            ErrorType::RequestEntityTooLarge => 413,
            ErrorType::MissingAuthenticationToken => 403,
            _ => 400,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_errors_are_500_and_modelled_errors_400() {
        assert_eq!(ErrorType::InternalError.status(), 500);
        assert_eq!(ErrorType::UsernameExists.status(), 400);
        assert_eq!(
            ErrorType::UsernameExists.as_str(),
            "UsernameExistsException"
        );
    }
}
