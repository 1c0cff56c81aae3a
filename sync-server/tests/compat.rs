//! Wire format version 1 stays readable both ways: requests exactly as an older
//! workstation wrote them — without the fields added since (`received_at` on a change,
//! `after` on a bootstrap, `size` on an MRN block) and with fields this server does not
//! know — are accepted.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use axum::http::StatusCode;
use common::records::Desk;
use common::Server;
use serde_json::json;

#[tokio::test]
async fn requests_from_an_older_or_newer_workstation_are_accepted() {
    let s = Server::start().await;
    let clinic = s.clinic("Riverside Clinic").await;
    let d = s.device(clinic).await;
    let mut desk = Desk::new(d.replica);
    let (_, c) = desk.patient("nurse.test");

    // A push as the first release wrote it: no `received_at`, nothing else optional.
    let old_push = json!({
        "protocol": 1,
        "replica_id": c.replica_id,
        "changes": [{
            "replica_id": c.replica_id,
            "counter": c.counter,
            "doc_id": c.doc_id,
            "kind": "patient",
            "digest": c.digest,
            "bytes": serde_json::to_value(&c.bytes).unwrap(),
        }],
    });
    let (status, body) = s
        .call("POST", "/v1/push", Some(&d.token), Some(old_push))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["stored_through"], 1);
    assert!(
        body.get("quarantined").is_none(),
        "an answer with nothing quarantined looks as it did to older clients"
    );

    // A pull from an older client, and one from a newer client with a field this server
    // does not know yet.
    let (status, body) = s
        .call(
            "POST",
            "/v1/pull",
            Some(&d.token),
            Some(json!({ "protocol": 1, "have": {}, "limit": 10 })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["changes"].as_array().unwrap().len(), 1);
    assert_eq!(body["more"], false);
    let (status, body) = s
        .call(
            "POST",
            "/v1/pull",
            Some(&d.token),
            Some(json!({ "protocol": 1, "have": {}, "limit": 10, "compression": "zstd" })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // Fields added later, left out.
    let (status, body) = s
        .call(
            "POST",
            "/v1/mrn-blocks",
            Some(&d.token),
            Some(json!({ "protocol": 1 })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body["last"].as_u64().unwrap() - body["first"].as_u64().unwrap(),
        99
    );
    let (status, body) = s
        .call(
            "POST",
            "/v1/bootstrap",
            Some(&d.token),
            Some(json!({ "protocol": 1, "limit": 10 })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["total_documents"], 1);
}

#[tokio::test]
async fn a_newer_protocol_is_refused_with_what_to_do() {
    let s = Server::start().await;
    let clinic = s.clinic("Riverside Clinic").await;
    let d = s.device(clinic).await;
    let (status, body) = s
        .call(
            "POST",
            "/v1/pull",
            Some(&d.token),
            Some(json!({ "protocol": 2, "have": {}, "limit": 10 })),
        )
        .await;
    assert_eq!(status, StatusCode::UPGRADE_REQUIRED, "{body}");
    assert_eq!(body["code"], "unsupported_protocol");
    assert!(body["message"].as_str().unwrap().contains("update"));
}
