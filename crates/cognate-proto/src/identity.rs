//! Identity-pool shapes (`cognito-identity`, API version 2014-06-30): pools, roles and
//! role mappings, identities, credentials and OpenID tokens.
//! <https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/Welcome.html>

use crate::common::Tags;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `CognitoIdentityProvider`: a user pool and client whose ID tokens the pool accepts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CognitoIdentityProvider {
    /// `cognito-idp.<region>.amazonaws.com/<userPoolId>` (or Cognate's issuer without scheme).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provider_name: Option<String>,
    /// App client id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// Refuse tokens of users who signed out globally.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server_side_token_check: Option<bool>,
}

/// Every settable field of an identity pool (everything but id and name).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct IdentityPoolSettings {
    /// Whether guests get identities.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allow_unauthenticated_identities: Option<bool>,
    /// Whether the basic (classic) flow is allowed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allow_classic_flow: Option<bool>,
    /// Social providers: provider domain → app id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub supported_login_providers: Option<BTreeMap<String, String>>,
    /// Developer provider name (immutable once set).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub developer_provider_name: Option<String>,
    /// IAM OIDC provider ARNs.
    #[serde(
        rename = "OpenIdConnectProviderARNs",
        skip_serializing_if = "Option::is_none"
    )]
    pub open_id_connect_provider_arns: Option<Vec<String>>,
    /// User pools whose tokens are accepted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cognito_identity_providers: Option<Vec<CognitoIdentityProvider>>,
    /// IAM SAML provider ARNs.
    #[serde(rename = "SamlProviderARNs", skip_serializing_if = "Option::is_none")]
    pub saml_provider_arns: Option<Vec<String>>,
    /// Tags.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity_pool_tags: Option<Tags>,
}

/// `CreateIdentityPool` request / `IdentityPool` shape (Update and Describe).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct IdentityPool {
    /// `<region>:<uuid>` (absent on create).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity_pool_id: Option<String>,
    /// Name, 1–128.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity_pool_name: Option<String>,
    /// Everything else.
    #[serde(flatten)]
    pub settings: IdentityPoolSettings,
}

/// Request naming one identity pool.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct IdentityPoolIdRequest {
    /// The pool.
    pub identity_pool_id: Option<String>,
}

/// `ListIdentityPools` request.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListIdentityPoolsRequest {
    /// Required, 1–60.
    pub max_results: Option<i64>,
    /// Continuation token.
    pub next_token: Option<String>,
}

/// `IdentityPoolShortDescription`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct IdentityPoolShortDescription {
    /// The pool.
    pub identity_pool_id: String,
    /// Its name.
    pub identity_pool_name: String,
}

/// `ListIdentityPools` reply.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListIdentityPoolsResponse {
    /// One page.
    pub identity_pools: Vec<IdentityPoolShortDescription>,
    /// Present when more follow.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// `MappingRule`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct MappingRule {
    /// Token claim to test.
    pub claim: String,
    /// `Equals | Contains | StartsWith | NotEqual`.
    pub match_type: String,
    /// Value to compare with.
    pub value: String,
    /// Role to use on a match.
    #[serde(rename = "RoleARN")]
    pub role_arn: String,
}

/// `RulesConfigurationType`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RulesConfiguration {
    /// Rules, in order.
    pub rules: Vec<MappingRule>,
}

/// `RoleMapping`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RoleMapping {
    /// `Token | Rules`.
    #[serde(rename = "Type")]
    pub kind: String,
    /// `AuthenticatedRole | Deny`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ambiguous_role_resolution: Option<String>,
    /// Rules, for `Type: Rules`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rules_configuration: Option<RulesConfiguration>,
}

/// `SetIdentityPoolRoles` request / `GetIdentityPoolRoles` reply.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct IdentityPoolRoles {
    /// The pool.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity_pool_id: Option<String>,
    /// `authenticated` / `unauthenticated` → role ARN.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub roles: Option<BTreeMap<String, String>>,
    /// Provider key → mapping.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role_mappings: Option<BTreeMap<String, RoleMapping>>,
}

/// `GetId` request.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetIdRequest {
    /// Account id (ignored).
    pub account_id: Option<String>,
    /// The pool.
    pub identity_pool_id: Option<String>,
    /// Provider → token.
    pub logins: Option<BTreeMap<String, String>>,
}

/// `GetId` reply.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetIdResponse {
    /// The identity.
    pub identity_id: String,
}

/// `GetCredentialsForIdentity` / `GetOpenIdToken` request.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct IdentityRequest {
    /// The identity.
    pub identity_id: Option<String>,
    /// Provider → token.
    pub logins: Option<BTreeMap<String, String>>,
    /// Role to assume instead of the mapped one (must be allowed).
    pub custom_role_arn: Option<String>,
}

/// `Credentials` (cognito-identity spelling: `SecretKey`, epoch `Expiration`).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct IdentityCredentials {
    /// `ASIA...`.
    pub access_key_id: String,
    /// Secret key.
    pub secret_key: String,
    /// Session token.
    pub session_token: String,
    /// Epoch seconds.
    pub expiration: f64,
}

/// `GetCredentialsForIdentity` reply.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetCredentialsForIdentityResponse {
    /// The identity.
    pub identity_id: String,
    /// Temporary credentials.
    pub credentials: IdentityCredentials,
}

/// `GetOpenIdToken` reply.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetOpenIdTokenResponse {
    /// The identity.
    pub identity_id: String,
    /// RS512 OpenID token.
    pub token: String,
}
