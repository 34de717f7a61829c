//! Outbox delivery end to end: an `AdminCreateUser` invitation reaches a real SMTP
//! server (mailin-embedded) or an SMS webhook (an axum sink), failures are retried with
//! backoff on the server's clock and then given up, and without settings the message
//! is only logged and still readable in the outbox. Arrival is asynchronous, so each
//! test polls with a deadline.

use crate::helpers::{Db, TestApp, fresh_postgres_database, spawn_with, test_config};
use aws_sdk_cognitoidentityprovider::types::{AttributeType, DeliveryMediumType};
use cognate_core::clock::Clock;
use cognate_server::Config;
use secrecy::SecretString;
use serde_json::Value;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const PASSWORD: &str = "Temp-Pass-4821!";

/// Starts a server on `db` (a fresh PostgreSQL database when asked) with settings
/// adjusted by `configure`; returns the database actually used.
async fn spawn(db: Db, configure: impl FnOnce(&mut Config)) -> (TestApp, Db) {
    let dir = tempfile::tempdir().unwrap();
    let db = match db {
        Db::Postgres(base) => Db::Postgres(fresh_postgres_database(&base).await),
        other => other,
    };
    let mut config = test_config(&db, dir.path());
    configure(&mut config);
    (spawn_with(config, dir).await, db)
}

/// Polls `probe` every 50 ms until it answers, failing after 10 s.
async fn eventually<T>(what: &str, mut probe: impl AsyncFnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(value) = probe().await {
            return value;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A row of the outbox as the store keeps it.
type OutboxRow = (String, i64, Option<String>, i64);

/// Delivery bookkeeping the store API does not expose: `(status, attempts, last_error,
/// next_attempt_at)` of every outbox row, oldest first.
async fn outbox_rows(app: &TestApp, db: &Db) -> Vec<OutboxRow> {
    use sqlx::Connection;
    const SQL: &str =
        "SELECT status, attempts, last_error, next_attempt_at FROM outbox ORDER BY id";
    match db {
        Db::Sqlite => {
            let url = format!(
                "sqlite://{}?mode=ro",
                app.data_dir.join("cognate.db").display()
            );
            let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
            sqlx::query_as(SQL).fetch_all(&mut conn).await.unwrap()
        }
        Db::Postgres(url) => {
            let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
            sqlx::query_as(SQL).fetch_all(&mut conn).await.unwrap()
        }
    }
}

fn attr(name: &str, value: &str) -> AttributeType {
    AttributeType::builder()
        .name(name)
        .value(value)
        .build()
        .unwrap()
}

async fn invite(
    app: &TestApp,
    pool: &str,
    username: &str,
    attribute: (&str, &str),
    medium: DeliveryMediumType,
) {
    app.idp
        .admin_create_user()
        .user_pool_id(pool)
        .username(username)
        .temporary_password(PASSWORD)
        .user_attributes(attr(attribute.0, attribute.1))
        .desired_delivery_mediums(medium)
        .send()
        .await
        .expect("AdminCreateUser succeeds whatever happens to the delivery");
}

/// One email as the SMTP sink received it.
#[derive(Debug, Clone)]
struct Mail {
    to: Vec<String>,
    data: String,
}

/// A real SMTP server session handler that keeps every message it accepts.
#[derive(Clone)]
struct SmtpSink {
    inbox: Arc<Mutex<Vec<Mail>>>,
    current: Option<Mail>,
}

impl mailin_embedded::Handler for SmtpSink {
    fn data_start(
        &mut self,
        _domain: &str,
        _from: &str,
        _is8bit: bool,
        to: &[String],
    ) -> mailin_embedded::Response {
        self.current = Some(Mail {
            to: to.to_vec(),
            data: String::new(),
        });
        mailin_embedded::response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        if let Some(mail) = &mut self.current {
            mail.data.push_str(&String::from_utf8_lossy(buf));
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

/// Starts an SMTP server on a free local port (it lives until the test process
/// ends); returns its `smtp://` URL and inbox.
fn start_smtp_sink() -> (String, Arc<Mutex<Vec<Mail>>>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let inbox = Arc::new(Mutex::new(Vec::new()));
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

/// Starts an HTTP server recording the JSON bodies POSTed to `/sms`.
async fn start_sms_sink() -> (String, Arc<Mutex<Vec<Value>>>) {
    use axum::routing::post;
    let received = Arc::new(Mutex::new(Vec::new()));
    let store = received.clone();
    let app = axum::Router::new().route(
        "/sms",
        post(move |axum::Json(body): axum::Json<Value>| async move {
            store.lock().unwrap().push(body);
            axum::http::StatusCode::NO_CONTENT
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}/sms"), received)
}

/// The value of header `name` in a raw message (lettre quotes display names).
fn header<'a>(data: &'a str, name: &str) -> &'a str {
    data.lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(": "))
        .unwrap_or_else(|| panic!("no {name} header in {data}"))
}

/// A local port nothing listens on.
fn closed_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn email_invitation_arrives_at_the_smtp_server(db: Db) {
    let (smtp_url, inbox) = start_smtp_sink();
    let (app, db) = spawn(db, |c| {
        c.smtp_url = Some(SecretString::from(smtp_url));
        c.email_from = Some("Cognate Test <auth@cognate.test>".into());
    })
    .await;
    let pool = app.create_pool("mail").await;
    invite(
        &app,
        &pool,
        "ann",
        ("email", "ann@example.com"),
        DeliveryMediumType::Email,
    )
    .await;

    let mail = eventually("the email at the SMTP sink", async || {
        inbox.lock().unwrap().first().cloned()
    })
    .await;
    assert_eq!(mail.to, ["ann@example.com"]);
    assert_eq!(header(&mail.data, "Subject"), "Your temporary password");
    let from = header(&mail.data, "From");
    assert!(
        from.contains("Cognate Test") && from.contains("<auth@cognate.test>"),
        "{from}"
    );
    assert!(
        mail.data.contains(PASSWORD),
        "the body carries the password: {}",
        mail.data
    );
    assert!(mail.data.contains("ann"), "{}", mail.data);
    let rows = eventually("the message marked delivered", async || {
        let rows = outbox_rows(&app, &db).await;
        (rows.first().map(|r| r.0.as_str()) == Some("delivered")).then_some(rows)
    })
    .await;
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0].1, 1, "one attempt: {rows:?}");
    assert_eq!(inbox.lock().unwrap().len(), 1, "sent once");
}

async fn pool_email_configuration_from_overrides_the_default_sender(db: Db) {
    let (smtp_url, inbox) = start_smtp_sink();
    let (app, _db) = spawn(db, |c| c.smtp_url = Some(SecretString::from(smtp_url))).await;
    let pool = app
        .idp
        .create_user_pool()
        .pool_name("branded")
        .email_configuration(
            aws_sdk_cognitoidentityprovider::types::EmailConfigurationType::builder()
                .from("Acme Sign-in <signin@acme.test>")
                .build(),
        )
        .send()
        .await
        .unwrap()
        .user_pool
        .and_then(|p| p.id)
        .unwrap();
    invite(
        &app,
        &pool,
        "bob",
        ("email", "bob@example.com"),
        DeliveryMediumType::Email,
    )
    .await;
    let mail = eventually("the email at the SMTP sink", async || {
        inbox.lock().unwrap().first().cloned()
    })
    .await;
    let from = header(&mail.data, "From");
    assert!(
        from.contains("Acme Sign-in") && from.contains("<signin@acme.test>"),
        "{from}"
    );
}

async fn sms_invitation_is_posted_to_the_webhook(db: Db) {
    let (webhook_url, received) = start_sms_sink().await;
    let (app, db) = spawn(db, |c| {
        c.sms_webhook_url = Some(SecretString::from(webhook_url))
    })
    .await;
    let pool = app.create_pool("sms").await;
    invite(
        &app,
        &pool,
        "cai",
        ("phone_number", "+14325551212"),
        DeliveryMediumType::Sms,
    )
    .await;

    let body = eventually("the POST at the webhook", async || {
        received.lock().unwrap().first().cloned()
    })
    .await;
    assert_eq!(body["phoneNumber"], "+14325551212");
    assert_eq!(body["poolId"], pool.as_str());
    let message = body["message"].as_str().unwrap();
    assert!(
        message.contains(PASSWORD) && message.contains("cai"),
        "{message}"
    );
    eventually("the message marked delivered", async || {
        let rows = outbox_rows(&app, &db).await;
        (rows.first().map(|r| r.0.as_str()) == Some("delivered")).then_some(())
    })
    .await;
}

async fn unreachable_smtp_server_is_retried_with_backoff_then_given_up(db: Db) {
    let port = closed_port();
    let (app, db) = spawn(db, |c| {
        c.smtp_url = Some(SecretString::from(format!(
            "smtp://mailer:smtp-secret-pw@127.0.0.1:{port}"
        )));
        c.delivery_max_attempts = 3;
    })
    .await;
    let pool = app.create_pool("down").await;
    invite(
        &app,
        &pool,
        "dee",
        ("email", "dee@example.com"),
        DeliveryMediumType::Email,
    )
    .await;

    // The clock stands still, so each retry waits until the test moves it past the
    // backoff: 10 s after the first failure, 20 s after the second. A claimed message
    // already counts its attempt and still shows the previous error, but is leased for
    // two minutes; an attempt is over only once the row carries its backoff instead.
    let wait_for = async |attempts: i64, status: &str| {
        eventually(&format!("attempt {attempts} ({status})"), async || {
            let rows = outbox_rows(&app, &db).await;
            let (s, a, error, next_attempt_at) = rows.first()?.clone();
            let backoff_ms = 10_000 << (attempts - 1);
            let settled = s == "failed" || next_attempt_at == app.clock.now_millis() + backoff_ms;
            (a == attempts && s == status && error.is_some() && settled).then_some(error)
        })
        .await
    };
    let error = wait_for(1, "pending").await.unwrap();
    assert!(
        !error.contains("smtp-secret-pw"),
        "no password in the error: {error}"
    );
    app.clock.advance_secs(10);
    wait_for(2, "pending").await;
    app.clock.advance_secs(20);
    // `failed` is final: claim_due only takes pending messages.
    wait_for(3, "failed").await;
    assert_eq!(
        app.outbox(&pool).await.len(),
        1,
        "the message stays in the outbox"
    );
}

async fn without_settings_messages_are_logged_and_kept_in_the_outbox(db: Db) {
    let (app, db) = spawn(db, |_| {}).await;
    let pool = app.create_pool("dev").await;
    invite(
        &app,
        &pool,
        "eve",
        ("email", "eve@example.com"),
        DeliveryMediumType::Email,
    )
    .await;
    invite(
        &app,
        &pool,
        "fay",
        ("phone_number", "+14325550000"),
        DeliveryMediumType::Sms,
    )
    .await;
    eventually("both messages marked delivered", async || {
        let rows = outbox_rows(&app, &db).await;
        (rows.len() == 2 && rows.iter().all(|r| r.0 == "delivered")).then_some(())
    })
    .await;
    let outbox = app.outbox(&pool).await;
    assert_eq!(outbox.len(), 2, "{outbox:?}");
    assert_eq!(outbox[0].destination, "eve@example.com");
    assert!(outbox[0].body.contains(PASSWORD), "{}", outbox[0].body);
    assert_eq!(outbox[1].channel, "SMS");
}

/// Declares each test on SQLite and, when `COGNATE_TEST_DATABASE_URL` is set, on
/// PostgreSQL.
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name(crate::helpers::Db::Sqlite).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let Some(url) = crate::helpers::postgres_url() else { return };
                    super::$name(crate::helpers::Db::Postgres(url)).await;
                }
            )*
        }
    };
}

on_both_backends!(
    email_invitation_arrives_at_the_smtp_server,
    pool_email_configuration_from_overrides_the_default_sender,
    sms_invitation_is_posted_to_the_webhook,
    unreachable_smtp_server_is_retried_with_backoff_then_given_up,
    without_settings_messages_are_logged_and_kept_in_the_outbox,
);
