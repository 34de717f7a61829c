//! The hosted sign-in pages in headless Chromium: `tests/clients/hosted_ui.mjs`
//! (playwright-core) signs up and confirms with the code from a real SMTP sink, resets a
//! password, sets a new one, signs in silently and signs out; it sets up an
//! authenticator app from the QR code page and signs in with its codes, and adds a
//! passkey in Chromium's virtual authenticator, then signs in with it. Every code that reaches
//! the app's callback (a local listener) is exchanged at `/oauth2/token` and its ID token
//! verified. Screenshots of each page at desktop and phone widths go to
//! `target/hosted-ui-screenshots/` (or `SCREENSHOT_DIR`). Without Chromium or
//! playwright-core the tests print a notice and pass, except under CI (`CI` set).
//! `amplify` signs in and out with Amplify JS v6's `signInWithRedirect`, unchanged.
//! SQLite only: the pages are the subject here, not the store.

mod amplify;
mod driver;
mod stand;

use driver::{chromium, clients_dir, run};
use serde_json::Value;
use stand::{Setup, TEMPORARY, attr, stand, stand_with};

/// Whether Chromium and playwright-core are installed; under CI a missing one fails.
fn browser_ready() -> bool {
    let module = clients_dir().join("node_modules/playwright-core/package.json");
    if chromium().exists() && module.exists() {
        return true;
    }
    let msg = format!(
        "headless Chromium ({}) or playwright-core ({}) is missing: run `bash .ci/chromium.sh` and `bash .ci/clients.sh`",
        chromium().display(),
        module.display()
    );
    if matches!(std::env::var("CI"), Ok(v) if !v.is_empty() && v != "false") {
        panic!("{msg}");
    }
    eprintln!("notice: {msg}; skipping");
    false
}

fn username_of(claims: &Value) -> &str {
    claims["cognito:username"].as_str().unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_up_confirm_and_sign_in() {
    if !browser_ready() {
        return;
    }
    let s = stand().await;
    let run = run(
        &s,
        "sign_up_confirm_and_sign_in",
        s.config("sam", "sam@example.com"),
    )
    .await;
    assert_eq!(run.signed_in.len(), 2, "{run:?}");
    for claims in &run.signed_in {
        assert_eq!(username_of(claims), "sam");
        assert_eq!(claims["email"], "sam@example.com");
        assert_eq!(claims["email_verified"], true);
    }
    let user = s
        .app
        .idp
        .admin_get_user()
        .user_pool_id(&s.pool)
        .username("sam")
        .send()
        .await
        .unwrap();
    assert_eq!(user.user_status().unwrap().as_str(), "CONFIRMED");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forgot_password() {
    if !browser_ready() {
        return;
    }
    let s = stand().await;
    s.confirmed_user("alice", "alice@example.com").await;
    let run = run(
        &s,
        "forgot_password",
        s.config("alice", "alice@example.com"),
    )
    .await;
    assert_eq!(run.signed_in.len(), 1, "{run:?}");
    assert_eq!(username_of(&run.signed_in[0]), "alice");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn new_password_required() {
    if !browser_ready() {
        return;
    }
    let s = stand().await;
    s.app
        .idp
        .admin_create_user()
        .user_pool_id(&s.pool)
        .username("nina")
        .temporary_password(TEMPORARY)
        .user_attributes(attr("email", "nina@example.com"))
        .user_attributes(attr("email_verified", "true"))
        .send()
        .await
        .unwrap();
    let run = run(
        &s,
        "new_password_required",
        s.config("nina", "nina@example.com"),
    )
    .await;
    assert_eq!(run.signed_in.len(), 1, "{run:?}");
    assert_eq!(username_of(&run.signed_in[0]), "nina");
    let user = s
        .app
        .idp
        .admin_get_user()
        .user_pool_id(&s.pool)
        .username("nina")
        .send()
        .await
        .unwrap();
    assert_eq!(user.user_status().unwrap().as_str(), "CONFIRMED");
    let name = user.user_attributes().iter().find(|a| a.name() == "name");
    assert_eq!(
        name.and_then(|a| a.value()),
        Some("Browser Tester"),
        "the required attribute asked for on the page"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn silent_sso_and_prompt_login() {
    if !browser_ready() {
        return;
    }
    let s = stand().await;
    s.confirmed_user("alice", "alice@example.com").await;
    let run = run(
        &s,
        "silent_sso_and_prompt_login",
        s.config("alice", "alice@example.com"),
    )
    .await;
    // Form, silent, prompt=login: three codes, each exchanged once.
    assert_eq!(run.signed_in.len(), 3, "{run:?}");
    assert!(run.signed_in.iter().all(|c| username_of(c) == "alice"));
    // The silent sign-in keeps the session's auth_time; prompt=login starts a new one.
    assert_eq!(run.signed_in[0]["auth_time"], run.signed_in[1]["auth_time"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logout() {
    if !browser_ready() {
        return;
    }
    let s = stand().await;
    s.confirmed_user("alice", "alice@example.com").await;
    let run = run(&s, "logout", s.config("alice", "alice@example.com")).await;
    assert_eq!(run.signed_in.len(), 2, "{run:?}");
    assert_eq!(run.logouts.len(), 1, "{run:?}");
    assert!(run.logouts[0].starts_with(&s.logout), "{run:?}");
    assert!(
        s.hits
            .lock()
            .unwrap()
            .iter()
            .any(|h| h.starts_with("/signed-out"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mfa_totp() {
    use aws_sdk_cognitoidentityprovider::types::{SoftwareTokenMfaConfigType, UserPoolMfaType};
    if !browser_ready() {
        return;
    }
    let s = stand().await;
    s.confirmed_user("tara", "tara@example.com").await;
    s.app
        .idp
        .set_user_pool_mfa_config()
        .user_pool_id(&s.pool)
        .mfa_configuration(UserPoolMfaType::On)
        .software_token_mfa_configuration(
            SoftwareTokenMfaConfigType::builder().enabled(true).build(),
        )
        .send()
        .await
        .unwrap();
    let run = run(&s, "mfa_totp", s.config("tara", "tara@example.com")).await;
    // After the set-up, and after the code of the next 30 s (the used one was refused).
    assert_eq!(run.signed_in.len(), 2, "{run:?}");
    assert!(run.signed_in.iter().all(|c| username_of(c) == "tara"));
    let iat = |c: &Value| c["iat"].as_i64().unwrap_or_default();
    assert_eq!(
        iat(&run.signed_in[1]) - iat(&run.signed_in[0]),
        30,
        "the second sign-in ended after the clock moved on: {run:?}"
    );
    let user = s
        .app
        .idp
        .admin_get_user()
        .user_pool_id(&s.pool)
        .username("tara")
        .send()
        .await
        .unwrap();
    assert_eq!(user.user_mfa_setting_list(), ["SOFTWARE_TOKEN_MFA"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn passkey() {
    if !browser_ready() {
        return;
    }
    let s = stand_with(Setup {
        localhost: true,
        passkeys: true,
    })
    .await;
    s.confirmed_user("pat", "pat@example.com").await;
    let run = run(&s, "passkey", s.config("pat", "pat@example.com")).await;
    // With the password (then the passkey is added), then with the passkey alone.
    assert_eq!(run.signed_in.len(), 2, "{run:?}");
    assert!(run.signed_in.iter().all(|c| username_of(c) == "pat"));
    assert_eq!(run.signed_in[0]["sub"], run.signed_in[1]["sub"]);
    let access = run.tokens[1]["access_token"].as_str().unwrap();
    let listed = s
        .app
        .idp
        .list_web_authn_credentials()
        .access_token(access)
        .send()
        .await
        .unwrap();
    let [passkey] = listed.credentials() else {
        panic!("one passkey registered: {listed:?}");
    };
    assert_eq!(passkey.relying_party_id(), "localhost");
    assert_eq!(passkey.authenticator_attachment(), Some("platform"));
}
