//! A workstation keeps working with a newer sync server: answers carrying fields this
//! build does not know (added by a later wire-format revision) are read, the unknown
//! fields ignored. The "newer server" here answers over real HTTP with canned JSON.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use axum::routing::post;
use axum::{Json, Router};
use outpost_replica::outpost_domain::document::{ChangeMeta, Document};
use outpost_replica::outpost_domain::ids::{DocId, ReplicaId};
use outpost_replica::outpost_domain::patient::{Patient, Sex};
use outpost_replica::outpost_domain::protocol::{
    Bytes, MrnBlockRequest, PullRequest, PushRequest, WireChange, PROTOCOL_VERSION,
};
use outpost_replica::outpost_domain::version_vector::VersionVector;
use outpost_replica::sync::{HttpTransport, Transport};
use outpost_replica::DeviceToken;
use serde_json::{json, Value};

fn remote_change() -> WireChange {
    let replica = ReplicaId::new();
    let patient = Patient {
        id: DocId::new(),
        name: "Test Patient".into(),
        date_of_birth: chrono::NaiveDate::from_ymd_opt(1980, 1, 1).unwrap(),
        sex: Sex::Female,
        mrn: "MRN-77".into(),
    };
    let meta = ChangeMeta {
        author: "nurse.kim".into(),
        wall_ms: 1_763_800_000_000,
        hlc: outpost_replica::outpost_domain::clock::Hlc {
            wall_ms: 1_763_800_000_000,
            logical: 0,
        },
    };
    let (doc, local) = Document::create_patient(replica, &patient, &meta).unwrap();
    WireChange {
        replica_id: replica,
        counter: 1,
        doc_id: doc.id,
        kind: doc.kind,
        digest: local.digest,
        bytes: Bytes(local.bytes),
        received_at: None,
    }
}

/// Answers as a later server revision would: every object has fields this build lacks.
async fn newer_server(change: WireChange) -> String {
    let mut wire = serde_json::to_value(&change).unwrap();
    wire["received_at"] = json!("2026-11-22T08:00:00Z");
    wire["server_signature"] = json!("c2lnbmF0dXJl");
    let app = Router::new()
        .route(
            "/v1/push",
            post(|Json(req): Json<Value>| async move {
                let n = req["changes"].as_array().map_or(0, Vec::len);
                Json(json!({
                    "stored_through": n,
                    "quarantined": [],
                    "receipt": { "id": "r-1", "at": "2026-11-22T08:00:00Z" },
                }))
            }),
        )
        .route(
            "/v1/pull",
            post(move || async move {
                Json(json!({
                    "changes": [wire],
                    "more": false,
                    "server_time": "2026-11-22T08:00:01Z",
                    "next_poll_secs": 30,
                }))
            }),
        )
        .route(
            "/v1/mrn-blocks",
            post(|| async {
                Json(json!({
                    "prefix": "P-", "first": 101, "last": 200,
                    "reserved_until": "2027-01-01T00:00:00Z",
                }))
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    url
}

#[tokio::test]
async fn answers_with_fields_this_build_does_not_know_are_read() {
    let change = remote_change();
    let url = newer_server(change.clone()).await;
    let t = HttpTransport::new(&url, DeviceToken::new("token")).unwrap();

    let pushed = t
        .push(&PushRequest {
            protocol: PROTOCOL_VERSION,
            replica_id: ReplicaId::new(),
            changes: vec![remote_change(), remote_change()],
        })
        .await
        .unwrap();
    assert_eq!(pushed.stored_through, 2);
    assert!(pushed.quarantined.is_empty());

    let page = t
        .pull(&PullRequest {
            protocol: PROTOCOL_VERSION,
            have: VersionVector::default(),
            limit: 100,
        })
        .await
        .unwrap();
    assert!(!page.more);
    assert_eq!(page.changes.len(), 1);
    let got = &page.changes[0];
    assert_eq!(
        (got.replica_id, got.doc_id, &got.digest, &got.bytes),
        (
            change.replica_id,
            change.doc_id,
            &change.digest,
            &change.bytes
        )
    );
    assert!(got.received_at.is_some());

    let block = t
        .mrn_block(&MrnBlockRequest {
            protocol: PROTOCOL_VERSION,
            size: 100,
        })
        .await
        .unwrap();
    assert_eq!((block.first, block.last), (101, 200));
}
