//! The Outpost sync server: workstations enroll with a one-time code, push their own
//! Automerge changes and pull their clinic's, all kept in Postgres and scoped by clinic.
//!
//! ```no_run
//! # async fn run() -> Result<(), outpost_sync_server::ServerError> {
//! let db = outpost_sync_server::connect("postgres://outpost@127.0.0.1:5432/outpost").await?;
//! outpost_sync_server::migrate(&db).await?;
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.map_err(outpost_sync_server::ServerError::Serve)?;
//! let state = outpost_sync_server::AppState::new(db);
//! outpost_sync_server::serve(listener, state, std::future::pending()).await
//! # }
//! ```

pub mod admin;
pub mod auth;
pub mod bootstrap;
pub mod config;
pub mod db;
pub mod error;
pub mod handlers;
pub mod health;
pub mod integrity;
pub mod mrn;
pub mod openapi;
pub mod oversight;
pub mod push;
pub mod quarantine;
pub mod secrets;
pub mod settings;
pub mod shutdown;
mod state;
pub mod tls;
pub mod users;
pub mod validate;

pub use db::postgres::PgDatabase;
pub use db::Database;
pub use error::{AppError, ServerError};
pub use settings::Settings;
pub use state::AppState;

use axum::extract::DefaultBodyLimit;
use axum::routing::get;
use axum::Router;
use std::future::Future;
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
use tracing::Level;

/// Connects to Postgres (`postgres://user@host:port/db`).
pub async fn connect(database_url: &str) -> Result<PgDatabase, ServerError> {
    PgDatabase::connect(database_url).await
}

/// Brings the schema up to date with the migrations embedded in this build.
pub async fn migrate(db: &PgDatabase) -> Result<(), ServerError> {
    db.migrate().await
}

/// The HTTP API with default [`Settings`].
pub fn app(state: AppState) -> Router {
    app_with(state, &Settings::default())
}

/// The HTTP API: `/health`, `/v1/enroll`, `/v1/push`, `/v1/pull`, `/v1/mrn-blocks`. Requests are traced
/// (method, path, status, latency; never bodies or headers).
pub fn app_with(state: AppState, settings: &Settings) -> Router {
    Router::new()
        .route("/health", get(handlers::health))
        .route("/ready", get(health::ready))
        .route(openapi::PATH, get(openapi::serve))
        .nest("/v1", handlers::v1::routes())
        .fallback(handlers::not_found)
        .layer(DefaultBodyLimit::max(settings.body_limit_bytes))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(DefaultMakeSpan::new().level(Level::INFO))
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        .with_state(state)
}

/// Serves [`app`] on `listener` until `shutdown` completes, then lets requests in flight
/// finish.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServerError> {
    axum::serve(listener, app(state))
        .with_graceful_shutdown(shutdown)
        .await
        .map_err(ServerError::Serve)
}
