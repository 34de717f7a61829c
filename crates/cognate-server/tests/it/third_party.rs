//! Third-party clients against the real server: `amazon-cognito-identity-js` (Node) and
//! `pycognito` (Python) run USER_SRP_AUTH, NEW_PASSWORD_REQUIRED and refresh, and `jose`
//! and PyJWT verify the tokens against the served JWKS. The clients live in
//! `tests/clients/`; `bash .ci/clients.sh` installs them. Without them these tests print a
//! notice and pass, except under CI (`CI` set), where a missing client fails the test.

use crate::helpers::TestApp;
use crate::sign_in::{Fixture, PASSWORD, fixture};
use aws_sdk_cognitoidentityprovider::types::MessageActionType;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::Command;

const TEMPORARY: &str = "Temp-Passw0rd!";
const NEW_PASSWORD: &str = "Brand-new-Passw0rd!";

fn clients_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/clients")
}

/// Whether the given installed files are present; fails under CI when they are not.
fn installed(what: &str, paths: &[PathBuf]) -> bool {
    if paths.iter().all(|p| p.exists()) {
        return true;
    }
    let msg = format!(
        "{what} are not installed in {}: run `bash .ci/clients.sh` to install the third-party clients",
        clients_dir().display()
    );
    if matches!(std::env::var("CI"), Ok(v) if !v.is_empty() && v != "false") {
        panic!("{msg}");
    }
    eprintln!("notice: {msg}; skipping");
    false
}

pub(crate) fn node_ready() -> bool {
    let modules = clients_dir().join("node_modules");
    installed(
        "the Node clients (amazon-cognito-identity-js, jose)",
        &[
            modules.join("amazon-cognito-identity-js/package.json"),
            modules.join("jose/package.json"),
        ],
    )
}

pub(crate) fn python() -> PathBuf {
    clients_dir().join(".venv/bin/python")
}

pub(crate) fn python_ready() -> bool {
    installed(
        "the Python clients (pycognito, boto3, PyJWT)",
        // Written by .ci/clients.sh once `pip install` succeeded.
        &[
            python(),
            clients_dir().join(".venv/.requirements.installed"),
        ],
    )
}

/// The outcome of one client script: its exit status and the JSON line it printed.
#[derive(Debug)]
pub(crate) struct Outcome {
    success: bool,
    json: Value,
}

impl Outcome {
    /// The result of a run that must have succeeded.
    pub(crate) fn ok(self) -> Value {
        assert!(
            self.success && self.json["ok"] == true,
            "client failed: {:#}",
            self.json
        );
        self.json
    }

    /// The error code of a run that must have failed.
    pub(crate) fn err_code(self) -> String {
        assert!(
            !self.success && self.json["ok"] == false,
            "client should have failed: {:#}",
            self.json
        );
        self.json["code"].as_str().unwrap_or_default().to_owned()
    }
}

/// Runs `program script <args as JSON>` in the clients folder (off the async runtime).
pub(crate) async fn run(program: PathBuf, script: &str, args: Value) -> Outcome {
    let name = script.to_owned();
    let out = tokio::task::spawn_blocking(move || {
        Command::new(&program)
            .arg(&name)
            .arg(args.to_string())
            .current_dir(clients_dir())
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .output()
            .unwrap_or_else(|e| panic!("cannot run {} {name}: {e}", program.display()))
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let line = stdout
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default();
    let json = serde_json::from_str(line).unwrap_or_else(|e| {
        panic!(
            "no JSON result ({e}); status {}\nstdout:\n{stdout}\nstderr:\n{stderr}",
            out.status
        )
    });
    if std::env::var_os("TEST_LOG").is_some() {
        eprintln!("{script}: {json}\nstderr:\n{stderr}");
    }
    Outcome {
        success: out.status.success(),
        json,
    }
}

async fn srp_js(app: &TestApp, f: &Fixture, user: &str, password: &str, extra: Value) -> Outcome {
    let mut args = json!({"url": app.url, "poolId": f.pool, "clientId": f.client, "username": user, "password": password});
    merge(&mut args, extra);
    run("node".into(), "srp_js.mjs", args).await
}

async fn srp_py(app: &TestApp, f: &Fixture, user: &str, password: &str, extra: Value) -> Outcome {
    let mut args = json!({"url": app.url, "poolId": f.pool, "clientId": f.client, "username": user, "password": password});
    merge(&mut args, extra);
    run(python(), "srp_py.py", args).await
}

async fn verify_jwt(app: &TestApp, f: &Fixture, id_token: &Value, access_token: &Value) -> Outcome {
    let args = json!({"url": app.url, "poolId": f.pool, "clientId": f.client, "idToken": id_token, "accessToken": access_token});
    run("node".into(), "verify_jwt.mjs", args).await
}

fn merge(into: &mut Value, extra: Value) {
    if let (Some(into), Value::Object(extra)) = (into.as_object_mut(), extra) {
        into.extend(extra);
    }
}

/// A user in FORCE_CHANGE_PASSWORD with the password [`TEMPORARY`].
async fn create_temporary_user(app: &TestApp, f: &Fixture, name: &str) {
    app.idp
        .admin_create_user()
        .user_pool_id(&f.pool)
        .username(name)
        .temporary_password(TEMPORARY)
        .message_action(MessageActionType::Suppress)
        .send()
        .await
        .unwrap();
}

async fn user_status(app: &TestApp, f: &Fixture, name: &str) -> String {
    let user = app
        .idp
        .admin_get_user()
        .user_pool_id(&f.pool)
        .username(name)
        .send()
        .await
        .unwrap();
    user.user_status().unwrap().as_str().to_owned()
}

/// Flips a character in the middle of a JWT's signature.
fn tampered(jwt: &str) -> String {
    let mut bytes = jwt.as_bytes().to_vec();
    let i = jwt.len() - 10;
    bytes[i] = if bytes[i] == b'A' { b'B' } else { b'A' };
    String::from_utf8(bytes).unwrap()
}

backend_tests! {
    async fn cognito_identity_js_signs_in_with_srp_refreshes_and_jose_verifies(app) {
        if !node_ready() { return }
        let f = fixture(&app).await;
        let out = srp_js(&app, &f, "alice", PASSWORD, json!({})).await.ok();
        assert_eq!(out["newPasswordRequired"], false);
        for key in ["idToken", "accessToken", "refreshToken"] {
            assert!(out[key].as_str().is_some_and(|t| !t.is_empty()), "{key} missing: {out:#}");
        }

        let verified = verify_jwt(&app, &f, &out["idToken"], &out["accessToken"]).await.ok();
        let (id, access) = (&verified["id"]["payload"], &verified["access"]["payload"]);
        assert_eq!(id["cognito:username"], "alice");
        assert_eq!(id["aud"], f.client.as_str());
        assert_eq!(access["username"], "alice");
        assert_eq!(access["sub"], id["sub"]);
        assert_eq!(verified["id"]["header"]["alg"], "RS256");
        // GetUser: the user's attributes when the server has it, otherwise
        // UnsupportedOperationException (reported as "unsupported").
        let attributes = &out["attributes"];
        if attributes != "unsupported" {
            assert_eq!(attributes["sub"], id["sub"], "{attributes:#}");
        }

        // The refreshed tokens verify too, and are new tokens for the same user.
        let refreshed = &out["refreshed"];
        assert_ne!(refreshed["accessToken"], out["accessToken"]);
        let again = verify_jwt(&app, &f, &refreshed["idToken"], &refreshed["accessToken"]).await.ok();
        assert_eq!(again["id"]["payload"]["sub"], id["sub"]);

        // jose rejects a token whose signature was altered, and an ID token for another client.
        let bad = tampered(out["idToken"].as_str().unwrap());
        let code = verify_jwt(&app, &f, &json!(bad), &Value::Null).await.err_code();
        assert_eq!(code, "ERR_JWS_SIGNATURE_VERIFICATION_FAILED");
        let other = Fixture { pool: f.pool.clone(), client: "someotherclient".into() };
        let code = verify_jwt(&app, &other, &out["idToken"], &Value::Null).await.err_code();
        assert_eq!(code, "ERR_JWT_CLAIM_VALIDATION_FAILED");
    }

    async fn cognito_identity_js_wrong_password_is_not_authorized(app) {
        if !node_ready() { return }
        let f = fixture(&app).await;
        let out = srp_js(&app, &f, "alice", "Wr0ng-password!", json!({})).await;
        assert_eq!(out.json["stage"], "authenticateUser");
        assert_eq!(out.json["message"], "Incorrect username or password.");
        assert_eq!(out.err_code(), "NotAuthorizedException");
    }

    async fn cognito_identity_js_completes_new_password_required(app) {
        if !node_ready() { return }
        let f = fixture(&app).await;
        create_temporary_user(&app, &f, "bob").await;
        let out = srp_js(&app, &f, "bob", TEMPORARY, json!({"newPassword": NEW_PASSWORD})).await.ok();
        assert_eq!(out["newPasswordRequired"], true);
        verify_jwt(&app, &f, &out["idToken"], &out["accessToken"]).await.ok();
        assert_eq!(user_status(&app, &f, "bob").await, "CONFIRMED");
        // The new password now signs in without a challenge; the temporary one no longer does.
        let out = srp_js(&app, &f, "bob", NEW_PASSWORD, json!({"refresh": false, "attributes": false})).await.ok();
        assert_eq!(out["newPasswordRequired"], false);
        let code = srp_js(&app, &f, "bob", TEMPORARY, json!({})).await.err_code();
        assert_eq!(code, "NotAuthorizedException");
    }

    async fn pycognito_awssrp_signs_in_and_pyjwt_verifies(app) {
        if !python_ready() { return }
        let f = fixture(&app).await;
        let out = srp_py(&app, &f, "alice", PASSWORD, json!({})).await.ok();
        assert_eq!(out["newPasswordRequired"], false);
        assert_eq!(out["id"]["cognito:username"], "alice");
        assert_eq!(out["access"]["client_id"], f.client.as_str());
        assert!(out["refreshToken"].is_string());
        let code = srp_py(&app, &f, "alice", "Wr0ng-password!", json!({})).await.err_code();
        assert_eq!(code, "NotAuthorizedException");
        // NEW_PASSWORD_REQUIRED, answered after the password verifier.
        create_temporary_user(&app, &f, "carol").await;
        let code = srp_py(&app, &f, "carol", TEMPORARY, json!({})).await.err_code();
        assert_eq!(code, "ForceChangePassword");
        let out = srp_py(&app, &f, "carol", TEMPORARY, json!({"newPassword": NEW_PASSWORD})).await.ok();
        assert_eq!(out["newPasswordRequired"], true);
        assert_eq!(out["id"]["cognito:username"], "carol");
        assert_eq!(user_status(&app, &f, "carol").await, "CONFIRMED");
        srp_py(&app, &f, "carol", NEW_PASSWORD, json!({})).await.ok();
    }

    async fn pycognito_cognito_authenticates_and_renews(app) {
        if !python_ready() { return }
        let f = fixture(&app).await;
        let out = srp_py(&app, &f, "alice", PASSWORD, json!({"mode": "cognito"})).await.ok();
        assert_eq!(out["id"]["token_use"], "id");
        assert_eq!(out["access"]["username"], "alice");
        assert_ne!(out["refreshed"]["accessToken"], out["accessToken"]);
        let code = srp_py(&app, &f, "alice", "Wr0ng-password!", json!({"mode": "cognito"})).await.err_code();
        assert_eq!(code, "NotAuthorizedException");
    }
}
