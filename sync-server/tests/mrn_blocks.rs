//! Provisional MRN blocks against real Postgres: every workstation of a clinic gets its
//! own numbers (never overlapping, even when asked concurrently), each clinic counts on
//! its own, every allocation is recorded, and revoked devices and bad sizes get nothing.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use axum::http::StatusCode;
use common::Server;
use outpost_domain::protocol::MrnBlock;
use outpost_sync_server::{admin, Database, ServerError};
use serde_json::json;

fn block(status: StatusCode, body: serde_json::Value) -> MrnBlock {
    assert_eq!(status, StatusCode::OK, "{body}");
    serde_json::from_value(body).unwrap()
}

#[tokio::test]
async fn two_workstations_of_a_clinic_get_disjoint_blocks_and_each_is_recorded() {
    let s = Server::start().await;
    let clinic = s.clinic("Riverside Clinic").await;
    let (a, b) = (s.device(clinic).await, s.device(clinic).await);

    let (st, body) = s.mrn_block(&a, None).await;
    assert_eq!(
        body,
        json!({ "prefix": "P-", "first": 1, "last": 100 }),
        "the default block is 100 numbers with the default prefix"
    );
    let first_a = block(st, body);
    let first_b = block_of(&s, &b, 10).await;
    let second_a = block_of(&s, &a, 1).await;
    assert_eq!((first_b.first, first_b.last), (101, 110));
    assert_eq!((second_a.first, second_a.last), (111, 111));

    assert_eq!(
        s.recorded_mrn_blocks(clinic).await,
        vec![
            (a.id, first_a.first, first_a.last, "P-".to_owned()),
            (b.id, 101, 110, "P-".to_owned()),
            (a.id, 111, 111, "P-".to_owned()),
        ]
    );

    // Allocations are history.
    let rewrite = sqlx::query("UPDATE mrn_blocks SET last_number = 5")
        .execute(s.db.pool())
        .await;
    assert!(rewrite.is_err(), "mrn_blocks must be append-only");
    let remove = sqlx::query("DELETE FROM mrn_blocks")
        .execute(s.db.pool())
        .await;
    assert!(remove.is_err(), "mrn_blocks must be append-only");
}

async fn block_of(s: &Server, d: &common::Device, size: u32) -> MrnBlock {
    let (st, body) = s.mrn_block(d, Some(size)).await;
    block(st, body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_concurrent_requests_get_disjoint_blocks_covering_the_numbers_without_holes() {
    let s = Server::start().await;
    let clinic = s.clinic("Riverside Clinic").await;
    let devices = [
        s.device(clinic).await,
        s.device(clinic).await,
        s.device(clinic).await,
    ];

    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..20u32 {
        let app = s.app.clone();
        let d = devices[(i % 3) as usize].clone();
        tasks.spawn(async move {
            let size = i + 1;
            let (st, body) = common::call(&app, "POST", "/v1/mrn-blocks", Some(&d.token), {
                Some(
                    json!({ "protocol": outpost_domain::protocol::PROTOCOL_VERSION, "size": size }),
                )
            })
            .await;
            (d.id, size, block(st, body))
        });
    }
    let mut blocks = tasks.join_all().await;
    blocks.sort_by_key(|(_, _, b)| b.first);

    let mut next = 1;
    for (_, size, b) in &blocks {
        assert_eq!(b.first, next, "blocks overlap or leave a hole: {blocks:?}");
        assert_eq!(b.last - b.first + 1, u64::from(*size), "{b:?}");
        next = b.last + 1;
    }
    let total: u64 = (1..=20).sum();
    assert_eq!(next, total + 1);

    let recorded = s.recorded_mrn_blocks(clinic).await;
    let handed_out: Vec<_> = blocks
        .iter()
        .map(|(d, _, b)| (*d, b.first, b.last, b.prefix.clone()))
        .collect();
    assert_eq!(
        recorded, handed_out,
        "each allocation recorded with its device"
    );
}

#[tokio::test]
async fn each_clinic_counts_its_own_numbers_under_its_own_prefix() {
    let s = Server::start().await;
    let (x, y) = (s.clinic("Clinic X").await, s.clinic("Clinic Y").await);
    let (dx, dy) = (s.device(x).await, s.device(y).await);
    sqlx::query("UPDATE clinics SET mrn_prefix = 'YP-' WHERE clinic_id = $1")
        .bind(y.0)
        .execute(s.db.pool())
        .await
        .unwrap();

    let bx = block_of(&s, &dx, 500).await;
    let by = block_of(&s, &dy, 20).await;
    assert_eq!((bx.prefix.as_str(), bx.first, bx.last), ("P-", 1, 500));
    assert_eq!((by.prefix.as_str(), by.first, by.last), ("YP-", 1, 20));
    let bx2 = block_of(&s, &dx, 1).await;
    assert_eq!((bx2.first, bx2.last), (501, 501));

    assert_eq!(
        s.recorded_mrn_blocks(y).await,
        vec![(dy.id, 1, 20, "YP-".to_owned())]
    );

    let clinics = admin::list_clinics(&s.db).await.unwrap();
    let prefixes: Vec<_> = clinics
        .iter()
        .map(|c| (c.id, c.mrn_prefix.as_str()))
        .collect();
    assert_eq!(prefixes, vec![(x, "P-"), (y, "YP-")]);
}

#[tokio::test]
async fn a_revoked_workstation_gets_no_numbers() {
    let s = Server::start().await;
    let clinic = s.clinic("Riverside Clinic").await;
    let a = s.device(clinic).await;
    let seen_at_auth = admin::list_devices(&s.db, clinic).await.unwrap().remove(0);
    admin::revoke_device(&s.db, clinic, a.id).await.unwrap();

    let (status, body) = s.mrn_block(&a, Some(10)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["code"], "device_revoked");

    // Revoked after its request was authenticated: the allocation itself refuses.
    let late = s.db.allocate_mrn_block(&seen_at_auth, 10).await;
    assert!(matches!(late, Err(ServerError::DeviceRevoked)), "{late:?}");

    let (status, body) = s
        .call(
            "POST",
            "/v1/mrn-blocks",
            None,
            Some(json!({ "protocol": 1, "size": 10 })),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["code"], "unauthorized");
    assert!(s.recorded_mrn_blocks(clinic).await.is_empty());
}

#[tokio::test]
async fn a_bad_size_is_refused_and_uses_up_no_numbers() {
    let s = Server::start().await;
    let clinic = s.clinic("Riverside Clinic").await;
    let a = s.device(clinic).await;

    for size in [0, 1001, 4_000_000_000] {
        let (status, body) = s.mrn_block(&a, Some(size)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "size {size}: {body}");
        assert_eq!(body["code"], "bad_block_size");
        assert!(
            body["message"].as_str().unwrap().contains("1 to 1000"),
            "{body}"
        );
    }
    for bad in [
        json!({ "protocol": 1, "size": -5 }),
        json!({ "protocol": 1, "size": "ten" }),
    ] {
        let (status, body) = s
            .call("POST", "/v1/mrn-blocks", Some(&a.token), Some(bad))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(body["code"], "bad_request");
    }
    let (status, body) = s
        .call(
            "POST",
            "/v1/mrn-blocks",
            Some(&a.token),
            Some(json!({ "protocol": 99, "size": 10 })),
        )
        .await;
    assert_eq!(status, StatusCode::UPGRADE_REQUIRED, "{body}");

    assert!(s.recorded_mrn_blocks(clinic).await.is_empty());
    let b = block_of(&s, &a, 1000).await;
    assert_eq!(
        (b.first, b.last),
        (1, 1000),
        "refused requests took no numbers"
    );
}
