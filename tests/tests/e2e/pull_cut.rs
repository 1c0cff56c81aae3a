//! A workstation catching up after time offline pulls page after page, reading the next
//! page while it stores the current one. When the connection is cut, every page it had
//! already downloaded is stored, and the next round downloads only the rest.

use crate::common::{patient, TwoDesks};
use outpost_domain::protocol::{PullRequest, PullResponse, PushRequest, PushResponse, MAX_BATCH};
use outpost_replica::sync::{HttpTransport, Transport, TransportError};
use std::sync::atomic::{AtomicU64, Ordering};

/// The workstation's own transport, counting pull requests and the changes they bring,
/// and failing like a cut cable on pull request number `cut_at` (and after it).
struct Cable<'a> {
    inner: &'a HttpTransport,
    cut_at: Option<u64>,
    pulls: AtomicU64,
    changes: AtomicU64,
}

impl<'a> Cable<'a> {
    fn new(inner: &'a HttpTransport, cut_at: Option<u64>) -> Self {
        Cable {
            inner,
            cut_at,
            pulls: AtomicU64::new(0),
            changes: AtomicU64::new(0),
        }
    }
}

impl Transport for Cable<'_> {
    async fn push(&self, req: &PushRequest) -> Result<PushResponse, TransportError> {
        self.inner.push(req).await
    }

    async fn pull(&self, req: &PullRequest) -> Result<PullResponse, TransportError> {
        let n = self.pulls.fetch_add(1, Ordering::SeqCst) + 1;
        if self.cut_at.is_some_and(|cut| n >= cut) {
            return Err(TransportError::Unreachable {
                url: "the cut cable".into(),
                detail: "connection reset".into(),
            });
        }
        let page = self.inner.pull(req).await?;
        self.changes
            .fetch_add(page.changes.len() as u64, Ordering::SeqCst);
        Ok(page)
    }
}

/// Three pull pages: two full ones and the rest.
const RECORDS: u64 = 2 * MAX_BATCH as u64 + 137;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cut_catch_up_keeps_every_page_it_downloaded_and_resumes_with_the_rest() {
    let desks = TwoDesks::start("Lakeside Clinic").await;
    let (a, b) = (&desks.a, &desks.b);
    // Both desks know the clinic while it is small, so B catches up by pulling.
    desks.sync_both_twice().await;
    for i in 0..RECORDS {
        a.with(|r| {
            r.register_patient(
                &patient(&format!("Patient {i:04}"), &format!("M-{i}")),
                "clerk",
            )
        })
        .unwrap();
    }
    a.sync().await.unwrap();

    // Cut on the third request: the first two pages arrived, the second while the first
    // was being stored.
    let cut = Cable::new(b.transport(), Some(3));
    let err = outpost_replica::sync::sync_once(&b.replica, &cut)
        .await
        .unwrap_err();
    assert!(err.is_offline(), "{err}");
    let downloaded = cut.changes.load(Ordering::SeqCst);
    assert_eq!(downloaded, 2 * MAX_BATCH as u64);
    let held = b.with(|r| r.list_patients()).unwrap().len() as u64;
    assert_eq!(held, downloaded, "every downloaded page is stored");

    // The next round downloads only what B lacks.
    let resumed = Cable::new(b.transport(), None);
    let report = outpost_replica::sync::sync_once(&b.replica, &resumed)
        .await
        .unwrap();
    assert_eq!(report.pulled, RECORDS - downloaded);
    assert_eq!(resumed.changes.load(Ordering::SeqCst), RECORDS - downloaded);
    assert_eq!(b.with(|r| r.list_patients()).unwrap().len() as u64, RECORDS);

    // Cut on the second request, while the first page was being read: that page is
    // stored too.
    let c = desks.enroll_another("C").await;
    c.with(|r| r.skip_bootstrap()).unwrap();
    let cut = Cable::new(c.transport(), Some(2));
    assert!(outpost_replica::sync::sync_once(&c.replica, &cut)
        .await
        .is_err());
    assert_eq!(cut.changes.load(Ordering::SeqCst), MAX_BATCH as u64);
    assert_eq!(
        c.with(|r| r.list_patients()).unwrap().len(),
        MAX_BATCH,
        "the page downloaded before the cut is stored"
    );
    let report = c.sync().await.unwrap();
    assert_eq!(report.pulled, RECORDS - MAX_BATCH as u64);
}
