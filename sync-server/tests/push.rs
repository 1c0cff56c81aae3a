//! Push against real Postgres: stored idempotently, contiguous per replica, a replayed
//! counter with different content refused and the device flagged, damaged changes
//! refused whole, and concurrent pushes of one replica never both passing.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use axum::http::StatusCode;
use common::{as_pushed, change, changes, Server};
use outpost_domain::document::digest;
use outpost_domain::protocol::{Bytes, MAX_BATCH};
use outpost_domain::version_vector::VersionVector;
use outpost_sync_server::admin;
use serde_json::json;

#[tokio::test]
async fn pushed_changes_come_back_byte_for_byte_on_pull() {
    let s = Server::start().await;
    let clinic = s.clinic("Riverside Clinic").await;
    let (a, b) = (s.device(clinic).await, s.device(clinic).await);
    let batch = changes(a.replica, 1, 3);

    let (status, body) = s.push(&a, &batch).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body, json!({ "stored_through": 3 }));

    let page = s.pull(&b, &VersionVector::default(), 100).await;
    assert!(!page.more);
    assert_eq!(as_pushed(&page.changes), batch);
    let mut doc = outpost_domain::document::Document::empty(batch[0].doc_id, batch[0].kind);
    doc.apply_remote([page.changes[0].bytes.0.as_slice()])
        .unwrap();
    assert_eq!(doc.patient().unwrap().name, "Test Patient");

    // An empty push reports what the server holds.
    assert_eq!(s.push(&a, &[]).await.1, json!({ "stored_through": 3 }));
}

#[tokio::test]
async fn pushing_the_same_batch_twice_stores_it_once() {
    let s = Server::start().await;
    let clinic = s.clinic("Riverside Clinic").await;
    let a = s.device(clinic).await;
    let batch = changes(a.replica, 1, 5);
    assert_eq!(s.push(&a, &batch).await.1, json!({ "stored_through": 5 }));
    assert_eq!(s.push(&a, &batch).await.1, json!({ "stored_through": 5 }));
    assert_eq!(s.stored_changes().await, 5);

    // A retry that overlaps what is stored and carries new changes stores only the new.
    let mut overlap = batch[3..].to_vec();
    overlap.extend(changes(a.replica, 6, 7));
    let (status, body) = s.push(&a, &overlap).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body, json!({ "stored_through": 7 }));
    assert_eq!(s.stored_changes().await, 7);
}

#[tokio::test]
async fn a_gap_is_refused_with_the_counter_the_server_expects() {
    let s = Server::start().await;
    let clinic = s.clinic("Riverside Clinic").await;
    let a = s.device(clinic).await;

    let (status, body) = s.push(&a, &changes(a.replica, 2, 3)).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["code"], "gap");
    assert_eq!(body["expected_counter"], 1);

    s.push(&a, &changes(a.replica, 1, 4)).await;
    let (status, body) = s.push(&a, &changes(a.replica, 7, 8)).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["expected_counter"], 5);
    assert_eq!(s.stored_changes().await, 4);
}

#[tokio::test]
async fn a_counter_replayed_with_different_content_is_refused_and_flags_the_device() {
    let s = Server::start().await;
    let clinic = s.clinic("Riverside Clinic").await;
    let a = s.device(clinic).await;
    s.push(&a, &changes(a.replica, 1, 2)).await;

    // Counter 2 again but different bytes, followed by a new change 3.
    let forged = vec![change(a.replica, 2), change(a.replica, 3)];
    let (status, body) = s.push(&a, &forged).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["code"], "conflicting_change");
    assert!(
        body["message"].as_str().unwrap().contains("flagged"),
        "{body}"
    );
    assert_eq!(
        s.stored_changes().await,
        2,
        "nothing of the batch is stored"
    );

    let device = &admin::list_devices(&s.db, clinic).await.unwrap()[0];
    assert!(device.flagged_at.is_some());
    assert!(device.flag_reason.as_deref().unwrap().contains("change 2"));
}

#[tokio::test]
async fn a_damaged_change_refuses_the_whole_batch() {
    let s = Server::start().await;
    let clinic = s.clinic("Riverside Clinic").await;
    let a = s.device(clinic).await;

    let mut batch = changes(a.replica, 1, 3);
    batch[2].digest = digest(b"not these bytes");
    let (status, body) = s.push(&a, &batch).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["code"], "bad_digest");

    let mut batch = changes(a.replica, 1, 3);
    batch[1].bytes = Bytes(b"this is not automerge".to_vec());
    batch[1].digest = digest(&batch[1].bytes.0);
    let (status, body) = s.push(&a, &batch).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["code"], "malformed_change");

    assert_eq!(s.stored_changes().await, 0);
}

#[tokio::test]
async fn an_oversized_batch_is_refused() {
    let s = Server::start().await;
    let clinic = s.clinic("Riverside Clinic").await;
    let a = s.device(clinic).await;
    let one = change(a.replica, 1);
    let batch: Vec<_> = (1..=MAX_BATCH as u64 + 1)
        .map(|n| outpost_domain::protocol::WireChange {
            counter: n,
            ..one.clone()
        })
        .collect();
    let (status, body) = s.push(&a, &batch).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["code"], "batch_too_large");
    assert_eq!(s.stored_changes().await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_pushes_of_one_replica_store_each_change_once() {
    let s = Server::start().await;
    let clinic = s.clinic("Riverside Clinic").await;
    let a = s.device(clinic).await;
    let batch = changes(a.replica, 1, 20);

    let (r1, r2, r3, r4) = tokio::join!(
        s.push(&a, &batch),
        s.push(&a, &batch),
        s.push(&a, &batch),
        s.push(&a, &batch)
    );
    for (status, body) in [r1, r2, r3, r4] {
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body, json!({ "stored_through": 20 }));
    }
    assert_eq!(s.stored_changes().await, 20);

    // Two different continuations race: exactly one wins, the other is a conflict.
    let first = changes(a.replica, 21, 22);
    let second = changes(a.replica, 21, 22);
    let (r1, r2) = tokio::join!(s.push(&a, &first), s.push(&a, &second));
    let results = [r1, r2];
    let ok = results
        .iter()
        .filter(|(st, _)| *st == StatusCode::OK)
        .count();
    let conflicts = results
        .iter()
        .filter(|(st, b)| *st == StatusCode::CONFLICT && b["code"] == "conflicting_change")
        .count();
    assert_eq!((ok, conflicts), (1, 1), "{results:?}");
    assert_eq!(s.stored_changes().await, 22);
}

/// Regression: while the planner's statistics were stale (a new server, a clinic that had
/// just grown, before autovacuum looked), a push found its replica's last counter by
/// reading every change the replica had pushed, and locked its documents by scanning
/// every document of the clinic and, for the tenant check, every other clinic's: what a
/// push cost grew with the clinic. It now looks each named document and the last counter
/// up by key.
#[tokio::test]
async fn a_push_reads_the_documents_it_names_not_the_whole_clinic() {
    let s = Server::start_with_stale_statistics().await;
    let clinic = s.clinic("Riverside Clinic").await;
    let a = s.device(clinic).await;
    let earlier = 2_000;
    s.push_many(&a, earlier).await;
    let (docs_seq, docs_idx) = s.rows_read("documents").await;
    let (changes_seq, changes_idx) = s.rows_read("changes").await;

    // A workstation's usual batch: 100 changes.
    let (status, body) = s
        .push(&a, &changes(a.replica, earlier + 1, earlier + 100))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let (docs_seq_after, docs_idx_after) = s.rows_read("documents").await;
    let (changes_seq_after, changes_idx_after) = s.rows_read("changes").await;
    let read = [
        ("documents, scanned", docs_seq_after - docs_seq),
        ("documents, through an index", docs_idx_after - docs_idx),
        ("changes, scanned", changes_seq_after - changes_seq),
        ("changes, through an index", changes_idx_after - changes_idx),
    ];
    for (what, rows) in read {
        assert!(
            rows < 200,
            "a push of 100 changes read {rows} rows of {what} in a clinic of {earlier}: {read:?}"
        );
    }
}

/// Every connection of the server's pool plans a statement once, for any values
/// (`plan_cache_mode`), instead of planning each of its first five executions again: the
/// push's statements run hundreds of times a second. The tests above and in `pull.rs`
/// and `bootstrap.rs` pin that those plans still read only what a request names.
#[tokio::test]
async fn the_servers_connections_plan_each_statement_once_for_any_values() {
    let s = Server::start().await;
    let mode: String = sqlx::query_scalar("SHOW plan_cache_mode")
        .fetch_one(s.db.pool())
        .await
        .unwrap();
    assert_eq!(mode, "force_generic_plan");
}

/// A document a push creates that another transaction creates meanwhile (it was not there
/// for the push to lock) fails the push whole as busy, storing nothing; the workstation's
/// retry then finds the document and stores its change. Pins the plain insert of created
/// documents (no `ON CONFLICT`): the key's violation must answer 503 `busy`, not 500.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_document_created_meanwhile_fails_the_push_as_busy_and_the_retry_stores_it() {
    let s = Server::start().await;
    let clinic = s.clinic("Riverside Clinic").await;
    let a = s.device(clinic).await;
    let c = change(a.replica, 1);
    let doc = outpost_domain::document::Document::load(c.doc_id, c.kind, &c.bytes.0).unwrap();

    // Another transaction creates the same document and holds its key uncommitted.
    let pool = s.db.pool();
    let mut other = pool.begin().await.unwrap();
    sqlx::query(
        "INSERT INTO documents (clinic_id, doc_id, kind, bytes, heads, created_seq, updated_seq) \
         VALUES ($1, $2, 'patient', $3, $4, 0, 0)",
    )
    .bind(clinic.0)
    .bind(c.doc_id.0)
    .bind(&c.bytes.0)
    .bind(doc.heads())
    .execute(&mut *other)
    .await
    .unwrap();

    let commit_once_the_push_waits = async {
        for _ in 0..1_000 {
            let waiting: i64 = sqlx::query_scalar(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'",
            )
            .fetch_one(pool)
            .await
            .unwrap();
            if waiting > 0 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        other.commit().await.unwrap();
    };
    let ((status, body), ()) = tokio::join!(
        s.push(&a, std::slice::from_ref(&c)),
        commit_once_the_push_waits
    );
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(body["code"], "busy", "{body}");
    assert_eq!(s.stored_changes().await, 0);

    let (status, body) = s.push(&a, std::slice::from_ref(&c)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body, json!({ "stored_through": 1 }));
    assert_eq!(s.stored_changes().await, 1);
}
