//! Authorization of S3 requests signed with Cognate's temporary credentials, as AWS
//! does for a role session: the session token must belong to the access key, and the
//! assumed role's inline policies must allow the action on the resource
//! ([actions, resources and condition keys for S3](https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html)).
//!
//! Invariant: only an explicit `Allow` (and no `Deny`) lets a request through; a
//! missing or foreign token, expired credentials, an anonymous request or a failure to
//! evaluate all refuse it. The admin key may do everything.

use crate::auth::TEMPORARY_KEY_PREFIX;
use crate::service::AdminKey;
use cognate_core::{Core, CoreError};
use cognate_policy::Decision;
use s3s::access::{S3Access, S3AccessContext};
use s3s::path::S3Path;
use s3s::{S3Result, s3_error};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Header (or presigned-URL query parameter) carrying the session token.
const SECURITY_TOKEN_HEADER: &str = "x-amz-security-token";
const SECURITY_TOKEN_QUERY: &str = "X-Amz-Security-Token";
/// Condition key for the `prefix` of a listing.
pub const PREFIX_KEY: &str = "s3:prefix";

/// Why [`decide`] refused a request.
#[derive(Debug, thiserror::Error)]
pub enum Denied {
    /// The token does not belong to live credentials, or the role's policies do not
    /// allow the request (no `Allow`, or an explicit `Deny`).
    #[error("access denied")]
    NotAllowed,
    /// The decision could not be made (for example the database is unreachable); the
    /// request is refused rather than guessed.
    #[error("authorization failed: {0}")]
    Unavailable(#[source] CoreError),
}

/// Decides whether temporary credentials `access_key_id` + `session_token` may perform
/// IAM `action` (e.g. `s3:GetObject`) on `resource` (an ARN), with `extra` request
/// context keys (e.g. `s3:prefix`) added to the credentials' own.
///
/// Any Rust service that accepts Cognate credentials can call this after verifying the
/// request's signature with [`Core::credentials_secret`].
pub async fn decide(
    core: &Core,
    access_key_id: &str,
    session_token: &str,
    action: &str,
    resource: &str,
    extra: &BTreeMap<String, Vec<String>>,
) -> Result<(), Denied> {
    match core
        .authorize(access_key_id, session_token, action, resource, extra)
        .await
    {
        Ok(Decision::Allow) => Ok(()),
        Ok(Decision::ExplicitDeny | Decision::ImplicitDeny) => Err(Denied::NotAllowed),
        Err(e) => Err(Denied::Unavailable(e)),
    }
}

/// The IAM action an S3 operation needs; most are `s3:<OperationName>`, a few
/// differ (listings need `s3:ListBucket`, HEAD needs the matching read).
pub fn iam_action(operation: &str) -> String {
    let action = match operation {
        "ListObjects" | "ListObjectsV2" | "HeadBucket" => "ListBucket",
        "ListBuckets" => "ListAllMyBuckets",
        "HeadObject" => "GetObject",
        other => other,
    };
    format!("s3:{action}")
}

/// The ARN of the bucket or object a request names (`*` for the service itself).
pub fn resource_arn(path: &S3Path) -> String {
    match path {
        S3Path::Root => "*".to_owned(),
        S3Path::Bucket { bucket } => format!("arn:aws:s3:::{bucket}"),
        S3Path::Object { bucket, key } => format!("arn:aws:s3:::{bucket}/{key}"),
    }
}

/// Condition keys of the request: `s3:prefix` for listings (empty when absent, as
/// AWS evaluates it).
fn request_context(operation: &str, query: Option<&str>) -> BTreeMap<String, Vec<String>> {
    let mut extra = BTreeMap::new();
    if matches!(operation, "ListObjects" | "ListObjectsV2") {
        let prefix = query_param(query, "prefix").unwrap_or_default();
        extra.insert(PREFIX_KEY.to_owned(), vec![prefix]);
    }
    extra
}

/// The first value of `name` in an `application/x-www-form-urlencoded` query.
fn query_param(query: Option<&str>, name: &str) -> Option<String> {
    query?.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (decode(k) == name).then(|| decode(v))
    })
}

fn decode(s: &str) -> String {
    let s = s.replace('+', " ");
    percent_encoding::percent_decode_str(&s)
        .decode_utf8_lossy()
        .into_owned()
}

fn session_token(cx: &S3AccessContext<'_>) -> Option<String> {
    cx.headers()
        .get(SECURITY_TOKEN_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .or_else(|| query_param(cx.uri().query(), SECURITY_TOKEN_QUERY))
}

/// The s3s access check: admin key allowed, temporary credentials through [`decide`].
pub struct CognateAccess {
    core: Arc<Core>,
    admin: AdminKey,
}

impl CognateAccess {
    /// Decisions use `core`'s credentials and roles; `admin` may do everything.
    pub fn new(core: Arc<Core>, admin: AdminKey) -> Self {
        Self { core, admin }
    }
}

#[async_trait::async_trait]
impl S3Access for CognateAccess {
    async fn check(&self, cx: &mut S3AccessContext<'_>) -> S3Result<()> {
        let Some(access_key) = cx.credentials().map(|c| c.access_key.clone()) else {
            return Err(s3_error!(AccessDenied, "Anonymous access is not allowed."));
        };
        if self.admin.is(&access_key) {
            return Ok(());
        }
        if !access_key.starts_with(TEMPORARY_KEY_PREFIX) {
            return Err(s3_error!(AccessDenied));
        }
        let token = session_token(cx).unwrap_or_default();
        let operation = cx.s3_op().name();
        let action = iam_action(operation);
        let resource = resource_arn(cx.s3_path());
        let extra = request_context(operation, cx.uri().query());
        match decide(&self.core, &access_key, &token, &action, &resource, &extra).await {
            Ok(()) => Ok(()),
            Err(Denied::NotAllowed) => {
                tracing::debug!(%action, %resource, "denied by policy");
                Err(s3_error!(AccessDenied))
            }
            Err(Denied::Unavailable(e)) => {
                tracing::error!(error = %e, "authorizing an S3 request");
                Err(s3_error!(InternalError))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operations_map_to_the_iam_actions_aws_checks() {
        assert_eq!(iam_action("GetObject"), "s3:GetObject");
        assert_eq!(iam_action("HeadObject"), "s3:GetObject");
        assert_eq!(iam_action("PutObject"), "s3:PutObject");
        assert_eq!(iam_action("DeleteObject"), "s3:DeleteObject");
        assert_eq!(iam_action("ListObjects"), "s3:ListBucket");
        assert_eq!(iam_action("ListObjectsV2"), "s3:ListBucket");
        assert_eq!(iam_action("HeadBucket"), "s3:ListBucket");
        assert_eq!(iam_action("ListBuckets"), "s3:ListAllMyBuckets");
        assert_eq!(iam_action("CreateBucket"), "s3:CreateBucket");
        assert_eq!(iam_action("GetBucketTagging"), "s3:GetBucketTagging");
    }

    #[test]
    fn resources_are_bucket_and_object_arns() {
        assert_eq!(resource_arn(&S3Path::root()), "*");
        assert_eq!(resource_arn(&S3Path::bucket("b")), "arn:aws:s3:::b");
        assert_eq!(
            resource_arn(&S3Path::object("b", "private/x/a.txt")),
            "arn:aws:s3:::b/private/x/a.txt"
        );
    }

    #[test]
    fn listings_carry_a_decoded_prefix_defaulting_to_empty() {
        let extra = request_context(
            "ListObjectsV2",
            Some("list-type=2&prefix=private%2Fus-east-1%3Aabc%2F"),
        );
        assert_eq!(extra[PREFIX_KEY], ["private/us-east-1:abc/"]);
        let extra = request_context("ListObjects", None);
        assert_eq!(extra[PREFIX_KEY], [""]);
        assert!(request_context("GetObject", Some("prefix=x")).is_empty());
    }
}
