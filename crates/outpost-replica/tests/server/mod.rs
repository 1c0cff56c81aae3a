//! A real sync server for the replica's HTTP tests: a throwaway Postgres cluster, the
//! migrated Outpost schema and `outpost_sync_server::serve` on a free local port.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use outpost_pgtest::PgCluster;
use outpost_replica::outpost_domain::ids::ClinicId;
use outpost_sync_server::{admin, AppState, PgDatabase};
use tokio::sync::oneshot;

pub struct TestServer {
    pub url: String,
    pub db: PgDatabase,
    stop: Option<oneshot::Sender<()>>,
    _pg: PgCluster,
}

impl TestServer {
    pub async fn start() -> TestServer {
        let pg = PgCluster::start().unwrap();
        let db = outpost_sync_server::connect(&pg.url()).await.unwrap();
        outpost_sync_server::migrate(&db).await.unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let (tx, rx) = oneshot::channel::<()>();
        let state = AppState::new(db.clone());
        tokio::spawn(async move {
            let shutdown = async move {
                let _ = rx.await;
            };
            outpost_sync_server::serve(listener, state, shutdown)
                .await
                .unwrap();
        });
        TestServer {
            url,
            db,
            stop: Some(tx),
            _pg: pg,
        }
    }

    pub async fn clinic(&self, name: &str) -> ClinicId {
        admin::create_clinic(&self.db, name).await.unwrap()
    }

    pub async fn code(&self, clinic: ClinicId, device: &str) -> String {
        admin::create_enrollment_code(&self.db, clinic, device, chrono::Duration::hours(1))
            .await
            .unwrap()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
    }
}
