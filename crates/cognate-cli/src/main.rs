//! The `cognate` binary: `serve` runs the service; `config check` validates settings;
//! `outbox` prints queued messages (codes, invitations) for developers; `breach import`
//! builds a breached-password filter from the Pwned Passwords list.

use anyhow::Context;
use clap::{Parser, Subcommand};
use cognate_server::admin_keys::KeySource;
use cognate_server::config::LogFormat;
use cognate_server::{Config, Server};
use std::path::PathBuf;

mod breach;

/// A self-hosted, Cognito-compatible identity service.
#[derive(Debug, Parser)]
#[command(name = "cognate", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the service.
    Serve {
        /// TOML settings file (environment variables COGNATE_* override it).
        #[arg(long, env = "COGNATE_CONFIG")]
        config: Option<PathBuf>,
    },
    /// Run an S3-compatible object store (files under --root) that accepts the
    /// temporary credentials Cognate issues and enforces their roles' policies. It opens
    /// the same database as `serve`, so it can run as a separate node.
    S3 {
        /// TOML settings file (environment variables COGNATE_* override it).
        #[arg(long, env = "COGNATE_CONFIG")]
        config: Option<PathBuf>,
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:9230")]
        listen: std::net::SocketAddr,
        /// Directory holding the buckets [default: <data_dir>/s3].
        #[arg(long)]
        root: Option<PathBuf>,
    },
    /// Work with settings.
    Config {
        #[command(subcommand)]
        command: ConfigCommand,
    },
    /// Manage signing keys.
    Keys {
        #[command(subcommand)]
        command: KeysCommand,
    },
    /// Build and inspect breached-password filters.
    Breach {
        #[command(subcommand)]
        command: breach::BreachCommand,
    },
    /// Print queued email and SMS messages from the configured database, newest last.
    /// Bodies hold codes and temporary passwords: this is a developer tool.
    Outbox {
        /// TOML settings file (environment variables COGNATE_* override it).
        #[arg(long, env = "COGNATE_CONFIG")]
        config: Option<PathBuf>,
        /// Only this user pool.
        #[arg(long)]
        pool: Option<String>,
        /// How many of the newest messages to print.
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
}

#[derive(Debug, Subcommand)]
enum KeysCommand {
    /// Add new ID- and access-token signing keys to a user pool. Tokens are signed with
    /// the new keys from now on; the old keys stay in the JWKS until their tokens expire.
    Rotate {
        /// TOML settings file (environment variables COGNATE_* override it).
        #[arg(long, env = "COGNATE_CONFIG")]
        config: Option<PathBuf>,
        /// The user pool.
        #[arg(long)]
        pool: String,
    },
}

#[derive(Debug, Subcommand)]
enum ConfigCommand {
    /// Load the settings (file plus environment) and report problems.
    Check {
        /// TOML settings file.
        #[arg(long, env = "COGNATE_CONFIG")]
        config: Option<PathBuf>,
    },
}

fn init_logging(config: &Config) {
    let filter = tracing_subscriber::EnvFilter::try_new(&config.log)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    match config.log_format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Text => builder.init(),
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down: finishing in-flight requests");
}

async fn serve(config_path: Option<PathBuf>) -> anyhow::Result<()> {
    let config = Config::load(config_path.as_deref())?;
    init_logging(&config);
    let backend = if config.database_url.is_some() {
        "postgresql"
    } else {
        "sqlite"
    };
    let server = Server::build(config.clone())
        .await
        .context("starting cognate")?;
    match server.key_source() {
        KeySource::Configured => tracing::info!(
            access_key_id = server.admin_access_key_id(),
            "admin key from settings"
        ),
        KeySource::File(p) => {
            tracing::info!(access_key_id = server.admin_access_key_id(), path = %p.display(), "admin key loaded")
        }
        KeySource::Generated(p) => tracing::info!(
            access_key_id = server.admin_access_key_id(),
            path = %p.display(),
            "generated an admin key; the secret is in this file (owner-readable only)"
        ),
    }
    let addr = server.local_addr();
    tracing::info!(%addr, backend, data_dir = %config.data_dir.display(), "cognate listening on http://{addr}");
    server.run_until(shutdown_signal()).await?;
    tracing::info!("stopped");
    Ok(())
}

/// Rows read per pool; `list_outbox` returns the oldest first, so the newest `limit`
/// are taken from the end of what it returns.
const OUTBOX_SCAN: usize = 100_000;

async fn outbox(
    config_path: Option<PathBuf>,
    pool: Option<String>,
    limit: usize,
) -> anyhow::Result<()> {
    use cognate_core::store::{Store, UserPoolStore, UserStore};
    let config = Config::load(config_path.as_deref())?;
    let sqlite = config.data_dir.join("cognate.db");
    if config.database_url.is_none() && !sqlite.exists() {
        anyhow::bail!(
            "no database at {} (check data_dir or database_url)",
            sqlite.display()
        );
    }
    let store = cognate_server::app::open_store(&config)
        .await
        .context("opening the database")?;
    let pools = match pool {
        Some(id) => vec![id],
        None => {
            let mut ids = Vec::new();
            let mut after: Option<String> = None;
            loop {
                let page = store.list_pools(after.as_deref(), 60).await?;
                let Some(last) = page.last() else { break };
                after = Some(last.id.clone());
                ids.extend(page.into_iter().map(|p| p.id));
            }
            ids
        }
    };
    let mut messages = Vec::new();
    for id in &pools {
        messages.extend(store.list_outbox(id, OUTBOX_SCAN).await?);
    }
    store.close().await;
    messages.sort_by_key(|m| m.created_at);
    let skip = messages.len().saturating_sub(limit);
    if messages.is_empty() {
        println!("the outbox is empty");
    }
    for m in &messages[skip..] {
        let at =
            time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(m.created_at) * 1_000_000)
                .ok()
                .and_then(|t| {
                    t.format(&time::format_description::well_known::Rfc3339)
                        .ok()
                })
                .unwrap_or_else(|| m.created_at.to_string());
        println!("{at}  {}  {} -> {}", m.pool_id, m.channel, m.destination);
        if let Some(subject) = &m.subject {
            println!("  Subject: {subject}");
        }
        for line in m.body.lines() {
            println!("  {line}");
        }
        println!();
    }
    Ok(())
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Serve { config } => tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()?
            .block_on(serve(config)),
        Command::S3 {
            config,
            listen,
            root,
        } => tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()?
            .block_on(s3(config, listen, root)),
        Command::Config {
            command: ConfigCommand::Check { config },
        } => {
            let c = Config::load(config.as_deref())?;
            breach::check_configured(&c)?;
            println!(
                "configuration is valid: listen {} region {} data_dir {}",
                c.listen,
                c.region,
                c.data_dir.display()
            );
            Ok(())
        }
        Command::Breach { command } => breach::run(command),
        Command::Outbox {
            config,
            pool,
            limit,
        } => tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?
            .block_on(outbox(config, pool, limit)),
        Command::Keys {
            command: KeysCommand::Rotate { config, pool },
        } => tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?
            .block_on(rotate_keys(config, pool)),
    }
}

async fn rotate_keys(config_path: Option<PathBuf>, pool: String) -> anyhow::Result<()> {
    let config = Config::load(config_path.as_deref())?;
    let core = cognate_server::app::open_core(&config)
        .await
        .context("opening the database")?;
    let kids = core
        .rotate_signing_keys(&pool)
        .await
        .map_err(|e| anyhow::anyhow!(e.client_message()))?;
    println!("new signing keys for {pool}: {}", kids.join(", "));
    core.store().close().await;
    Ok(())
}

async fn s3(
    config_path: Option<PathBuf>,
    listen: std::net::SocketAddr,
    root: Option<PathBuf>,
) -> anyhow::Result<()> {
    use cognate_server::admin_keys::AdminKeys;
    use cognate_server::sigv4::SecretLookup;
    let config = Config::load(config_path.as_deref())?;
    init_logging(&config);
    let core = cognate_server::app::open_core(&config)
        .await
        .context("opening the database")?;
    let admin = match (&config.admin_access_key_id, &config.admin_secret_access_key) {
        (Some(id), Some(secret)) => AdminKeys::new(id.clone(), secret.clone()),
        _ => {
            AdminKeys::load_or_generate(&config.data_dir)
                .context("loading the admin key")?
                .0
        }
    };
    let secret = admin
        .secret_for(admin.access_key_id())
        .context("reading the admin key")?;
    let root = root.unwrap_or_else(|| config.data_dir.join("s3"));
    let service = cognate_s3::build(core.clone(), (admin.access_key_id(), secret), &root)?;
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("listening on {listen}"))?;
    let addr = listener.local_addr()?;
    tracing::info!(%addr, root = %root.display(), "cognate S3 listening on http://{addr}");
    cognate_s3::serve(listener, service, shutdown_signal()).await;
    core.store().close().await;
    tracing::info!("stopped");
    Ok(())
}
