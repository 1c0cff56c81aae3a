//! Every record kind syncs through the server: it stores the kind as text and never
//! looks inside a record, so a change of any kind is pushed, kept and pulled back with
//! its kind; an unknown kind is refused and nothing is stored.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use common::{as_pushed, Server};
use outpost_domain::clock::Hlc;
use outpost_domain::document::{ChangeMeta, DocKind, Document};
use outpost_domain::ids::{DocId, ReplicaId};
use outpost_domain::protocol::{Bytes, WireChange, PROTOCOL_VERSION};
use outpost_domain::version_vector::VersionVector;
use serde_json::json;
use std::collections::BTreeMap;

/// A real Automerge change creating a small document of `kind`, made by `replica`. The
/// server is the same for every kind, so the content only needs to be a valid change.
fn change_of_kind(replica: ReplicaId, counter: u64, kind: DocKind) -> WireChange {
    let value = BTreeMap::from([("kind", kind.as_str()), ("note", "sync test")]);
    let meta = ChangeMeta {
        author: "nurse.test".into(),
        wall_ms: 1_763_800_000_000,
        hlc: Hlc::default(),
    };
    let (doc, local) = Document::create(replica, DocId::new(), kind, &value, &meta).unwrap();
    WireChange {
        replica_id: replica,
        counter,
        doc_id: doc.id,
        kind: doc.kind,
        digest: local.digest,
        bytes: Bytes(local.bytes),
        received_at: None,
    }
}

#[tokio::test]
async fn a_change_of_every_kind_is_stored_and_pulled_back_with_its_kind() {
    let s = Server::start().await;
    let clinic = s.clinic("Riverside Clinic").await;
    let (a, b) = (s.device(clinic).await, s.device(clinic).await);
    let batch: Vec<WireChange> = DocKind::ALL
        .into_iter()
        .zip(1..)
        .map(|(kind, counter)| change_of_kind(a.replica, counter, kind))
        .collect();
    for kind in ["encounter", "handover", "template", "patient_link"] {
        assert!(
            batch.iter().any(|c| c.kind.as_str() == kind),
            "{kind} is one of the kinds pushed"
        );
    }

    let (status, body) = s.push(&a, &batch).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body, json!({ "stored_through": batch.len() }));

    let stored: Vec<String> =
        sqlx::query_scalar("SELECT kind FROM changes WHERE clinic_id = $1 ORDER BY server_seq")
            .bind(clinic.0)
            .fetch_all(s.db.pool())
            .await
            .unwrap();
    let sent: Vec<&str> = batch.iter().map(|c| c.kind.as_str()).collect();
    assert_eq!(stored, sent);

    let pulled = s.pull(&b, &VersionVector::default(), 100).await.changes;
    assert_eq!(as_pushed(&pulled), batch);
    for c in &pulled {
        let mut doc = Document::empty(c.doc_id, c.kind);
        doc.apply_remote([c.bytes.0.as_slice()]).unwrap();
        let history = doc.history();
        assert_eq!(history.len(), 1, "{:?}", c.kind);
        assert_eq!(history[0].replica_id, Some(a.replica));
        assert_eq!(history[0].meta.as_ref().unwrap().author, "nurse.test");
    }
}

#[tokio::test]
async fn an_unknown_kind_is_refused_and_nothing_is_stored() {
    let s = Server::start().await;
    let clinic = s.clinic("Riverside Clinic").await;
    let a = s.device(clinic).await;
    let good = change_of_kind(a.replica, 1, DocKind::Encounter);
    let mut body = json!({
        "protocol": PROTOCOL_VERSION,
        "replica_id": a.replica,
        "changes": [good],
    });
    body["changes"][0]["kind"] = json!("lab_result");

    let (status, answer) = s.call("POST", "/v1/push", Some(&a.token), Some(body)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
    assert_eq!(answer["code"], "bad_request");
    assert!(
        answer["message"].as_str().unwrap().contains("lab_result"),
        "the message names the kind: {answer}"
    );
    assert_eq!(s.stored_changes().await, 0);
}
