//! Serving until told to stop: plain HTTP or HTTPS on a bound listener, and on SIGTERM or
//! SIGINT a graceful shutdown — stop accepting connections, let requests in flight finish
//! within the grace period (a push transaction either commits, and is acknowledged, or
//! rolls back), then close what is left. A load balancer sees the instance go away and
//! sends its clients to another.

use crate::error::ServerError;
use axum::Router;
use axum_server::tls_rustls::RustlsConfig;
use axum_server::Handle;
use std::future::Future;
use std::time::Duration;

/// Serves `app` on `listener` (HTTPS when `tls` is given) until `stop` completes, then
/// shuts down gracefully within `grace`.
pub async fn serve_until(
    listener: std::net::TcpListener,
    app: Router,
    tls: Option<RustlsConfig>,
    grace: Duration,
    stop: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServerError> {
    listener.set_nonblocking(true).map_err(ServerError::Serve)?;
    let handle = Handle::new();
    let watcher = handle.clone();
    let stopper = tokio::spawn(async move {
        stop.await;
        tracing::info!(
            in_flight = watcher.connection_count(),
            grace_secs = grace.as_secs(),
            "shutting down: no new connections, finishing requests in flight"
        );
        watcher.graceful_shutdown(Some(grace));
    });
    let service = app.into_make_service();
    let served = match tls {
        Some(config) => {
            axum_server::from_tcp_rustls(listener, config)
                .handle(handle)
                .serve(service)
                .await
        }
        None => {
            axum_server::from_tcp(listener)
                .handle(handle)
                .serve(service)
                .await
        }
    };
    stopper.abort();
    served.map_err(ServerError::Serve)
}

/// Completes on SIGINT or SIGTERM.
pub async fn signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    tokio::select! {
        () = ctrl_c => tracing::info!("SIGINT received"),
        () = term => tracing::info!("SIGTERM received"),
    }
}

/// What [`serve_configured`] bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bound {
    pub addr: std::net::SocketAddr,
    pub https: bool,
}

impl Bound {
    /// `http://ADDR` or `https://ADDR`.
    pub fn url(&self) -> String {
        let scheme = if self.https { "https" } else { "http" };
        format!("{scheme}://{}", self.addr)
    }
}

/// Everything `outpost-server serve` does after connecting: migrate when configured, bind,
/// report the address through `on_bound`, and serve until `stop`.
pub async fn serve_configured(
    db: crate::PgDatabase,
    config: &crate::config::ServerConfig,
    on_bound: impl FnOnce(Bound),
    stop: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    if config.migrate_on_start {
        crate::migrate(&db).await?;
    } else {
        let pending = crate::health::pending_migrations(db.pool()).await?;
        if !pending.is_empty() {
            tracing::warn!(
                pending = pending.len(),
                "migrations pending: /ready answers 503 until `outpost-server migrate` runs"
            );
        }
    }
    let tls = config.tls.as_ref().map(crate::tls::load).transpose()?;
    let listener =
        std::net::TcpListener::bind(config.listen).map_err(|source| ServeError::Bind {
            addr: config.listen,
            source,
        })?;
    let addr = listener.local_addr().map_err(ServerError::Serve)?;
    let bound = Bound {
        addr,
        https: tls.is_some(),
    };
    tracing::info!(url = %bound.url(), "outpost-server ready");
    on_bound(bound);
    let app = crate::app_with(crate::AppState::new(db), &config.settings());
    serve_until(listener, app, tls, config.shutdown_grace(), stop).await?;
    tracing::info!("outpost-server stopped");
    Ok(())
}

/// Why `serve` could not start or stopped.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("could not listen on {addr}: {source}; is another server using it? (set `listen`)")]
    Bind {
        addr: std::net::SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Tls(#[from] crate::tls::TlsError),
    #[error(transparent)]
    Server(#[from] ServerError),
}
