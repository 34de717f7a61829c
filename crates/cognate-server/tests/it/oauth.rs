//! OAuth 2.0 / OIDC endpoints driven like a browser (reqwest with cookies, redirects
//! off) and checked with the `openidconnect` crate: discovery, the code flow with PKCE
//! and the login form, ID-token verification (nonce, at_hash), refresh, UserInfo,
//! revocation, client credentials, logout, and the attacks RFC 9700 lists first.

use crate::helpers::TestApp;
use crate::sign_in::{PASSWORD, create_user};
use aws_sdk_cognitoidentityprovider::types::{
    AttributeType, ExplicitAuthFlowsType as F, OAuthFlowType, ResourceServerScopeType,
};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use openidconnect::core::{
    CoreIdToken, CoreIdTokenVerifier, CoreJsonWebKeySet, CoreProviderMetadata,
};
use openidconnect::{AccessToken, AccessTokenHash, ClientId, IssuerUrl, Nonce, PkceCodeChallenge};
use reqwest::StatusCode;
use serde_json::Value;
use std::str::FromStr;

pub(crate) const CALLBACK: &str = "http://localhost:8080/callback";
pub(crate) const LOGOUT: &str = "http://localhost:8080/signed-out";
const SCOPES: [&str; 4] = [
    "openid",
    "email",
    "profile",
    "aws.cognito.signin.user.admin",
];

pub(crate) struct Fx {
    pub pool: String,
    pub client: String,
    pub other: String,
    pub issuer: String,
}

pub(crate) async fn oauth_client(app: &TestApp, pool: &str, name: &str) -> String {
    let mut req = app
        .idp
        .create_user_pool_client()
        .user_pool_id(pool)
        .client_name(name)
        .allowed_o_auth_flows_user_pool_client(true)
        .allowed_o_auth_flows(OAuthFlowType::Code)
        .callback_urls(CALLBACK)
        .logout_urls(LOGOUT)
        .explicit_auth_flows(F::AllowUserPasswordAuth)
        .explicit_auth_flows(F::AllowRefreshTokenAuth);
    for s in SCOPES {
        req = req.allowed_o_auth_scopes(s);
    }
    req.send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap()
        .client_id
        .unwrap()
}

pub(crate) async fn fixture(app: &TestApp) -> Fx {
    let pool = app.create_pool("oauth").await;
    app.idp
        .create_user_pool_domain()
        .user_pool_id(&pool)
        .domain(format!("auth-{}", pool.to_lowercase().replace('_', "-")))
        .send()
        .await
        .unwrap();
    let client = oauth_client(app, &pool, "web").await;
    let other = oauth_client(app, &pool, "other").await;
    create_user(app, &pool, "alice", PASSWORD).await;
    app.idp
        .admin_update_user_attributes()
        .user_pool_id(&pool)
        .username("alice")
        .user_attributes(
            AttributeType::builder()
                .name("email")
                .value("alice@example.com")
                .build()
                .unwrap(),
        )
        .user_attributes(
            AttributeType::builder()
                .name("email_verified")
                .value("true")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let issuer = format!("{}/{pool}", app.url);
    Fx {
        pool,
        client,
        other,
        issuer,
    }
}

pub(crate) fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// A PKCE pair from the library (challenge, verifier).
pub(crate) fn pkce() -> (String, String) {
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    (challenge.as_str().to_owned(), verifier.secret().to_owned())
}

pub(crate) fn authorize_params<'a>(
    client: &'a str,
    challenge: &'a str,
    nonce: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("response_type", "code"),
        ("client_id", client),
        ("redirect_uri", CALLBACK),
        ("state", "st-123"),
        (
            "scope",
            "openid email profile aws.cognito.signin.user.admin",
        ),
        ("nonce", nonce),
        ("code_challenge", challenge),
        ("code_challenge_method", "S256"),
    ]
}

pub(crate) async fn get_authorize(
    b: &reqwest::Client,
    f: &Fx,
    params: &[(&str, &str)],
) -> reqwest::Response {
    b.get(format!("{}/oauth2/authorize", f.issuer))
        .query(params)
        .send()
        .await
        .unwrap()
}

pub(crate) fn location(resp: &reqwest::Response) -> Option<reqwest::Url> {
    resp.headers()
        .get("location")
        .map(|l| reqwest::Url::parse(l.to_str().unwrap()).unwrap())
}

pub(crate) fn query_param(url: &reqwest::Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// The CSRF token scraped from the login page.
pub(crate) fn csrf_token(html: &str) -> String {
    let start =
        html.find("name=\"csrf_token\" value=\"").unwrap() + "name=\"csrf_token\" value=\"".len();
    html[start..].split('"').next().unwrap().to_owned()
}

/// Opens the form, posts the credentials, and returns the redirect after sign-in.
pub(crate) async fn sign_in_form(
    b: &reqwest::Client,
    f: &Fx,
    params: &[(&str, &str)],
    user: &str,
    password: &str,
) -> reqwest::Response {
    let page = get_authorize(b, f, params).await;
    assert_eq!(page.status(), StatusCode::OK);
    let csrf = csrf_token(&page.text().await.unwrap());
    let mut form: Vec<(&str, &str)> = params.to_vec();
    form.extend([
        ("username", user),
        ("password", password),
        ("csrf_token", csrf.as_str()),
    ]);
    b.post(format!("{}/login", f.issuer))
        .form(&form)
        .send()
        .await
        .unwrap()
}

/// Signs in through the form and returns the authorization code.
async fn code_for(
    b: &reqwest::Client,
    f: &Fx,
    client: &str,
    challenge: &str,
    nonce: &str,
) -> String {
    let resp = sign_in_form(
        b,
        f,
        &authorize_params(client, challenge, nonce),
        "alice",
        PASSWORD,
    )
    .await;
    assert_eq!(resp.status(), StatusCode::FOUND);
    let loc = location(&resp).unwrap();
    assert!(loc.as_str().starts_with(CALLBACK));
    assert_eq!(query_param(&loc, "state").as_deref(), Some("st-123"));
    query_param(&loc, "code").unwrap()
}

async fn token_request(f: &Fx, form: &[(&str, &str)]) -> (StatusCode, Value) {
    let resp = reqwest::Client::new()
        .post(format!("{}/oauth2/token", f.issuer))
        .form(form)
        .send()
        .await
        .unwrap();
    let status = resp.status();
    assert_eq!(resp.headers()["cache-control"], "no-store");
    assert_eq!(resp.headers()["access-control-allow-origin"], "*");
    (status, resp.json().await.unwrap())
}

pub(crate) async fn exchange(
    f: &Fx,
    client: &str,
    code: &str,
    verifier: &str,
) -> (StatusCode, Value) {
    token_request(
        f,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", client),
            ("code", code),
            ("redirect_uri", CALLBACK),
            ("code_verifier", verifier),
        ],
    )
    .await
}

async fn refresh(f: &Fx, refresh_token: &str) -> (StatusCode, Value) {
    token_request(
        f,
        &[
            ("grant_type", "refresh_token"),
            ("client_id", &f.client),
            ("refresh_token", refresh_token),
        ],
    )
    .await
}

pub(crate) fn claims(jwt: &str) -> Value {
    let payload = jwt.split('.').nth(1).unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

async fn user_info(f: &Fx, access_token: &str) -> reqwest::Response {
    reqwest::Client::new()
        .get(format!("{}/oauth2/userInfo", f.issuer))
        .bearer_auth(access_token)
        .send()
        .await
        .unwrap()
}

async fn verifier(f: &Fx) -> CoreIdTokenVerifier<'static> {
    let jwks: CoreJsonWebKeySet = reqwest::get(format!("{}/.well-known/jwks.json", f.issuer))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    CoreIdTokenVerifier::new_public_client(
        ClientId::new(f.client.clone()),
        IssuerUrl::new(f.issuer.clone()).unwrap(),
        jwks,
    )
}

backend_tests! {
    async fn discovery_lists_the_oauth_endpoints(app) {
        let f = fixture(&app).await;
        let doc: Value = reqwest::get(format!("{}/.well-known/openid-configuration", f.issuer)).await.unwrap().json().await.unwrap();
        let meta: CoreProviderMetadata = serde_json::from_value(doc.clone()).unwrap();
        assert_eq!(meta.issuer().as_str(), f.issuer);
        assert_eq!(meta.authorization_endpoint().as_str(), format!("{}/oauth2/authorize", f.issuer));
        assert_eq!(meta.token_endpoint().unwrap().as_str(), format!("{}/oauth2/token", f.issuer));
        assert_eq!(meta.userinfo_endpoint().unwrap().as_str(), format!("{}/oauth2/userInfo", f.issuer));
        assert_eq!(doc["revocation_endpoint"], format!("{}/oauth2/revoke", f.issuer));
        assert_eq!(doc["end_session_endpoint"], format!("{}/logout", f.issuer));
        // Every listed endpoint answers (not 404).
        let token = reqwest::Client::new().post(meta.token_endpoint().unwrap().as_str()).form(&[("grant_type", "password")]).send().await.unwrap();
        assert_eq!(token.status(), StatusCode::BAD_REQUEST);
        assert_eq!(token.json::<Value>().await.unwrap()["error"], "unsupported_grant_type");
        let info = reqwest::get(meta.userinfo_endpoint().unwrap().as_str()).await.unwrap();
        assert_eq!(info.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(info.headers()["www-authenticate"], "Bearer");
        let revoke = reqwest::Client::new().post(doc["revocation_endpoint"].as_str().unwrap()).form(&[("token", "x")]).send().await.unwrap();
        assert_eq!(revoke.status(), StatusCode::UNAUTHORIZED);
        let authorize = reqwest::get(meta.authorization_endpoint().as_str()).await.unwrap();
        assert_eq!(authorize.status(), StatusCode::BAD_REQUEST);
    }

    async fn code_flow_with_pkce_gives_verified_tokens_refresh_userinfo_and_revoke(app) {
        let f = fixture(&app).await;
        let b = browser();
        let (challenge, code_verifier) = pkce();
        let page = get_authorize(&b, &f, &authorize_params(&f.client, &challenge, "n-0S6_WzA2Mj")).await;
        assert_eq!(page.headers()["x-frame-options"], "DENY");
        assert!(page.headers()["content-security-policy"].to_str().unwrap().contains("frame-ancestors 'none'"));
        let code = code_for(&b, &f, &f.client, &challenge, "n-0S6_WzA2Mj").await;
        let (status, tokens) = exchange(&f, &f.client, &code, &code_verifier).await;
        assert_eq!(status, StatusCode::OK, "{tokens}");
        assert_eq!(tokens["token_type"], "Bearer");
        assert_eq!(tokens["expires_in"], 3600);

        // The ID token verifies with the library, including the nonce and at_hash.
        let v = verifier(&f).await;
        let id_token = CoreIdToken::from_str(tokens["id_token"].as_str().unwrap()).unwrap();
        let id_claims = id_token.claims(&v, &Nonce::new("n-0S6_WzA2Mj".into())).unwrap();
        assert_eq!(id_claims.email().unwrap().as_str(), "alice@example.com");
        let access = AccessToken::new(tokens["access_token"].as_str().unwrap().to_owned());
        let expected = AccessTokenHash::from_token(&access, id_token.signing_alg().unwrap(), id_token.signing_key(&v).unwrap()).unwrap();
        assert_eq!(id_claims.access_token_hash(), Some(&expected));
        assert!(id_token.claims(&v, &Nonce::new("other".into())).is_err());

        let at = claims(access.secret());
        assert_eq!(at["scope"], "openid email profile aws.cognito.signin.user.admin");
        assert_eq!(at["version"], 2);
        assert_eq!(at["username"], "alice");
        assert!(at.get("aud").is_none());

        // A second authorize in the same browser signs in silently.
        let silent = get_authorize(&b, &f, &authorize_params(&f.client, &challenge, "n2")).await;
        assert_eq!(silent.status(), StatusCode::FOUND);
        assert!(query_param(&location(&silent).unwrap(), "code").is_some());

        // Refresh keeps the scopes and the family.
        let refresh_token = tokens["refresh_token"].as_str().unwrap();
        let (status, refreshed) = refresh(&f, refresh_token).await;
        assert_eq!(status, StatusCode::OK, "{refreshed}");
        assert!(refreshed.get("refresh_token").is_none());
        let rat = claims(refreshed["access_token"].as_str().unwrap());
        assert_eq!(rat["scope"], at["scope"]);
        assert_eq!(rat["origin_jti"], at["origin_jti"]);
        assert!(refreshed["id_token"].is_string());

        // UserInfo: claims by scope.
        let info = user_info(&f, access.secret()).await;
        assert_eq!(info.status(), StatusCode::OK);
        let info: Value = info.json().await.unwrap();
        assert_eq!(info["sub"], at["sub"]);
        assert_eq!(info["email"], "alice@example.com");
        assert_eq!(info["email_verified"], true);

        // Revocation: the family is gone; unknown tokens are fine.
        let revoke = |token: String| {
            let url = format!("{}/oauth2/revoke", f.issuer);
            let client = f.client.clone();
            async move { reqwest::Client::new().post(url).form(&[("token", token), ("client_id", client)]).send().await.unwrap().status() }
        };
        assert_eq!(revoke(refresh_token.to_owned()).await, StatusCode::OK);
        assert_eq!(revoke("no-such-token".into()).await, StatusCode::OK);
        let (status, err) = refresh(&f, refresh_token).await;
        assert_eq!((status, err["error"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_grant")));
        assert_eq!(user_info(&f, access.secret()).await.status(), StatusCode::UNAUTHORIZED);
    }

    async fn userinfo_refuses_api_tokens_without_openid(app) {
        let f = fixture(&app).await;
        let out = app.idp.initiate_auth().client_id(&f.client)
            .auth_flow(aws_sdk_cognitoidentityprovider::types::AuthFlowType::UserPasswordAuth)
            .auth_parameters("USERNAME", "alice").auth_parameters("PASSWORD", PASSWORD)
            .send().await.unwrap();
        let access = out.authentication_result().unwrap().access_token().unwrap();
        let resp = user_info(&f, access).await;
        assert_eq!(resp.status(), StatusCode::FORBIDDEN);
        assert!(resp.headers()["www-authenticate"].to_str().unwrap().contains("insufficient_scope"));
        let resp = user_info(&f, "not-a-token").await;
        assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
        assert!(resp.headers()["www-authenticate"].to_str().unwrap().contains("invalid_token"));
    }

    async fn redirect_uri_variants_show_an_error_page_and_never_redirect(app) {
        let f = fixture(&app).await;
        let (challenge, _) = pkce();
        for uri in [
            "http://localhost:8080/callback/extra",
            "http://localhost:8081/callback",
            "http://localhost:8080/callback?x=1",
            "http://LOCALHOST:8080/Callback",
            "https://evil.example/callback",
        ] {
            let mut params = authorize_params(&f.client, &challenge, "n");
            params[2] = ("redirect_uri", uri);
            let resp = get_authorize(&browser(), &f, &params).await;
            assert_eq!(resp.status(), StatusCode::BAD_REQUEST, "{uri}");
            assert!(resp.headers().get("location").is_none(), "{uri}");
            assert!(resp.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
        }
    }

    async fn pkce_missing_or_plain_is_refused(app) {
        let f = fixture(&app).await;
        let (challenge, _) = pkce();
        let plain = authorize_params(&f.client, &challenge, "n").into_iter()
            .map(|(k, v)| if k == "code_challenge_method" { (k, "plain") } else { (k, v) }).collect::<Vec<_>>();
        let missing = authorize_params(&f.client, &challenge, "n").into_iter()
            .filter(|(k, _)| !k.starts_with("code_challenge")).collect::<Vec<_>>();
        for params in [plain, missing] {
            let resp = get_authorize(&browser(), &f, &params).await;
            assert_eq!(resp.status(), StatusCode::FOUND);
            let loc = location(&resp).unwrap();
            assert_eq!(query_param(&loc, "error").as_deref(), Some("invalid_request"));
            assert_eq!(query_param(&loc, "state").as_deref(), Some("st-123"));
            assert!(query_param(&loc, "code").is_none());
        }
    }

    async fn code_replay_is_invalid_grant_and_revokes_the_first_tokens(app) {
        let f = fixture(&app).await;
        let (challenge, code_verifier) = pkce();
        let code = code_for(&browser(), &f, &f.client, &challenge, "n").await;
        let (status, first) = exchange(&f, &f.client, &code, &code_verifier).await;
        assert_eq!(status, StatusCode::OK);
        let (status, replay) = exchange(&f, &f.client, &code, &code_verifier).await;
        assert_eq!((status, replay["error"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_grant")));
        let (status, err) = refresh(&f, first["refresh_token"].as_str().unwrap()).await;
        assert_eq!((status, err["error"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_grant")));
        assert_eq!(user_info(&f, first["access_token"].as_str().unwrap()).await.status(), StatusCode::UNAUTHORIZED);
    }

    async fn codes_are_bound_to_client_redirect_uri_and_verifier(app) {
        let f = fixture(&app).await;
        let (challenge, code_verifier) = pkce();
        let code = code_for(&browser(), &f, &f.client, &challenge, "n").await;
        let (status, err) = exchange(&f, &f.other, &code, &code_verifier).await;
        assert_eq!((status, err["error"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_grant")));
        let (_, other_verifier) = pkce();
        let (status, err) = exchange(&f, &f.client, &code, &other_verifier).await;
        assert_eq!((status, err["error"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_grant")));
        let (status, err) = token_request(&f, &[("grant_type", "authorization_code"), ("client_id", &f.client), ("code", &code),
            ("redirect_uri", "http://localhost:8080/other"), ("code_verifier", &code_verifier)]).await;
        assert_eq!((status, err["error"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_grant")));
        // None of the failed attempts spent the code.
        let (status, _) = exchange(&f, &f.client, &code, &code_verifier).await;
        assert_eq!(status, StatusCode::OK);
        let (status, err) = token_request(&f, &[("grant_type", "authorization_code"), ("client_id", "nosuchclient1"), ("code", &code)]).await;
        assert_eq!((status, err["error"].as_str()), (StatusCode::UNAUTHORIZED, Some("invalid_client")));
    }

    async fn login_form_needs_its_csrf_token_and_speaks_human(app) {
        let f = fixture(&app).await;
        let b = browser();
        let (challenge, _) = pkce();
        let params = authorize_params(&f.client, &challenge, "n");
        assert_eq!(get_authorize(&b, &f, &params).await.status(), StatusCode::OK);
        let mut form = params.clone();
        form.extend([("username", "alice"), ("password", PASSWORD)]);
        let resp = b.post(format!("{}/login", f.issuer)).form(&form).send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::FORBIDDEN);
        assert!(resp.headers().get("location").is_none());
        form.push(("csrf_token", "forged"));
        let resp = b.post(format!("{}/login", f.issuer)).form(&form).send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::FORBIDDEN);

        let resp = sign_in_form(&b, &f, &params, "alice", "Wr0ng-password!").await;
        assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
        assert!(resp.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
        assert!(resp.text().await.unwrap().contains("Incorrect username or password."));
        let resp = sign_in_form(&b, &f, &params, "<script>x</script>", "Wr0ng-password!").await;
        let html = resp.text().await.unwrap();
        assert!(!html.contains("<script>"));
    }

    async fn session_cookie_is_http_only_and_logout_refuses_open_redirects(app) {
        let f = fixture(&app).await;
        let b = browser();
        let (challenge, _) = pkce();
        let params = authorize_params(&f.client, &challenge, "n");
        let resp = sign_in_form(&b, &f, &params, "alice", PASSWORD).await;
        let cookie = resp.headers().get_all("set-cookie").iter().map(|c| c.to_str().unwrap().to_owned())
            .find(|c| c.starts_with("cognate-session=")).unwrap();
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Max-Age=3600"));
        assert!(cookie.contains(&format!("Path=/{}", f.pool)));

        let logout = |uri: &'static str| {
            let url = format!("{}/logout", f.issuer);
            let client = f.client.clone();
            let b = b.clone();
            async move { b.get(url).query(&[("client_id", client.as_str()), ("logout_uri", uri)]).send().await.unwrap() }
        };
        let evil = logout("https://evil.example/").await;
        assert_eq!(evil.status(), StatusCode::BAD_REQUEST);
        assert!(evil.headers().get("location").is_none());
        let ok = logout(LOGOUT).await;
        assert_eq!(ok.status(), StatusCode::FOUND);
        assert_eq!(ok.headers()["location"], LOGOUT);

        // Signed out: prompt=none cannot sign in silently.
        let mut none = params.clone();
        none.push(("prompt", "none"));
        let resp = get_authorize(&b, &f, &none).await;
        let loc = location(&resp).unwrap();
        assert_eq!(query_param(&loc, "error").as_deref(), Some("login_required"));
    }

    async fn client_credentials_gives_an_access_token_with_custom_scopes(app) {
        let f = fixture(&app).await;
        app.idp.create_resource_server().user_pool_id(&f.pool).identifier("https://api.example.com").name("api")
            .scopes(ResourceServerScopeType::builder().scope_name("read").scope_description("read").build().unwrap())
            .send().await.unwrap();
        let client = app.idp.create_user_pool_client().user_pool_id(&f.pool).client_name("m2m").generate_secret(true)
            .allowed_o_auth_flows_user_pool_client(true)
            .allowed_o_auth_flows(OAuthFlowType::ClientCredentials)
            .allowed_o_auth_scopes("https://api.example.com/read")
            .send().await.unwrap().user_pool_client.unwrap();
        let (id, secret) = (client.client_id.unwrap(), client.client_secret.unwrap());
        let url = format!("{}/oauth2/token", f.issuer);
        let resp = reqwest::Client::new().post(&url).basic_auth(&id, Some(&secret))
            .form(&[("grant_type", "client_credentials")]).send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
        let tokens: Value = resp.json().await.unwrap();
        assert!(tokens.get("id_token").is_none() && tokens.get("refresh_token").is_none());
        let at = claims(tokens["access_token"].as_str().unwrap());
        assert_eq!(at["sub"], id.as_str());
        assert_eq!(at["client_id"], id.as_str());
        assert_eq!(at["scope"], "https://api.example.com/read");
        assert_eq!(at["version"], 2);
        assert!(at.get("username").is_none());

        let wrong = reqwest::Client::new().post(&url).basic_auth(&id, Some("wrong"))
            .form(&[("grant_type", "client_credentials")]).send().await.unwrap();
        assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
        let (status, err) = token_request(&f, &[("grant_type", "client_credentials"), ("client_id", &id),
            ("client_secret", &secret), ("scope", "openid")]).await;
        assert_eq!((status, err["error"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_scope")));
        // A code-flow client may not use client credentials.
        let (status, err) = token_request(&f, &[("grant_type", "client_credentials"), ("client_id", &f.client)]).await;
        assert_eq!((status, err["error"].as_str()), (StatusCode::BAD_REQUEST, Some("unauthorized_client")));
    }
}
