//! Table-driven checks of IAM's documented evaluation behaviour, mostly on policies taken
//! from the IAM User Guide's examples (Cognito per-user folders, MFA and IP guards, date
//! windows, ABAC tags, the ForAllValues trap) and the Cognito identity-pool trust policy.

use Decision::{Allow, ExplicitDeny, ImplicitDeny};
use cognate_policy::{
    Context, Decision, Policy, PolicyError, Request, SizeLimit, evaluate, evaluate_trust,
};

const ALICE: &str = "us-east-1:11111111-1111-1111-1111-111111111111";
const BOB: &str = "us-east-1:22222222-2222-2222-2222-222222222222";
const POOL: &str = "us-east-1:12345678-dead-beef-cafe-123456789012";

/// The Cognito per-user folder policy: objects under `private/<identity id>/` plus listing
/// that prefix only.
const COGNITO_FOLDERS: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "ListOwnPrefix", "Effect": "Allow", "Action": "s3:ListBucket",
     "Resource": "arn:aws:s3:::bucket",
     "Condition": {"StringLike": {"s3:prefix": "private/${cognito-identity.amazonaws.com:sub}/*"}}},
    {"Sid": "ReadWriteOwnObjects", "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
     "Resource": "arn:aws:s3:::bucket/private/${cognito-identity.amazonaws.com:sub}/*"}
  ]
}"#;

const S3_ALL: &str =
    r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#;
const DENY_DELETE: &str = r#"{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"s3:Delete*","Resource":"arn:aws:s3:::bucket/*"}}"#;
const BUCKET_OBJECTS: &str = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/*"}}"#;
const BUCKET_PREFIX: &str = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::bucket*"}}"#;
/// IAM example "Deny access to AWS based on the source IP" (with v6 added).
const IP_GUARD: &str = r#"{"Version":"2012-10-17","Statement":[
  {"Effect":"Allow","Action":"s3:*","Resource":"*"},
  {"Effect":"Deny","Action":"*","Resource":"*","Condition":{
    "NotIpAddress":{"aws:SourceIp":["192.0.2.0/24","203.0.113.0/24","2001:db8::/32"]},
    "Bool":{"aws:ViaAWSService":"false"}}}]}"#;
/// IAM example "Deny everything but MFA setup unless signed in with MFA" (NotAction + Deny).
const MFA_GUARD: &str = r#"{"Version":"2012-10-17","Statement":[
  {"Effect":"Allow","Action":["s3:*","iam:ListMFADevices"],"Resource":"*"},
  {"Sid":"BlockMostAccessUnlessSignedInWithMFA","Effect":"Deny",
   "NotAction":["iam:CreateVirtualMFADevice","iam:EnableMFADevice","iam:ListMFADevices","sts:GetSessionToken"],
   "Resource":"*","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}}]}"#;
const SECURE_ONLY: &str = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":true}}}}"#;
/// IAM example "Allow access within specific dates".
const DATE_WINDOW: &str = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*",
  "Condition":{"DateGreaterThan":{"aws:CurrentTime":"2020-04-01T00:00:00Z"},"DateLessThan":{"aws:CurrentTime":"2020-06-30T23:59:59Z"}}}}"#;
const ABAC_TEAM: &str = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::bucket/${aws:PrincipalTag/team}/*"}}"#;
const HOME_DIR: &str = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/home/${aws:username}/*"}}"#;
const HOME_DEFAULT: &str = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/home/${aws:username, 'anonymous'}/*"}}"#;
const HOME_2008: &str = r#"{"Version":"2008-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/home/${aws:username}/*"}}"#;
const LITERAL_STAR: &str = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/${*}"}}"#;
/// The ForAllValues trap: vacuously true when the request has no tags.
const FOR_ALL_TAGS: &str = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:PutObjectTagging","Resource":"*",
  "Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":["env","team"]}}}}"#;
/// The documented fix for the trap: also require the key to be present.
const FOR_ALL_TAGS_PRESENT: &str = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:PutObjectTagging","Resource":"*",
  "Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":["env","team"]},"Null":{"aws:TagKeys":"false"}}}}"#;
const ANY_AUTHENTICATED: &str = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*",
  "Condition":{"ForAnyValue:StringLike":{"cognito-identity.amazonaws.com:amr":"authenticated"}}}}"#;
const TEMP_CREDS_ONLY: &str = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"Null":{"aws:TokenIssueTime":"false"}}}}"#;
const MAX_KEYS: &str = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::bucket","Condition":{"NumericLessThanEquals":{"s3:max-keys":"100"}}}}"#;
const DENY_OTHER_REGIONS: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"},
  {"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"StringNotEqualsIfExists":{"aws:RequestedRegion":["us-east-1","eu-west-1"]}}}]}"#;
const CASE_KEYS: &str = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"S3:getobject","Resource":"arn:aws:s3:::bucket/*","Condition":{"IpAddress":{"AWS:SOURCEIP":"10.0.0.0/8"}}}}"#;
const TEAM_IGNORE_CASE: &str = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEqualsIgnoreCase":{"aws:PrincipalTag/team":"BLUE"}}}}"#;
const SOURCE_ARN: &str = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"sns:Publish","Resource":"*","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:s3:*:*:bucket-*"}}}}"#;

fn cognito(sub: &str) -> Context {
    Context::new()
        .with("cognito-identity.amazonaws.com:sub", sub)
        .with("cognito-identity.amazonaws.com:aud", POOL)
        .with_multi(
            "cognito-identity.amazonaws.com:amr",
            [
                "authenticated".to_owned(),
                "cognito-idp.us-east-1.amazonaws.com/us-east-1_Pool".to_owned(),
                format!("cognito-idp.us-east-1.amazonaws.com/us-east-1_Pool:CognitoSignIn:{sub}"),
            ],
        )
}

fn alice() -> Context {
    cognito(ALICE)
}
fn alice_lists_own() -> Context {
    alice().with("s3:prefix", format!("private/{ALICE}/photos/"))
}
fn alice_lists_bob() -> Context {
    alice().with("s3:prefix", format!("private/{BOB}/"))
}
fn unauthenticated() -> Context {
    Context::new()
        .with("cognito-identity.amazonaws.com:aud", POOL)
        .with_multi("cognito-identity.amazonaws.com:amr", ["unauthenticated"])
}
fn empty() -> Context {
    Context::new()
}
fn office_v4() -> Context {
    Context::new()
        .with("aws:SourceIp", "203.0.113.9")
        .with("aws:ViaAWSService", "false")
}
fn office_v6() -> Context {
    Context::new()
        .with("aws:SourceIp", "2001:db8::42")
        .with("aws:ViaAWSService", "false")
}
fn elsewhere() -> Context {
    Context::new()
        .with("aws:SourceIp", "198.51.100.1")
        .with("aws:ViaAWSService", "false")
}
fn elsewhere_v6() -> Context {
    Context::new()
        .with("aws:SourceIp", "2001:db9::1")
        .with("aws:ViaAWSService", "false")
}
fn no_source_ip() -> Context {
    Context::new().with("aws:ViaAWSService", "false")
}
fn mfa() -> Context {
    Context::new().with("aws:MultiFactorAuthPresent", "true")
}
fn no_mfa() -> Context {
    Context::new().with("aws:MultiFactorAuthPresent", "false")
}
fn https() -> Context {
    Context::new().with("aws:SecureTransport", "true")
}
fn http() -> Context {
    Context::new().with("aws:SecureTransport", "false")
}
fn may_2020() -> Context {
    Context::new().with_request_time(1_589_000_000)
}
fn july_2020() -> Context {
    Context::new().with("aws:CurrentTime", "2020-07-01T00:00:00Z")
}
fn team_blue() -> Context {
    Context::new().with("aws:PrincipalTag/team", "blue")
}
fn alice_user() -> Context {
    Context::new().with("aws:username", "alice")
}
fn tags_ok() -> Context {
    Context::new().with_multi("aws:TagKeys", ["env"])
}
fn tags_bad() -> Context {
    Context::new().with_multi("aws:TagKeys", ["env", "owner"])
}
fn temp_creds() -> Context {
    Context::new().with("aws:TokenIssueTime", "2024-01-01T00:00:00Z")
}
fn max_keys_50() -> Context {
    Context::new().with("s3:max-keys", "50")
}
fn max_keys_500() -> Context {
    Context::new().with("s3:max-keys", "500")
}
fn us_east_1() -> Context {
    Context::new().with("aws:RequestedRegion", "us-east-1")
}
fn ap_south_1() -> Context {
    Context::new().with("aws:RequestedRegion", "ap-south-1")
}
fn private_net() -> Context {
    Context::new().with("aws:SourceIp", "10.1.2.3")
}
fn team_blue_lower() -> Context {
    Context::new().with("AWS:PrincipalTag/Team", "Blue")
}
fn source_bucket() -> Context {
    Context::new().with("aws:SourceArn", "arn:aws:s3:::bucket-logs")
}
fn source_topic() -> Context {
    Context::new().with(
        "aws:SourceArn",
        "arn:aws:sns:us-east-1:123456789012:bucket-x",
    )
}

struct Row {
    name: &'static str,
    policies: &'static [&'static str],
    action: &'static str,
    resource: &'static str,
    context: fn() -> Context,
    expected: Decision,
}

const fn row(
    name: &'static str,
    policies: &'static [&'static str],
    action: &'static str,
    resource: &'static str,
    context: fn() -> Context,
    expected: Decision,
) -> Row {
    Row {
        name,
        policies,
        action,
        resource,
        context,
        expected,
    }
}

const OWN_OBJECT: &str =
    "arn:aws:s3:::bucket/private/us-east-1:11111111-1111-1111-1111-111111111111/a.jpg";
const BOB_OBJECT: &str =
    "arn:aws:s3:::bucket/private/us-east-1:22222222-2222-2222-2222-222222222222/a.jpg";

const ROWS: &[Row] = &[
    // The Cognito per-user folder policy.
    row(
        "cognito: get own object",
        &[COGNITO_FOLDERS],
        "s3:GetObject",
        OWN_OBJECT,
        alice,
        Allow,
    ),
    row(
        "cognito: put own object",
        &[COGNITO_FOLDERS],
        "s3:PutObject",
        OWN_OBJECT,
        alice,
        Allow,
    ),
    row(
        "cognito: get another user's object",
        &[COGNITO_FOLDERS],
        "s3:GetObject",
        BOB_OBJECT,
        alice,
        ImplicitDeny,
    ),
    row(
        "cognito: delete not granted",
        &[COGNITO_FOLDERS],
        "s3:DeleteObject",
        OWN_OBJECT,
        alice,
        ImplicitDeny,
    ),
    row(
        "cognito: list own prefix",
        &[COGNITO_FOLDERS],
        "s3:ListBucket",
        "arn:aws:s3:::bucket",
        alice_lists_own,
        Allow,
    ),
    row(
        "cognito: list another user's prefix",
        &[COGNITO_FOLDERS],
        "s3:ListBucket",
        "arn:aws:s3:::bucket",
        alice_lists_bob,
        ImplicitDeny,
    ),
    row(
        "cognito: list without a prefix",
        &[COGNITO_FOLDERS],
        "s3:ListBucket",
        "arn:aws:s3:::bucket",
        alice,
        ImplicitDeny,
    ),
    row(
        "cognito: unresolvable sub never matches",
        &[COGNITO_FOLDERS],
        "s3:GetObject",
        "arn:aws:s3:::bucket/private/${cognito-identity.amazonaws.com:sub}/a.jpg",
        empty,
        ImplicitDeny,
    ),
    // Deny beats allow across policies.
    row(
        "two policies: allowed action",
        &[S3_ALL, DENY_DELETE],
        "s3:GetObject",
        "arn:aws:s3:::bucket/k",
        empty,
        Allow,
    ),
    row(
        "two policies: explicit deny wins",
        &[S3_ALL, DENY_DELETE],
        "s3:DeleteObject",
        "arn:aws:s3:::bucket/k",
        empty,
        ExplicitDeny,
    ),
    row(
        "two policies: deny scoped to its resource",
        &[S3_ALL, DENY_DELETE],
        "s3:DeleteBucket",
        "arn:aws:s3:::bucket",
        empty,
        Allow,
    ),
    row(
        "no policy allows",
        &[S3_ALL],
        "dynamodb:GetItem",
        "arn:aws:dynamodb:us-east-1:1:table/t",
        empty,
        ImplicitDeny,
    ),
    // Wildcard edges.
    row(
        "bucket/* covers objects",
        &[BUCKET_OBJECTS],
        "s3:GetObject",
        "arn:aws:s3:::bucket/a/b/c",
        empty,
        Allow,
    ),
    row(
        "bucket/* does not cover the bucket",
        &[BUCKET_OBJECTS],
        "s3:GetObject",
        "arn:aws:s3:::bucket",
        empty,
        ImplicitDeny,
    ),
    row(
        "bucket/* does not cover bucket-logs",
        &[BUCKET_OBJECTS],
        "s3:GetObject",
        "arn:aws:s3:::bucket-logs/a",
        empty,
        ImplicitDeny,
    ),
    row(
        "bucket* covers bucket-logs",
        &[BUCKET_PREFIX],
        "s3:ListBucket",
        "arn:aws:s3:::bucket-logs",
        empty,
        Allow,
    ),
    row(
        "${*} is a literal asterisk",
        &[LITERAL_STAR],
        "s3:GetObject",
        "arn:aws:s3:::bucket/*",
        empty,
        Allow,
    ),
    row(
        "${*} is not a wildcard",
        &[LITERAL_STAR],
        "s3:GetObject",
        "arn:aws:s3:::bucket/x",
        empty,
        ImplicitDeny,
    ),
    // Case rules.
    row(
        "action and condition key are case-insensitive",
        &[CASE_KEYS],
        "s3:GetObject",
        "arn:aws:s3:::bucket/k",
        private_net,
        Allow,
    ),
    row(
        "resource is case-sensitive",
        &[CASE_KEYS],
        "s3:GetObject",
        "arn:aws:s3:::Bucket/k",
        private_net,
        ImplicitDeny,
    ),
    row(
        "StringEqualsIgnoreCase",
        &[TEAM_IGNORE_CASE],
        "s3:GetObject",
        "arn:aws:s3:::b/k",
        team_blue_lower,
        Allow,
    ),
    // IP addresses.
    row(
        "IP guard: office v4",
        &[IP_GUARD],
        "s3:GetObject",
        "arn:aws:s3:::b/k",
        office_v4,
        Allow,
    ),
    row(
        "IP guard: office v6",
        &[IP_GUARD],
        "s3:GetObject",
        "arn:aws:s3:::b/k",
        office_v6,
        Allow,
    ),
    row(
        "IP guard: elsewhere v4",
        &[IP_GUARD],
        "s3:GetObject",
        "arn:aws:s3:::b/k",
        elsewhere,
        ExplicitDeny,
    ),
    row(
        "IP guard: elsewhere v6",
        &[IP_GUARD],
        "s3:GetObject",
        "arn:aws:s3:::b/k",
        elsewhere_v6,
        ExplicitDeny,
    ),
    row(
        "IP guard: no source IP means NotIpAddress holds",
        &[IP_GUARD],
        "s3:GetObject",
        "arn:aws:s3:::b/k",
        no_source_ip,
        ExplicitDeny,
    ),
    // NotAction with Deny and BoolIfExists.
    row(
        "MFA guard: with MFA",
        &[MFA_GUARD],
        "s3:GetObject",
        "arn:aws:s3:::b/k",
        mfa,
        Allow,
    ),
    row(
        "MFA guard: without MFA",
        &[MFA_GUARD],
        "s3:GetObject",
        "arn:aws:s3:::b/k",
        no_mfa,
        ExplicitDeny,
    ),
    row(
        "MFA guard: key absent (IfExists)",
        &[MFA_GUARD],
        "s3:GetObject",
        "arn:aws:s3:::b/k",
        empty,
        ExplicitDeny,
    ),
    row(
        "MFA guard: NotAction exempts MFA setup",
        &[MFA_GUARD],
        "iam:ListMFADevices",
        "*",
        no_mfa,
        Allow,
    ),
    // Bool with a JSON boolean in the policy and string values in the request.
    row(
        "Bool true over https",
        &[SECURE_ONLY],
        "s3:GetObject",
        "arn:aws:s3:::b/k",
        https,
        Allow,
    ),
    row(
        "Bool true over http",
        &[SECURE_ONLY],
        "s3:GetObject",
        "arn:aws:s3:::b/k",
        http,
        ImplicitDeny,
    ),
    row(
        "Bool with key absent",
        &[SECURE_ONLY],
        "s3:GetObject",
        "arn:aws:s3:::b/k",
        empty,
        ImplicitDeny,
    ),
    // Dates.
    row(
        "date window: inside",
        &[DATE_WINDOW],
        "s3:GetObject",
        "arn:aws:s3:::b/k",
        may_2020,
        Allow,
    ),
    row(
        "date window: after",
        &[DATE_WINDOW],
        "s3:GetObject",
        "arn:aws:s3:::b/k",
        july_2020,
        ImplicitDeny,
    ),
    // Policy variables.
    row(
        "ABAC: own team folder",
        &[ABAC_TEAM],
        "s3:PutObject",
        "arn:aws:s3:::bucket/blue/k",
        team_blue,
        Allow,
    ),
    row(
        "ABAC: other team folder",
        &[ABAC_TEAM],
        "s3:PutObject",
        "arn:aws:s3:::bucket/red/k",
        team_blue,
        ImplicitDeny,
    ),
    row(
        "ABAC: untagged principal",
        &[ABAC_TEAM],
        "s3:PutObject",
        "arn:aws:s3:::bucket/blue/k",
        empty,
        ImplicitDeny,
    ),
    row(
        "home dir: named user",
        &[HOME_DIR],
        "s3:GetObject",
        "arn:aws:s3:::bucket/home/alice/k",
        alice_user,
        Allow,
    ),
    row(
        "home dir: unresolvable username",
        &[HOME_DIR],
        "s3:GetObject",
        "arn:aws:s3:::bucket/home/alice/k",
        empty,
        ImplicitDeny,
    ),
    row(
        "home dir: default value",
        &[HOME_DEFAULT],
        "s3:GetObject",
        "arn:aws:s3:::bucket/home/anonymous/k",
        empty,
        Allow,
    ),
    row(
        "home dir: 2008 version keeps ${} literal",
        &[HOME_2008],
        "s3:GetObject",
        "arn:aws:s3:::bucket/home/alice/k",
        alice_user,
        ImplicitDeny,
    ),
    row(
        "home dir: 2008 version matches the literal text",
        &[HOME_2008],
        "s3:GetObject",
        "arn:aws:s3:::bucket/home/${aws:username}/k",
        alice_user,
        Allow,
    ),
    // Set qualifiers.
    row(
        "ForAllValues: subset of allowed tags",
        &[FOR_ALL_TAGS],
        "s3:PutObjectTagging",
        "arn:aws:s3:::b/k",
        tags_ok,
        Allow,
    ),
    row(
        "ForAllValues: a tag outside the set",
        &[FOR_ALL_TAGS],
        "s3:PutObjectTagging",
        "arn:aws:s3:::b/k",
        tags_bad,
        ImplicitDeny,
    ),
    row(
        "ForAllValues: missing key is vacuously true",
        &[FOR_ALL_TAGS],
        "s3:PutObjectTagging",
        "arn:aws:s3:::b/k",
        empty,
        Allow,
    ),
    row(
        "ForAllValues + Null false closes the trap",
        &[FOR_ALL_TAGS_PRESENT],
        "s3:PutObjectTagging",
        "arn:aws:s3:::b/k",
        empty,
        ImplicitDeny,
    ),
    row(
        "ForAnyValue: authenticated identity",
        &[ANY_AUTHENTICATED],
        "s3:GetObject",
        "arn:aws:s3:::b/k",
        alice,
        Allow,
    ),
    row(
        "ForAnyValue: unauthenticated identity",
        &[ANY_AUTHENTICATED],
        "s3:GetObject",
        "arn:aws:s3:::b/k",
        unauthenticated,
        ImplicitDeny,
    ),
    row(
        "ForAnyValue: missing key",
        &[ANY_AUTHENTICATED],
        "s3:GetObject",
        "arn:aws:s3:::b/k",
        empty,
        ImplicitDeny,
    ),
    // Null, numbers, IfExists on a negated operator, ARNs.
    row(
        "Null false: temporary credentials",
        &[TEMP_CREDS_ONLY],
        "s3:GetObject",
        "arn:aws:s3:::b/k",
        temp_creds,
        Allow,
    ),
    row(
        "Null false: long-term credentials",
        &[TEMP_CREDS_ONLY],
        "s3:GetObject",
        "arn:aws:s3:::b/k",
        empty,
        ImplicitDeny,
    ),
    row(
        "NumericLessThanEquals under",
        &[MAX_KEYS],
        "s3:ListBucket",
        "arn:aws:s3:::bucket",
        max_keys_50,
        Allow,
    ),
    row(
        "NumericLessThanEquals over",
        &[MAX_KEYS],
        "s3:ListBucket",
        "arn:aws:s3:::bucket",
        max_keys_500,
        ImplicitDeny,
    ),
    row(
        "StringNotEqualsIfExists: allowed region",
        &[DENY_OTHER_REGIONS],
        "s3:GetObject",
        "arn:aws:s3:::b/k",
        us_east_1,
        Allow,
    ),
    row(
        "StringNotEqualsIfExists: other region",
        &[DENY_OTHER_REGIONS],
        "s3:GetObject",
        "arn:aws:s3:::b/k",
        ap_south_1,
        ExplicitDeny,
    ),
    row(
        "StringNotEqualsIfExists: no region means the deny applies",
        &[DENY_OTHER_REGIONS],
        "s3:GetObject",
        "arn:aws:s3:::b/k",
        empty,
        ExplicitDeny,
    ),
    row(
        "ArnLike per segment",
        &[SOURCE_ARN],
        "sns:Publish",
        "arn:aws:sns:us-east-1:1:t",
        source_bucket,
        Allow,
    ),
    row(
        "ArnLike wrong service segment",
        &[SOURCE_ARN],
        "sns:Publish",
        "arn:aws:sns:us-east-1:1:t",
        source_topic,
        ImplicitDeny,
    ),
];

#[test]
fn iam_documented_examples_evaluate_as_iam_does() {
    let mut failures = Vec::new();
    for row in ROWS {
        let policies: Vec<Policy> = row
            .policies
            .iter()
            .map(|json| Policy::parse(json).unwrap_or_else(|e| panic!("{}: {e}", row.name)))
            .collect();
        let context = (row.context)();
        let request = Request {
            action: row.action,
            resource: row.resource,
            context: &context,
        };
        let decision = evaluate(&policies, &request);
        if decision != row.expected {
            failures.push(format!(
                "{}: expected {:?}, got {decision:?}",
                row.name, row.expected
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(ROWS.len() >= 40);
}

/// The trust policy Cognito's console writes for an identity pool's authenticated role.
const COGNITO_TRUST: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Principal": {"Federated": "cognito-identity.amazonaws.com"},
    "Action": "sts:AssumeRoleWithWebIdentity",
    "Condition": {
      "StringEquals": {"cognito-identity.amazonaws.com:aud": "us-east-1:12345678-dead-beef-cafe-123456789012"},
      "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "authenticated"}
    }
  }]
}"#;

fn other_pool() -> Context {
    alice().with(
        "cognito-identity.amazonaws.com:aud",
        "us-east-1:00000000-0000-0000-0000-000000000000",
    )
}
fn no_amr() -> Context {
    Context::new().with("cognito-identity.amazonaws.com:aud", POOL)
}

/// (name, federated principal, action, context, expected)
type TrustCase = (
    &'static str,
    &'static str,
    &'static str,
    fn() -> Context,
    Decision,
);

#[test]
fn cognito_trust_policy_admits_only_authenticated_identities_of_its_pool() {
    let trust = Policy::parse_trust(COGNITO_TRUST).unwrap();
    let web = "sts:AssumeRoleWithWebIdentity";
    let cases: [TrustCase; 6] = [
        (
            "authenticated identity of the pool",
            "cognito-identity.amazonaws.com",
            web,
            alice,
            Allow,
        ),
        (
            "unauthenticated identity",
            "cognito-identity.amazonaws.com",
            web,
            unauthenticated,
            ImplicitDeny,
        ),
        (
            "identity of another pool",
            "cognito-identity.amazonaws.com",
            web,
            other_pool,
            ImplicitDeny,
        ),
        (
            "token without amr",
            "cognito-identity.amazonaws.com",
            web,
            no_amr,
            ImplicitDeny,
        ),
        (
            "another federated provider",
            "accounts.google.com",
            web,
            alice,
            ImplicitDeny,
        ),
        (
            "another action",
            "cognito-identity.amazonaws.com",
            "sts:AssumeRole",
            alice,
            ImplicitDeny,
        ),
    ];
    for (name, principal, action, context, expected) in cases {
        assert_eq!(
            evaluate_trust(&trust, principal, action, &context()),
            expected,
            "{name}"
        );
    }
}

#[test]
fn malformed_policies_are_refused_with_iam_messages() {
    let oversized = format!(
        r#"{{"Version":"2012-10-17","Statement":{{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::{}"}}}}"#,
        "b".repeat(6200)
    );
    let cases: Vec<(&str, String, SizeLimit, PolicyError)> = vec![
        ("missing Effect", r#"{"Version":"2012-10-17","Statement":{"Action":"s3:*","Resource":"*"}}"#.into(), SizeLimit::MANAGED_POLICY, malformed("Missing required field Effect")),
        ("bad Version", r#"{"Version":"2012-10-18","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#.into(), SizeLimit::MANAGED_POLICY, malformed("The policy failed legacy parsing")),
        ("Principal in identity policy", r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:*","Resource":"*"}}"#.into(), SizeLimit::MANAGED_POLICY, malformed("Policy document should not specify a principal.")),
        ("unknown operator", r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEqualz":{"aws:username":"a"}}}}"#.into(), SizeLimit::MANAGED_POLICY, malformed("Invalid Condition type : StringEqualz")),
        ("not JSON", "Version: 2012-10-17".into(), SizeLimit::MANAGED_POLICY, malformed("Syntax errors in policy.")),
        ("over the managed policy size", oversized.clone(), SizeLimit::MANAGED_POLICY, PolicyError::LimitExceeded { limit: 6144 }),
        ("over the session policy size", oversized, SizeLimit::SESSION_POLICY, PolicyError::LimitExceeded { limit: 2048 }),
    ];
    for (name, json, limit, expected) in cases {
        assert_eq!(
            Policy::parse_with_limit(&json, limit).unwrap_err(),
            expected,
            "{name}"
        );
    }
}

fn malformed(message: &str) -> PolicyError {
    PolicyError::Malformed(message.to_owned())
}
