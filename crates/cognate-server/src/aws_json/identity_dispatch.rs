//! The `cognito-identity` operation table (`X-Amz-Target: AWSCognitoIdentityService.<Op>`):
//! identity-pool management is SigV4-signed (service `cognito-identity`); `GetId`,
//! `GetCredentialsForIdentity` and `GetOpenIdToken` are public, as in Cognito.

use super::dispatch::{Auth, Operation, Reply, decode, encode, op};
use crate::app::AppState;
use axum::body::Bytes;
use cognate_core::Core;

/// Every cognito-identity operation Cognate answers.
pub static IDENTITY_OPERATIONS: &[Operation] = &[
    // Identity pools
    Operation {
        name: "CreateIdentityPool",
        auth: Auth::Iam,
        handler: op!(create_identity_pool),
    },
    Operation {
        name: "DescribeIdentityPool",
        auth: Auth::Iam,
        handler: op!(describe_identity_pool),
    },
    Operation {
        name: "UpdateIdentityPool",
        auth: Auth::Iam,
        handler: op!(update_identity_pool),
    },
    Operation {
        name: "DeleteIdentityPool",
        auth: Auth::Iam,
        handler: op!(delete_identity_pool),
    },
    Operation {
        name: "ListIdentityPools",
        auth: Auth::Iam,
        handler: op!(list_identity_pools),
    },
    Operation {
        name: "SetIdentityPoolRoles",
        auth: Auth::Iam,
        handler: op!(set_identity_pool_roles),
    },
    Operation {
        name: "GetIdentityPoolRoles",
        auth: Auth::Iam,
        handler: op!(get_identity_pool_roles),
    },
    // Identities
    Operation {
        name: "DescribeIdentity",
        auth: Auth::Iam,
        handler: op!(describe_identity),
    },
    Operation {
        name: "ListIdentities",
        auth: Auth::Iam,
        handler: op!(list_identities),
    },
    Operation {
        name: "DeleteIdentities",
        auth: Auth::Iam,
        handler: op!(delete_identities),
    },
    Operation {
        name: "GetOpenIdTokenForDeveloperIdentity",
        auth: Auth::Iam,
        handler: op!(get_open_id_token_for_developer_identity),
    },
    Operation {
        name: "LookupDeveloperIdentity",
        auth: Auth::Iam,
        handler: op!(lookup_developer_identity),
    },
    Operation {
        name: "UnlinkDeveloperIdentity",
        auth: Auth::Iam,
        handler: op!(unlink_developer_identity),
    },
    Operation {
        name: "MergeDeveloperIdentities",
        auth: Auth::Iam,
        handler: op!(merge_developer_identities),
    },
    Operation {
        name: "TagResource",
        auth: Auth::Iam,
        handler: op!(tag_identity_pool),
    },
    Operation {
        name: "UntagResource",
        auth: Auth::Iam,
        handler: op!(untag_identity_pool),
    },
    Operation {
        name: "ListTagsForResource",
        auth: Auth::Iam,
        handler: op!(list_identity_pool_tags),
    },
    // Public
    Operation {
        name: "UnlinkIdentity",
        auth: Auth::Public,
        handler: op!(unlink_identity),
    },
    Operation {
        name: "GetId",
        auth: Auth::Public,
        handler: op!(get_id),
    },
    Operation {
        name: "GetCredentialsForIdentity",
        auth: Auth::Public,
        handler: op!(get_credentials_for_identity),
    },
    Operation {
        name: "GetOpenIdToken",
        auth: Auth::Public,
        handler: op!(get_open_id_token),
    },
];

/// Looks up a cognito-identity operation by name.
pub fn identity_operation(name: &str) -> Option<&'static Operation> {
    IDENTITY_OPERATIONS.iter().find(|o| o.name == name)
}
