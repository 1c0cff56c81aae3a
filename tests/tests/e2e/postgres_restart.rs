//! Postgres restarts in the middle of a workstation's sync: the push that meets the outage
//! fails, the workstation's background sync backs off and retries, and completes once
//! Postgres is back; nothing is lost or stored twice.

use crate::common::patient;
use outpost_domain::protocol::{PullRequest, PullResponse, PushRequest, PushResponse};
use outpost_e2e::{Backend, Server, Workstation};
use outpost_pgtest::PgCluster;
use outpost_replica::sync::{
    self, HttpTransport, SyncState, SyncStatus, Transport, TransportError,
};
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{watch, Notify};
use tokio_util::sync::CancellationToken;

const RECORDS: usize = 1_200; // three push batches

/// The real transport; Postgres stops right after the first push is answered, and starts
/// again when a request has failed because of it.
struct PostgresRestarts<'a> {
    inner: &'a HttpTransport,
    pg: &'a PgCluster,
    pushes: AtomicUsize,
    down: AtomicBool,
    failures_seen: AtomicUsize,
}

impl PostgresRestarts<'_> {
    fn after(&self, failed: bool) {
        if failed && self.down.swap(false, Ordering::SeqCst) {
            self.failures_seen.fetch_add(1, Ordering::SeqCst);
            tokio::task::block_in_place(|| self.pg.start_again().unwrap());
        }
    }
}

impl Transport for PostgresRestarts<'_> {
    async fn push(&self, req: &PushRequest) -> Result<PushResponse, TransportError> {
        let answer = self.inner.push(req).await;
        self.after(answer.is_err());
        if answer.is_ok() && self.pushes.fetch_add(1, Ordering::SeqCst) == 0 {
            tokio::task::block_in_place(|| self.pg.stop().unwrap());
            self.down.store(true, Ordering::SeqCst);
        }
        answer
    }

    async fn pull(&self, req: &PullRequest) -> Result<PullResponse, TransportError> {
        let answer = self.inner.pull(req).await;
        self.after(answer.is_err());
        answer
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sync_across_a_postgres_restart_retries_and_completes() {
    let backend = Backend::start().await.unwrap();
    let clinic = backend.clinic("Lakeside Clinic").await.unwrap();
    let server = Server::start(&backend).await.unwrap();
    let code_a = backend.enrollment_code(clinic, "A").await.unwrap();
    let a = Workstation::enroll(&server, &code_a).await.unwrap();
    let code_b = backend.enrollment_code(clinic, "B").await.unwrap();
    let b = Workstation::enroll(&server, &code_b).await.unwrap();
    backend.add_test_users(clinic).await.unwrap();
    a.sign_in_test_users().await.unwrap();
    b.sign_in_test_users().await.unwrap();

    let mut written = BTreeSet::new();
    for i in 0..RECORDS {
        let p = a
            .with(|r| {
                r.register_patient(
                    &patient(&format!("Patient {i:04}"), &format!("L-{i}")),
                    "clerk",
                )
            })
            .unwrap();
        written.insert(p.id);
    }

    let transport = PostgresRestarts {
        inner: a.transport(),
        pg: &backend.pg,
        pushes: AtomicUsize::new(0),
        down: AtomicBool::new(false),
        failures_seen: AtomicUsize::new(0),
    };
    let (status_tx, mut status_rx) = watch::channel(SyncStatus {
        state: SyncState::Offline,
        pending_changes: RECORDS as u64,
        last_sync_at: None,
        last_error: None,
        bootstrap: None,
    });
    let stop = CancellationToken::new();
    let background = sync::run_background(
        a.replica.clone(),
        transport,
        status_tx,
        Arc::new(Notify::new()),
        stop.clone(),
    );
    let mut saw_failure = false;
    let settled = async {
        loop {
            {
                let s = status_rx.borrow_and_update();
                saw_failure |= matches!(s.state, SyncState::Error | SyncState::Offline)
                    && s.last_error.is_some();
                if s.state == SyncState::Online && s.pending_changes == 0 {
                    break;
                }
            }
            status_rx.changed().await.unwrap();
        }
        stop.cancel();
    };
    tokio::time::timeout(Duration::from_secs(180), async {
        tokio::join!(background, settled);
    })
    .await
    .expect("the background sync completes after Postgres is back");
    assert!(
        saw_failure,
        "a round failed while Postgres was down, and was retried"
    );
    assert!(backend.pg.is_running());

    b.sync().await.unwrap();
    let held: BTreeSet<_> = b
        .with(|r| r.list_patients())
        .unwrap()
        .into_iter()
        .map(|p| p.patient.id)
        .collect();
    assert_eq!(held, written, "B receives everything A wrote");
    let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM changes WHERE clinic_id = $1")
        .bind(clinic.0)
        .fetch_one(backend.db.pool())
        .await
        .unwrap();
    assert_eq!(stored, RECORDS as i64, "each change stored once");
}
