//! Building and running the server: state, router, listener and graceful shutdown.
//! Tests build the same [`Server`] as `cognate serve`, on an ephemeral port.

use crate::admin_keys::{AdminKeys, KeySource};
use crate::config::Config;
use crate::{aws_json, observability};
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderName, Method, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use cognate_core::clock::{Clock, SystemClock};
use cognate_core::password::PasswordHasher;
use cognate_core::{Core, CoreSettings};
use cognate_store::{Backend, SqlStore};
use secrecy::ExposeSecret;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;
use tower_http::cors::{AllowHeaders, Any, CorsLayer};

/// Shared request state (cheap to clone).
#[derive(Clone)]
pub struct AppState {
    /// The domain service.
    pub core: Arc<Core>,
    /// The admin key for SigV4.
    pub admin: Arc<AdminKeys>,
    /// Server settings.
    pub config: Arc<Config>,
    /// Request-rate limits of the public operations.
    pub limits: Arc<crate::ratelimit::RateLimits>,
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// Data directory or listener.
    #[error("{context}: {source}")]
    Io {
        /// What was being done.
        context: String,
        /// Why it failed.
        source: std::io::Error,
    },
    /// The database could not be opened or migrated.
    #[error("database: {0}")]
    Store(#[from] cognate_core::store::StoreError),
    /// Email or SMS delivery settings are unusable.
    #[error("delivery: {0}")]
    Delivery(#[from] crate::delivery::DeliveryError),
    /// `breached_passwords_file` is set but cannot be opened.
    #[error("breached_passwords_file: {0}")]
    BreachedPasswords(#[from] cognate_breach::BreachError),
}

/// A bound, ready-to-run server.
pub struct Server {
    listener: TcpListener,
    state: AppState,
    key_source: KeySource,
    deliverer: crate::delivery::Deliverer,
}

fn io(context: impl Into<String>) -> impl FnOnce(std::io::Error) -> StartError {
    let context = context.into();
    move |source| StartError::Io { context, source }
}

impl Server {
    /// Opens storage, loads keys and binds the listener, with the system clock.
    pub async fn build(config: Config) -> Result<Self, StartError> {
        Self::build_with_clock(config, Arc::new(SystemClock)).await
    }

    /// Like [`Server::build`] with an injected clock (tests).
    pub async fn build_with_clock(
        mut config: Config,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, StartError> {
        create_private_dir(&config.data_dir)
            .map_err(io(format!("creating {}", config.data_dir.display())))?;
        let store = Arc::new(open_store(&config).await?);
        let (admin, key_source) =
            match (&config.admin_access_key_id, &config.admin_secret_access_key) {
                (Some(id), Some(secret)) => (
                    AdminKeys::new(id.clone(), secret.clone()),
                    KeySource::Configured,
                ),
                _ => AdminKeys::load_or_generate(&config.data_dir)
                    .map_err(io("loading the admin key"))?,
            };
        let server_key = crate::server_key::load_or_generate(
            config.server_key.as_ref().map(|k| k.expose_secret()),
            &config.data_dir,
        )
        .map_err(io("loading the server key"))?;
        let listener = TcpListener::bind(config.listen)
            .await
            .map_err(io(format!("listening on {}", config.listen)))?;
        let bound = listener
            .local_addr()
            .map_err(io("reading the bound address"))?;
        config.listen = bound;
        let outbound = crate::outbound::Outbound::new(config.allow_private_fetch)
            .map_err(|e| io("building the outbound HTTP client")(std::io::Error::other(e)))?;
        // A configured filter that cannot be read stops the start: running without the
        // operator's breached-password list would silently weaken the checks.
        let breach = cognate_breach::Checker::open(
            config.breached_passwords_file.as_deref(),
            cognate_breach::Residency::Disk,
        )?;
        let core = Arc::new(
            new_core(store, clock, &config, server_key)
                .with_fetcher(Arc::new(outbound))
                .with_breach_checker(Arc::new(breach))
                .with_threat_settings(cognate_core::threat::ThreatSettings {
                    event_retention_days: config.threat_event_retention_days,
                    weights: config.threat_scoring,
                }),
        );
        let deliverer = crate::delivery::Deliverer::new(core.clone(), &config)?;
        Ok(Self {
            listener,
            deliverer,
            state: AppState {
                core,
                admin: Arc::new(admin),
                limits: Arc::new(crate::ratelimit::RateLimits::new(&config.rate_limits)),
                config: Arc::new(config),
            },
            key_source,
        })
    }

    /// The address actually bound (useful with port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.state.config.listen
    }

    /// Where the admin key came from.
    pub fn key_source(&self) -> &KeySource {
        &self.key_source
    }

    /// The domain service this server runs (tests and tools read state through it).
    pub fn core(&self) -> Arc<Core> {
        self.state.core.clone()
    }

    /// The admin access key id (never the secret).
    pub fn admin_access_key_id(&self) -> &str {
        self.state.admin.access_key_id()
    }

    /// Serves (and delivers the outbox in the background) until `shutdown` completes,
    /// lets in-flight requests and the delivery in progress finish, then closes the
    /// database.
    pub async fn run_until(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let core = self.state.core.clone();
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let delivery = tokio::spawn(self.deliverer.run(stopped));
        let shutdown = async move {
            shutdown.await;
            let _ = stop.send(true);
        };
        // The custom-domain rewrite runs before routing, so it wraps the router.
        use tower::Layer as _;
        let app = axum::middleware::from_fn_with_state(
            self.state.clone(),
            crate::hosted::route_custom_domains,
        )
        .layer(router(self.state));
        let app = axum::ServiceExt::<axum::extract::Request>::into_make_service_with_connect_info::<
            SocketAddr,
        >(app);
        let result = axum::serve(self.listener, app)
            .with_graceful_shutdown(shutdown)
            .await;
        if let Err(e) = delivery.await {
            tracing::warn!(error = %e, "the delivery worker ended abnormally");
        }
        core.store().close().await;
        result
    }
}

/// Opens (and migrates) the database the settings select: PostgreSQL when
/// `database_url` is set, else `<data_dir>/cognate.db`.
pub async fn open_store(config: &Config) -> Result<SqlStore, cognate_core::store::StoreError> {
    let backend = match &config.database_url {
        Some(url) => Backend::Postgres(url.expose_secret().to_owned()),
        None => Backend::Sqlite(config.data_dir.join("cognate.db")),
    };
    SqlStore::open(&backend).await
}

/// The domain service over `store` with the deployment's settings.
fn new_core(
    store: Arc<SqlStore>,
    clock: Arc<dyn Clock>,
    config: &Config,
    server_key: cognate_core::crypto::ServerKey,
) -> Core {
    let hash_workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    Core::new(
        store,
        clock,
        PasswordHasher::new(hash_workers),
        CoreSettings {
            region: config.region.clone(),
            account_id: config.account_id.clone(),
            public_url: config.public_url(),
        },
        server_key,
    )
}

/// Opens the configured database and server key as a domain service, without
/// listening: for administrative commands (`cognate keys rotate`) and other nodes
/// such as the S3 gateway.
pub async fn open_core(config: &Config) -> Result<Arc<Core>, StartError> {
    let store = Arc::new(open_store(config).await?);
    let server_key = crate::server_key::load_or_generate(
        config.server_key.as_ref().map(|k| k.expose_secret()),
        &config.data_dir,
    )
    .map_err(io("loading the server key"))?;
    Ok(Arc::new(new_core(
        store,
        Arc::new(SystemClock),
        config,
        server_key,
    )))
}

/// The whole HTTP surface.
pub fn router(state: AppState) -> Router {
    observability::handle();
    let cors = CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([Method::POST, Method::GET, Method::OPTIONS])
        .allow_headers(AllowHeaders::mirror_request())
        .expose_headers([
            HeaderName::from_static("x-amzn-requestid"),
            HeaderName::from_static("x-amzn-errortype"),
            HeaderName::from_static("x-amzn-errormessage"),
            HeaderName::from_static("date"),
        ])
        .max_age(std::time::Duration::from_secs(86_400));
    Router::new()
        .route("/", post(aws_json::endpoint).get(aws_json::endpoint))
        .route("/health", get(health))
        .route("/metrics", get(observability::metrics_endpoint))
        .route(
            "/identity/.well-known/jwks.json",
            get(crate::jwks::identity_jwks),
        )
        .route(
            "/identity/.well-known/openid-configuration",
            get(crate::jwks::identity_openid_configuration),
        )
        .route("/{pool_id}/.well-known/jwks.json", get(crate::jwks::jwks))
        .route(
            "/{pool_id}/.well-known/openid-configuration",
            get(crate::jwks::openid_configuration),
        )
        .merge(crate::oauth::routes(state.clone()))
        .merge(crate::hosted::global_routes())
        .merge(crate::threat_feedback::routes())
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::request_meta::scope,
        ))
        .layer(cors)
        .with_state(state)
}

/// `GET /health`: 200 when the database answers, 503 otherwise.
async fn health(State(state): State<AppState>) -> impl IntoResponse {
    match state.core.store().ping().await {
        Ok(()) => (
            StatusCode::OK,
            axum::Json(serde_json::json!({"status": "ok"})),
        ),
        Err(e) => {
            tracing::warn!(error = %e, "health check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                axum::Json(serde_json::json!({"status": "unavailable"})),
            )
        }
    }
}

fn create_private_dir(path: &std::path::Path) -> std::io::Result<()> {
    std::fs::create_dir_all(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}
