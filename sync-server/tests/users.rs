//! Users and sign-in on the real app and Postgres: an admin adds users, a workstation logs
//! one in online (session bound to the device), gets the verifiers for offline login,
//! reports offline sign-ins and failures; lockout delays grow; a revoked device gets none
//! of it and its next sync is refused; `author_role` answers for signed-in users only.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::Server;
use outpost_domain::credentials::{Password, PasswordVerifier};
use outpost_domain::ids::UserId;
use outpost_domain::protocol::users::{
    LoginResponse, ReportedAttempt, SignInReport, SignInReportResponse, UsersResponse,
};
use outpost_domain::roles::Role;
use outpost_sync_server::{admin, users, Database};
use serde_json::{json, Value};
use tower::ServiceExt;

const PASSWORD: &str = "correct horse battery";

/// `POST /v1/login`; status, Retry-After header and body.
async fn login(
    s: &Server,
    token: &str,
    username: &str,
    password: &str,
) -> (StatusCode, Option<u64>, Value) {
    let req = Request::builder()
        .method("POST")
        .uri("/v1/login")
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/json")
        .body(Body::from(
            json!({ "username": username, "password": password }).to_string(),
        ))
        .unwrap();
    let res = s.app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let retry = res
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().parse().unwrap());
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .unwrap();
    (
        status,
        retry,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

async fn add(
    s: &Server,
    clinic: outpost_domain::ids::ClinicId,
    username: &str,
    role: Role,
) -> users::User {
    users::add_user(
        &s.db,
        clinic,
        username,
        "Amina Yusuf",
        role,
        &Password::new(PASSWORD),
    )
    .await
    .unwrap()
}

async fn report(s: &Server, token: &str, report: &SignInReport) -> SignInReportResponse {
    let (status, body) = s
        .call(
            "POST",
            "/v1/sign-ins",
            Some(token),
            Some(serde_json::to_value(report).unwrap()),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    serde_json::from_value(body).unwrap()
}

fn attempt(user: UserId, secs_ago: i64) -> ReportedAttempt {
    ReportedAttempt {
        id: uuid::Uuid::now_v7(),
        user_id: user,
        at: chrono::Utc::now() - chrono::Duration::seconds(secs_ago),
    }
}

#[tokio::test]
async fn an_added_user_logs_in_online_and_becomes_an_author_on_that_device_only() {
    let s = Server::start().await;
    let clinic = s.clinic("Hill Clinic").await;
    let desk = s.device(clinic).await;
    let other = s.device(clinic).await;
    let user = add(&s, clinic, "  Amina.Y ", Role::Doctor).await;
    assert_eq!(user.username, "amina.y");
    assert!(user
        .verifier
        .as_phc()
        .starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));

    assert_eq!(
        s.db.author_role(clinic, desk.id, "amina.y").await.unwrap(),
        None
    );
    let (status, _, body) = login(&s, &desk.token, "AMINA.Y", PASSWORD).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let answer: LoginResponse = serde_json::from_value(body).unwrap();
    assert_eq!(answer.user.id, user.id);
    assert_eq!(answer.user.role, Role::Doctor);
    assert_eq!(answer.user.full_name, "Amina Yusuf");
    assert!(answer.session_token.len() > 40);
    assert!(answer.expires_at > chrono::Utc::now());

    assert_eq!(
        s.db.author_role(clinic, desk.id, "amina.y").await.unwrap(),
        Some(Role::Doctor)
    );
    assert_eq!(
        s.db.author_role(clinic, other.id, "amina.y").await.unwrap(),
        None
    );
    let elsewhere = s.clinic("Valley Clinic").await;
    assert_eq!(
        s.db.author_role(elsewhere, desk.id, "amina.y")
            .await
            .unwrap(),
        None
    );

    // The session is stored only as a hash, bound to the device.
    let (device, stored): (uuid::Uuid, Vec<u8>) =
        sqlx::query_as("SELECT device_id, token_hash FROM sessions WHERE user_id = $1")
            .bind(user.id.0)
            .fetch_one(s.db.pool())
            .await
            .unwrap();
    assert_eq!(device, desk.id.0);
    assert_ne!(stored, answer.session_token.as_bytes());

    let dup = users::add_user(
        &s.db,
        clinic,
        "amina.y",
        "Other",
        Role::Nurse,
        &Password::new(PASSWORD),
    )
    .await
    .unwrap_err()
    .to_string();
    assert!(dup.contains("already has a user"), "{dup}");
    let short = users::add_user(
        &s.db,
        clinic,
        "b",
        "B",
        Role::Nurse,
        &Password::new("short"),
    )
    .await
    .unwrap_err()
    .to_string();
    assert!(short.contains("8 to 1024 characters"), "{short}");
}

#[tokio::test]
async fn workstations_get_the_verifiers_and_disabled_users_stop_authoring() {
    let s = Server::start().await;
    let clinic = s.clinic("Hill Clinic").await;
    let desk = s.device(clinic).await;
    add(&s, clinic, "nurse.joy", Role::Nurse).await;

    let (status, body) = s.call("GET", "/v1/users", Some(&desk.token), None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let listed: UsersResponse = serde_json::from_value(body).unwrap();
    let joy = listed
        .users
        .iter()
        .find(|u| u.username == "nurse.joy")
        .unwrap();
    assert_eq!(joy.role, Role::Nurse);
    assert!(!joy.disabled);
    assert!(joy.verifier.verify(&Password::new(PASSWORD)));
    assert!(!joy.verifier.verify(&Password::new("wrong password")));

    // An offline sign-in reported by the device makes the user an author there.
    let signed = attempt(joy.id, 30);
    let answer = report(
        &s,
        &desk.token,
        &SignInReport {
            sign_ins: vec![signed],
            failures: vec![],
        },
    )
    .await;
    assert_eq!(answer.acknowledged, vec![signed.id]);
    assert_eq!(
        s.db.author_role(clinic, desk.id, "nurse.joy")
            .await
            .unwrap(),
        Some(Role::Nurse)
    );
    // Sent again (a retried sync), it is acknowledged again and stored once.
    report(
        &s,
        &desk.token,
        &SignInReport {
            sign_ins: vec![signed],
            failures: vec![],
        },
    )
    .await;
    let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM sign_ins WHERE sign_in_id = $1")
        .bind(signed.id)
        .fetch_one(s.db.pool())
        .await
        .unwrap();
    assert_eq!(stored, 1);
    // A user of no clinic it knows is listed apart.
    let stranger = attempt(UserId::new(), 1);
    let answer = report(
        &s,
        &desk.token,
        &SignInReport {
            sign_ins: vec![stranger],
            failures: vec![],
        },
    )
    .await;
    assert_eq!(answer.unknown_users, vec![stranger.id]);

    assert!(s.db.disable_user(clinic, "nurse.joy").await.unwrap());
    assert_eq!(
        s.db.author_role(clinic, desk.id, "nurse.joy")
            .await
            .unwrap(),
        None
    );
    let (_, body) = s.call("GET", "/v1/users", Some(&desk.token), None).await;
    let listed: UsersResponse = serde_json::from_value(body).unwrap();
    assert!(listed
        .users
        .iter()
        .any(|u| u.username == "nurse.joy" && u.disabled));
    let (status, _, body) = login(&s, &desk.token, "nurse.joy", PASSWORD).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(
        body["message"].as_str().unwrap().contains("disabled"),
        "{body}"
    );
}

#[tokio::test]
async fn wrong_passwords_lock_the_account_with_a_growing_delay() {
    let s = Server::start().await;
    let clinic = s.clinic("Hill Clinic").await;
    let desk = s.device(clinic).await;
    let user = add(&s, clinic, "dr.kofi", Role::Surgeon).await;

    let (status, _, unknown) = login(&s, &desk.token, "nobody", "whatever it is").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    for _ in 0..5 {
        let (status, retry, wrong) = login(&s, &desk.token, "dr.kofi", "not the password").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(retry, None);
        assert_eq!(
            wrong["message"], unknown["message"],
            "unknown user and wrong password read alike"
        );
    }
    // After 5 failures even the right password waits: 429, Retry-After, a plain message.
    let (status, retry, body) = login(&s, &desk.token, "dr.kofi", PASSWORD).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert_eq!(retry, Some(1));
    assert_eq!(body["code"], "locked_out");
    assert!(
        body["message"].as_str().unwrap().contains("wait 1 seconds"),
        "{body}"
    );

    let entries =
        s.db.list_lockouts(clinic, chrono::Utc::now())
            .await
            .unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].username, "dr.kofi");
    assert_eq!(entries[0].failures, 5);

    // Failures judged offline on a workstation count too, and the delay keeps doubling.
    let failures: Vec<_> = (0..3).map(|i| attempt(user.id, 3 - i)).collect();
    report(
        &s,
        &desk.token,
        &SignInReport {
            sign_ins: vec![],
            failures,
        },
    )
    .await;
    let (status, retry, _) = login(&s, &desk.token, "dr.kofi", PASSWORD).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    let after_8 = retry.unwrap();
    assert!(
        (1..=8).contains(&after_8),
        "8 failures wait up to 8 s, got {after_8}"
    );
    let failures: Vec<_> = (0..4).map(|_| attempt(user.id, 0)).collect();
    report(
        &s,
        &desk.token,
        &SignInReport {
            sign_ins: vec![],
            failures,
        },
    )
    .await;
    let (_, retry, _) = login(&s, &desk.token, "dr.kofi", PASSWORD).await;
    let after_12 = retry.unwrap();
    assert!(
        (65..=128).contains(&after_12),
        "12 failures wait up to 128 s, got {after_12}"
    );
    assert!(after_12 > after_8);

    // A sign-in after the failures (here reported from offline) resets the account.
    report(
        &s,
        &desk.token,
        &SignInReport {
            sign_ins: vec![attempt(user.id, -1)],
            failures: vec![],
        },
    )
    .await;
    let (status, _, body) = login(&s, &desk.token, "dr.kofi", PASSWORD).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(s
        .db
        .list_lockouts(clinic, chrono::Utc::now())
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn no_more_than_100_failures_an_hour_are_counted_per_account() {
    let s = Server::start().await;
    let clinic = s.clinic("Hill Clinic").await;
    let desk = s.device(clinic).await;
    let user = add(&s, clinic, "lab.ama", Role::Lab).await;
    let failures: Vec<_> = (0..130).map(|i| attempt(user.id, 130 - i)).collect();
    let answer = report(
        &s,
        &desk.token,
        &SignInReport {
            sign_ins: vec![],
            failures,
        },
    )
    .await;
    assert_eq!(answer.acknowledged.len(), 130, "all are received");
    let counted: i64 = sqlx::query_scalar("SELECT count(*) FROM login_failures WHERE user_id = $1")
        .bind(user.id.0)
        .fetch_one(s.db.pool())
        .await
        .unwrap();
    assert_eq!(counted, 100);
    let entries =
        s.db.list_lockouts(clinic, chrono::Utc::now())
            .await
            .unwrap();
    assert_eq!(entries[0].failures, 100);
    assert_eq!(entries[0].locked_for_seconds.map(|s| s <= 900), Some(true));
}

#[tokio::test]
async fn a_revoked_device_cannot_log_in_list_users_report_or_sync() {
    let s = Server::start().await;
    let clinic = s.clinic("Hill Clinic").await;
    let desk = s.device(clinic).await;
    let user = add(&s, clinic, "fd.esi", Role::FrontDesk).await;
    let (status, _, _) = login(&s, &desk.token, "fd.esi", PASSWORD).await;
    assert_eq!(status, StatusCode::OK);
    let have = outpost_domain::version_vector::VersionVector::default();
    s.pull(&desk, &have, 10).await;

    admin::revoke_device(&s.db, clinic, desk.id).await.unwrap();

    let (status, _, body) = login(&s, &desk.token, "fd.esi", PASSWORD).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("device_revoked"))
    );
    let (status, body) = s.call("GET", "/v1/users", Some(&desk.token), None).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("device_revoked"))
    );
    let r = serde_json::to_value(SignInReport {
        sign_ins: vec![attempt(user.id, 0)],
        failures: vec![],
    })
    .unwrap();
    let (status, body) = s
        .call("POST", "/v1/sign-ins", Some(&desk.token), Some(r))
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("device_revoked"))
    );
    // The next sync, both directions.
    let pull = json!({ "protocol": 1, "have": have, "limit": 10 });
    let (status, body) = s
        .call("POST", "/v1/pull", Some(&desk.token), Some(pull))
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("device_revoked"))
    );
    let (status, body) = s.push(&desk, &[]).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("device_revoked"))
    );
}

#[test]
fn verifiers_from_the_server_match_the_domain_rule() {
    let v = PasswordVerifier::create(&Password::new(PASSWORD)).unwrap();
    assert!(PasswordVerifier::from_phc(v.as_phc()).is_ok());
}
