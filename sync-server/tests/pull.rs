//! Pull against real Postgres: exactly what the caller's version vector lacks, in arrival
//! order, in pages that resume cleanly — and never a row of another clinic.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use axum::http::StatusCode;
use common::{as_pushed, changes, Server};
use outpost_domain::protocol::{WireChange, MAX_BATCH};
use outpost_domain::version_vector::VersionVector;
use std::collections::HashSet;

fn ids(changes: &[WireChange]) -> Vec<(String, u64)> {
    changes
        .iter()
        .map(|c| (c.replica_id.to_string(), c.counter))
        .collect()
}

#[tokio::test]
async fn a_clinic_never_sees_another_clinics_changes() {
    let s = Server::start().await;
    let (x, y) = (s.clinic("Clinic X").await, s.clinic("Clinic Y").await);
    let (dx, dy) = (s.device(x).await, s.device(y).await);
    let x_changes = changes(dx.replica, 1, 5);
    assert_eq!(s.push(&dx, &x_changes).await.0, StatusCode::OK);

    let page = s.pull(&dy, &VersionVector::default(), 100).await;
    assert!(page.changes.is_empty() && !page.more, "{page:?}");

    // Asking explicitly for X's replica does not help.
    let mut have = VersionVector::default();
    have.0.insert(dx.replica, 0);
    assert!(s.pull(&dy, &have, 100).await.changes.is_empty());

    // Y's device cannot push as X's replica, nor smuggle X's changes under its own.
    let (status, body) = s.push_as(&dy, dx.replica, &changes(dx.replica, 6, 6)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["code"], "forbidden");
    let mut smuggled = changes(dx.replica, 6, 6);
    smuggled[0].replica_id = dy.replica;
    let (status, body) = s.push(&dy, &smuggled).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body["code"], "wrong_actor",
        "made by X's replica, so refused"
    );
    assert!(s
        .pull(&dy, &VersionVector::default(), 100)
        .await
        .changes
        .is_empty());

    // Y's own work stays in Y, and X still sees only its own.
    let y_changes = changes(dy.replica, 1, 2);
    assert_eq!(s.push(&dy, &y_changes).await.0, StatusCode::OK);
    assert_eq!(
        as_pushed(&s.pull(&dy, &VersionVector::default(), 100).await.changes),
        y_changes
    );
    assert_eq!(
        as_pushed(&s.pull(&dx, &VersionVector::default(), 100).await.changes),
        x_changes
    );
}

#[tokio::test]
async fn pages_follow_arrival_order_and_never_repeat_a_change() {
    let s = Server::start().await;
    let clinic = s.clinic("Riverside Clinic").await;
    let (a, b, reader) = (
        s.device(clinic).await,
        s.device(clinic).await,
        s.device(clinic).await,
    );

    // 25 changes arriving interleaved from two replicas.
    let (ca, cb) = (changes(a.replica, 1, 13), changes(b.replica, 1, 12));
    let mut arrival = Vec::new();
    for i in 0..13 {
        for (d, c) in [(&a, ca.get(i)), (&b, cb.get(i))] {
            if let Some(c) = c {
                assert_eq!(s.push(d, std::slice::from_ref(c)).await.0, StatusCode::OK);
                arrival.push(c.clone());
            }
        }
    }
    assert_eq!(arrival.len(), 25);

    let (pulled, mores) = s.pull_all(&reader, &VersionVector::default(), 10).await;
    assert_eq!(mores, [true, true, false]);
    assert_eq!(ids(&pulled), ids(&arrival), "arrival order");
    let unique: HashSet<_> = ids(&pulled).into_iter().collect();
    assert_eq!(unique.len(), 25, "none twice");
    assert_eq!(as_pushed(&pulled), arrival);
}

#[tokio::test]
async fn a_vector_that_covers_some_changes_gets_only_the_rest() {
    let s = Server::start().await;
    let clinic = s.clinic("Riverside Clinic").await;
    let (a, b, c) = (
        s.device(clinic).await,
        s.device(clinic).await,
        s.device(clinic).await,
    );
    let (ca, cb, cc) = (
        changes(a.replica, 1, 4),
        changes(b.replica, 1, 3),
        changes(c.replica, 1, 2),
    );
    s.push(&a, &ca).await;
    s.push(&b, &cb).await;
    s.push(&c, &cc).await;

    let mut have = VersionVector::default();
    have.0.insert(a.replica, 4); // all of A
    have.0.insert(b.replica, 1); // the first of B
    let page = s.pull(&c, &have, 100).await;
    let mut expected = cb[1..].to_vec();
    expected.extend(cc.iter().cloned()); // C's own changes: it does not claim them
    assert_eq!(as_pushed(&page.changes), expected);

    // Everything covered: nothing to send.
    have.0.insert(b.replica, 3);
    have.0.insert(c.replica, 2);
    let page = s.pull(&c, &have, 100).await;
    assert!(page.changes.is_empty() && !page.more);

    // A vector claiming more than the server holds is simply covered.
    have.0.insert(a.replica, 99);
    assert!(s.pull(&a, &have, 100).await.changes.is_empty());
}

#[tokio::test]
async fn a_replica_restored_from_backup_relearns_its_own_changes() {
    let s = Server::start().await;
    let clinic = s.clinic("Riverside Clinic").await;
    let a = s.device(clinic).await;
    let ca = changes(a.replica, 1, 6);
    s.push(&a, &ca).await;

    let mut have = VersionVector::default();
    have.0.insert(a.replica, 2); // the backup held only the first two
    assert_eq!(
        as_pushed(&s.pull(&a, &have, 100).await.changes),
        ca[2..].to_vec()
    );
}

#[tokio::test]
async fn the_page_size_is_capped_and_zero_means_the_largest_page() {
    let s = Server::start().await;
    let clinic = s.clinic("Riverside Clinic").await;
    let a = s.device(clinic).await;
    let n = MAX_BATCH as u64 + 10;
    for start in (1..=n).step_by(MAX_BATCH) {
        let end = (start + MAX_BATCH as u64 - 1).min(n);
        assert_eq!(
            s.push(&a, &changes(a.replica, start, end)).await.0,
            StatusCode::OK
        );
    }
    for limit in [0, u32::MAX] {
        let page = s.pull(&a, &VersionVector::default(), limit).await;
        assert_eq!(page.changes.len(), MAX_BATCH);
        assert!(page.more);
    }
    let (all, mores) = s.pull_all(&a, &VersionVector::default(), 0).await;
    assert_eq!(all.len() as u64, n);
    assert_eq!(mores, [true, false]);
}

#[tokio::test]
async fn changes_of_a_revoked_device_stay_available_to_the_clinic() {
    let s = Server::start().await;
    let clinic = s.clinic("Riverside Clinic").await;
    let (a, b) = (s.device(clinic).await, s.device(clinic).await);
    let ca = changes(a.replica, 1, 3);
    s.push(&a, &ca).await;
    outpost_sync_server::admin::revoke_device(&s.db, clinic, a.id)
        .await
        .unwrap();
    assert_eq!(
        as_pushed(&s.pull(&b, &VersionVector::default(), 100).await.changes),
        ca
    );
}

/// Regression: while the planner's statistics were stale (a new server, a clinic that had
/// just grown), finding where a pull starts walked every change of every replica of the
/// clinic and filtered the counter afterwards, so even a workstation that lacked nothing
/// made Postgres read the clinic's whole history; and each page of a long catch-up took
/// every change from where the caller started and sorted them (2,000 changes in pages of
/// 100: 10,534 rows read, now 2,039). A workstation that lacks the last 100 of 2,000
/// changes, and one that lacks nothing, now make it read about that many rows.
#[tokio::test]
async fn a_pull_reads_what_the_caller_lacks_not_the_history() {
    let s = Server::start_with_stale_statistics().await;
    let clinic = s.clinic("Riverside Clinic").await;
    let (a, b) = (s.device(clinic).await, s.device(clinic).await);
    let total = 2_000;
    s.push_many(&a, total).await;

    // All of it, in pages of 100: each page reads its own changes, not all that follow.
    let (seq, idx) = s.rows_read("changes").await;
    let (all, _) = s.pull_all(&b, &VersionVector::default(), 100).await;
    assert_eq!(all.len(), total as usize);
    let (seq_after, idx_after) = s.rows_read("changes").await;
    let read = seq_after - seq + idx_after - idx;
    assert!(
        read < 3 * total as i64,
        "pulling {total} changes in pages of 100 read {read} rows of changes"
    );

    for (have, lacks) in [(total - 100, 100), (total, 0)] {
        let (seq, idx) = s.rows_read("changes").await;
        let mut vector = VersionVector::default();
        vector.0.insert(a.replica, have);
        let page = s.pull(&b, &vector, 500).await;
        assert_eq!(page.changes.len(), lacks);
        let (seq_after, idx_after) = s.rows_read("changes").await;
        let read = (seq_after - seq, idx_after - idx);
        assert!(
            read.0 + read.1 < 2 * lacks as i64 + 50,
            "a pull lacking {lacks} of {total} changes read {read:?} (scanned, through an index)"
        );
    }
}
