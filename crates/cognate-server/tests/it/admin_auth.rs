//! SigV4 on IAM-authorized operations: only requests signed with the admin key, for
//! `cognito-idp` in the configured region, within 15 minutes, unmodified, get through.

use crate::helpers::{KEY_ID, SECRET, TestApp, send_with_headers, sign};
use std::time::{Duration, SystemTime};

const LIST_POOLS: &str = "AWSCognitoIdentityProviderService.ListUserPools";
const BODY: &str = r#"{"MaxResults":10}"#;

/// A request signed by the official AWS signer, which a test may alter afterwards.
struct Signed {
    headers: Vec<(String, String)>,
    body: String,
}

fn sign_request(
    app: &TestApp,
    key: &str,
    secret: &str,
    service: &str,
    at: SystemTime,
    extra: &[(&str, &str)],
) -> Signed {
    let mut headers = app.json_headers(LIST_POOLS);
    headers.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    Signed {
        headers: sign(&app.url, key, secret, service, at, headers, BODY.as_bytes()),
        body: BODY.into(),
    }
}

async fn send(app: &TestApp, req: Signed) -> (u16, serde_json::Value) {
    let resp = send_with_headers(&app.url, &req.headers, req.body).await;
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap())
}

fn error_type(v: &serde_json::Value) -> &str {
    v["__type"].as_str().unwrap_or_default()
}

backend_tests! {
    async fn correctly_signed_request_is_accepted(app) {
        let (status, body) = send(&app, sign_request(&app, KEY_ID, SECRET, "cognito-idp", SystemTime::now(), &[])).await;
        assert_eq!(status, 200, "{body}");
        assert!(body["UserPools"].is_array());
    }

    async fn unsigned_admin_call_is_missing_authentication_token(app) {
        let resp = app.raw(LIST_POOLS, BODY).await;
        assert_eq!(resp.status().as_u16(), 403);
        assert_eq!(resp.headers()["x-amzn-errortype"], "MissingAuthenticationTokenException:");
        let body: serde_json::Value = resp.json().await.unwrap();
        assert_eq!(error_type(&body), "MissingAuthenticationTokenException");
    }

    async fn unknown_access_key_is_unrecognized_client(app) {
        let err = app.idp_with("AKIAUNKNOWNKEY000000", SECRET).list_user_pools().max_results(1).send().await.unwrap_err().into_service_error();
        assert_eq!(err.meta().code(), Some("UnrecognizedClientException"), "{err:?}");
    }

    async fn wrong_secret_is_invalid_signature(app) {
        let err = app.idp_with(KEY_ID, "not-the-secret").list_user_pools().max_results(1).send().await.unwrap_err().into_service_error();
        assert_eq!(err.meta().code(), Some("InvalidSignatureException"), "{err:?}");
    }

    async fn tampered_body_is_invalid_signature(app) {
        let mut req = sign_request(&app, KEY_ID, SECRET, "cognito-idp", SystemTime::now(), &[]);
        req.body = r#"{"MaxResults":11}"#.into();
        let (status, body) = send(&app, req).await;
        assert_eq!((status, error_type(&body)), (400, "InvalidSignatureException"), "{body}");
    }

    async fn removed_signed_header_is_invalid_signature(app) {
        let mut req = sign_request(&app, KEY_ID, SECRET, "cognito-idp", SystemTime::now(), &[("x-amz-meta-purpose", "test")]);
        req.headers.retain(|(k, _)| k != "x-amz-meta-purpose");
        let (status, body) = send(&app, req).await;
        assert_eq!((status, error_type(&body)), (400, "InvalidSignatureException"), "{body}");
    }

    async fn signature_older_than_fifteen_minutes_is_refused(app) {
        let stale = SystemTime::now() - Duration::from_secs(16 * 60);
        let (status, body) = send(&app, sign_request(&app, KEY_ID, SECRET, "cognito-idp", stale, &[])).await;
        assert_eq!((status, error_type(&body)), (400, "InvalidSignatureException"), "{body}");
        assert!(body["message"].as_str().unwrap().starts_with("Signature expired"), "{body}");
    }

    async fn server_clock_ahead_by_sixteen_minutes_refuses_fresh_signatures(app) {
        app.clock.advance_secs(16 * 60);
        let err = app.idp.list_user_pools().max_results(1).send().await.unwrap_err().into_service_error();
        assert_eq!(err.meta().code(), Some("InvalidSignatureException"), "{err:?}");
    }

    async fn signature_for_another_service_is_refused(app) {
        let (status, body) = send(&app, sign_request(&app, KEY_ID, SECRET, "cognito-identity", SystemTime::now(), &[])).await;
        assert_eq!((status, error_type(&body)), (400, "InvalidSignatureException"), "{body}");
    }

    async fn garbage_authorization_header_is_incomplete_signature(app) {
        let resp = reqwest::Client::new()
            .post(&app.url)
            .header("x-amz-target", LIST_POOLS)
            .header("authorization", "AWS4-HMAC-SHA256 Credential=nope")
            .body(BODY)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status().as_u16(), 400);
        let body: serde_json::Value = resp.json().await.unwrap();
        assert_eq!(error_type(&body), "IncompleteSignatureException", "{body}");
    }
}
