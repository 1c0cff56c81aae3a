//! The HTTP surface around sync: health, enrollment with one-time codes, authentication
//! and revocation, and errors that are always JSON saying what to do.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use axum::http::StatusCode;
use common::{change, enroll_body, Server};
use outpost_domain::ids::ReplicaId;
use outpost_domain::protocol::{EnrollResponse, PROTOCOL_VERSION};
use outpost_domain::version_vector::VersionVector;
use outpost_sync_server::admin;
use serde_json::json;

#[tokio::test]
async fn health_reports_ok_and_follows_the_database_through_a_restart() {
    let s = Server::start().await;
    let (status, body) = s.call("GET", "/health", None, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, json!({ "status": "ok" }));

    s.pg.stop().unwrap();
    let (status, body) = s.call("GET", "/health", None, None).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(body["code"], "unavailable");

    s.pg.start_again().unwrap();
    let (status, _) = s.call("GET", "/health", None, None).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "the pool reconnects after Postgres restarts"
    );
}

#[tokio::test]
async fn an_enrollment_code_works_once() {
    let s = Server::start().await;
    let clinic = s.clinic("Riverside Clinic").await;
    let code = s.code(clinic).await;
    let replica = ReplicaId::new();

    let (status, body) = s
        .call(
            "POST",
            "/v1/enroll",
            None,
            Some(enroll_body(&code, replica)),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let res: EnrollResponse = serde_json::from_value(body).unwrap();
    assert_eq!(res.clinic_id, clinic);
    assert_eq!(res.clinic_name, "Riverside Clinic");
    assert_eq!(res.device_name, "Ward 3 desk");
    assert!(res.device_token.len() > 40);

    let devices = admin::list_devices(&s.db, clinic).await.unwrap();
    assert_eq!(devices.len(), 1);
    assert_eq!(devices[0].id, res.device_id);
    assert_eq!(
        devices[0].replica_id, replica,
        "the replica is bound to the device"
    );

    let (status, body) = s
        .call(
            "POST",
            "/v1/enroll",
            None,
            Some(enroll_body(&code, ReplicaId::new())),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["code"], "enrollment_code_invalid");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("outpost-server device enroll"),
        "{body}"
    );
    assert_eq!(admin::list_devices(&s.db, clinic).await.unwrap().len(), 1);
}

#[tokio::test]
async fn codes_are_forgiving_when_retyped_but_refused_once_expired_or_unknown() {
    let s = Server::start().await;
    let clinic = s.clinic("Riverside Clinic").await;

    let code = s.code(clinic).await;
    let retyped = code.to_lowercase().replace('-', " ");
    let (status, body) = s
        .call(
            "POST",
            "/v1/enroll",
            None,
            Some(enroll_body(&retyped, ReplicaId::new())),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let expiring = s.code(clinic).await;
    sqlx::query("UPDATE enrollment_codes SET expires_at = now() - interval '1 second' WHERE used_at IS NULL")
        .execute(s.db.pool())
        .await
        .unwrap();
    for code in [expiring.as_str(), "NOT0-A0RE-A1C0-DE00"] {
        let (status, body) = s
            .call(
                "POST",
                "/v1/enroll",
                None,
                Some(enroll_body(code, ReplicaId::new())),
            )
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(body["code"], "enrollment_code_invalid");
    }
}

#[tokio::test]
async fn codes_are_only_made_for_existing_clinics_and_positive_validity() {
    let s = Server::start().await;
    let missing = outpost_domain::ids::ClinicId::new();
    let e = admin::create_enrollment_code(&s.db, missing, "desk", chrono::Duration::hours(1))
        .await
        .unwrap_err();
    assert!(e.to_string().contains("outpost-server clinic list"), "{e}");
    let clinic = s.clinic("Riverside Clinic").await;
    assert!(
        admin::create_enrollment_code(&s.db, clinic, "desk", chrono::Duration::zero())
            .await
            .is_err()
    );
    assert!(admin::create_clinic(&s.db, "   ").await.is_err());
}

#[tokio::test]
async fn a_live_replica_cannot_be_enrolled_twice_in_a_clinic() {
    let s = Server::start().await;
    let clinic = s.clinic("Riverside Clinic").await;
    let first = s.device(clinic).await;
    let code = s.code(clinic).await;
    let (status, body) = s
        .call(
            "POST",
            "/v1/enroll",
            None,
            Some(enroll_body(&code, first.replica)),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["code"], "replica_in_use");

    // Once revoked, the same workstation may enroll again (with the unused code).
    admin::revoke_device(&s.db, clinic, first.id).await.unwrap();
    let (status, body) = s
        .call(
            "POST",
            "/v1/enroll",
            None,
            Some(enroll_body(&code, first.replica)),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn requests_without_a_valid_token_are_refused() {
    let s = Server::start().await;
    let clinic = s.clinic("Riverside Clinic").await;
    let d = s.device(clinic).await;
    let pull = json!({ "protocol": PROTOCOL_VERSION, "have": {}, "limit": 10 });

    let (status, body) = s.call("POST", "/v1/pull", None, Some(pull.clone())).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(body["message"].as_str().unwrap().contains("outpost enroll"));

    let forged = format!("{}x", d.token);
    for token in ["garbage", forged.as_str()] {
        let (status, body) = s
            .call("POST", "/v1/pull", Some(token), Some(pull.clone()))
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
        assert_eq!(body["code"], "unauthorized");
    }
}

#[tokio::test]
async fn a_revoked_device_can_no_longer_push_or_pull() {
    let s = Server::start().await;
    let clinic = s.clinic("Riverside Clinic").await;
    let d = s.device(clinic).await;
    assert_eq!(s.push(&d, &[change(d.replica, 1)]).await.0, StatusCode::OK);

    admin::revoke_device(&s.db, clinic, d.id).await.unwrap();
    admin::revoke_device(&s.db, clinic, d.id).await.unwrap();
    let listed = admin::list_devices(&s.db, clinic).await.unwrap();
    assert!(listed[0].revoked_at.is_some());

    let (status, body) = s.push(&d, &[change(d.replica, 2)]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["code"], "device_revoked");
    assert!(
        body["message"].as_str().unwrap().contains("enroll"),
        "{body}"
    );

    let pull = json!({ "protocol": PROTOCOL_VERSION, "have": {}, "limit": 10 });
    let (status, body) = s.call("POST", "/v1/pull", Some(&d.token), Some(pull)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["code"], "device_revoked");
    assert_eq!(s.stored_changes().await, 1);

    let other = outpost_domain::ids::ClinicId::new();
    assert!(
        admin::revoke_device(&s.db, other, d.id).await.is_err(),
        "scoped by clinic"
    );
}

#[tokio::test]
async fn malformed_bodies_unknown_paths_and_old_protocols_get_json_errors() {
    let s = Server::start().await;
    let clinic = s.clinic("Riverside Clinic").await;
    let d = s.device(clinic).await;

    let (status, body) = s
        .call(
            "POST",
            "/v1/pull",
            Some(&d.token),
            Some(json!({ "have": 3 })),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["code"], "bad_request");

    let (status, body) = s.call("GET", "/v2/anything", None, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["code"], "not_found");

    let future = json!({ "protocol": PROTOCOL_VERSION + 1, "have": {}, "limit": 10 });
    let (status, body) = s
        .call("POST", "/v1/pull", Some(&d.token), Some(future))
        .await;
    assert_eq!(status, StatusCode::UPGRADE_REQUIRED);
    assert_eq!(body["code"], "unsupported_protocol");
    assert!(
        body["message"].as_str().unwrap().contains("update"),
        "{body}"
    );

    let mut enroll = enroll_body("whatever", ReplicaId::new());
    enroll["protocol"] = json!(0);
    let (status, _) = s.call("POST", "/v1/enroll", None, Some(enroll)).await;
    assert_eq!(status, StatusCode::UPGRADE_REQUIRED);

    // A pull with an empty vector works and finds nothing yet.
    let page = s.pull(&d, &VersionVector::default(), 10).await;
    assert!(page.changes.is_empty() && !page.more);
}

#[tokio::test]
async fn a_body_over_the_limit_is_refused_with_a_json_413() {
    use tower::ServiceExt;
    let s = Server::start().await;
    let clinic = s.clinic("Riverside Clinic").await;
    let d = s.device(clinic).await;
    let small = outpost_sync_server::app_with(
        outpost_sync_server::AppState::new(s.db.clone()),
        &outpost_sync_server::Settings {
            body_limit_bytes: 4096,
        },
    );
    let batch = common::changes(d.replica, 1, 20);
    let body = json!({ "protocol": PROTOCOL_VERSION, "replica_id": d.replica, "changes": batch });
    let req = axum::http::Request::post("/v1/push")
        .header("authorization", format!("Bearer {}", d.token))
        .header("content-type", "application/json")
        .body(axum::body::Body::from(body.to_string()))
        .unwrap();
    let res = small.oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .unwrap();
    let err: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(err["code"], "too_large");
    assert_eq!(s.stored_changes().await, 0);
}
