//! OAuth configuration shapes: user-pool domains (`CreateUserPoolDomain` …),
//! resource servers with custom scopes (`CreateResourceServer` …) and classic hosted-UI
//! customization (`SetUICustomization` / `GetUICustomization`).
//! <https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolDomain.html>

use serde::{Deserialize, Serialize};

/// `CustomDomainConfigType`: the ACM certificate of a custom domain.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CustomDomainConfigType {
    /// ACM certificate ARN (stored, not used: TLS is terminated in front of Cognate).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub certificate_arn: Option<String>,
}

/// `CreateUserPoolDomain` and `UpdateUserPoolDomain` request.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserPoolDomainRequest {
    /// A prefix (`<prefix>.auth.<region>.amazoncognito.com`) or a custom host name.
    pub domain: Option<String>,
    /// The pool.
    pub user_pool_id: Option<String>,
    /// 1 = classic hosted UI, 2 = managed login.
    pub managed_login_version: Option<i64>,
    /// Present for custom domains.
    pub custom_domain_config: Option<CustomDomainConfigType>,
}

/// `CreateUserPoolDomain` / `UpdateUserPoolDomain` reply.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserPoolDomainResponse {
    /// The stored managed-login version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub managed_login_version: Option<i64>,
    /// For custom domains: the host the DNS alias should point at.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cloud_front_domain: Option<String>,
}

/// `DescribeUserPoolDomain` request.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeUserPoolDomainRequest {
    /// The domain string (not the pool id).
    pub domain: Option<String>,
}

/// `DeleteUserPoolDomain` request.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteUserPoolDomainRequest {
    /// The domain string.
    pub domain: Option<String>,
    /// The pool that owns it.
    pub user_pool_id: Option<String>,
}

/// `DomainDescriptionType`; every member is absent for an unknown domain.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DomainDescriptionType {
    /// The pool.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_pool_id: Option<String>,
    /// The account id.
    #[serde(rename = "AWSAccountId", skip_serializing_if = "Option::is_none")]
    pub aws_account_id: Option<String>,
    /// The domain string.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    /// The host serving the domain.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cloud_front_distribution: Option<String>,
    /// Configuration version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// `ACTIVE` once created (Cognate has no asynchronous provisioning).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Present for custom domains.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_domain_config: Option<CustomDomainConfigType>,
    /// 1 = classic hosted UI, 2 = managed login.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub managed_login_version: Option<i64>,
}

/// `DescribeUserPoolDomain` reply.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeUserPoolDomainResponse {
    /// The domain, or an empty object when unknown.
    pub domain_description: DomainDescriptionType,
}

/// `ResourceServerScopeType`: one custom scope.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ResourceServerScopeType {
    /// 1–256 chars, no `/`; the full scope is `<Identifier>/<ScopeName>`.
    pub scope_name: Option<String>,
    /// 1–256 chars.
    pub scope_description: Option<String>,
}

/// `ResourceServerType`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ResourceServerType {
    /// The pool.
    pub user_pool_id: String,
    /// Usually a URL.
    pub identifier: String,
    /// Friendly name.
    pub name: String,
    /// Custom scopes.
    pub scopes: Vec<ResourceServerScopeType>,
}

/// `CreateResourceServer` / `UpdateResourceServer` request.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ResourceServerRequest {
    /// The pool.
    pub user_pool_id: Option<String>,
    /// 1–256 chars of `[\x21\x23-\x5B\x5D-\x7E]`.
    pub identifier: Option<String>,
    /// Friendly name.
    pub name: Option<String>,
    /// At most 100 scopes.
    pub scopes: Option<Vec<ResourceServerScopeType>>,
}

/// `DescribeResourceServer` / `DeleteResourceServer` request.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ResourceServerIdRequest {
    /// The pool.
    pub user_pool_id: Option<String>,
    /// The identifier.
    pub identifier: Option<String>,
}

/// Reply carrying a `ResourceServer`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ResourceServerResponse {
    /// The resource server.
    pub resource_server: ResourceServerType,
}

/// `ListResourceServers` request.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListResourceServersRequest {
    /// The pool.
    pub user_pool_id: Option<String>,
    /// 1–50.
    pub max_results: Option<i64>,
    /// Opaque continuation token.
    pub next_token: Option<String>,
}

/// `ListResourceServers` reply.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListResourceServersResponse {
    /// One page of resource servers.
    pub resource_servers: Vec<ResourceServerType>,
    /// Present when more follow.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// `SetUICustomization` request.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SetUICustomizationRequest {
    /// The pool.
    pub user_pool_id: Option<String>,
    /// An app client, or absent / `ALL` for the pool-wide customization.
    pub client_id: Option<String>,
    /// Style sheet, at most 131072 chars.
    #[serde(rename = "CSS")]
    pub css: Option<String>,
    /// Logo image, base64 (a blob on the wire), at most 131072 bytes.
    pub image_file: Option<String>,
}

/// `GetUICustomization` request.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetUICustomizationRequest {
    /// The pool.
    pub user_pool_id: Option<String>,
    /// An app client, or absent / `ALL` for the pool-wide customization.
    pub client_id: Option<String>,
}

/// `UICustomizationType`.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct UICustomizationType {
    /// The pool.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_pool_id: Option<String>,
    /// The client, or `ALL`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// Where the logo is served, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image_url: Option<String>,
    /// Style sheet.
    #[serde(rename = "CSS", skip_serializing_if = "Option::is_none")]
    pub css: Option<String>,
    /// Changes whenever the style sheet changes.
    #[serde(rename = "CSSVersion", skip_serializing_if = "Option::is_none")]
    pub css_version: Option<String>,
    /// Epoch seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_modified_date: Option<f64>,
    /// Epoch seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub creation_date: Option<f64>,
}

/// `SetUICustomization` / `GetUICustomization` reply.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct UICustomizationResponse {
    /// The customization.
    #[serde(rename = "UICustomization")]
    pub ui_customization: UICustomizationType,
}
