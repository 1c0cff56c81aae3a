//! The server dies in the middle of a sync — after it stored a push but before the answer
//! arrived, and between two pull pages — and comes back: the next sync completes with
//! nothing duplicated and nothing missing.

use crate::common::{patient, TwoDesks};
use outpost_domain::protocol::{PullRequest, PullResponse, PushRequest, PushResponse};
use outpost_e2e::{kill_pid, Workstation};
use outpost_replica::sync::{HttpTransport, Transport, TransportError};
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Forwards to the real HTTP transport, then kills the server right after the n-th push or
/// pull has been answered, and loses that answer — as if the server died before replying.
struct DiesAfter<'a> {
    inner: &'a HttpTransport,
    server_pid: u32,
    pushes_left: AtomicUsize,
    pulls_left: AtomicUsize,
}

impl DiesAfter<'_> {
    fn lost(&self) -> TransportError {
        kill_pid(self.server_pid);
        TransportError::Unreachable {
            url: "test".into(),
            detail: "the server died before answering".into(),
        }
    }

    fn countdown(left: &AtomicUsize) -> bool {
        left.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1)) == Ok(1)
    }
}

impl Transport for DiesAfter<'_> {
    async fn push(&self, req: &PushRequest) -> Result<PushResponse, TransportError> {
        let answer = self.inner.push(req).await?;
        if Self::countdown(&self.pushes_left) {
            return Err(self.lost());
        }
        Ok(answer)
    }

    async fn pull(&self, req: &PullRequest) -> Result<PullResponse, TransportError> {
        let answer = self.inner.pull(req).await?;
        if Self::countdown(&self.pulls_left) {
            return Err(self.lost());
        }
        Ok(answer)
    }
}

const RECORDS: usize = 1_200; // three push batches, three pull pages

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sync_cut_by_a_server_restart_completes_without_duplicates_or_gaps() {
    let mut desks = TwoDesks::start("Hillside Clinic").await;
    let (a, b) = (&desks.a, &desks.b);

    let mut written = BTreeSet::new();
    for i in 0..RECORDS {
        let p = a
            .with(|r| {
                r.register_patient(
                    &patient(&format!("Patient {i:04}"), &format!("M-{i}")),
                    "clerk",
                )
            })
            .unwrap();
        written.insert(p.id);
    }

    // The server stores A's first batch, then dies before A hears back.
    let cut = DiesAfter {
        inner: a.transport(),
        server_pid: desks.server.pid().unwrap(),
        pushes_left: AtomicUsize::new(1),
        pulls_left: AtomicUsize::new(usize::MAX),
    };
    let err = outpost_replica::sync::sync_once(&a.replica, &cut).await;
    assert!(err.is_err(), "the sync was cut");
    assert_eq!(
        a.with(|r| r.pending_changes()).unwrap(),
        RECORDS as u64,
        "the answer was lost, so A still counts every change as waiting"
    );
    desks.server.kill().await;
    desks.server.up().await.unwrap();
    a.sync().await.unwrap();
    assert_eq!(a.with(|r| r.pending_changes()).unwrap(), 0);

    // B's pull is cut after its second page.
    let cut = DiesAfter {
        inner: b.transport(),
        server_pid: desks.server.pid().unwrap(),
        pushes_left: AtomicUsize::new(usize::MAX),
        pulls_left: AtomicUsize::new(2),
    };
    assert!(outpost_replica::sync::sync_once(&b.replica, &cut)
        .await
        .is_err());
    desks.server.kill().await;
    desks.server.up().await.unwrap();
    b.sync().await.unwrap();

    let ids = |ws: &Workstation| -> Vec<_> {
        ws.with(|r| r.list_patients())
            .unwrap()
            .into_iter()
            .map(|p| p.patient.id)
            .collect()
    };
    for ws in [&a, &b] {
        let held = ids(ws);
        assert_eq!(held.len(), RECORDS, "no duplicates");
        assert_eq!(
            held.into_iter().collect::<BTreeSet<_>>(),
            written,
            "no gaps"
        );
    }

    // A workstation enrolled afterwards receives every record exactly once from the server
    // (as bootstrapped documents, or pulled changes: each record is one change here).
    let c = desks.enroll_another("C").await;
    let report = c.sync().await.unwrap();
    assert_eq!(
        report.bootstrapped + report.pulled,
        RECORDS as u64,
        "the server holds each change once"
    );
    assert_eq!(ids(&c).into_iter().collect::<BTreeSet<_>>(), written);
}
