//! The end-to-end scenario: a user pool, an identity pool and two IAM roles set up with
//! the official SDKs, then an S3-compatible store (`cognate-s3`, another node over the
//! same database) used with the temporary credentials Cognate issues, through an
//! unmodified aws-sdk-s3 client. It proves that each signed-in user reaches only their
//! own `private/<identityId>/` prefix, guests only `public/`, and that expired or
//! forged credentials, stale signatures and altered bodies are refused.

use crate::helpers::{KEY_ID, REGION, SECRET, TestApp, iam_client, identity_client, sts_client};
use crate::sign_in::{Fixture, PASSWORD, fixture, password_sign_in};
use aws_sdk_cognitoidentity::types::CognitoIdentityProvider;
use aws_sdk_s3::error::ProvideErrorMetadata;
use aws_sdk_s3::primitives::ByteStream;
use std::time::{Duration, SystemTime};

const TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"cognito-identity.amazonaws.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"cognito-identity.amazonaws.com:aud":"POOL"},"ForAnyValue:StringLike":{"cognito-identity.amazonaws.com:amr":"AMR"}}}]}"#;
/// Amplify Storage's "protected/private" pattern, written as AWS documents it.
const AUTHENTICATED: &str = r#"{"Version":"2012-10-17","Statement":[
  {"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::bucket/private/${cognito-identity.amazonaws.com:sub}/*"},
  {"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::bucket","Condition":{"StringLike":{"s3:prefix":["private/${cognito-identity.amazonaws.com:sub}/*"]}}},
  {"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/public/*"}]}"#;
const UNAUTHENTICATED: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/public/*"}]}"#;
const BUCKET: &str = "bucket";

/// A running S3 node plus the identity pool and roles of the scenario.
struct Scenario {
    f: Fixture,
    pool: String,
    auth_role: String,
    s3_url: String,
    _root: tempfile::TempDir,
    _stop: tokio::sync::oneshot::Sender<()>,
}

fn s3_client(url: &str, key: &str, secret: &str, token: Option<String>) -> aws_sdk_s3::Client {
    use aws_sdk_s3::config::{BehaviorVersion, Credentials, Region};
    let conf = aws_sdk_s3::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(REGION))
        .credentials_provider(Credentials::new(key, secret, token, None, "cognito"))
        .endpoint_url(url)
        .force_path_style(true)
        .retry_config(aws_sdk_s3::config::retry::RetryConfig::disabled())
        .build();
    aws_sdk_s3::Client::from_conf(conf)
}

fn creds_client(url: &str, c: &aws_sdk_cognitoidentity::types::Credentials) -> aws_sdk_s3::Client {
    s3_client(
        url,
        c.access_key_id().unwrap(),
        c.secret_key().unwrap(),
        Some(c.session_token().unwrap().to_owned()),
    )
}

/// The S3 error code of a refused call.
fn code<T, E: ProvideErrorMetadata + std::fmt::Debug>(result: Result<T, E>) -> String {
    let Err(err) = result else {
        panic!("expected a refusal")
    };
    err.code().map_or_else(|| format!("{err:?}"), str::to_owned)
}

async fn put(s3: &aws_sdk_s3::Client, key: &str, body: &str) -> Result<(), String> {
    s3.put_object()
        .bucket(BUCKET)
        .key(key)
        .body(ByteStream::from(body.as_bytes().to_vec()))
        .send()
        .await
        .map(|_| ())
        .map_err(|e| e.into_service_error().code().unwrap_or("?").to_owned())
}

async fn get(s3: &aws_sdk_s3::Client, key: &str) -> Result<String, String> {
    match s3.get_object().bucket(BUCKET).key(key).send().await {
        Ok(out) => {
            Ok(String::from_utf8(out.body.collect().await.unwrap().into_bytes().to_vec()).unwrap())
        }
        Err(e) => Err(e.into_service_error().code().unwrap_or("?").to_owned()),
    }
}

async fn list(s3: &aws_sdk_s3::Client, prefix: &str) -> Result<Vec<String>, String> {
    match s3
        .list_objects_v2()
        .bucket(BUCKET)
        .prefix(prefix)
        .send()
        .await
    {
        Ok(out) => Ok(out
            .contents()
            .iter()
            .filter_map(|o| o.key().map(str::to_owned))
            .collect()),
        Err(e) => Err(e.into_service_error().code().unwrap_or("?").to_owned()),
    }
}

async fn setup(app: &TestApp) -> Scenario {
    let f = fixture(app).await;
    let ci = identity_client(&app.url);
    let pool = ci
        .create_identity_pool()
        .identity_pool_name("scenario")
        .allow_unauthenticated_identities(true)
        .allow_classic_flow(true)
        .cognito_identity_providers(
            CognitoIdentityProvider::builder()
                .provider_name(format!("cognito-idp.us-east-1.amazonaws.com/{}", f.pool))
                .client_id(&f.client)
                .build(),
        )
        .send()
        .await
        .unwrap()
        .identity_pool_id()
        .to_owned();
    let iam = iam_client(&app.url);
    let mut arns = Vec::new();
    for (name, amr, policy) in [
        ("Auth", "authenticated", AUTHENTICATED),
        ("Guest", "unauthenticated", UNAUTHENTICATED),
    ] {
        let trust = TRUST.replace("POOL", &pool).replace("AMR", amr);
        let role = iam
            .create_role()
            .role_name(name)
            .assume_role_policy_document(trust)
            .send()
            .await
            .unwrap()
            .role
            .unwrap();
        iam.put_role_policy()
            .role_name(name)
            .policy_name("s3")
            .policy_document(policy)
            .send()
            .await
            .unwrap();
        arns.push(role.arn().to_owned());
    }
    ci.set_identity_pool_roles()
        .identity_pool_id(&pool)
        .roles("authenticated", &arns[0])
        .roles("unauthenticated", &arns[1])
        .send()
        .await
        .unwrap();

    // The S3 node: its own listener and root, the server's Core (the shared database).
    let root = tempfile::tempdir().unwrap();
    let service = cognate_s3::build(app.core.clone(), (KEY_ID, SECRET), root.path()).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let s3_url = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(cognate_s3::serve(listener, service, async {
        let _ = stopped.await;
    }));

    let admin = s3_client(&s3_url, KEY_ID, SECRET, None);
    admin.create_bucket().bucket(BUCKET).send().await.unwrap();
    put(&admin, "public/hello.txt", "hello, world")
        .await
        .unwrap();
    Scenario {
        f,
        pool,
        auth_role: arns[0].clone(),
        s3_url,
        _root: root,
        _stop: stop,
    }
}

impl Scenario {
    fn login_key(&self) -> String {
        format!("cognito-idp.us-east-1.amazonaws.com/{}", self.f.pool)
    }

    async fn id_token(&self, app: &TestApp) -> String {
        password_sign_in(app, &self.f, "alice", PASSWORD)
            .await
            .unwrap()
            .authentication_result()
            .unwrap()
            .id_token()
            .unwrap()
            .to_owned()
    }

    /// Enhanced flow: GetId + GetCredentialsForIdentity; returns the identity id and credentials.
    async fn sign_in(
        &self,
        app: &TestApp,
    ) -> (String, aws_sdk_cognitoidentity::types::Credentials) {
        let ci = identity_client(&app.url);
        let token = self.id_token(app).await;
        let id = ci
            .get_id()
            .identity_pool_id(&self.pool)
            .logins(self.login_key(), &token)
            .send()
            .await
            .unwrap()
            .identity_id()
            .unwrap()
            .to_owned();
        let out = ci
            .get_credentials_for_identity()
            .identity_id(&id)
            .logins(self.login_key(), &token)
            .send()
            .await
            .unwrap();
        (id, out.credentials().unwrap().clone())
    }
}

/// What the authenticated role may do, checked through `s3` for identity `id`.
async fn assert_own_prefix_only(s3: &aws_sdk_s3::Client, id: &str) {
    let mine = format!("private/{id}/notes.txt");
    put(s3, &mine, "my notes").await.unwrap();
    assert_eq!(get(s3, &mine).await.unwrap(), "my notes");
    assert_eq!(get(s3, "public/hello.txt").await.unwrap(), "hello, world");
    let theirs = "private/us-east-1:00000000-0000-0000-0000-000000000000/notes.txt";
    assert_eq!(get(s3, theirs).await, Err("AccessDenied".into()));
    assert_eq!(put(s3, theirs, "x").await, Err("AccessDenied".into()));
    assert_eq!(
        list(s3, &format!("private/{id}/")).await.unwrap(),
        std::slice::from_ref(&mine)
    );
    assert_eq!(list(s3, "private/").await, Err("AccessDenied".into()));
    assert_eq!(list(s3, "").await, Err("AccessDenied".into()));
    // Only Get/Put are granted, not Delete.
    assert_eq!(
        code(
            s3.delete_object()
                .bucket(BUCKET)
                .key(&mine)
                .send()
                .await
                .map_err(aws_sdk_s3::error::SdkError::into_service_error)
        ),
        "AccessDenied"
    );
}

/// A raw SigV4 request to the S3 node signed by the official signer at `at`.
fn signed_request(
    url: &str,
    method: &str,
    c: &aws_sdk_cognitoidentity::types::Credentials,
    at: SystemTime,
    body: &[u8],
) -> Vec<(String, String)> {
    use aws_sigv4::http_request::{
        PayloadChecksumKind, SignableBody, SignableRequest, SigningSettings, sign,
    };
    use aws_sigv4::sign::v4;
    let identity = aws_credential_types::Credentials::new(
        c.access_key_id().unwrap(),
        c.secret_key().unwrap(),
        c.session_token().map(str::to_owned),
        None,
        "test",
    )
    .into();
    let mut settings = SigningSettings::default();
    // S3 signs the payload hash into x-amz-content-sha256, so the body is covered.
    settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(REGION)
        .name("s3")
        .time(at)
        .settings(settings)
        .build()
        .unwrap()
        .into();
    let host = url
        .trim_start_matches("http://")
        .split('/')
        .next()
        .unwrap()
        .to_owned();
    let signable = SignableRequest::new(
        method,
        url,
        [("host", host.as_str())].into_iter(),
        SignableBody::Bytes(body),
    )
    .unwrap();
    let (instructions, _) = sign(signable, &params).unwrap().into_parts();
    instructions
        .headers()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

async fn send(
    method: reqwest::Method,
    url: &str,
    headers: &[(String, String)],
    body: &'static [u8],
) -> (u16, String) {
    let mut req = reqwest::Client::new().request(method, url).body(body);
    for (k, v) in headers {
        req = req.header(k, v);
    }
    let resp = req.send().await.unwrap();
    (resp.status().as_u16(), resp.text().await.unwrap())
}

backend_tests! {
    async fn users_and_guests_reach_only_what_their_role_allows_in_s3(app) {
        let s = setup(&app).await;
        let (id, creds) = s.sign_in(&app).await;
        assert!(creds.access_key_id().unwrap().starts_with("ASIA"));
        let user = creds_client(&s.s3_url, &creds);
        assert_own_prefix_only(&user, &id).await;

        // Guest: public reads only.
        let ci = identity_client(&app.url);
        let guest_id = ci.get_id().identity_pool_id(&s.pool).send().await.unwrap().identity_id().unwrap().to_owned();
        let out = ci.get_credentials_for_identity().identity_id(&guest_id).send().await.unwrap();
        let guest = creds_client(&s.s3_url, out.credentials().unwrap());
        assert_eq!(get(&guest, "public/hello.txt").await.unwrap(), "hello, world");
        assert_eq!(put(&guest, "public/new.txt", "x").await, Err("AccessDenied".into()));
        assert_eq!(put(&guest, &format!("private/{guest_id}/a.txt"), "x").await, Err("AccessDenied".into()));
        assert_eq!(get(&guest, &format!("private/{id}/notes.txt")).await, Err("AccessDenied".into()));

        // Unsigned requests and unknown keys are refused.
        let (status, _) = send(reqwest::Method::GET, &format!("{}/{BUCKET}/public/hello.txt", s.s3_url), &[], b"").await;
        assert_eq!(status, 403);
        let stranger = s3_client(&s.s3_url, "ASIAUNKNOWN000000000", "secret", Some("token".into()));
        assert_eq!(get(&stranger, "public/hello.txt").await, Err("InvalidAccessKeyId".into()));

        // An hour later the credentials have expired on every node.
        app.clock.advance_secs(3601);
        assert_eq!(get(&user, "public/hello.txt").await, Err("InvalidAccessKeyId".into()));
        assert_eq!(get(&guest, "public/hello.txt").await, Err("InvalidAccessKeyId".into()));
        // The admin key is not temporary.
        let admin = s3_client(&s.s3_url, KEY_ID, SECRET, None);
        assert_eq!(get(&admin, &format!("private/{id}/notes.txt")).await.unwrap(), "my notes");
    }

    async fn forged_tokens_are_refused_and_the_basic_flow_gets_the_same_access(app) {
        let s = setup(&app).await;
        let (_, creds) = s.sign_in(&app).await;
        // Same key and secret (so the signature verifies), but another session token.
        let mut token = creds.session_token().unwrap().to_owned();
        let last = token.pop().unwrap();
        token.push(if last == 'A' { 'B' } else { 'A' });
        let forged = s3_client(&s.s3_url, creds.access_key_id().unwrap(), creds.secret_key().unwrap(), Some(token));
        assert_eq!(get(&forged, "public/hello.txt").await, Err("AccessDenied".into()));
        let tokenless = s3_client(&s.s3_url, creds.access_key_id().unwrap(), creds.secret_key().unwrap(), None);
        assert_eq!(get(&tokenless, "public/hello.txt").await, Err("AccessDenied".into()));
        // A wrong secret fails the signature itself.
        let wrong = s3_client(&s.s3_url, creds.access_key_id().unwrap(), "wrongSecret", creds.session_token().map(str::to_owned));
        assert_eq!(get(&wrong, "public/hello.txt").await, Err("SignatureDoesNotMatch".into()));

        // Basic flow: GetOpenIdToken, then STS AssumeRoleWithWebIdentity of the role.
        let ci = identity_client(&app.url);
        let token = s.id_token(&app).await;
        let id = ci.get_id().identity_pool_id(&s.pool).logins(s.login_key(), &token).send().await.unwrap().identity_id().unwrap().to_owned();
        let oidc = ci.get_open_id_token().identity_id(&id).logins(s.login_key(), &token).send().await.unwrap().token().unwrap().to_owned();
        let sts = sts_client(&app.url, "AKIAUNUSED0000000000", "unused", None);
        let assumed = sts.assume_role_with_web_identity().role_arn(&s.auth_role).role_session_name("app").web_identity_token(oidc)
            .send().await.unwrap();
        let c = assumed.credentials().unwrap();
        let user = s3_client(&s.s3_url, c.access_key_id(), c.secret_access_key(), Some(c.session_token().to_owned()));
        assert_own_prefix_only(&user, &id).await;
    }

    async fn stale_signatures_and_altered_bodies_are_refused(app) {
        let s = setup(&app).await;
        let (id, creds) = s.sign_in(&app).await;
        let url = format!("{}/{BUCKET}/private/{id}/a.txt", s.s3_url);
        let put_signed = signed_request(&url, "PUT", &creds, SystemTime::now(), b"original");
        assert_eq!(send(reqwest::Method::PUT, &url, &put_signed, b"original").await.0, 200);
        // The same signature over another body: the payload hash no longer matches, so
        // the upload is refused and nothing is stored. (AWS answers 400
        // XAmzContentSHA256Mismatch; s3s 0.14 detects the mismatch while s3s-fs streams
        // the body to disk and s3s-fs reports that as 500 InternalError.)
        let (status, body) = send(reqwest::Method::PUT, &url, &put_signed, b"tampered").await;
        assert!(status >= 400, "{status} {body}");
        assert!(!body.contains("ETag"), "{body}");
        let get_signed = signed_request(&url, "GET", &creds, SystemTime::now(), b"");
        assert_eq!(send(reqwest::Method::GET, &url, &get_signed, b"").await, (200, "original".to_owned()));

        // A request captured and replayed 16 minutes later. s3s checks the signing time
        // against the real clock (it has no injectable clock), so the capture is made
        // by signing 16 minutes in the past; Cognate's clock moves too, and the
        // credentials (valid for an hour) are still live, so only the age refuses it.
        app.clock.advance_secs(16 * 60);
        let captured = signed_request(&url, "GET", &creds, SystemTime::now() - Duration::from_secs(16 * 60), b"");
        let (status, body) = send(reqwest::Method::GET, &url, &captured, b"").await;
        assert_eq!(status, 403, "{body}");
        assert!(body.contains("RequestTimeTooSkewed"), "{body}");
        // A fresh signature with the same credentials still works.
        let fresh = signed_request(&url, "GET", &creds, SystemTime::now(), b"");
        assert_eq!(send(reqwest::Method::GET, &url, &fresh, b"").await, (200, "original".to_owned()));
    }
}
