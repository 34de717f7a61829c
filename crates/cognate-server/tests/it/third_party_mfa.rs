//! TOTP MFA through third-party clients: `amazon-cognito-identity-js` sets up a software
//! token inside sign-in (MFA_SETUP: `associateSoftwareToken`, `verifySoftwareToken`) and
//! answers SOFTWARE_TOKEN_MFA (`totpRequired` → `sendMFACode`); `pycognito` sets one up
//! with an access token and answers the challenge. Both compute codes with their own
//! RFC 6238 code; `totp-rs` computes the ones the test hands in. Skipped with a notice
//! when the clients are not installed (see `third_party`).

use crate::helpers::TestApp;
use crate::sign_in::{Fixture, PASSWORD, fixture};
use crate::third_party::{Outcome, node_ready, python, python_ready, run};
use aws_sdk_cognitoidentityprovider::types::{SoftwareTokenMfaConfigType, UserPoolMfaType};
use serde_json::{Value, json};

async fn totp_pool(app: &TestApp, mode: UserPoolMfaType) -> Fixture {
    let f = fixture(app).await;
    app.idp
        .set_user_pool_mfa_config()
        .user_pool_id(&f.pool)
        .mfa_configuration(mode)
        .software_token_mfa_configuration(
            SoftwareTokenMfaConfigType::builder().enabled(true).build(),
        )
        .send()
        .await
        .unwrap();
    f
}

fn args(app: &TestApp, f: &Fixture, extra: Value) -> Value {
    let mut args = json!({
        "url": app.url, "poolId": f.pool, "clientId": f.client,
        "username": "alice", "password": PASSWORD, "now": app.clock_now_secs(),
    });
    if let (Some(into), Value::Object(extra)) = (args.as_object_mut(), extra) {
        into.extend(extra);
    }
    args
}

async fn totp_js(app: &TestApp, f: &Fixture, extra: Value) -> Outcome {
    run("node".into(), "totp_js.mjs", args(app, f, extra)).await
}

fn totp_code(secret_b32: &str, at: i64) -> String {
    totp_rs::Builder::new()
        .with_secret(totp_rs::Secret::try_from_base32(secret_b32).unwrap())
        .build()
        .unwrap()
        .generate(at as u64)
        .to_string()
}

backend_tests! {
    async fn cognito_identity_js_sets_up_totp_in_sign_in_then_answers_software_token_mfa(app) {
        if !node_ready() { return }
        let f = totp_pool(&app, UserPoolMfaType::On).await;
        let out = totp_js(&app, &f, json!({"deviceName": "node-authenticator"})).await.ok();
        assert_eq!(out["challenges"], json!(["MFA_SETUP"]));
        let secret = out["secret"].as_str().unwrap().to_owned();
        let me = app.idp.get_user().access_token(out["accessToken"].as_str().unwrap()).send().await.unwrap();
        assert_eq!(me.preferred_mfa_setting(), Some("SOFTWARE_TOKEN_MFA"));

        app.clock.advance_secs(30);
        let code = totp_code(&secret, app.clock_now_secs());
        let out = totp_js(&app, &f, json!({"totpCode": code})).await.ok();
        assert_eq!(out["challenges"], json!(["SOFTWARE_TOKEN_MFA"]));
        assert!(out["idToken"].as_str().is_some_and(|t| !t.is_empty()));
        // The same code again (same window) is refused: CodeMismatchException.
        let code = totp_js(&app, &f, json!({"totpCode": code})).await.err_code();
        assert_eq!(code, "CodeMismatchException");
    }

    async fn pycognito_sets_up_totp_and_answers_software_token_mfa(app) {
        if !python_ready() { return }
        let f = totp_pool(&app, UserPoolMfaType::Optional).await;
        let out = run(python(), "totp_py.py", args(&app, &f, json!({}))).await.ok();
        assert_eq!(out["preferred"], "SOFTWARE_TOKEN_MFA");
        assert_eq!(out["secret"].as_str().map(str::len), Some(32));
        let me = app.idp.get_user().access_token(out["accessToken"].as_str().unwrap()).send().await.unwrap();
        assert_eq!(me.username(), "alice");
    }
}
