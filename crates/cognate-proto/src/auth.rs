//! Sign-in shapes: `InitiateAuth`, `AdminInitiateAuth`, `RespondToAuthChallenge`,
//! `AdminRespondToAuthChallenge`, `GetTokensFromRefreshToken`, `RevokeToken`,
//! `GlobalSignOut`.
//! <https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_InitiateAuth.html>

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// String map used for `AuthParameters`, `ChallengeResponses`, `ChallengeParameters`.
pub type StringMap = BTreeMap<String, String>;

/// `InitiateAuth` and `AdminInitiateAuth` request (the admin form adds `UserPoolId`
/// and `ContextData`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct InitiateAuthRequest {
    /// Admin form only: the pool.
    pub user_pool_id: Option<String>,
    /// The app client.
    pub client_id: Option<String>,
    /// `USER_SRP_AUTH`, `USER_PASSWORD_AUTH`, `REFRESH_TOKEN_AUTH`, ...
    pub auth_flow: Option<String>,
    /// Flow inputs (`USERNAME`, `PASSWORD`, `SRP_A`, `SECRET_HASH`, ...).
    pub auth_parameters: Option<StringMap>,
    /// Passed to triggers; never stored.
    pub client_metadata: Option<StringMap>,
    /// Analytics settings (accepted, unused).
    pub analytics_metadata: Option<Value>,
    /// Public form: device fingerprint and IP.
    pub user_context_data: Option<Value>,
    /// Admin form: request context.
    pub context_data: Option<Value>,
    /// Session from a previous step (choice-based sign-in).
    pub session: Option<String>,
}

/// `RespondToAuthChallenge` and `AdminRespondToAuthChallenge` request.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RespondToAuthChallengeRequest {
    /// Admin form only: the pool.
    pub user_pool_id: Option<String>,
    /// The app client.
    pub client_id: Option<String>,
    /// The challenge being answered.
    pub challenge_name: Option<String>,
    /// The Session from the challenge.
    pub session: Option<String>,
    /// The answers.
    pub challenge_responses: Option<StringMap>,
    /// Passed to triggers; never stored.
    pub client_metadata: Option<StringMap>,
    /// Analytics settings (accepted, unused).
    pub analytics_metadata: Option<Value>,
    /// Public form: device fingerprint and IP.
    pub user_context_data: Option<Value>,
    /// Admin form: request context.
    pub context_data: Option<Value>,
}

/// `NewDeviceMetadataType`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct NewDeviceMetadata {
    /// `<region>_<uuid>`.
    pub device_key: String,
    /// The user's device group.
    pub device_group_key: String,
}

/// `AuthenticationResultType`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AuthenticationResult {
    /// The access token.
    pub access_token: String,
    /// Access-token lifetime in seconds.
    pub expires_in: i64,
    /// Always `Bearer`.
    pub token_type: String,
    /// A refresh token, when one is issued.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    /// The ID token.
    pub id_token: String,
    /// Set when the sign-in came from a device not yet remembered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_device_metadata: Option<NewDeviceMetadata>,
}

/// Reply of every sign-in step: either a challenge or tokens.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AuthResponse {
    /// The next challenge.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub challenge_name: Option<String>,
    /// Opaque state for the next step.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session: Option<String>,
    /// Challenge inputs (`{}` on success, as Cognito sends).
    pub challenge_parameters: StringMap,
    /// Tokens, on success.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authentication_result: Option<AuthenticationResult>,
    /// Choice-based sign-in: the factors offered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub available_challenges: Option<Vec<String>>,
}

/// `GetTokensFromRefreshToken` request.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetTokensFromRefreshTokenRequest {
    /// The refresh token.
    pub refresh_token: Option<String>,
    /// The app client.
    pub client_id: Option<String>,
    /// The client secret (raw, not a hash).
    pub client_secret: Option<String>,
    /// Remembered device the session is bound to.
    pub device_key: Option<String>,
    /// Passed to triggers; never stored.
    pub client_metadata: Option<StringMap>,
}

/// `GetTokensFromRefreshToken` reply.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetTokensFromRefreshTokenResponse {
    /// New tokens (and a new refresh token under rotation).
    pub authentication_result: AuthenticationResult,
}

/// `RevokeToken` request.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RevokeTokenRequest {
    /// The refresh token.
    pub token: Option<String>,
    /// The app client that got it.
    pub client_id: Option<String>,
    /// The client secret (raw).
    pub client_secret: Option<String>,
}

/// Requests authorized by an access token alone: `GlobalSignOut`, `GetUser`, `DeleteUser`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AccessTokenRequest {
    /// The access token.
    pub access_token: Option<String>,
}
