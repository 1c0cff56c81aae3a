//! `POST /v1/bootstrap` against real Postgres: a new workstation gets every document of its
//! clinic exactly once, compacted, with totals known from the first page; an interrupted
//! bootstrap resumes from its cursor; documents created after the snapshot are left to
//! pull from `covers`; another clinic's documents are never served.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use axum::http::StatusCode;
use common::records::{meta, Desk};
use common::{Device, Server};
use outpost_domain::document::{DocKind, Document};
use outpost_domain::ids::DocId;
use outpost_domain::patient::PatientRecord;
use outpost_domain::protocol::{
    BootstrapCursor, BootstrapRequest, BootstrapResponse, PushResponse, WireChange,
    PROTOCOL_VERSION,
};
use std::collections::{BTreeMap, BTreeSet};

async fn push_ok(s: &Server, d: &Device, changes: &[WireChange]) {
    let (status, body) = s.push(d, changes).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let answer: PushResponse = serde_json::from_value(body).unwrap();
    assert!(answer.quarantined.is_empty(), "{:?}", answer.quarantined);
}

async fn bootstrap(
    s: &Server,
    d: &Device,
    after: Option<BootstrapCursor>,
    limit: u32,
) -> BootstrapResponse {
    let req = BootstrapRequest {
        protocol: PROTOCOL_VERSION,
        after,
        limit,
    };
    let (status, body) = s
        .call(
            "POST",
            "/v1/bootstrap",
            Some(&d.token),
            Some(serde_json::to_value(req).unwrap()),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    serde_json::from_value(body).unwrap()
}

#[tokio::test]
async fn pages_and_a_resume_serve_each_document_once_with_the_totals_of_the_first_page() {
    let s = Server::start().await;
    let clinic = s.clinic("Riverside Clinic").await;
    let (a, b, new) = (
        s.device(clinic).await,
        s.device(clinic).await,
        s.device(clinic).await,
    );
    let mut desk_a = Desk::new(a.replica);
    let from_a: Vec<WireChange> = (0..7).map(|_| desk_a.patient("nurse.test").1).collect();
    push_ok(&s, &a, &from_a).await;
    let mut desk_b = Desk::new(b.replica);
    let mut from_b: Vec<WireChange> = (0..3).map(|_| desk_b.patient("nurse.test").1).collect();
    // B also edits the first of A's patients: that document holds two changes.
    let mut edited = Document::empty(from_a[0].doc_id, DocKind::Patient);
    edited.apply_remote([from_a[0].bytes.0.as_slice()]).unwrap();
    let local = edited
        .edit(b.replica, &meta("nurse.test"), |r: &mut PatientRecord| {
            r.phone = Some("+233 20 111 2222".into());
            Ok(())
        })
        .unwrap()
        .unwrap();
    from_b.push(desk_b.wire(&edited, local));
    push_ok(&s, &b, &from_b).await;

    let stored_bytes: i64 = sqlx::query_scalar(
        "SELECT sum(octet_length(bytes))::bigint FROM documents WHERE clinic_id = $1",
    )
    .bind(clinic.0)
    .fetch_one(s.db.pool())
    .await
    .unwrap();

    let first = bootstrap(&s, &new, None, 4).await;
    assert_eq!(first.total_documents, 10);
    assert_eq!(first.total_bytes, stored_bytes as u64);
    assert_eq!(first.covers.get(&a.replica), 7);
    assert_eq!(first.covers.get(&b.replica), 4);
    assert_eq!((first.documents.len(), first.more), (4, true));
    let covers = first.covers.clone();
    let second = bootstrap(&s, &new, Some(first.next.clone()), 4).await;
    assert_eq!((second.documents.len(), second.more), (4, true));
    assert_eq!(
        (second.total_documents, second.total_bytes, &second.covers),
        (10, first.total_bytes, &first.covers),
        "every page repeats the snapshot"
    );

    // The workstation stops here. Meanwhile A adds a patient.
    let (_, late) = desk_a.patient("nurse.test");
    let last_doc = second.next.after_doc.unwrap();
    push_ok(&s, &a, std::slice::from_ref(&late)).await;

    // Resuming with the last cursor kept brings only the rest, from the same snapshot.
    let rest = bootstrap(&s, &new, Some(second.next.clone()), 4).await;
    assert!(!rest.more);
    assert_eq!(rest.documents.len(), 2);
    assert!(rest.documents.iter().all(|d| d.doc_id.0 > last_doc.0));
    assert_eq!(rest.total_documents, 10);
    assert!(
        rest.documents.iter().all(|d| d.doc_id != late.doc_id),
        "a document created after the snapshot is left to pull"
    );

    let served: Vec<_> = [first, second, rest]
        .into_iter()
        .flat_map(|p| p.documents)
        .collect();
    let ids: Vec<DocId> = served.iter().map(|d| d.doc_id).collect();
    let unique: BTreeSet<DocId> = ids.iter().copied().collect();
    assert_eq!(ids.len(), 10);
    assert_eq!(unique.len(), 10, "no document twice");
    let pushed: BTreeSet<DocId> = from_a.iter().chain(&from_b).map(|c| c.doc_id).collect();
    assert_eq!(unique, pushed);
    let served_bytes: usize = served.iter().map(|d| d.bytes.0.len()).sum();
    assert_eq!(served_bytes as u64, stored_bytes as u64);

    // Each document (a compacted save, or the one change that made it) loads with the heads
    // it came with, and holds everything the snapshot covers.
    let by_id: BTreeMap<DocId, Document> = served
        .iter()
        .map(|d| {
            let doc = Document::load(d.doc_id, d.kind, &d.bytes.0).unwrap();
            assert_eq!(doc.heads(), d.heads);
            (d.doc_id, doc)
        })
        .collect();
    assert_eq!(
        by_id[&edited.id].patient_record().unwrap().phone.as_deref(),
        Some("+233 20 111 2222")
    );

    // Pulling from `covers` afterwards brings exactly what came after the snapshot.
    let (after, _) = s.pull_all(&new, &covers, 100).await;
    assert_eq!(after.len(), 1);
    assert_eq!(after[0].doc_id, late.doc_id);
}

#[tokio::test]
async fn a_device_of_another_clinic_gets_nothing() {
    let s = Server::start().await;
    let (x, y) = (s.clinic("Riverside").await, s.clinic("Hillside").await);
    let (in_x, in_y) = (s.device(x).await, s.device(y).await);
    let mut desk = Desk::new(in_x.replica);
    let batch: Vec<WireChange> = (0..3).map(|_| desk.patient("nurse.test").1).collect();
    push_ok(&s, &in_x, &batch).await;

    let page = bootstrap(&s, &in_y, None, 0).await;
    assert_eq!((page.total_documents, page.total_bytes), (0, 0));
    assert!(page.documents.is_empty() && !page.more);
    assert!(page.covers.0.is_empty());

    // Even a cursor naming the other clinic's snapshot serves none of its documents.
    let theirs = bootstrap(&s, &in_x, None, 0).await;
    assert_eq!(theirs.documents.len(), 3);
    let forged = bootstrap(&s, &in_y, Some(theirs.next.clone()), 0).await;
    assert!(forged.documents.is_empty());
    let mut from_start = theirs.next;
    from_start.after_doc = None;
    assert!(bootstrap(&s, &in_y, Some(from_start), 0)
        .await
        .documents
        .is_empty());
}

/// Regression: while the planner's statistics were stale (a new server, a clinic just
/// loaded), each bootstrap page took every document of the clinic through
/// `documents_by_created` and sorted them to serve the next 100: a bootstrap read the
/// clinic once per page (31,514 rows here). Now each document is read about once for the
/// totals and once for its page.
#[tokio::test]
async fn a_bootstrap_page_reads_its_documents_not_those_before_it() {
    let s = Server::start_with_stale_statistics().await;
    let clinic = s.clinic("Riverside Clinic").await;
    let (a, new) = (s.device(clinic).await, s.device(clinic).await);
    let total = 2_000;
    s.push_many(&a, total).await;

    let (seq, idx) = s.rows_read("documents").await;
    let mut after = None;
    let mut served = 0;
    loop {
        let page = bootstrap(&s, &new, after, 100).await;
        served += page.documents.len();
        after = Some(page.next);
        if !page.more {
            break;
        }
    }
    assert_eq!(served, total as usize);
    let (seq_after, idx_after) = s.rows_read("documents").await;
    let read = seq_after - seq + idx_after - idx;
    assert!(
        read < 3 * total as i64,
        "bootstrapping {total} documents in pages of 100 read {read} rows of documents"
    );
}
