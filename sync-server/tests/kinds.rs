//! Every record kind syncs through the server: a real record of each kind, made the way a
//! workstation makes it, is validated, stored, kept as a document and pulled back with its
//! kind; an unknown kind is refused and nothing is stored.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use axum::http::StatusCode;
use common::records::Desk;
use common::{as_pushed, Server};
use outpost_domain::document::{DocKind, Document};
use outpost_domain::protocol::{WireChange, PROTOCOL_VERSION};
use outpost_domain::version_vector::VersionVector;
use serde_json::json;
use std::collections::BTreeSet;

/// One change creating a record of every kind, with the author each kind's role needs.
fn every_kind(desk: &mut Desk) -> Vec<(WireChange, &'static str)> {
    let (patient, p) = desk.patient("nurse.test");
    let (other, o) = desk.patient("nurse.test");
    let (_, v) = desk.vitals("nurse.test", patient.id, 37.2);
    let (template, t) = desk.template("admin.test");
    let (_, e) = desk.encounter("dr.test", &template, patient.id);
    let (_, h) = desk.handover("nurse.test", patient.id);
    let (_, l) = desk.link("nurse.test", patient.id, other.id);
    let (_, s) = desk.library_section("admin.test");
    vec![
        (p, "nurse.test"),
        (o, "nurse.test"),
        (v, "nurse.test"),
        (t, "admin.test"),
        (e, "dr.test"),
        (h, "nurse.test"),
        (l, "nurse.test"),
        (s, "admin.test"),
    ]
}

#[tokio::test]
async fn a_change_of_every_kind_is_stored_and_pulled_back_with_its_kind() {
    let s = Server::start().await;
    let clinic = s.clinic("Riverside Clinic").await;
    let (a, b) = (s.device(clinic).await, s.device(clinic).await);
    let made = every_kind(&mut Desk::new(a.replica));
    let batch: Vec<WireChange> = made.iter().map(|(c, _)| c.clone()).collect();
    let kinds: BTreeSet<&str> = batch.iter().map(|c| c.kind.as_str()).collect();
    assert_eq!(kinds.len(), DocKind::ALL.len(), "every kind is pushed");

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
    for (c, (_, author)) in pulled.iter().zip(&made) {
        let mut doc = Document::empty(c.doc_id, c.kind);
        doc.apply_remote([c.bytes.0.as_slice()]).unwrap();
        let history = doc.history();
        assert_eq!(history.len(), 1, "{:?}", c.kind);
        assert_eq!(history[0].replica_id, Some(a.replica));
        assert_eq!(history[0].meta.as_ref().unwrap().author, *author);
    }
}

#[tokio::test]
async fn an_unknown_kind_is_refused_and_nothing_is_stored() {
    let s = Server::start().await;
    let clinic = s.clinic("Riverside Clinic").await;
    let a = s.device(clinic).await;
    let (_, good) = Desk::new(a.replica).patient("nurse.test");
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
