//! Test harness: starts the real server on an ephemeral port (SQLite in a temp dir, or
//! a fresh PostgreSQL database when `COGNATE_TEST_DATABASE_URL` is set) and builds
//! official AWS SDK clients against it.

use aws_sdk_cognitoidentityprovider as idp;
use cognate_core::clock::{Clock, FixedClock, SystemClock};
use cognate_server::{Config, Server};
use idp::config::retry::RetryConfig;
use idp::config::{BehaviorVersion, Credentials, Region};
use secrecy::{ExposeSecret, SecretString};
use std::sync::Arc;

pub const KEY_ID: &str = "AKIATESTADMINKEY0001";
pub const SECRET: &str = "testSecretKeyForTheCognateAdminApi0000001";
pub const REGION: &str = "us-east-1";

/// Which database a test runs on.
#[derive(Debug, Clone)]
pub enum Db {
    Sqlite,
    Postgres(String),
}

/// A running server and clients for it.
pub struct TestApp {
    pub url: String,
    /// The server's domain service, for reading state tests cannot see over the API
    /// (the message outbox).
    pub core: Arc<cognate_core::Core>,
    pub clock: FixedClock,
    pub idp: idp::Client,
    pub data_dir: std::path::PathBuf,
    _dir: tempfile::TempDir,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    /// The per-test PostgreSQL database this server uses, removed when it stops.
    database: Option<String>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(name) = self.database.take() {
            drop_postgres_database(name);
        }
    }
}

/// Prefix of the databases [`fresh_postgres_database`] creates.
const TEST_DATABASE_PREFIX: &str = "cognate_it_";

/// The name of the per-test database `url` points at, if it is one.
fn test_database_name(url: &str) -> Option<String> {
    let path = url.split('?').next()?;
    let (_, name) = path.rsplit_once('/')?;
    name.starts_with(TEST_DATABASE_PREFIX)
        .then(|| name.to_owned())
}

/// Removes a per-test database (closing the connections still open on it), so a
/// long-lived local cluster does not grow with every run. Drop runs inside the test's
/// runtime, which cannot be blocked on; a helper thread with its own runtime does it.
fn drop_postgres_database(name: String) {
    use sqlx::Connection;
    let Some(base) = std::env::var("COGNATE_TEST_DATABASE_URL")
        .ok()
        .filter(|url| !url.is_empty())
    else {
        return;
    };
    let dropped = std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?
            .block_on(async {
                let mut conn = sqlx::PgConnection::connect(&base).await?;
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                )))
                .execute(&mut conn)
                .await?;
                conn.close().await?;
                Ok::<_, Box<dyn std::error::Error + Send + Sync>>(())
            })
    })
    .join();
    if !matches!(dropped, Ok(Ok(()))) {
        eprintln!("notice: could not drop a test database");
    }
}

/// An SDK client for `url` signing with the given key.
pub fn idp_client(url: &str, key: &str, secret: &str) -> idp::Client {
    let conf = idp::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(REGION))
        .credentials_provider(Credentials::new(key, secret, None, None, "test"))
        .endpoint_url(url)
        .retry_config(RetryConfig::disabled())
        .build();
    idp::Client::from_conf(conf)
}

/// The PostgreSQL URL for tests, or `None` (with a notice) when not configured.
pub fn postgres_url() -> Option<String> {
    match std::env::var("COGNATE_TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            eprintln!(
                "notice: COGNATE_TEST_DATABASE_URL is not set; skipping the PostgreSQL run of this test"
            );
            None
        }
    }
}

/// Creates a fresh database on the test server and returns its URL.
pub async fn fresh_postgres_database(base: &str) -> String {
    use sqlx::Connection;
    let name = format!("{TEST_DATABASE_PREFIX}{}", uuid::Uuid::new_v4().simple());
    let mut conn = sqlx::PgConnection::connect(base)
        .await
        .expect("connect to COGNATE_TEST_DATABASE_URL");
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut conn)
        .await
        .expect("create test database");
    let (prefix, _) = base.rsplit_once('/').expect("database URL has a path");
    let query = base
        .split_once('?')
        .map(|(_, q)| format!("?{q}"))
        .unwrap_or_default();
    format!("{prefix}/{name}{query}")
}

fn now_millis() -> i64 {
    SystemClock.now_millis()
}

/// Settings for a test server on `db` with a fixed admin key.
pub fn test_config(db: &Db, data_dir: &std::path::Path) -> Config {
    let mut config = Config {
        listen: "127.0.0.1:0".parse().expect("address"),
        data_dir: data_dir.to_owned(),
        admin_access_key_id: Some(KEY_ID.into()),
        admin_secret_access_key: Some(SecretString::from(SECRET)),
        ..Config::default()
    };
    if let Db::Postgres(url) = db {
        config.database_url = Some(SecretString::from(url.clone()));
    }
    // Tests sign in far faster than people do; `rate_limits.rs` tests the limits.
    config.rate_limits.enabled = false;
    config
}

/// Starts a server built from `config` with a clock stopped at the current time.
pub async fn spawn_with(config: Config, dir: tempfile::TempDir) -> TestApp {
    let clock = FixedClock::at(now_millis());
    let data_dir = config.data_dir.clone();
    let database = config
        .database_url
        .as_ref()
        .and_then(|url| test_database_name(url.expose_secret()));
    let server = Server::build_with_clock(config, Arc::new(clock.clone()))
        .await
        .expect("server starts");
    let url = format!("http://{}", server.local_addr());
    let core = server.core();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(server.run_until(async {
        let _ = rx.await;
    }));
    TestApp {
        idp: idp_client(&url, KEY_ID, SECRET),
        core,
        url,
        clock,
        data_dir,
        _dir: dir,
        shutdown: Some(tx),
        database,
    }
}

/// Starts a server on the given backend.
pub async fn spawn_app(db: Db) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = match db {
        Db::Postgres(base) => Db::Postgres(fresh_postgres_database(&base).await),
        other => other,
    };
    spawn_with(test_config(&db, dir.path()), dir).await
}

impl TestApp {
    /// An SDK client signing with other credentials.
    pub fn idp_with(&self, key: &str, secret: &str) -> idp::Client {
        idp_client(&self.url, key, secret)
    }

    /// Creates a pool with default settings and returns its id.
    pub async fn create_pool(&self, name: &str) -> String {
        self.idp
            .create_user_pool()
            .pool_name(name)
            .send()
            .await
            .expect("create pool")
            .user_pool
            .and_then(|p| p.id)
            .expect("pool id")
    }

    /// Posts a raw, unsigned AWS JSON request.
    pub async fn raw(&self, target: &str, body: impl Into<reqwest::Body>) -> reqwest::Response {
        reqwest::Client::new()
            .post(&self.url)
            .header("x-amz-target", target)
            .header("content-type", "application/x-amz-json-1.1")
            .body(body)
            .send()
            .await
            .expect("request")
    }
}

/// Declares each test twice: on SQLite, and on PostgreSQL when
/// `COGNATE_TEST_DATABASE_URL` is set (otherwise that run prints a notice and passes).
#[macro_export]
macro_rules! backend_tests {
    ($(async fn $name:ident($app:ident) $body:block)*) => {
        mod sqlite {
            #[allow(unused_imports)]
            use super::*;
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let $app = $crate::helpers::spawn_app($crate::helpers::Db::Sqlite).await;
                    $body
                }
            )*
        }
        mod postgres {
            #[allow(unused_imports)]
            use super::*;
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let Some(url) = $crate::helpers::postgres_url() else { return };
                    let $app = $crate::helpers::spawn_app($crate::helpers::Db::Postgres(url)).await;
                    $body
                }
            )*
        }
    };
}

/// Signs a request with the official AWS SigV4 signer; returns the headers to send
/// (the given ones plus `authorization` and `x-amz-date`).
pub fn sign(
    url: &str,
    key: &str,
    secret: &str,
    service: &str,
    at: std::time::SystemTime,
    mut headers: Vec<(String, String)>,
    body: &[u8],
) -> Vec<(String, String)> {
    use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
    use aws_sigv4::sign::v4;
    let identity = Credentials::new(key, secret, None, None, "test").into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(REGION)
        .name(service)
        .time(at)
        .settings(SigningSettings::default())
        .build()
        .expect("signing params")
        .into();
    let signable = SignableRequest::new(
        "POST",
        url,
        headers.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        SignableBody::Bytes(body),
    )
    .expect("signable request");
    let (instructions, _) = sign(signable, &params).expect("signature").into_parts();
    headers.extend(
        instructions
            .headers()
            .map(|(k, v)| (k.to_owned(), v.to_owned())),
    );
    headers
}

/// Sends a request with the given headers (the `host` header is set by the client).
pub async fn send_with_headers(
    url: &str,
    headers: &[(String, String)],
    body: impl Into<reqwest::Body>,
) -> reqwest::Response {
    let mut builder = reqwest::Client::new().post(url);
    for (k, v) in headers {
        if k != "host" {
            builder = builder.header(k, v);
        }
    }
    builder.body(body).send().await.expect("request")
}

impl TestApp {
    /// The base headers of an AWS JSON call to `target`.
    pub fn json_headers(&self, target: &str) -> Vec<(String, String)> {
        vec![
            (
                "host".into(),
                self.url.trim_start_matches("http://").to_owned(),
            ),
            ("content-type".into(), "application/x-amz-json-1.1".into()),
            ("x-amz-target".into(), target.into()),
        ]
    }

    /// Posts a raw body signed with the admin key (for bodies the SDK cannot produce).
    pub async fn signed_raw(&self, target: &str, body: &str) -> reqwest::Response {
        let headers = sign(
            &self.url,
            KEY_ID,
            SECRET,
            "cognito-idp",
            std::time::SystemTime::now(),
            self.json_headers(target),
            body.as_bytes(),
        );
        send_with_headers(&self.url, &headers, body.to_owned()).await
    }
}

impl TestApp {
    /// The server clock, in epoch seconds.
    pub fn clock_now_secs(&self) -> i64 {
        use cognate_core::clock::Clock;
        self.clock.now_millis() / 1000
    }
}

impl TestApp {
    /// Messages queued for a pool, oldest first (what a developer reads in the outbox).
    pub async fn outbox(&self, pool_id: &str) -> Vec<cognate_core::store::OutboundMessage> {
        self.core
            .store()
            .list_outbox(pool_id, 1000)
            .await
            .expect("outbox")
    }

    /// The 6-digit code in the newest message to `destination`.
    pub async fn last_code_to(&self, pool_id: &str, destination: &str) -> String {
        let messages = self.outbox(pool_id).await;
        let body = messages
            .iter()
            .rev()
            .find(|m| m.destination == destination)
            .map(|m| m.body.clone())
            .unwrap_or_else(|| panic!("no message to {destination}"));
        body.split(|c: char| !c.is_ascii_digit())
            .find(|w| w.len() == 6)
            .unwrap_or_else(|| panic!("no code in {body:?}"))
            .to_owned()
    }
}

/// An official AWS SDK client of crate `$sdk` for `url`: fixed region, static
/// credentials, no retries.
macro_rules! sdk_client {
    ($sdk:ident, $url:expr, $key:expr, $secret:expr, $token:expr) => {{
        use $sdk::config::{BehaviorVersion, Credentials, Region};
        let conf = $sdk::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new(REGION))
            .credentials_provider(Credentials::new($key, $secret, $token, None, "test"))
            .endpoint_url($url)
            .retry_config($sdk::config::retry::RetryConfig::disabled())
            .build();
        $sdk::Client::from_conf(conf)
    }};
}

/// An official cognito-identity SDK client for `url`, signing with the admin key.
pub fn identity_client(url: &str) -> aws_sdk_cognitoidentity::Client {
    sdk_client!(aws_sdk_cognitoidentity, url, KEY_ID, SECRET, None)
}

/// An official IAM SDK client for `url`, signing with the admin key.
pub fn iam_client(url: &str) -> aws_sdk_iam::Client {
    sdk_client!(aws_sdk_iam, url, KEY_ID, SECRET, None)
}

/// An official STS SDK client for `url` with the given credentials.
pub fn sts_client(
    url: &str,
    key: &str,
    secret: &str,
    token: Option<String>,
) -> aws_sdk_sts::Client {
    sdk_client!(aws_sdk_sts, url, key, secret, token)
}
