//! The hosted pages' cookies over HTTP: on a custom domain behind an `https` public URL
//! they are `__Host-` prefixed, `Secure` and scoped to `/`; under the issuer path they
//! are `__Secure-` prefixed and path-scoped; with a plain `http` public URL they keep
//! their plain names. Cookies set under a name are read back under it only. Also: the
//! hosted origin answers `/favicon.ico` without an error.

use crate::helpers::{Db, TestApp, fresh_postgres_database, postgres_url, spawn_with, test_config};
use crate::oauth::{CALLBACK, authorize_params, csrf_token, fixture, pkce};
use crate::sign_in::PASSWORD;
use aws_sdk_cognitoidentityprovider::types::CustomDomainConfigType;
use reqwest::StatusCode;

const DOMAIN: &str = "auth.cookies.test";

/// A server whose public URL is `public_url`.
async fn spawn_public(db: Db, public_url: &str) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let db = match db {
        Db::Postgres(base) => Db::Postgres(fresh_postgres_database(&base).await),
        other => other,
    };
    let mut config = test_config(&db, dir.path());
    config.public_url = Some(public_url.into());
    spawn_with(config, dir).await
}

/// A client that keeps no cookies and follows no redirects: every cookie is sent by
/// hand, under the exact name the test means.
fn bare() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn add_custom_domain(app: &TestApp, pool: &str) {
    app.idp
        .create_user_pool_domain()
        .user_pool_id(pool)
        .domain(DOMAIN)
        .custom_domain_config(
            CustomDomainConfigType::builder()
                .certificate_arn("arn:aws:acm:us-east-1:000000000000:certificate/abc")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
}

/// The `Set-Cookie` value whose name is `name`.
fn set_cookie(resp: &reqwest::Response, name: &str) -> String {
    resp.headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|v| v.starts_with(&format!("{name}=")))
        .unwrap_or_else(|| panic!("no {name} cookie in {:?}", resp.headers()))
}

/// `name=value` of a `Set-Cookie` value.
fn pair(set_cookie: &str) -> String {
    set_cookie.split(';').next().unwrap().to_owned()
}

async fn https_public_url_prefixes_cookies(db: Db) {
    let app = spawn_public(db, "https://id.cookies.test").await;
    let f = fixture(&app).await;
    add_custom_domain(&app, &f.pool).await;
    let (challenge, _) = pkce();
    let params = authorize_params(&f.client, &challenge, "n");
    let on_domain = |method: reqwest::Method, path: &str| {
        bare()
            .request(method, format!("{}{path}", app.url))
            .header("host", DOMAIN)
    };

    let page = on_domain(reqwest::Method::GET, "/oauth2/authorize")
        .query(&params)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let xsrf = set_cookie(&page, "__Host-cognate-xsrf");
    assert!(xsrf.contains("; Path=/;"), "{xsrf}");
    assert!(
        xsrf.ends_with("; Secure") && !xsrf.contains("Domain="),
        "{xsrf}"
    );
    let xsrf = pair(&xsrf);
    let csrf = csrf_token(&page.text().await.unwrap());

    let mut form = params.clone();
    form.extend([
        ("username", "alice"),
        ("password", PASSWORD),
        ("csrf_token", csrf.as_str()),
    ]);
    // The same cookie under its plain name is not the pre-session cookie.
    let plain = xsrf.trim_start_matches("__Host-").to_owned();
    let resp = on_domain(reqwest::Method::POST, "/login")
        .header("cookie", plain)
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN, "plain-named copy");
    let resp = on_domain(reqwest::Method::POST, "/login")
        .header("cookie", xsrf)
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(
        resp.status(),
        StatusCode::FOUND,
        "the CSRF cookie is read back"
    );
    assert!(
        resp.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with(CALLBACK)
    );
    let session = set_cookie(&resp, "__Host-cognate-session");
    assert!(
        session.contains("; Path=/;") && session.ends_with("; Secure"),
        "{session}"
    );
    let cleared = set_cookie(&resp, "__Host-cognate-xsrf");
    assert!(cleared.contains("Max-Age=0"), "{cleared}");

    // The session cookie signs in silently under its name, and only under it.
    let session = pair(&session);
    let silent = on_domain(reqwest::Method::GET, "/oauth2/authorize")
        .query(&params)
        .header("cookie", session.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(silent.status(), StatusCode::FOUND);
    let plain = session.trim_start_matches("__Host-").to_owned();
    let again = on_domain(reqwest::Method::GET, "/oauth2/authorize")
        .query(&params)
        .header("cookie", plain)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::OK, "the sign-in form");

    // Under the issuer path: path-scoped, so `__Secure-`.
    let page = bare()
        .get(format!("{}/oauth2/authorize", f.issuer))
        .query(&params)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let xsrf = set_cookie(&page, "__Secure-cognate-xsrf");
    assert!(xsrf.contains(&format!("; Path=/{};", f.pool)), "{xsrf}");
    assert!(xsrf.ends_with("; Secure"), "{xsrf}");
}

async fn http_public_url_keeps_plain_names(db: Db) {
    let app = spawn_public(db, "http://id.cookies.test").await;
    let f = fixture(&app).await;
    add_custom_domain(&app, &f.pool).await;
    let (challenge, _) = pkce();
    let params = authorize_params(&f.client, &challenge, "n");
    let page = bare()
        .get(format!("{}/oauth2/authorize", app.url))
        .header("host", DOMAIN)
        .query(&params)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let xsrf = set_cookie(&page, "cognate-xsrf");
    assert!(
        xsrf.contains("; Path=/;") && !xsrf.contains("Secure"),
        "{xsrf}"
    );
    let csrf = csrf_token(&page.text().await.unwrap());
    let mut form = params.clone();
    form.extend([
        ("username", "alice"),
        ("password", PASSWORD),
        ("csrf_token", csrf.as_str()),
    ]);
    let resp = bare()
        .post(format!("{}/login", app.url))
        .header("host", DOMAIN)
        .header("cookie", pair(&xsrf))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::FOUND);
    let session = set_cookie(&resp, "cognate-session");
    assert!(!session.contains("Secure"), "{session}");
}

async fn favicon_answers_without_content(db: Db) {
    let app = spawn_public(db, "http://id.cookies.test").await;
    let f = fixture(&app).await;
    add_custom_domain(&app, &f.pool).await;
    for host in [None, Some(DOMAIN)] {
        let mut req = bare().get(format!("{}/favicon.ico", app.url));
        if let Some(h) = host {
            req = req.header("host", h);
        }
        let resp = req.send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::NO_CONTENT, "{host:?}");
    }
}

macro_rules! on_both_backends {
    ($($name:ident),*) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name(super::Db::Sqlite).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let Some(url) = super::postgres_url() else { return };
                    super::$name(super::Db::Postgres(url)).await;
                }
            )*
        }
    };
}

on_both_backends!(
    https_public_url_prefixes_cookies,
    http_public_url_keeps_plain_names,
    favicon_answers_without_content
);
