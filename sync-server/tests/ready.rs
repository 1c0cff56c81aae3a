//! `/ready` for a load balancer: ready only when Postgres answers and the schema is the one
//! this build expects.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use axum::http::StatusCode;
use common::{call, Server};
use outpost_pgtest::PgCluster;
use outpost_sync_server::AppState;
use serde_json::json;

#[tokio::test]
async fn ready_when_migrated_and_not_while_postgres_is_down() {
    let s = Server::start().await;
    let (status, body) = s.call("GET", "/ready", None, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body, json!({ "status": "ok" }));

    s.pg.stop().unwrap();
    let (status, body) = s.call("GET", "/ready", None, None).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(body["code"], "unavailable");

    s.pg.start_again().unwrap();
    let (status, _) = s.call("GET", "/ready", None, None).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn not_ready_while_migrations_are_pending() {
    let pg = PgCluster::start().unwrap();
    let db = outpost_sync_server::connect(&pg.url()).await.unwrap();
    let app = outpost_sync_server::app(AppState::new(db.clone()));

    let (status, body) = call(&app, "GET", "/ready", None, None).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(body["code"], "migrations_pending");
    assert!(body["message"]
        .as_str()
        .unwrap()
        .contains("outpost-server migrate"));
    let (status, _) = call(&app, "GET", "/health", None, None).await;
    assert_eq!(status, StatusCode::OK, "the process itself is alive");

    outpost_sync_server::migrate(&db).await.unwrap();
    let (status, _) = call(&app, "GET", "/ready", None, None).await;
    assert_eq!(status, StatusCode::OK);
    drop(app);
    drop(db);
}
