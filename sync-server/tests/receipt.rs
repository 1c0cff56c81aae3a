//! The server's receipt time travels with every pulled change, stamped by the server's
//! own clock: pushes without it (every client before it existed) are accepted, and a
//! receipt time a client makes up is ignored.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use axum::http::StatusCode;
use chrono::{DateTime, SubsecRound, Utc};
use common::{change, Server};
use outpost_domain::protocol::{PushRequest, PROTOCOL_VERSION};
use outpost_domain::version_vector::VersionVector;
use serde_json::json;

async fn stored_received_at(s: &Server, counter: u64) -> DateTime<Utc> {
    sqlx::query_scalar("SELECT received_at FROM changes WHERE counter = $1")
        .bind(i64::try_from(counter).unwrap())
        .fetch_one(s.db.pool())
        .await
        .unwrap()
}

#[tokio::test]
async fn pulled_changes_carry_the_time_the_server_received_them() {
    let s = Server::start().await;
    let clinic = s.clinic("Riverside Clinic").await;
    let (a, b) = (s.device(clinic).await, s.device(clinic).await);

    let before = Utc::now().trunc_subsecs(6);
    // A push body exactly as a client that never heard of receipt times sends it.
    let first = change(a.replica, 1);
    let body = serde_json::to_value(PushRequest {
        protocol: PROTOCOL_VERSION,
        replica_id: a.replica,
        changes: vec![first],
    })
    .unwrap();
    assert!(body["changes"][0].get("received_at").is_none(), "{body}");
    let (status, answer) = s.call("POST", "/v1/push", Some(&a.token), Some(body)).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(s.push(&a, &[change(a.replica, 2)]).await.0, StatusCode::OK);
    let after = Utc::now();

    let (status, raw) = s
        .call(
            "POST",
            "/v1/pull",
            Some(&b.token),
            Some(json!({ "protocol": PROTOCOL_VERSION, "have": {}, "limit": 10 })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{raw}");
    let stamp = raw["changes"][0]["received_at"].as_str().unwrap();
    assert!(DateTime::parse_from_rfc3339(stamp).is_ok(), "{stamp}");

    let pulled = s.pull(&b, &VersionVector::default(), 10).await.changes;
    assert_eq!(pulled.len(), 2);
    for c in &pulled {
        let at = c
            .received_at
            .expect("every pulled change has a receipt time");
        assert_eq!(at, stored_received_at(&s, c.counter).await);
        assert!(before <= at && at <= after, "{before} <= {at} <= {after}");
    }
    assert!(pulled[0].received_at <= pulled[1].received_at);
}

#[tokio::test]
async fn a_receipt_time_sent_by_a_client_is_ignored() {
    let s = Server::start().await;
    let clinic = s.clinic("Riverside Clinic").await;
    let a = s.device(clinic).await;
    let made_up: DateTime<Utc> = "1999-01-01T00:00:00Z".parse().unwrap();

    let mut forged = change(a.replica, 1);
    forged.received_at = Some(made_up);
    assert_eq!(s.push(&a, &[forged]).await.0, StatusCode::OK);

    let pulled = s.pull(&a, &VersionVector::default(), 10).await.changes;
    let at = pulled[0].received_at.unwrap();
    assert_ne!(at, made_up);
    assert_eq!(at, stored_received_at(&s, 1).await);
}
