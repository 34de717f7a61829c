//! Opening a fresh store per test: a temporary SQLite file, or a new PostgreSQL
//! database on the server named by `COGNATE_TEST_DATABASE_URL`.

use cognate_core::store::Store;
use cognate_store::{Backend, SqlStore};
use sqlx::Connection;
use std::io::Write;
use std::sync::Once;

/// The variable naming the PostgreSQL server the PostgreSQL runs use.
const DATABASE_URL_VAR: &str = "COGNATE_TEST_DATABASE_URL";

/// A store on a temporary SQLite file, removed when dropped.
pub struct SqliteDb {
    pub store: SqlStore,
    _dir: tempfile::TempDir,
}

impl SqliteDb {
    pub async fn open() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let store = SqlStore::open(&Backend::Sqlite(dir.path().join("cognate.db")))
            .await
            .unwrap();
        Self { store, _dir: dir }
    }

    pub async fn close(self) {
        self.store.close().await;
    }
}

/// A store on a fresh PostgreSQL database, dropped (with its connections) when this
/// value is dropped, also when the test panics.
pub struct PostgresDb {
    pub store: SqlStore,
    base_url: String,
    name: String,
}

impl PostgresDb {
    /// `None`, after a notice, when `COGNATE_TEST_DATABASE_URL` is unset.
    pub async fn open() -> Option<Self> {
        let Some(base_url) = std::env::var(DATABASE_URL_VAR)
            .ok()
            .filter(|v| !v.is_empty())
        else {
            skip_notice();
            return None;
        };
        let name = format!("cognate_contract_{}", uuid::Uuid::new_v4().simple());
        let mut conn = sqlx::PgConnection::connect(&base_url).await.unwrap();
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut conn)
            .await
            .unwrap();
        conn.close().await.unwrap();
        let store = SqlStore::open(&Backend::Postgres(with_database(&base_url, &name)))
            .await
            .unwrap();
        Some(Self {
            store,
            base_url,
            name,
        })
    }

    pub async fn close(self) {
        self.store.close().await;
    }
}

impl Drop for PostgresDb {
    fn drop(&mut self) {
        let (base_url, name) = (self.base_url.clone(), self.name.clone());
        // Drop runs inside the test's runtime, which cannot be blocked on; a helper
        // thread with its own runtime removes the database.
        let dropped = std::thread::spawn(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap()
                .block_on(async {
                    let mut conn = sqlx::PgConnection::connect(&base_url).await?;
                    sqlx::query(sqlx::AssertSqlSafe(format!(
                        "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                    )))
                    .execute(&mut conn)
                    .await?;
                    conn.close().await
                })
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            eprintln!("notice: could not drop test database {}", self.name);
        }
    }
}

/// `base` with its database name replaced by `name` (query parameters kept).
fn with_database(base: &str, name: &str) -> String {
    let (url, query) = base
        .split_once('?')
        .map_or((base, None), |(u, q)| (u, Some(q)));
    let (server, _) = url.rsplit_once('/').unwrap();
    match query {
        Some(q) => format!("{server}/{name}?{q}"),
        None => format!("{server}/{name}"),
    }
}

/// Tells once per run, past the test harness's output capture, that the PostgreSQL
/// variants are skipped; each skipped test also notes it in its own output.
fn skip_notice() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let _ = writeln!(
            std::io::stderr(),
            "notice: {DATABASE_URL_VAR} is not set; the PostgreSQL store contract tests are skipped \
             (run `bash .ci/postgres.sh` and export its URL to include them)"
        );
    });
    eprintln!("notice: {DATABASE_URL_VAR} is not set; skipping the PostgreSQL run of this case");
}

#[test]
fn database_name_is_replaced_and_query_kept() {
    assert_eq!(
        with_database("postgres://u@h:1/postgres", "db"),
        "postgres://u@h:1/db"
    );
    assert_eq!(
        with_database("postgres://u@h:1/postgres?sslmode=disable", "db"),
        "postgres://u@h:1/db?sslmode=disable"
    );
}
