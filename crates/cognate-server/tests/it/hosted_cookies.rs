//! The hosted pages' cookies over HTTP: behind an `https` public URL they are
//! `__Host-` prefixed, `Secure` and scoped to `/`, on a custom domain and under the
//! issuer path (there named per pool, `__Host-cognate-session-<poolId>`); with a plain
//! `http` public URL they keep their plain names (path-scoped under the issuer path). Cookies set under a name are read back under it only. Also: the
//! hosted origin answers `/favicon.ico` without an error.

use crate::helpers::{Db, TestApp, fresh_postgres_database, postgres_url, spawn_with, test_config};
use crate::oauth::{CALLBACK, LOGOUT, authorize_params, csrf_token, fixture, pkce};
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
}

/// Under an `https` issuer path the cookies are `__Host-` too (a `__Secure-` cookie
/// scoped to `/<poolId>` could be overwritten from a sibling subdomain), named per
/// pool so pools on one host keep apart; sign-in, its CSRF deletion and `/logout`
/// all use those names.
async fn https_issuer_path_cookies_are_host_prefixed_per_pool(db: Db) {
    let app = spawn_public(db, "https://id.cookies.test").await;
    let f = fixture(&app).await;
    let g = fixture(&app).await;
    let (challenge, _) = pkce();
    let params = authorize_params(&f.client, &challenge, "n");
    let page = bare()
        .get(format!("{}/oauth2/authorize", f.issuer))
        .query(&params)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let xsrf_name = format!("__Host-cognate-xsrf-{}", f.pool);
    let xsrf = set_cookie(&page, &xsrf_name);
    assert!(
        xsrf.contains("; Path=/;") && xsrf.ends_with("; Secure") && !xsrf.contains("Domain="),
        "{xsrf}"
    );
    let csrf = csrf_token(&page.text().await.unwrap());
    let mut form = params.clone();
    form.extend([
        ("username", "alice"),
        ("password", PASSWORD),
        ("csrf_token", csrf.as_str()),
    ]);
    // The old `__Secure-` name is not the pre-session cookie.
    let old = pair(&xsrf).replace(&xsrf_name, "__Secure-cognate-xsrf");
    let resp = bare()
        .post(format!("{}/login", f.issuer))
        .header("cookie", old)
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN, "old name");
    let resp = bare()
        .post(format!("{}/login", f.issuer))
        .header("cookie", pair(&xsrf))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::FOUND);
    let session_name = format!("__Host-cognate-session-{}", f.pool);
    let session = set_cookie(&resp, &session_name);
    assert!(
        session.contains("; Path=/;") && session.ends_with("; Secure"),
        "{session}"
    );
    let cleared = set_cookie(&resp, &xsrf_name);
    assert!(
        cleared.contains("Max-Age=0") && cleared.contains("; Path=/;"),
        "{cleared}"
    );
    let session = pair(&session);

    // The session signs in silently at its own pool only.
    let silent = bare()
        .get(format!("{}/oauth2/authorize", f.issuer))
        .query(&params)
        .header("cookie", session.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(silent.status(), StatusCode::FOUND);
    let other_params = authorize_params(&g.client, &challenge, "n");
    let elsewhere = bare()
        .get(format!("{}/oauth2/authorize", g.issuer))
        .query(&other_params)
        .header("cookie", session.replace(&f.pool, &g.pool))
        .send()
        .await
        .unwrap();
    assert_eq!(elsewhere.status(), StatusCode::OK, "the other pool's form");

    // `/logout` ends the session and deletes the cookie under the same name and path.
    let resp = bare()
        .get(format!("{}/logout", f.issuer))
        .query(&[("client_id", f.client.as_str()), ("logout_uri", LOGOUT)])
        .header("cookie", session.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::FOUND);
    let deleted = set_cookie(&resp, &session_name);
    assert!(
        deleted.contains("Max-Age=0")
            && deleted.contains("; Path=/;")
            && deleted.ends_with("; Secure"),
        "{deleted}"
    );
    let after = bare()
        .get(format!("{}/oauth2/authorize", f.issuer))
        .query(&params)
        .header("cookie", session)
        .send()
        .await
        .unwrap();
    assert_eq!(after.status(), StatusCode::OK, "signed out");
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

    // Under the issuer path: plain names, scoped to the pool's path.
    let page = bare()
        .get(format!("{}/oauth2/authorize", f.issuer))
        .query(&params)
        .send()
        .await
        .unwrap();
    let xsrf = set_cookie(&page, "cognate-xsrf");
    assert!(
        xsrf.contains(&format!("; Path=/{};", f.pool)) && !xsrf.contains("Secure"),
        "{xsrf}"
    );
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
    https_issuer_path_cookies_are_host_prefixed_per_pool,
    http_public_url_keeps_plain_names,
    favicon_answers_without_content
);
