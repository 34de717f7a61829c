//! The hosted pages over HTTP (a cookie-keeping client with redirects off): sign-up,
//! confirmation and automatic sign-in, forgot/reset password, the new password after
//! AdminCreateUser, the implicit grant, domains (none, prefix, custom by `Host`),
//! branding, language, and what every page must send and never reflect.

use crate::helpers::TestApp;
use crate::oauth::{
    CALLBACK, Fx, authorize_params, browser, claims, csrf_token, exchange, fixture, get_authorize,
    location, oauth_client, pkce, query_param, sign_in_form,
};
use crate::sign_in::PASSWORD;
use aws_sdk_cognitoidentityprovider::primitives::Blob;
use aws_sdk_cognitoidentityprovider::types::{
    CustomDomainConfigType, MessageActionType, OAuthFlowType, SchemaAttributeType,
    VerifiedAttributeType,
};
use reqwest::StatusCode;

const NEW_PASSWORD: &str = "Another-Passw0rd!";

/// The value of a hidden field, unescaped.
fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no hidden {name} in {html}"))
        + marker.len();
    unescape(html[start..].split('"').next().unwrap())
}

fn unescape(s: &str) -> String {
    s.replace("&#x2f;", "/")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Opens a page (GET) and returns its HTML.
async fn open(b: &reqwest::Client, f: &Fx, page: &str, params: &[(&str, &str)]) -> String {
    let resp = b
        .get(format!("{}/{page}", f.issuer))
        .query(params)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK, "GET {page}");
    resp.text().await.unwrap()
}

/// Posts a form with the page's CSRF token and the authorize request.
async fn post(
    b: &reqwest::Client,
    f: &Fx,
    page: &str,
    html: &str,
    params: &[(&str, &str)],
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let csrf = csrf_token(html);
    let mut form: Vec<(&str, &str)> = params.to_vec();
    form.extend(fields.iter().copied());
    form.push(("csrf_token", &csrf));
    b.post(format!("{}/{page}", f.issuer))
        .form(&form)
        .send()
        .await
        .unwrap()
}

fn callback_code(resp: &reqwest::Response) -> String {
    assert_eq!(resp.status(), StatusCode::FOUND);
    let loc = location(resp).unwrap();
    assert!(loc.as_str().starts_with(CALLBACK), "{loc}");
    assert_eq!(query_param(&loc, "state").as_deref(), Some("st-123"));
    query_param(&loc, "code").unwrap()
}

/// A pool with email sign-up codes and a required `name`, a domain and an OAuth client.
async fn sign_up_fixture(app: &TestApp) -> Fx {
    let pool = app
        .idp
        .create_user_pool()
        .pool_name("hosted")
        .auto_verified_attributes(VerifiedAttributeType::Email)
        .schema(
            SchemaAttributeType::builder()
                .name("name")
                .required(true)
                .build(),
        )
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap()
        .id
        .unwrap();
    app.idp
        .create_user_pool_domain()
        .user_pool_id(&pool)
        .domain(format!("signup-{}", pool.to_lowercase().replace('_', "-")))
        .send()
        .await
        .unwrap();
    let client = oauth_client(app, &pool, "Photo Share").await;
    let issuer = format!("{}/{pool}", app.url);
    Fx {
        pool,
        other: client.clone(),
        client,
        issuer,
    }
}

/// Turns MFA on for the pool with authenticator apps and email codes.
async fn require_mfa(app: &TestApp, pool: &str) {
    use aws_sdk_cognitoidentityprovider::types::{
        EmailMfaConfigType, SoftwareTokenMfaConfigType, UserPoolMfaType,
    };
    app.idp
        .set_user_pool_mfa_config()
        .user_pool_id(pool)
        .mfa_configuration(UserPoolMfaType::On)
        .software_token_mfa_configuration(
            SoftwareTokenMfaConfigType::builder().enabled(true).build(),
        )
        .email_mfa_configuration(
            EmailMfaConfigType::builder()
                .message("Your code is {####}")
                .subject("Code")
                .build(),
        )
        .send()
        .await
        .unwrap();
}

/// An attribute's (unescaped) value in `html`.
fn attribute(html: &str, name: &str) -> String {
    let marker = format!("{name}=\"");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no {name} in {html}"))
        + marker.len();
    unescape(html[start..].split('"').next().unwrap())
}

backend_tests! {
    async fn passkeys_on_the_hosted_pages_are_offered_added_and_used(app) {
        use crate::passkeys::authenticator::Device;
        use crate::passkeys::{DOMAIN, ORIGIN, passkey_pool};
        let pool = passkey_pool(&app, Some(DOMAIN), true).await;
        let client = oauth_client(&app, &pool.id, "Photo Share").await;
        crate::sign_in::create_user(&app, &pool.id, "pat", PASSWORD).await;
        let host = |b: &reqwest::Client, method: reqwest::Method, path: &str| {
            b.request(method, format!("{}{path}", app.url)).header("host", DOMAIN)
        };
        let (challenge, verifier) = pkce();
        let params = authorize_params(&client, &challenge, "n");
        let b = browser();
        let page = host(&b, reqwest::Method::GET, "/oauth2/authorize").query(&params).send().await.unwrap();
        let html = page.text().await.unwrap();
        assert!(html.contains("id=\"passkey-link\""), "the passkey button: {html}");
        let csrf = csrf_token(&html);
        let mut form = params.clone();
        form.extend([("username", "pat"), ("password", PASSWORD), ("csrf_token", csrf.as_str())]);
        let resp = host(&b, reqwest::Method::POST, "/login").form(&form).send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::OK, "the offer comes before the callback");
        let html = resp.text().await.unwrap();
        assert!(html.contains("id=\"passkey-add-form\""), "{html}");
        let options: serde_json::Value = serde_json::from_str(&attribute(&html, "data-options")).unwrap();
        let mut device = Device::new();
        let credential = device.create(ORIGIN, &options).await;
        let mut form = params.clone();
        let credential_text = credential.to_string();
        form.extend([("credential", credential_text.as_str()), ("csrf_token", csrf.as_str())]);
        let resp = host(&b, reqwest::Method::POST, "/passkey/add").form(&form).send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::FOUND);
        let next = resp.headers()["location"].to_str().unwrap().to_owned();
        assert!(next.contains("/oauth2/authorize?"), "{next}");
        // Continuing signs in silently with the session the password started.
        let resp = host(&b, reqwest::Method::GET, "/oauth2/authorize").query(&params).send().await.unwrap();
        let code = callback_code(&resp);
        let f = Fx { pool: pool.id.clone(), client: client.clone(), other: client.clone(), issuer: format!("{}/{}", app.url, pool.id) };
        let (status, _) = exchange(&f, &client, &code, &verifier).await;
        assert_eq!(status, StatusCode::OK);

        // A new browser signs in with the passkey alone.
        let b = browser();
        let html = host(&b, reqwest::Method::GET, "/oauth2/authorize").query(&params).send().await.unwrap().text().await.unwrap();
        let csrf = csrf_token(&html);
        let mut form = params.clone();
        form.extend([("username", "pat"), ("password", ""), ("csrf_token", csrf.as_str())]);
        let resp = host(&b, reqwest::Method::POST, "/passkey").form(&form).send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
        let html = resp.text().await.unwrap();
        assert!(html.contains("id=\"passkey-verify-form\""), "{html}");
        let options: serde_json::Value = serde_json::from_str(&attribute(&html, "data-options")).unwrap();
        let state = hidden(&html, "passkey_state");
        let assertion = device.get(ORIGIN, &options).await;
        let mut form = params.clone();
        form.extend([("username", "pat"), ("passkey_state", state.as_str()), ("credential", assertion.as_str()), ("csrf_token", csrf.as_str())]);
        let resp = host(&b, reqwest::Method::POST, "/passkey/verify").form(&form).send().await.unwrap();
        callback_code(&resp);
        // The same assertion again (from a fresh form) is refused, with a human message.
        let b = browser();
        let html = host(&b, reqwest::Method::GET, "/oauth2/authorize").query(&params).send().await.unwrap().text().await.unwrap();
        let csrf = csrf_token(&html);
        let mut form = params.clone();
        form.extend([("username", "pat"), ("passkey_state", state.as_str()), ("credential", assertion.as_str()), ("csrf_token", csrf.as_str())]);
        let resp = host(&b, reqwest::Method::POST, "/passkey/verify").form(&form).send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
        assert!(resp.text().await.unwrap().contains("couldn&#x27;t sign you in with a passkey"));
    }

    async fn mfa_on_the_hosted_pages_sets_up_an_app_then_asks_for_its_code(app) {
        let f = fixture(&app).await;
        require_mfa(&app, &f.pool).await;
        let b = browser();
        let (challenge, verifier) = pkce();
        let params = authorize_params(&f.client, &challenge, "n");
        // A right password alone never reaches the callback.
        let resp = sign_in_form(&b, &f, &params, "alice", PASSWORD).await;
        assert_eq!(resp.status(), StatusCode::OK);
        let html = resp.text().await.unwrap();
        assert!(html.contains("id=\"totp-setup-form\""), "{html}");
        assert!(html.contains("id=\"email-setup-form\""));
        assert!(unescape(&html).contains("src=\"data:image/svg+xml;base64,"), "a QR code");
        let secret = hidden(&html, "secret");
        let session = hidden(&html, "session");
        let mfas = hidden(&html, "mfas");
        let wrong = post(&b, &f, "mfa", &html, &params, &[
            ("challenge", "MFA_SETUP"), ("session", &session), ("setup", "totp"),
            ("secret", &secret), ("mfas", &mfas), ("code", "000000"),
        ]).await;
        assert_eq!(wrong.status(), StatusCode::BAD_REQUEST);
        let html = wrong.text().await.unwrap();
        assert!(html.contains("id=\"totp-setup-form\""), "the same secret is offered again");
        assert_eq!(hidden(&html, "secret"), secret);
        let code = crate::mfa::totp_code(&secret, app.clock_now_secs());
        let resp = post(&b, &f, "mfa", &html, &params, &[
            ("challenge", "MFA_SETUP"), ("session", &session), ("setup", "totp"),
            ("secret", &secret), ("code", &code),
        ]).await;
        let auth_code = callback_code(&resp);
        let (status, _) = exchange(&f, &f.client, &auth_code, &verifier).await;
        assert_eq!(status, StatusCode::OK);

        // Next time: the authenticator's code, once per time step.
        let b = browser();
        let resp = sign_in_form(&b, &f, &params, "alice", PASSWORD).await;
        assert_eq!(resp.status(), StatusCode::OK);
        let html = resp.text().await.unwrap();
        assert!(html.contains("id=\"mfa-form\""), "{html}");
        assert!(html.contains("authenticator app"));
        let session = hidden(&html, "session");
        let replay = post(&b, &f, "mfa", &html, &params, &[
            ("challenge", "SOFTWARE_TOKEN_MFA"), ("session", &session), ("code", &code),
        ]).await;
        assert_eq!(replay.status(), StatusCode::BAD_REQUEST, "a used code is refused");
        let html = replay.text().await.unwrap();
        assert!(html.contains("That code isn&#x27;t right"));
        app.clock.advance_secs(30);
        let code = crate::mfa::totp_code(&secret, app.clock_now_secs());
        let resp = post(&b, &f, "mfa", &html, &params, &[
            ("challenge", "SOFTWARE_TOKEN_MFA"), ("session", &session), ("code", &code),
        ]).await;
        callback_code(&resp);
        // The session is spent.
        let again = post(&b, &f, "mfa", &html, &params, &[
            ("challenge", "SOFTWARE_TOKEN_MFA"), ("session", &session), ("code", &code),
        ]).await;
        assert_ne!(again.status(), StatusCode::FOUND);
    }

    async fn sign_up_then_confirm_signs_in_and_the_code_redeems(app) {
        let f = sign_up_fixture(&app).await;
        let b = browser();
        let (challenge, verifier) = pkce();
        let params = authorize_params(&f.client, &challenge, "n-1");
        let html = open(&b, &f, "signup", &params).await;
        assert!(html.contains("id=\"signup-form\""));
        assert!(html.contains("Create your Photo Share account"));
        assert!(html.contains("name=\"name\""), "required attribute asked for");

        // A weak password: the policy, explained, next to the form.
        let resp = post(&b, &f, "signup", &html, &params, &[
            ("username", "carol"), ("email", "carol@example.com"), ("name", "Carol"),
            ("password", "short"),
        ]).await;
        assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
        let html = resp.text().await.unwrap();
        assert!(html.contains("doesn&#x27;t meet the requirements"), "{html}");
        assert!(html.contains("at least 8 characters"));
        assert!(html.contains("value=\"carol@example.com\""), "typed values are kept");

        let resp = post(&b, &f, "signup", &html, &params, &[
            ("username", "carol"), ("email", "carol@example.com"), ("name", "Carol"),
            ("password", PASSWORD),
        ]).await;
        assert_eq!(resp.status(), StatusCode::OK);
        let html = resp.text().await.unwrap();
        assert!(html.contains("id=\"confirm-form\""));
        assert!(html.contains("c***@e***"), "masked destination shown: {html}");
        let ticket = hidden(&html, "ticket");

        let resp = post(&b, &f, "confirmUser", &html, &params, &[
            ("username", "carol"), ("ticket", &ticket), ("code", "000000"),
        ]).await;
        assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
        let html = resp.text().await.unwrap();
        assert!(html.contains("That code isn&#x27;t right"));

        let code = app.last_code_to(&f.pool, "carol@example.com").await;
        let resp = post(&b, &f, "confirmUser", &html, &params, &[
            ("username", "carol"), ("ticket", &ticket), ("code", &code),
        ]).await;
        let auth_code = callback_code(&resp);
        let (status, tokens) = exchange(&f, &f.client, &auth_code, &verifier).await;
        assert_eq!(status, StatusCode::OK, "{tokens}");
        let id = claims(tokens["id_token"].as_str().unwrap());
        assert_eq!(id["cognito:username"], "carol");
        assert_eq!(id["email_verified"], true);
        assert_eq!(id["nonce"], "n-1");
    }

    async fn confirming_without_the_ticket_leads_to_sign_in(app) {
        let f = sign_up_fixture(&app).await;
        let (challenge, _) = pkce();
        let params = authorize_params(&f.client, &challenge, "n");
        let b = browser();
        let html = open(&b, &f, "signup", &params).await;
        let resp = post(&b, &f, "signup", &html, &params, &[
            ("username", "dave"), ("email", "dave@example.com"), ("name", "Dave"),
            ("password", PASSWORD),
        ]).await;
        assert_eq!(resp.status(), StatusCode::OK);
        // Another browser with only the code: confirmed, but asked to sign in.
        let other = browser();
        let mut q = params.clone();
        q.push(("username", "dave"));
        let html = open(&other, &f, "confirmUser", &q).await;
        let code = app.last_code_to(&f.pool, "dave@example.com").await;
        let resp = post(&other, &f, "confirmUser", &html, &params, &[("username", "dave"), ("code", &code)]).await;
        assert_eq!(resp.status(), StatusCode::OK);
        let html = resp.text().await.unwrap();
        assert!(html.contains("id=\"signin-form\""));
        assert!(html.contains("role=\"status\""));
        // The resend button answers for a confirmed user with a readable message.
        let resp = post(&other, &f, "resendCode", &html, &params, &[("username", "dave")]).await;
        assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
        assert!(resp.text().await.unwrap().contains("already confirmed"));
    }

    async fn a_sign_up_ticket_copied_to_another_browser_does_not_sign_in(app) {
        let f = sign_up_fixture(&app).await;
        let (challenge, _) = pkce();
        let params = authorize_params(&f.client, &challenge, "n");
        let b = browser();
        let html = open(&b, &f, "signup", &params).await;
        let resp = post(&b, &f, "signup", &html, &params, &[
            ("username", "fay"), ("email", "fay@example.com"), ("name", "Fay"),
            ("password", PASSWORD),
        ]).await;
        assert_eq!(resp.status(), StatusCode::OK);
        let ticket = hidden(&resp.text().await.unwrap(), "ticket");
        // Another browser with the code and a copy of the ticket: confirmed, but it
        // must sign in itself.
        let other = browser();
        let mut q = params.clone();
        q.push(("username", "fay"));
        let html = open(&other, &f, "confirmUser", &q).await;
        let code = app.last_code_to(&f.pool, "fay@example.com").await;
        let resp = post(&other, &f, "confirmUser", &html, &params, &[
            ("username", "fay"), ("ticket", &ticket), ("code", &code),
        ]).await;
        assert_eq!(resp.status(), StatusCode::OK, "no redirect to the callback");
        let html = resp.text().await.unwrap();
        assert!(html.contains("id=\"signin-form\""), "{html}");
        assert!(html.contains("Your account is confirmed. Sign in to continue."));
        let user = app.idp.admin_get_user().user_pool_id(&f.pool).username("fay").send().await.unwrap();
        assert_eq!(user.user_status().unwrap().as_str(), "CONFIRMED");
    }

    async fn forgot_and_reset_password_then_sign_in(app) {
        let f = fixture(&app).await;
        let b = browser();
        let (challenge, _) = pkce();
        let params = authorize_params(&f.client, &challenge, "n");
        let html = open(&b, &f, "forgotPassword", &params).await;
        assert!(html.contains("id=\"forgot-form\""));
        let resp = post(&b, &f, "forgotPassword", &html, &params, &[("username", "alice")]).await;
        assert_eq!(resp.status(), StatusCode::OK);
        let html = resp.text().await.unwrap();
        assert!(html.contains("id=\"reset-form\""));
        let code = app.last_code_to(&f.pool, "alice@example.com").await;
        let resp = post(&b, &f, "confirmForgotPassword", &html, &params, &[
            ("username", "alice"), ("code", &code), ("password", "nouppercase1!"),
        ]).await;
        assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
        let html = resp.text().await.unwrap();
        assert!(html.contains("an uppercase letter"));
        let resp = post(&b, &f, "confirmForgotPassword", &html, &params, &[
            ("username", "alice"), ("code", &code), ("password", NEW_PASSWORD),
        ]).await;
        assert_eq!(resp.status(), StatusCode::OK);
        let html = resp.text().await.unwrap();
        assert!(html.contains("Your password has been changed"));
        let resp = sign_in_form(&b, &f, &params, "alice", NEW_PASSWORD).await;
        callback_code(&resp);
    }

    async fn new_password_required_after_admin_create_user(app) {
        let f = fixture(&app).await;
        app.idp.admin_create_user().user_pool_id(&f.pool).username("erin")
            .temporary_password("Temp-Passw0rd!")
            .message_action(MessageActionType::Suppress)
            .send().await.unwrap();
        let b = browser();
        let (challenge, verifier) = pkce();
        let params = authorize_params(&f.client, &challenge, "n");
        let resp = sign_in_form(&b, &f, &params, "erin", "Temp-Passw0rd!").await;
        assert_eq!(resp.status(), StatusCode::OK);
        let html = resp.text().await.unwrap();
        assert!(html.contains("id=\"new-password-form\""));
        let session = hidden(&html, "session");
        // A refused password keeps the session usable.
        let resp = post(&b, &f, "newPassword", &html, &params, &[
            ("session", &session), ("password", "weak"),
        ]).await;
        assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
        let html = resp.text().await.unwrap();
        let resp = post(&b, &f, "newPassword", &html, &params, &[
            ("session", &session), ("password", NEW_PASSWORD),
        ]).await;
        let code = callback_code(&resp);
        let (status, _) = exchange(&f, &f.client, &code, &verifier).await;
        assert_eq!(status, StatusCode::OK);
        // The session is spent.
        let resp = post(&b, &f, "newPassword", &html, &params, &[
            ("session", &session), ("password", NEW_PASSWORD),
        ]).await;
        assert_ne!(resp.status(), StatusCode::FOUND);
        let user = app.idp.admin_get_user().user_pool_id(&f.pool).username("erin").send().await.unwrap();
        assert_eq!(user.user_status().unwrap().as_str(), "CONFIRMED");
    }

    async fn implicit_grant_only_for_clients_that_allow_it(app) {
        let f = fixture(&app).await;
        let implicit = app.idp.create_user_pool_client().user_pool_id(&f.pool).client_name("spa")
            .allowed_o_auth_flows_user_pool_client(true)
            .allowed_o_auth_flows(OAuthFlowType::Implicit)
            .allowed_o_auth_scopes("openid").allowed_o_auth_scopes("email")
            .callback_urls(CALLBACK)
            .send().await.unwrap().user_pool_client.unwrap().client_id.unwrap();
        let b = browser();
        let params = [
            ("response_type", "token"), ("client_id", implicit.as_str()),
            ("redirect_uri", CALLBACK), ("state", "st-123"), ("scope", "openid email"),
            ("nonce", "n-2"),
        ];
        let resp = sign_in_form(&b, &f, &params, "alice", PASSWORD).await;
        assert_eq!(resp.status(), StatusCode::FOUND);
        let loc = location(&resp).unwrap();
        let fragment: std::collections::HashMap<String, String> =
            serde_urlencoded::from_str(loc.fragment().unwrap()).unwrap();
        assert_eq!(fragment["state"], "st-123");
        assert_eq!(fragment["token_type"], "Bearer");
        assert!(!fragment.contains_key("refresh_token"));
        let id = claims(&fragment["id_token"]);
        assert_eq!(id["nonce"], "n-2");
        assert!(id["at_hash"].is_string());
        assert_eq!(claims(&fragment["access_token"])["scope"], "openid email");

        // Errors for a token request travel in the fragment too.
        let quiet = [
            ("response_type", "token"), ("client_id", implicit.as_str()),
            ("redirect_uri", CALLBACK), ("state", "st-9"), ("prompt", "none"),
        ];
        let resp = get_authorize(&browser(), &f, &quiet).await;
        let loc = location(&resp).unwrap();
        assert!(loc.query().is_none(), "{loc}");
        assert!(loc.fragment().unwrap().contains("error=login_required"), "{loc}");

        // The code client may not ask for tokens.
        let params = [
            ("response_type", "token"), ("client_id", f.client.as_str()),
            ("redirect_uri", CALLBACK), ("state", "st-123"),
        ];
        let resp = get_authorize(&b, &f, &params).await;
        let loc = location(&resp).unwrap();
        assert!(loc.fragment().unwrap().contains("error=unauthorized_client"), "{loc}");
    }

    async fn endpoints_need_a_domain_and_custom_domains_route_by_host(app) {
        let pool = app.create_pool("no-domain").await;
        let client = oauth_client(&app, &pool, "web").await;
        let (challenge, _) = pkce();
        let params = authorize_params(&client, &challenge, "n");
        let b = browser();
        let resp = b.get(format!("{}/{pool}/oauth2/authorize", app.url)).query(&params).send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::NOT_FOUND);
        assert!(resp.text().await.unwrap().contains("no sign-in domain"));
        let resp = b.post(format!("{}/{pool}/oauth2/token", app.url))
            .form(&[("grant_type", "client_credentials")]).send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::NOT_FOUND);
        let doc: serde_json::Value = reqwest::get(format!("{}/{pool}/.well-known/openid-configuration", app.url))
            .await.unwrap().json().await.unwrap();
        assert!(doc.get("authorization_endpoint").is_none());
        assert!(doc["jwks_uri"].is_string());

        app.idp.create_user_pool_domain().user_pool_id(&pool).domain("auth.example.test")
            .custom_domain_config(CustomDomainConfigType::builder()
                .certificate_arn("arn:aws:acm:us-east-1:000000000000:certificate/abc").build().unwrap())
            .send().await.unwrap();
        let doc: serde_json::Value = reqwest::get(format!("{}/{pool}/.well-known/openid-configuration", app.url))
            .await.unwrap().json().await.unwrap();
        for field in ["authorization_endpoint", "token_endpoint", "userinfo_endpoint",
            "end_session_endpoint", "revocation_endpoint", "response_types_supported",
            "scopes_supported", "subject_types_supported", "id_token_signing_alg_values_supported",
            "token_endpoint_auth_methods_supported"] {
            assert!(doc.get(field).is_some(), "discovery lacks {field}");
        }
        let resp = b.get(format!("{}/oauth2/authorize", app.url)).header("host", "auth.example.test")
            .query(&params).send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
        let cookie = resp.headers()["set-cookie"].to_str().unwrap().to_owned();
        assert!(cookie.contains("Path=/;"), "{cookie}");
        let html = resp.text().await.unwrap();
        assert!(html.contains("action=\"/login\""), "root-relative form on a custom domain");
        // Another host, or a host that is no domain, is not routed.
        let resp = b.get(format!("{}/oauth2/authorize", app.url)).header("host", "other.example.test")
            .query(&params).send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    }

    async fn pages_are_branded_localized_hinted_and_locked_down(app) {
        let f = fixture(&app).await;
        let png = b"\x89PNG\r\n\x1a\n-logo-".to_vec();
        app.idp.set_ui_customization().user_pool_id(&f.pool)
            .css(".banner-customizable { background-color: #123456; }")
            .image_file(Blob::new(png.clone()))
            .send().await.unwrap();
        let b = browser();
        let (challenge, _) = pkce();
        let mut params = authorize_params(&f.client, &challenge, "n");
        params.push(("login_hint", "alice"));
        params.push(("lang", "en"));
        let resp = get_authorize(&b, &f, &params).await;
        assert_eq!(resp.status(), StatusCode::OK);
        let h = resp.headers().clone();
        assert_eq!(h["x-frame-options"], "DENY");
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("frame-ancestors 'none'") && csp.contains("default-src 'none'"));
        assert!(!csp.contains("unsafe-inline"));
        assert!(csp.contains("form-action 'self' http://localhost:8080"), "{csp}");
        assert_eq!(h["cache-control"], "no-store");
        let html = unescape(&resp.text().await.unwrap());
        assert!(html.contains("<html lang=\"en\">"));
        assert!(html.contains("value=\"alice\""), "login_hint prefills the username");
        assert!(html.contains("<main") && html.contains("<label for=\"password\""));
        let css_url = html.split("href=\"").find(|s| s.contains("/ui/custom.css")).unwrap().split('"').next().unwrap().to_owned();
        let logo_url = html.split("src=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
        let css = b.get(format!("{}{css_url}", app.url)).send().await.unwrap();
        assert_eq!(css.headers()["content-type"], "text/css; charset=utf-8");
        assert!(css.text().await.unwrap().contains("#123456"));
        let logo = b.get(format!("{}{logo_url}", app.url)).send().await.unwrap();
        assert_eq!(logo.headers()["content-type"], "image/png");
        assert_eq!(logo.bytes().await.unwrap().to_vec(), png);
        let sheet = b.get(format!("{}/_cognate/hosted.css", app.url)).send().await.unwrap();
        assert_eq!(sheet.status(), StatusCode::OK);

        // Nothing typed is reflected unescaped, on any page.
        let evil = "\"><script>alert(1)</script>";
        let resp = sign_in_form(&b, &f, &params, evil, "Wr0ng-password!").await;
        let html = resp.text().await.unwrap();
        assert!(!html.contains("<script>"));
        let mut q = params.clone();
        q.push(("username", evil));
        let html = open(&b, &f, "confirmUser", &q).await;
        assert!(!html.contains("<script>"));
        let mut q = params.clone();
        q[3] = ("state", evil);
        let html = open(&b, &f, "signup", &q).await;
        assert!(!html.contains("<script>"));
    }
}

#[tokio::test]
async fn unknown_pools_and_forms_without_csrf_are_refused() {
    let app = crate::helpers::spawn_app(crate::helpers::Db::Sqlite).await;
    let f = fixture(&app).await;
    let b = browser();
    let (challenge, _) = pkce();
    let params = authorize_params(&f.client, &challenge, "n");
    for page in [
        "signup",
        "forgotPassword",
        "confirmForgotPassword",
        "confirmUser",
        "resendCode",
        "newPassword",
    ] {
        let resp = b
            .post(format!("{}/{page}", f.issuer))
            .form(&params)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::FORBIDDEN, "{page}");
    }
    let resp = b
        .get(format!("{}/us-east-1_nothere/login", app.url))
        .query(&params)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    let resp = b
        .get(format!("{}/{}/signup", app.url, f.pool))
        .query(&[("client_id", "nope")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
}
