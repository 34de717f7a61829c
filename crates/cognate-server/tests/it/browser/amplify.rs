//! Amplify JS v6's `signInWithRedirect`, unchanged, against the hosted pages:
//! `tests/clients/amplify_redirect.mjs` serves a small app (`tests/clients/amplify_app/`,
//! bundled with esbuild) on `http://localhost`, puts a TLS-terminating reverse proxy in
//! front of this server (Amplify speaks only https to the pool's domain) and, in headless
//! Chromium, signs in through the hosted pages and out again, once with `oauth.domain`
//! set to the pool's custom domain and once to `<host:port>/<poolId>`. On the way Amplify
//! exchanges the code from the app's origin (CORS on `/oauth2/token`), reads the user
//! with GetUser through `userPoolEndpoint`, revokes its refresh token and sends the
//! browser to `/logout`. The test checks what the app showed and what passed the proxy.

use super::driver::{Driver, clients_dir};
use crate::helpers::{Db, TestApp, spawn_with, test_config};
use crate::sign_in::{PASSWORD, create_user};
use aws_sdk_cognitoidentityprovider::types::{
    AuthFlowType, CustomDomainConfigType, ExplicitAuthFlowsType as F, OAuthFlowType,
    VerifiedAttributeType,
};
use openidconnect::core::{CoreIdToken, CoreIdTokenVerifier, CoreJsonWebKeySet};
use openidconnect::{ClientId, IssuerUrl, Nonce};
use serde_json::{Value, json};
use std::time::Duration;
use tokio::time::Instant;

const CUSTOM_DOMAIN: &str = "auth.cognate.test";
const USERNAME: &str = "amy";
const EMAIL: &str = "amy@example.com";
const NAME: &str = "Amy Amplify";
const SCOPES: [&str; 4] = [
    "openid",
    "email",
    "profile",
    "aws.cognito.signin.user.admin",
];
const VARIANTS: [&str; 2] = ["custom_domain", "issuer_path"];

/// Whether Chromium, playwright-core, aws-amplify and esbuild are installed; under CI a
/// missing one fails.
fn amplify_ready() -> bool {
    if !super::browser_ready() {
        return false;
    }
    let missing: Vec<_> = ["aws-amplify", "esbuild"]
        .into_iter()
        .filter(|m| {
            !clients_dir()
                .join(format!("node_modules/{m}/package.json"))
                .exists()
        })
        .collect();
    if missing.is_empty() {
        return true;
    }
    let msg = format!("{missing:?} not installed: run `bash .ci/clients.sh`");
    if matches!(std::env::var("CI"), Ok(v) if !v.is_empty() && v != "false") {
        panic!("{msg}");
    }
    eprintln!("notice: {msg}; skipping");
    false
}

/// The driver's next JSON message (other lines are echoed).
async fn next(driver: &mut Driver, deadline: Instant) -> Value {
    loop {
        let line = match tokio::time::timeout_at(deadline, driver.lines.recv()).await {
            Ok(Some(line)) => line,
            Ok(None) => driver.fail("the Amplify driver exited without a result"),
            Err(_) => driver.fail("the Amplify driver gave no result within 60 s"),
        };
        match serde_json::from_str::<Value>(&line) {
            Ok(msg) => {
                if std::env::var_os("TEST_LOG").is_some() {
                    eprintln!("amplify <- {msg}");
                }
                return msg;
            }
            Err(_) => eprintln!("amplify: {line}"),
        }
    }
}

/// A pool with the custom domain, an OAuth client whose callback and sign-out URLs are
/// the apps', and a confirmed user with an email and a name; returns pool and client.
async fn pool_for_the_apps(app: &TestApp, apps: &[&str]) -> (String, String) {
    let pool = app
        .idp
        .create_user_pool()
        .pool_name("amplify")
        .auto_verified_attributes(VerifiedAttributeType::Email)
        .send()
        .await
        .unwrap()
        .user_pool
        .and_then(|p| p.id)
        .unwrap();
    let certificate = CustomDomainConfigType::builder()
        .certificate_arn("arn:aws:acm:us-east-1:000000000000:certificate/amplify")
        .build()
        .unwrap();
    app.idp
        .create_user_pool_domain()
        .user_pool_id(&pool)
        .domain(CUSTOM_DOMAIN)
        .custom_domain_config(certificate)
        .send()
        .await
        .unwrap();
    let mut req = app
        .idp
        .create_user_pool_client()
        .user_pool_id(&pool)
        .client_name("amplify-web")
        .allowed_o_auth_flows_user_pool_client(true)
        .allowed_o_auth_flows(OAuthFlowType::Code)
        .supported_identity_providers("COGNITO")
        .explicit_auth_flows(F::AllowUserSrpAuth)
        .explicit_auth_flows(F::AllowRefreshTokenAuth);
    for url in apps {
        req = req.callback_urls(*url).logout_urls(*url);
    }
    for scope in SCOPES {
        req = req.allowed_o_auth_scopes(scope);
    }
    let client = req
        .send()
        .await
        .unwrap()
        .user_pool_client
        .and_then(|c| c.client_id)
        .unwrap();
    create_user(app, &pool, USERNAME, PASSWORD).await;
    app.idp
        .admin_update_user_attributes()
        .user_pool_id(&pool)
        .username(USERNAME)
        .user_attributes(super::stand::attr("email", EMAIL))
        .user_attributes(super::stand::attr("email_verified", "true"))
        .user_attributes(super::stand::attr("name", NAME))
        .send()
        .await
        .unwrap();
    (pool, client)
}

/// Verifies the ID token the app holds (signature, issuer, audience, expiry).
async fn verify_id_token(app: &TestApp, issuer: &str, pool: &str, client: &str, raw: &str) {
    let jwks: CoreJsonWebKeySet = reqwest::get(format!("{}/{pool}/.well-known/jwks.json", app.url))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let verifier = CoreIdTokenVerifier::new_public_client(
        ClientId::new(client.to_owned()),
        IssuerUrl::new(issuer.to_owned()).unwrap(),
        jwks,
    );
    let token: CoreIdToken = raw.parse().unwrap();
    // Amplify sends no nonce.
    if let Err(e) = token.claims(&verifier, |_: Option<&Nonce>| Ok(())) {
        panic!("the ID token Amplify holds does not verify: {e}");
    }
}

/// The one proxied request that `matches`, or a failure listing them all.
fn request<'a>(requests: &'a [Value], what: &str, matches: impl Fn(&Value) -> bool) -> &'a Value {
    let found: Vec<_> = requests.iter().filter(|r| matches(r)).collect();
    let [one] = found[..] else {
        panic!(
            "expected one request for {what}, found {}: {requests:#?}",
            found.len()
        );
    };
    one
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn amplify_sign_in_with_redirect() {
    if !amplify_ready() {
        return;
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut driver = Driver::spawn("amplify_redirect.mjs", &[]);
    let ready = next(&mut driver, deadline).await;
    let proxy_port = ready["ready"]["proxyPort"].as_u64().unwrap();
    let apps: Vec<&str> = VARIANTS
        .iter()
        .map(|v| ready["ready"]["apps"][v].as_str().unwrap())
        .collect();

    // The server behind the proxy: its public URL is the proxy's https address.
    let public_url = format!("https://127.0.0.1:{proxy_port}");
    let dir = tempfile::tempdir().unwrap();
    let mut config = test_config(&Db::Sqlite, dir.path());
    config.public_url = Some(public_url.clone());
    config.trust_forwarded_for = true;
    let app = spawn_with(config, dir).await;
    let (pool, client) = pool_for_the_apps(&app, &apps).await;
    let host = format!("127.0.0.1:{proxy_port}");
    driver.answer(&json!({
        "upstream": app.url,
        "userPoolId": pool,
        "userPoolClientId": client,
        "userPoolEndpoint": public_url,
        "domains": {"custom_domain": CUSTOM_DOMAIN, "issuer_path": format!("{host}/{pool}")},
        "hostRules": format!("MAP {CUSTOM_DOMAIN} {host}"),
        "username": USERNAME,
        "password": PASSWORD,
    }));

    let (mut signed_in, mut signed_out, mut requests) = (Vec::new(), Vec::new(), Vec::new());
    loop {
        let msg = next(&mut driver, deadline).await;
        if msg["signedIn"].is_object() {
            signed_in.push(msg["signedIn"].clone());
        } else if let Some(variant) = msg["signedOut"]["variant"].as_str() {
            signed_out.push(variant.to_owned());
        } else if let Some(list) = msg["requests"].as_array() {
            requests.clone_from(list);
        } else if msg["ok"] == true {
            break;
        } else if msg["ok"] == false {
            driver.fail(&format!(
                "the Amplify app failed in the browser: {} (at {}); proxied requests: {requests:#?}",
                msg["error"], msg["url"]
            ));
        }
    }
    drop(driver);

    // What the app showed after each sign-in.
    assert_eq!(signed_in.len(), 2, "{signed_in:#?}");
    assert_eq!(signed_out, VARIANTS, "both variants signed out");
    let issuer = format!("{public_url}/{pool}");
    for (shown, variant) in signed_in.iter().zip(VARIANTS) {
        assert_eq!(shown["variant"], variant);
        assert_eq!(shown["username"], USERNAME, "{shown:#}");
        assert_eq!(shown["email"], EMAIL, "the ID token's email: {shown:#}");
        let attributes = &shown["attributes"];
        assert_eq!(attributes["email"], EMAIL, "fetchUserAttributes: {shown:#}");
        assert_eq!(attributes["name"], NAME, "fetchUserAttributes: {shown:#}");
        assert_eq!(attributes["sub"], shown["userId"], "{shown:#}");
        let scope = shown["scope"].as_str().unwrap_or_default();
        for wanted in SCOPES {
            assert!(scope.split(' ').any(|s| s == wanted), "scope {scope:?}");
        }
        let id_token = shown["idToken"].as_str().unwrap();
        verify_id_token(&app, &issuer, &pool, &client, id_token).await;
        // signOut() revoked the refresh token it held.
        let refresh = shown["refreshToken"].as_str().unwrap();
        let err = app
            .idp
            .initiate_auth()
            .client_id(&client)
            .auth_flow(AuthFlowType::RefreshTokenAuth)
            .auth_parameters("REFRESH_TOKEN", refresh)
            .send()
            .await
            .expect_err("the refresh token is revoked after signOut()");
        assert!(
            err.as_service_error()
                .is_some_and(|e| e.is_not_authorized_exception()),
            "{err:?}"
        );
    }

    // What passed the proxy: the hosted pages and endpoints on each variant's host and
    // path, the code exchanged by fetch from the app's origin, GetUser and RevokeToken
    // on the endpoint, and the sign-out redirect with Amplify's parameters.
    let app_origin = apps[0].trim_end_matches('/').rsplit_once('/').unwrap().0;
    let places = [(CUSTOM_DOMAIN, String::new()), (&*host, format!("/{pool}"))];
    for ((variant, app_url), (at_host, base)) in VARIANTS.iter().zip(&apps).zip(places) {
        let on = |r: &Value, method: &str, path: &str| {
            r["method"] == method
                && r["host"] == at_host
                && r["path"]
                    .as_str()
                    .is_some_and(|p| p.starts_with(&format!("{base}{path}")))
        };
        // The sign-in form, then the form again after signing out (the session ended).
        let authorize: Vec<_> = requests
            .iter()
            .filter(|r| on(r, "GET", "/oauth2/authorize"))
            .collect();
        assert_eq!(authorize.len(), 2, "{variant}: {requests:#?}");
        assert!(
            authorize.iter().all(|r| r["status"] == 200),
            "{authorize:#?}"
        );
        let token = request(&requests, &format!("{variant}: the token request"), |r| {
            on(r, "POST", "/oauth2/token")
        });
        assert_eq!(token["status"], 200, "{token}");
        assert_eq!(token["origin"], app_origin, "{token}");
        assert_eq!(token["allowOrigin"], "*", "{token}");
        let logout = request(&requests, &format!("{variant}: logout"), |r| {
            on(r, "GET", "/logout")
        });
        assert_eq!(logout["status"], 302, "{logout}");
        let query = url::form_urlencoded::parse(
            logout["path"]
                .as_str()
                .unwrap()
                .split_once('?')
                .unwrap()
                .1
                .as_bytes(),
        )
        .into_owned()
        .collect::<Vec<_>>();
        assert!(
            query.contains(&("client_id".into(), client.clone())),
            "{logout}"
        );
        assert!(
            query.contains(&("logout_uri".into(), (*app_url).to_owned())),
            "{logout}"
        );
    }
    for operation in ["GetUser", "RevokeToken"] {
        let calls: Vec<_> = requests
            .iter()
            .filter(|r| {
                r["method"] == "POST"
                    && r["target"]
                        == format!("AWSCognitoIdentityProviderService.{operation}").as_str()
            })
            .collect();
        assert_eq!(
            calls.len(),
            2,
            "{operation} once per variant: {requests:#?}"
        );
        for call in calls {
            assert_eq!(call["status"], 200, "{call}");
            assert_eq!(call["host"], host.as_str(), "{call}");
            assert_eq!(call["origin"], app_origin, "{call}");
        }
    }
}
