//! The stand the browser tests run against: a server delivering mail to a real SMTP sink
//! (mailin-embedded), a pool requiring `name` with verified emails and a domain, a public
//! code-flow client, and the app's callback and logout pages on a local listener. Codes
//! that reach the callback are exchanged here and their ID tokens verified. A [`Setup`]
//! can serve the pages at `http://localhost:<port>` and let the pool offer passkeys.

use crate::helpers::{Db, TestApp, spawn_with, test_config};
use crate::sign_in::{PASSWORD, create_user};
use aws_sdk_cognitoidentityprovider::types::{
    AttributeDataType, AttributeType, AuthFactorType, ExplicitAuthFlowsType as F, OAuthFlowType,
    SchemaAttributeType, SignInPolicyType, UserPoolMfaType, UserPoolPolicyType,
    UserVerificationType, VerifiedAttributeType, WebAuthnConfigurationType,
};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use openidconnect::core::{CoreIdToken, CoreIdTokenVerifier, CoreJsonWebKeySet};
use openidconnect::{ClientId, IssuerUrl, Nonce, PkceCodeChallenge};
use secrecy::SecretString;
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub const NEW_PASSWORD: &str = "N3w-Battery-Staple!";
pub const TEMPORARY: &str = "Temp-Passw0rd!";
const STATE: &str = "st-browser-1";
const NONCE: &str = "n-browser-1";
const SCOPE: &str = "openid email profile";

/// Every message a real SMTP server (mailin-embedded) accepted: `(recipients, data)`.
pub type Inbox = Arc<Mutex<Vec<(Vec<String>, String)>>>;

#[derive(Clone)]
struct SmtpSink {
    inbox: Inbox,
    current: Option<(Vec<String>, String)>,
}

impl mailin_embedded::Handler for SmtpSink {
    fn data_start(
        &mut self,
        _: &str,
        _: &str,
        _: bool,
        to: &[String],
    ) -> mailin_embedded::Response {
        self.current = Some((to.to_vec(), String::new()));
        mailin_embedded::response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        if let Some((_, data)) = &mut self.current {
            data.push_str(&String::from_utf8_lossy(buf));
        }
        Ok(())
    }

    fn data_end(&mut self) -> mailin_embedded::Response {
        if let Some(mail) = self.current.take() {
            self.inbox.lock().unwrap().push(mail);
        }
        mailin_embedded::response::OK
    }
}

/// Starts an SMTP sink on a free local port; returns its `smtp://` URL and inbox.
fn start_smtp_sink() -> (String, Inbox) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let inbox = Inbox::default();
    let mut server = mailin_embedded::Server::new(SmtpSink {
        inbox: inbox.clone(),
        current: None,
    });
    server
        .with_name("sink.test")
        .with_ssl(mailin_embedded::SslConfig::None)
        .unwrap()
        .with_tcp_listener(listener);
    std::thread::spawn(move || {
        let _ = server.serve();
    });
    (format!("smtp://{addr}"), inbox)
}

/// The 6-digit code in the body of the `nth` (1-based) mail to `to`, waiting up to 10 s.
pub async fn code_from_mail(inbox: &Inbox, to: &str, nth: usize) -> String {
    for _ in 0..200 {
        let mail = {
            let inbox = inbox.lock().unwrap();
            let mut to_them = inbox
                .iter()
                .filter(|(rcpt, _)| rcpt.iter().any(|r| r == to));
            to_them.nth(nth - 1).map(|(_, data)| data.clone())
        };
        if let Some(data) = mail {
            let body = data
                .split_once("\r\n\r\n")
                .map_or(data.as_str(), |(_, b)| b);
            return body
                .split(|c: char| !c.is_ascii_digit())
                .find(|w| w.len() == 6)
                .unwrap_or_else(|| panic!("no code in the mail to {to}: {data}"))
                .to_owned();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("mail #{nth} to {to} did not reach the SMTP sink within 10 s");
}

/// The app the browser returns to: `/callback` and `/signed-out` on a local port; keeps
/// the path and query of every hit.
async fn start_app_site() -> (String, Arc<Mutex<Vec<String>>>) {
    use axum::extract::OriginalUri;
    use axum::response::Html;
    let hits = Arc::new(Mutex::new(Vec::new()));
    let record = hits.clone();
    let page = move |OriginalUri(uri): OriginalUri| {
        let record = record.clone();
        async move {
            record.lock().unwrap().push(uri.to_string());
            Html(
                "<!doctype html><meta charset=\"utf-8\"><title>App</title><h1>Back at the app</h1>",
            )
        }
    };
    let router = axum::Router::new()
        .route("/callback", axum::routing::get(page.clone()))
        .route("/signed-out", axum::routing::get(page));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });
    (base, hits)
}

/// What a scenario needs beyond the default stand.
#[derive(Debug, Default, Clone, Copy)]
pub struct Setup {
    /// The server's public URL is `http://localhost:<port>` (WebAuthn needs a domain, not
    /// an IP address), so the browser opens the pages there.
    pub localhost: bool,
    /// The pool offers passkeys as a first factor (relying party `localhost`), and the
    /// client may ask for `aws.cognito.signin.user.admin` to manage them.
    pub passkeys: bool,
}

/// A server with an SMTP sink, a pool requiring `name` with verified emails, a domain,
/// and a public code-flow client whose URLs point at the local app site.
pub struct Stand {
    pub app: TestApp,
    pub inbox: Inbox,
    pub pool: String,
    client: String,
    issuer: String,
    callback: String,
    /// The client's registered logout URL.
    pub logout: String,
    /// Path and query of every request the app site received.
    pub hits: Arc<Mutex<Vec<String>>>,
    challenge: String,
    verifier: String,
    scope: String,
}

pub async fn stand() -> Stand {
    stand_with(Setup::default()).await
}

/// A free port on 127.0.0.1 (released again, for the server to take).
fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// Lets the pool sign users in with passkeys whose relying party is `localhost`.
async fn offer_passkeys(app: &TestApp, pool: &str) {
    let web_authn = WebAuthnConfigurationType::builder()
        .relying_party_id("localhost")
        .user_verification(UserVerificationType::Preferred)
        .build();
    app.idp
        .set_user_pool_mfa_config()
        .user_pool_id(pool)
        .mfa_configuration(UserPoolMfaType::Off)
        .web_authn_configuration(web_authn)
        .send()
        .await
        .unwrap();
}

pub async fn stand_with(setup: Setup) -> Stand {
    let (smtp_url, inbox) = start_smtp_sink();
    let dir = tempfile::tempdir().unwrap();
    let mut config = test_config(&Db::Sqlite, dir.path());
    config.smtp_url = Some(SecretString::from(smtp_url));
    config.delivery_poll_ms = 20;
    if setup.localhost {
        let port = free_port();
        config.listen = ([127, 0, 0, 1], port).into();
        config.public_url = Some(format!("http://localhost:{port}"));
    }
    let public_url = config.public_url.clone();
    let app = spawn_with(config, dir).await;
    let public_url = public_url.unwrap_or_else(|| app.url.clone());
    let name = SchemaAttributeType::builder()
        .name("name")
        .attribute_data_type(AttributeDataType::String)
        .required(true)
        .mutable(true)
        .build();
    let mut create = app
        .idp
        .create_user_pool()
        .pool_name("browser")
        .auto_verified_attributes(VerifiedAttributeType::Email)
        .schema(name);
    if setup.passkeys {
        let first_factors = SignInPolicyType::builder()
            .allowed_first_auth_factors(AuthFactorType::Password)
            .allowed_first_auth_factors(AuthFactorType::WebAuthn)
            .build();
        create = create.policies(
            UserPoolPolicyType::builder()
                .sign_in_policy(first_factors)
                .build(),
        );
    }
    let pool = create
        .send()
        .await
        .unwrap()
        .user_pool
        .and_then(|p| p.id)
        .unwrap();
    let prefix = format!(
        "browser-{}",
        &uuid::Uuid::new_v4().simple().to_string()[..12]
    );
    app.idp
        .create_user_pool_domain()
        .user_pool_id(&pool)
        .domain(prefix)
        .send()
        .await
        .unwrap();
    if setup.passkeys {
        offer_passkeys(&app, &pool).await;
    }
    let (site, hits) = start_app_site().await;
    let (callback, logout) = (format!("{site}/callback"), format!("{site}/signed-out"));
    let mut req = app
        .idp
        .create_user_pool_client()
        .user_pool_id(&pool)
        .client_name("web")
        .allowed_o_auth_flows_user_pool_client(true)
        .allowed_o_auth_flows(OAuthFlowType::Code)
        .callback_urls(&callback)
        .logout_urls(&logout)
        .explicit_auth_flows(F::AllowUserSrpAuth)
        .explicit_auth_flows(F::AllowRefreshTokenAuth);
    let scope = if setup.passkeys {
        format!("{SCOPE} aws.cognito.signin.user.admin")
    } else {
        SCOPE.to_owned()
    };
    for s in scope.split(' ') {
        req = req.allowed_o_auth_scopes(s);
    }
    let client = req
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap()
        .client_id
        .unwrap();
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    Stand {
        issuer: format!("{public_url}/{pool}"),
        app,
        inbox,
        pool,
        client,
        callback,
        logout,
        hits,
        challenge: challenge.as_str().to_owned(),
        verifier: verifier.secret().to_owned(),
        scope,
    }
}

pub fn attr(name: &str, value: &str) -> AttributeType {
    AttributeType::builder()
        .name(name)
        .value(value)
        .build()
        .unwrap()
}

impl Stand {
    /// A confirmed user with a permanent password, a verified email and a name.
    pub async fn confirmed_user(&self, username: &str, email: &str) {
        create_user(&self.app, &self.pool, username, PASSWORD).await;
        self.app
            .idp
            .admin_update_user_attributes()
            .user_pool_id(&self.pool)
            .username(username)
            .user_attributes(attr("email", email))
            .user_attributes(attr("email_verified", "true"))
            .user_attributes(attr("name", "Test User"))
            .send()
            .await
            .unwrap();
    }

    /// The driver's settings for a scenario as `username` / `email`.
    pub fn config(&self, username: &str, email: &str) -> Value {
        json!({
            "base": self.issuer, "clientId": self.client,
            "redirectUri": self.callback, "logoutUri": self.logout,
            "scope": self.scope, "state": STATE, "nonce": NONCE, "codeChallenge": self.challenge,
            "username": username, "email": email, "password": PASSWORD,
            "newPassword": NEW_PASSWORD, "temporaryPassword": TEMPORARY,
            "attributes": {"name": "Browser Tester"},
        })
    }

    /// Checks a callback URL, exchanges its code with the PKCE verifier and verifies the
    /// ID token (signature, issuer, audience, nonce); returns the ID token's claims and
    /// the token response.
    pub async fn exchange(&self, url: &str) -> Result<(Value, Value), String> {
        let url = reqwest::Url::parse(url).map_err(|e| e.to_string())?;
        let param = |name: &str| {
            url.query_pairs()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.into_owned())
        };
        if param("state").as_deref() != Some(STATE) {
            return Err(format!("the callback {url} does not carry state={STATE}"));
        }
        let code = param("code").ok_or_else(|| format!("the callback {url} has no code"))?;
        if !self.hits.lock().unwrap().iter().any(|h| h.contains(&code)) {
            return Err(format!("the app site never received {url}"));
        }
        let resp = reqwest::Client::new()
            .post(format!("{}/oauth2/token", self.issuer))
            .form(&[
                ("grant_type", "authorization_code"),
                ("client_id", &self.client),
                ("code", &code),
                ("redirect_uri", &self.callback),
                ("code_verifier", &self.verifier),
            ])
            .send()
            .await
            .map_err(|e| e.to_string())?;
        let status = resp.status();
        let tokens: Value = resp.json().await.map_err(|e| e.to_string())?;
        if !status.is_success() {
            return Err(format!("the token endpoint answered {status}: {tokens}"));
        }
        let jwks: CoreJsonWebKeySet =
            reqwest::get(format!("{}/.well-known/jwks.json", self.issuer))
                .await
                .and_then(|r| r.error_for_status())
                .map_err(|e| e.to_string())?
                .json()
                .await
                .map_err(|e| e.to_string())?;
        let verifier = CoreIdTokenVerifier::new_public_client(
            ClientId::new(self.client.clone()),
            IssuerUrl::new(self.issuer.clone()).map_err(|e| e.to_string())?,
            jwks,
        );
        let raw = tokens["id_token"].as_str().ok_or("no id_token")?;
        let id_token: CoreIdToken = raw.parse().map_err(|e| format!("{e:?}"))?;
        id_token
            .claims(&verifier, &Nonce::new(NONCE.into()))
            .map_err(|e| format!("the ID token does not verify: {e}"))?;
        let payload = raw.split('.').nth(1).ok_or("malformed ID token")?;
        let claims =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).map_err(|e| e.to_string())?)
                .map_err(|e| e.to_string())?;
        Ok((claims, tokens))
    }
}
