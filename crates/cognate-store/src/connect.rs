//! Opening the database: connection pools per backend and embedded migrations.
//!
//! PostgreSQL migrations take sqlx's advisory lock, so nodes starting together against
//! one database apply each migration exactly once.

use crate::error::unavailable;
use async_trait::async_trait;
use cognate_core::store::{Store, StoreError, StoreResult};
use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::{AnyPool, Executor, SqlSafeStr};
use std::path::PathBuf;

/// Which database to open.
#[derive(Debug, Clone)]
pub enum Backend {
    /// An SQLite file, created if missing.
    Sqlite(PathBuf),
    /// A `postgres://` URL.
    Postgres(String),
}

const SQLITE_MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "initial schema",
        include_str!("../migrations/sqlite/0001_initial_schema.sql"),
    ),
    (
        2,
        "sign in",
        include_str!("../migrations/sqlite/0002_sign_in.sql"),
    ),
    (
        3,
        "identity pools",
        include_str!("../migrations/sqlite/0003_identity_pools.sql"),
    ),
    (
        4,
        "oidc providers",
        include_str!("../migrations/sqlite/0004_oidc_providers.sql"),
    ),
    (
        5,
        "oauth config",
        include_str!("../migrations/sqlite/0005_oauth_config.sql"),
    ),
    (6, "mfa", include_str!("../migrations/sqlite/0006_mfa.sql")),
    (
        7,
        "webauthn",
        include_str!("../migrations/sqlite/0007_webauthn.sql"),
    ),
    (
        8,
        "threat",
        include_str!("../migrations/sqlite/0008_threat.sql"),
    ),
    (
        9,
        "devices",
        include_str!("../migrations/sqlite/0009_devices.sql"),
    ),
    (
        10,
        "outbox sender",
        include_str!("../migrations/sqlite/0010_outbox_sender.sql"),
    ),
    (
        11,
        "outbox html",
        include_str!("../migrations/sqlite/0011_outbox_html.sql"),
    ),
    (
        12,
        "unknown login failures",
        include_str!("../migrations/sqlite/0012_unknown_login_failures.sql"),
    ),
];

const POSTGRES_MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "initial schema",
        include_str!("../migrations/postgres/0001_initial_schema.sql"),
    ),
    (
        2,
        "sign in",
        include_str!("../migrations/postgres/0002_sign_in.sql"),
    ),
    (
        3,
        "identity pools",
        include_str!("../migrations/postgres/0003_identity_pools.sql"),
    ),
    (
        4,
        "oidc providers",
        include_str!("../migrations/postgres/0004_oidc_providers.sql"),
    ),
    (
        5,
        "oauth config",
        include_str!("../migrations/postgres/0005_oauth_config.sql"),
    ),
    (
        6,
        "mfa",
        include_str!("../migrations/postgres/0006_mfa.sql"),
    ),
    (
        7,
        "webauthn",
        include_str!("../migrations/postgres/0007_webauthn.sql"),
    ),
    (
        8,
        "threat",
        include_str!("../migrations/postgres/0008_threat.sql"),
    ),
    (
        9,
        "devices",
        include_str!("../migrations/postgres/0009_devices.sql"),
    ),
    (
        10,
        "outbox sender",
        include_str!("../migrations/postgres/0010_outbox_sender.sql"),
    ),
    (
        11,
        "outbox html",
        include_str!("../migrations/postgres/0011_outbox_html.sql"),
    ),
    (
        12,
        "unknown login failures",
        include_str!("../migrations/postgres/0012_unknown_login_failures.sql"),
    ),
];

fn migrator(list: &[(i64, &'static str, &'static str)]) -> Migrator {
    Migrator::with_migrations(
        list.iter()
            .map(|(v, d, sql)| {
                Migration::new(
                    *v,
                    (*d).into(),
                    MigrationType::Simple,
                    sql.into_sql_str(),
                    false,
                )
            })
            .collect(),
    )
}

/// The SQL store: a writer pool and a reader pool (the same pool on PostgreSQL).
#[derive(Debug, Clone)]
pub struct SqlStore {
    pub(crate) write: AnyPool,
    pub(crate) read: AnyPool,
}

impl SqlStore {
    /// Opens (and migrates) the database.
    pub async fn open(backend: &Backend) -> StoreResult<Self> {
        install_default_drivers();
        match backend {
            Backend::Sqlite(path) => Self::open_sqlite(path).await,
            Backend::Postgres(url) => Self::open_postgres(url).await,
        }
    }

    async fn open_sqlite(path: &std::path::Path) -> StoreResult<Self> {
        let url = format!("sqlite://{}?mode=rwc", path.display());
        let write = AnyPoolOptions::new()
            .max_connections(1)
            .after_connect(|conn, _| {
                Box::pin(async move {
                    conn.execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=5000; PRAGMA foreign_keys=ON;")
                        .await?;
                    Ok(())
                })
            })
            .connect(&url)
            .await
            .map_err(unavailable)?;
        migrator(SQLITE_MIGRATIONS)
            .run(&write)
            .await
            .map_err(|e| StoreError::Unavailable(Box::new(e)))?;
        let readers = std::thread::available_parallelism().map_or(4, |n| n.get() as u32 * 2);
        let read = AnyPoolOptions::new()
            .max_connections(readers)
            .after_connect(|conn, _| {
                Box::pin(async move {
                    conn.execute("PRAGMA busy_timeout=5000; PRAGMA query_only=ON;")
                        .await?;
                    Ok(())
                })
            })
            .connect(&url)
            .await
            .map_err(unavailable)?;
        Ok(Self { write, read })
    }

    async fn open_postgres(url: &str) -> StoreResult<Self> {
        let pool = AnyPoolOptions::new()
            .max_connections(16)
            .connect(url)
            .await
            .map_err(unavailable)?;
        migrator(POSTGRES_MIGRATIONS)
            .run(&pool)
            .await
            .map_err(|e| StoreError::Unavailable(Box::new(e)))?;
        Ok(Self {
            write: pool.clone(),
            read: pool,
        })
    }
}

#[async_trait]
impl Store for SqlStore {
    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1")
            .execute(&self.read)
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn close(&self) {
        self.read.close().await;
        self.write.close().await;
    }
}
