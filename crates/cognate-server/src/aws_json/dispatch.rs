//! The operation table: every `X-Amz-Target` Cognate answers, how its caller is
//! authenticated, and the core function it calls. This is the API surface at a glance.

use super::error::ApiError;
use crate::app::AppState;
use axum::body::Bytes;
use cognate_core::Core;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::future::Future;
use std::pin::Pin;

/// How a caller proves who it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auth {
    /// SigV4 with the admin key (Cognito's IAM-authorized operations).
    Iam,
    /// Unsigned; the body carries a client id or token.
    Public,
}

/// A boxed operation future answering JSON bytes.
pub type Reply = Pin<Box<dyn Future<Output = Result<Vec<u8>, ApiError>> + Send>>;

/// An operation: state and raw body in, JSON out.
pub type Handler = fn(AppState, Bytes) -> Reply;

/// Decodes a request body; an empty body is `{}`.
pub fn decode<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(serde_json::from_slice(b"{}")?);
    }
    Ok(serde_json::from_slice(body)?)
}

/// Encodes a reply; operations without output answer `{}`.
pub fn encode<T: Serialize>(value: &T) -> Result<Vec<u8>, ApiError> {
    let v = serde_json::to_value(value)?;
    if v.is_null() {
        return Ok(b"{}".to_vec());
    }
    Ok(serde_json::to_vec(&v)?)
}

/// Builds a [`Handler`] from a core method name.
macro_rules! op {
    ($method:ident) => {
        |state: AppState, body: Bytes| -> Reply {
            Box::pin(async move {
                let req = decode(&body)?;
                let core: &Core = &state.core;
                let out = core.$method(req).await?;
                encode(&out)
            })
        }
    };
}
pub(crate) use op;

/// One operation: its name, how its caller is authenticated, and its handler.
pub struct Operation {
    /// The name after the dot in `X-Amz-Target`.
    pub name: &'static str,
    /// Caller authentication.
    pub auth: Auth,
    /// The handler.
    pub handler: Handler,
}

/// Every cognito-idp operation Cognate answers.
pub static USER_POOL_OPERATIONS: &[Operation] = &[
    // User pools
    Operation {
        name: "CreateUserPool",
        auth: Auth::Iam,
        handler: op!(create_user_pool),
    },
    Operation {
        name: "DescribeUserPool",
        auth: Auth::Iam,
        handler: op!(describe_user_pool),
    },
    Operation {
        name: "UpdateUserPool",
        auth: Auth::Iam,
        handler: op!(update_user_pool),
    },
    Operation {
        name: "DeleteUserPool",
        auth: Auth::Iam,
        handler: op!(delete_user_pool),
    },
    Operation {
        name: "ListUserPools",
        auth: Auth::Iam,
        handler: op!(list_user_pools),
    },
    Operation {
        name: "AddCustomAttributes",
        auth: Auth::Iam,
        handler: op!(add_custom_attributes),
    },
    Operation {
        name: "TagResource",
        auth: Auth::Iam,
        handler: op!(tag_resource),
    },
    Operation {
        name: "UntagResource",
        auth: Auth::Iam,
        handler: op!(untag_resource),
    },
    Operation {
        name: "ListTagsForResource",
        auth: Auth::Iam,
        handler: op!(list_tags_for_resource),
    },
    // App clients
    Operation {
        name: "CreateUserPoolClient",
        auth: Auth::Iam,
        handler: op!(create_user_pool_client),
    },
    Operation {
        name: "DescribeUserPoolClient",
        auth: Auth::Iam,
        handler: op!(describe_user_pool_client),
    },
    Operation {
        name: "UpdateUserPoolClient",
        auth: Auth::Iam,
        handler: op!(update_user_pool_client),
    },
    Operation {
        name: "DeleteUserPoolClient",
        auth: Auth::Iam,
        handler: op!(delete_user_pool_client),
    },
    Operation {
        name: "ListUserPoolClients",
        auth: Auth::Iam,
        handler: op!(list_user_pool_clients),
    },
    // Users (admin)
    Operation {
        name: "AdminCreateUser",
        auth: Auth::Iam,
        handler: op!(admin_create_user),
    },
    Operation {
        name: "AdminGetUser",
        auth: Auth::Iam,
        handler: op!(admin_get_user),
    },
    Operation {
        name: "AdminUpdateUserAttributes",
        auth: Auth::Iam,
        handler: op!(admin_update_user_attributes),
    },
    Operation {
        name: "AdminDeleteUserAttributes",
        auth: Auth::Iam,
        handler: op!(admin_delete_user_attributes),
    },
    Operation {
        name: "AdminDisableUser",
        auth: Auth::Iam,
        handler: op!(admin_disable_user),
    },
    Operation {
        name: "AdminEnableUser",
        auth: Auth::Iam,
        handler: op!(admin_enable_user),
    },
    Operation {
        name: "AdminDeleteUser",
        auth: Auth::Iam,
        handler: op!(admin_delete_user),
    },
    Operation {
        name: "AdminSetUserPassword",
        auth: Auth::Iam,
        handler: op!(admin_set_user_password),
    },
    Operation {
        name: "AdminResetUserPassword",
        auth: Auth::Iam,
        handler: op!(admin_reset_user_password),
    },
    Operation {
        name: "AdminConfirmSignUp",
        auth: Auth::Iam,
        handler: op!(admin_confirm_sign_up),
    },
    Operation {
        name: "ListUsers",
        auth: Auth::Iam,
        handler: op!(list_users),
    },
    // Sign-in and tokens
    Operation {
        name: "InitiateAuth",
        auth: Auth::Public,
        handler: op!(initiate_auth),
    },
    Operation {
        name: "RespondToAuthChallenge",
        auth: Auth::Public,
        handler: op!(respond_to_auth_challenge),
    },
    Operation {
        name: "AdminInitiateAuth",
        auth: Auth::Iam,
        handler: op!(admin_initiate_auth),
    },
    Operation {
        name: "AdminRespondToAuthChallenge",
        auth: Auth::Iam,
        handler: op!(admin_respond_to_auth_challenge),
    },
    Operation {
        name: "GetTokensFromRefreshToken",
        auth: Auth::Public,
        handler: op!(get_tokens_from_refresh_token),
    },
    Operation {
        name: "RevokeToken",
        auth: Auth::Public,
        handler: op!(revoke_token),
    },
    Operation {
        name: "GlobalSignOut",
        auth: Auth::Public,
        handler: op!(global_sign_out),
    },
    Operation {
        name: "AdminUserGlobalSignOut",
        auth: Auth::Iam,
        handler: op!(admin_user_global_sign_out),
    },
    // Sign-up and recovery
    Operation {
        name: "SignUp",
        auth: Auth::Public,
        handler: op!(sign_up),
    },
    Operation {
        name: "ConfirmSignUp",
        auth: Auth::Public,
        handler: op!(confirm_sign_up),
    },
    Operation {
        name: "ResendConfirmationCode",
        auth: Auth::Public,
        handler: op!(resend_confirmation_code),
    },
    Operation {
        name: "ForgotPassword",
        auth: Auth::Public,
        handler: op!(forgot_password),
    },
    Operation {
        name: "ConfirmForgotPassword",
        auth: Auth::Public,
        handler: op!(confirm_forgot_password),
    },
    // Self-service with an access token (unsigned; core checks the token)
    Operation {
        name: "GetUser",
        auth: Auth::Public,
        handler: op!(get_user),
    },
    Operation {
        name: "UpdateUserAttributes",
        auth: Auth::Public,
        handler: op!(update_user_attributes),
    },
    Operation {
        name: "DeleteUserAttributes",
        auth: Auth::Public,
        handler: op!(delete_user_attributes),
    },
    Operation {
        name: "GetUserAttributeVerificationCode",
        auth: Auth::Public,
        handler: op!(get_user_attribute_verification_code),
    },
    Operation {
        name: "VerifyUserAttribute",
        auth: Auth::Public,
        handler: op!(verify_user_attribute),
    },
    Operation {
        name: "ChangePassword",
        auth: Auth::Public,
        handler: op!(change_password),
    },
    Operation {
        name: "DeleteUser",
        auth: Auth::Public,
        handler: op!(delete_user),
    },
    // Groups
    Operation {
        name: "CreateGroup",
        auth: Auth::Iam,
        handler: op!(create_group),
    },
    Operation {
        name: "GetGroup",
        auth: Auth::Iam,
        handler: op!(get_group),
    },
    Operation {
        name: "UpdateGroup",
        auth: Auth::Iam,
        handler: op!(update_group),
    },
    Operation {
        name: "DeleteGroup",
        auth: Auth::Iam,
        handler: op!(delete_group),
    },
    Operation {
        name: "ListGroups",
        auth: Auth::Iam,
        handler: op!(list_groups),
    },
    Operation {
        name: "AdminAddUserToGroup",
        auth: Auth::Iam,
        handler: op!(admin_add_user_to_group),
    },
    Operation {
        name: "AdminRemoveUserFromGroup",
        auth: Auth::Iam,
        handler: op!(admin_remove_user_from_group),
    },
    Operation {
        name: "AdminListGroupsForUser",
        auth: Auth::Iam,
        handler: op!(admin_list_groups_for_user),
    },
    Operation {
        name: "ListUsersInGroup",
        auth: Auth::Iam,
        handler: op!(list_users_in_group),
    },
    // Multi-factor authentication
    Operation {
        name: "SetUserPoolMfaConfig",
        auth: Auth::Iam,
        handler: op!(set_user_pool_mfa_config),
    },
    Operation {
        name: "GetUserPoolMfaConfig",
        auth: Auth::Iam,
        handler: op!(get_user_pool_mfa_config),
    },
    Operation {
        name: "AdminSetUserMFAPreference",
        auth: Auth::Iam,
        handler: op!(admin_set_user_mfa_preference),
    },
    Operation {
        name: "SetUserMFAPreference",
        auth: Auth::Public,
        handler: op!(set_user_mfa_preference),
    },
    Operation {
        name: "AssociateSoftwareToken",
        auth: Auth::Public,
        handler: op!(associate_software_token),
    },
    Operation {
        name: "VerifySoftwareToken",
        auth: Auth::Public,
        handler: op!(verify_software_token),
    },
    // Remembered devices (access token, core checks it; Admin* with SigV4)
    Operation {
        name: "ConfirmDevice",
        auth: Auth::Public,
        handler: op!(confirm_device),
    },
    Operation {
        name: "GetDevice",
        auth: Auth::Public,
        handler: op!(get_device),
    },
    Operation {
        name: "ListDevices",
        auth: Auth::Public,
        handler: op!(list_devices),
    },
    Operation {
        name: "UpdateDeviceStatus",
        auth: Auth::Public,
        handler: op!(update_device_status),
    },
    Operation {
        name: "ForgetDevice",
        auth: Auth::Public,
        handler: op!(forget_device),
    },
    Operation {
        name: "AdminGetDevice",
        auth: Auth::Iam,
        handler: op!(admin_get_device),
    },
    Operation {
        name: "AdminListDevices",
        auth: Auth::Iam,
        handler: op!(admin_list_devices),
    },
    Operation {
        name: "AdminUpdateDeviceStatus",
        auth: Auth::Iam,
        handler: op!(admin_update_device_status),
    },
    Operation {
        name: "AdminForgetDevice",
        auth: Auth::Iam,
        handler: op!(admin_forget_device),
    },
    // Domains, resource servers and hosted-UI customization
    Operation {
        name: "CreateUserPoolDomain",
        auth: Auth::Iam,
        handler: op!(create_user_pool_domain),
    },
    Operation {
        name: "DescribeUserPoolDomain",
        auth: Auth::Iam,
        handler: op!(describe_user_pool_domain),
    },
    Operation {
        name: "UpdateUserPoolDomain",
        auth: Auth::Iam,
        handler: op!(update_user_pool_domain),
    },
    Operation {
        name: "DeleteUserPoolDomain",
        auth: Auth::Iam,
        handler: op!(delete_user_pool_domain),
    },
    Operation {
        name: "CreateResourceServer",
        auth: Auth::Iam,
        handler: op!(create_resource_server),
    },
    Operation {
        name: "DescribeResourceServer",
        auth: Auth::Iam,
        handler: op!(describe_resource_server),
    },
    Operation {
        name: "UpdateResourceServer",
        auth: Auth::Iam,
        handler: op!(update_resource_server),
    },
    Operation {
        name: "DeleteResourceServer",
        auth: Auth::Iam,
        handler: op!(delete_resource_server),
    },
    Operation {
        name: "ListResourceServers",
        auth: Auth::Iam,
        handler: op!(list_resource_servers),
    },
    Operation {
        name: "SetUICustomization",
        auth: Auth::Iam,
        handler: op!(set_ui_customization),
    },
    Operation {
        name: "GetUICustomization",
        auth: Auth::Iam,
        handler: op!(get_ui_customization),
    },
    // Passkeys (access token; core checks it)
    Operation {
        name: "StartWebAuthnRegistration",
        auth: Auth::Public,
        handler: op!(start_web_authn_registration),
    },
    Operation {
        name: "CompleteWebAuthnRegistration",
        auth: Auth::Public,
        handler: op!(complete_web_authn_registration),
    },
    Operation {
        name: "ListWebAuthnCredentials",
        auth: Auth::Public,
        handler: op!(list_web_authn_credentials),
    },
    Operation {
        name: "DeleteWebAuthnCredential",
        auth: Auth::Public,
        handler: op!(delete_web_authn_credential),
    },
    // Threat protection
    Operation {
        name: "SetRiskConfiguration",
        auth: Auth::Iam,
        handler: op!(set_risk_configuration),
    },
    Operation {
        name: "DescribeRiskConfiguration",
        auth: Auth::Iam,
        handler: op!(describe_risk_configuration),
    },
    Operation {
        name: "AdminListUserAuthEvents",
        auth: Auth::Iam,
        handler: op!(admin_list_user_auth_events),
    },
    Operation {
        name: "AdminUpdateAuthEventFeedback",
        auth: Auth::Iam,
        handler: op!(admin_update_auth_event_feedback),
    },
    Operation {
        name: "UpdateAuthEventFeedback",
        auth: Auth::Public,
        handler: op!(update_auth_event_feedback),
    },
];

/// Looks up a cognito-idp operation by its name (the part after the dot).
pub fn user_pool_operation(name: &str) -> Option<&'static Operation> {
    USER_POOL_OPERATIONS.iter().find(|o| o.name == name)
}

/// Operations of the Cognito model that Cognate does not answer yet; they get
/// `UnsupportedOperationException` rather than "unknown operation".
pub fn is_known_user_pool_operation(name: &str) -> bool {
    const MODEL: &[&str] = &[
        "AdminDisableProviderForUser",
        "AdminGetUserAuthFactors",
        "AdminLinkProviderForUser",
        "AdminSetUserSettings",
        "AddUserPoolClientSecret",
        "CompleteWebAuthnRegistration",
        "CreateIdentityProvider",
        "CreateManagedLoginBranding",
        "CreateTerms",
        "CreateUserImportJob",
        "DeleteIdentityProvider",
        "DeleteManagedLoginBranding",
        "DeleteTerms",
        "DeleteUserPoolClientSecret",
        "DeleteWebAuthnCredential",
        "DescribeIdentityProvider",
        "DescribeManagedLoginBranding",
        "DescribeManagedLoginBrandingByClient",
        "DescribeTerms",
        "DescribeUserImportJob",
        "GetCSVHeader",
        "GetIdentityProviderByIdentifier",
        "GetLogDeliveryConfiguration",
        "GetSigningCertificate",
        "GetUserAuthFactors",
        "ListIdentityProviders",
        "ListTerms",
        "ListUserImportJobs",
        "ListUserPoolClientSecrets",
        "ListWebAuthnCredentials",
        "SetLogDeliveryConfiguration",
        "SetUserSettings",
        "StartUserImportJob",
        "StartWebAuthnRegistration",
        "StopUserImportJob",
        "UpdateIdentityProvider",
        "UpdateManagedLoginBranding",
        "UpdateTerms",
        "GetProvisionedLimit",
        "UpdateProvisionedLimit",
        "CreateUserPoolReplica",
        "DeleteUserPoolReplica",
        "ListUserPoolReplicas",
        "UpdateUserPoolReplica",
    ];
    MODEL.contains(&name)
}
