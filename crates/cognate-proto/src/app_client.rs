//! App-client shapes: `CreateUserPoolClient`, `DescribeUserPoolClient`,
//! `UpdateUserPoolClient`, `DeleteUserPoolClient`, `ListUserPoolClients`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// `TokenValidityUnitsType`: `seconds | minutes | hours | days` per token.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TokenValidityUnits {
    /// Unit of `AccessTokenValidity` (default `hours`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_token: Option<String>,
    /// Unit of `IdTokenValidity` (default `hours`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_token: Option<String>,
    /// Unit of `RefreshTokenValidity` (default `days`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
}

/// `RefreshTokenRotationType`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RefreshTokenRotation {
    /// `ENABLED | DISABLED`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub feature: Option<String>,
    /// 0–60 seconds during which the previous refresh token still works.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_grace_period_seconds: Option<i64>,
}

/// Every settable field of an app client, in its wire shape.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AppClientSettings {
    /// Refresh-token lifetime in `TokenValidityUnits.RefreshToken` units.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token_validity: Option<i64>,
    /// Access-token lifetime in `TokenValidityUnits.AccessToken` units.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_token_validity: Option<i64>,
    /// ID-token lifetime in `TokenValidityUnits.IdToken` units.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_token_validity: Option<i64>,
    /// Units of the three validities.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_validity_units: Option<TokenValidityUnits>,
    /// Attributes the client may read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub read_attributes: Option<Vec<String>>,
    /// Attributes the client may write.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub write_attributes: Option<Vec<String>>,
    /// Enabled auth flows (`ALLOW_*` or legacy names).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explicit_auth_flows: Option<Vec<String>>,
    /// Identity providers offered on the hosted pages.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub supported_identity_providers: Option<Vec<String>>,
    /// OAuth redirect targets.
    #[serde(rename = "CallbackURLs", skip_serializing_if = "Option::is_none")]
    pub callback_urls: Option<Vec<String>>,
    /// Allowed sign-out redirect targets.
    #[serde(rename = "LogoutURLs", skip_serializing_if = "Option::is_none")]
    pub logout_urls: Option<Vec<String>>,
    /// Default redirect, one of the callback URLs.
    #[serde(rename = "DefaultRedirectURI", skip_serializing_if = "Option::is_none")]
    pub default_redirect_uri: Option<String>,
    /// Subset of `code`, `implicit`, `client_credentials`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed_o_auth_flows: Option<Vec<String>>,
    /// OAuth scopes the client may request.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed_o_auth_scopes: Option<Vec<String>>,
    /// Must be true for the OAuth endpoints.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed_o_auth_flows_user_pool_client: Option<bool>,
    /// Pinpoint analytics settings, kept as sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub analytics_configuration: Option<Value>,
    /// `LEGACY | ENABLED`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prevent_user_existence_errors: Option<String>,
    /// Whether refresh tokens can be revoked (default true).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enable_token_revocation: Option<bool>,
    /// Whether the client may pass the end user's IP address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enable_propagate_additional_user_context_data: Option<bool>,
    /// Minutes a challenge Session stays valid, 3–15.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auth_session_validity: Option<i64>,
    /// Refresh-token rotation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token_rotation: Option<RefreshTokenRotation>,
}

/// `CreateUserPoolClient` request.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateUserPoolClientRequest {
    /// The pool.
    pub user_pool_id: Option<String>,
    /// Client name, 1–128.
    pub client_name: Option<String>,
    /// Generate a client secret.
    pub generate_secret: Option<bool>,
    /// A secret of the caller's choosing (24–64 chars) instead of a generated one.
    pub client_secret: Option<String>,
    /// Everything else.
    #[serde(flatten)]
    pub settings: AppClientSettings,
}

/// `UpdateUserPoolClient` request: replaces every setting.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateUserPoolClientRequest {
    /// The pool.
    pub user_pool_id: Option<String>,
    /// The client.
    pub client_id: Option<String>,
    /// New name; unchanged when absent.
    pub client_name: Option<String>,
    /// Everything else.
    #[serde(flatten)]
    pub settings: AppClientSettings,
}

/// Request naming one client: `DescribeUserPoolClient`, `DeleteUserPoolClient`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ClientIdRequest {
    /// The pool.
    pub user_pool_id: Option<String>,
    /// The client.
    pub client_id: Option<String>,
}

/// `UserPoolClientType`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserPoolClientType {
    /// The pool.
    pub user_pool_id: String,
    /// Client name.
    pub client_name: String,
    /// Client id.
    pub client_id: String,
    /// Client secret, when the client has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
    /// Epoch seconds.
    pub last_modified_date: f64,
    /// Epoch seconds.
    pub creation_date: f64,
    /// The stored settings.
    #[serde(flatten)]
    pub settings: AppClientSettings,
}

/// Reply carrying a `UserPoolClient`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserPoolClientResponse {
    /// The client.
    pub user_pool_client: UserPoolClientType,
}

/// `ListUserPoolClients` request.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListUserPoolClientsRequest {
    /// The pool.
    pub user_pool_id: Option<String>,
    /// 1–60.
    pub max_results: Option<i64>,
    /// Opaque continuation token.
    pub next_token: Option<String>,
}

/// `UserPoolClientDescription`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserPoolClientDescription {
    /// Client id.
    pub client_id: String,
    /// The pool.
    pub user_pool_id: String,
    /// Client name.
    pub client_name: String,
}

/// `ListUserPoolClients` reply.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListUserPoolClientsResponse {
    /// One page of clients.
    pub user_pool_clients: Vec<UserPoolClientDescription>,
    /// Present when more clients follow.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}
