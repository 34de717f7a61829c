//! Assembling and serving the gateway: s3s-fs on a local directory (path-style
//! addressing, `http://host/bucket/key`), with [`CognateAuth`] for signatures and
//! [`CognateAccess`] for authorization, over HTTP/1.1 and HTTP/2 (hyper-util's auto
//! connection builder, as in s3s's own examples).

use crate::access::CognateAccess;
use crate::auth::CognateAuth;
use crate::error::S3GatewayError;
use cognate_core::Core;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto::Builder as ConnBuilder;
use hyper_util::server::graceful::GracefulShutdown;
use s3s::service::{S3Service, S3ServiceBuilder};
use std::future::Future;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;

/// The gateway's administrator key pair (the same one `cognate serve` uses); it may
/// do everything.
#[derive(Clone)]
pub struct AdminKey {
    access_key_id: String,
    secret: String,
}

impl std::fmt::Debug for AdminKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AdminKey")
            .field("access_key_id", &self.access_key_id)
            .finish_non_exhaustive()
    }
}

impl AdminKey {
    /// A key pair.
    pub fn new(access_key_id: impl Into<String>, secret: impl Into<String>) -> Self {
        Self {
            access_key_id: access_key_id.into(),
            secret: secret.into(),
        }
    }

    /// Whether `access_key_id` is this key (ids are not secret).
    pub fn is(&self, access_key_id: &str) -> bool {
        self.access_key_id == access_key_id
    }

    /// The secret access key.
    pub(crate) fn secret(&self) -> &str {
        &self.secret
    }
}

impl<I: Into<String>, S: Into<String>> From<(I, S)> for AdminKey {
    fn from((id, secret): (I, S)) -> Self {
        Self::new(id, secret)
    }
}

/// Builds the S3 service storing objects under `root` (created if missing), verifying
/// credentials and policies through `core`.
pub fn build(
    core: Arc<Core>,
    admin: impl Into<AdminKey>,
    root: &Path,
) -> Result<S3Service, S3GatewayError> {
    let root_error = |message: String| S3GatewayError::Root {
        path: root.to_owned(),
        message,
    };
    std::fs::create_dir_all(root).map_err(|e| root_error(e.to_string()))?;
    let fs = s3s_fs::FileSystem::new(root).map_err(|e| root_error(format!("{e:?}")))?;
    let admin = admin.into();
    let mut builder = S3ServiceBuilder::new(fs);
    builder.set_auth(CognateAuth::new(core.clone(), admin.clone()));
    builder.set_access(CognateAccess::new(core, admin));
    Ok(builder.build())
}

/// Serves `service` on `listener` until `shutdown` completes, then lets open
/// connections finish their requests.
pub async fn serve(
    listener: TcpListener,
    service: S3Service,
    shutdown: impl Future<Output = ()> + Send,
) {
    let http = ConnBuilder::new(TokioExecutor::new());
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // Like axum::serve: back off on resource exhaustion instead of spinning.
                    tracing::warn!(error = %e, "accepting a connection");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let conn = http.serve_connection(TokioIo::new(stream), service.clone());
        let conn = graceful.watch(conn.into_owned());
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::debug!(error = %e, "S3 connection ended with an error");
            }
        });
    }
    graceful.shutdown().await;
}
