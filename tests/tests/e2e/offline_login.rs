//! Issue 4's acceptance, end to end: with the server down, a workstation signs a nurse in
//! with the right password and refuses a wrong one with a growing delay; she charts
//! vitals offline; back online, her sign-in reaches the server before her change, so the
//! server accepts her as its author and the other workstation gets it; an admin revokes
//! a workstation and its next sync is refused while the other keeps syncing.

use crate::common::{patient, vitals, TwoDesks};
use chrono::{Duration, Utc};
use outpost_domain::credentials::{Password, SignInRefused};
use outpost_domain::document::DocKind;
use outpost_domain::roles::{Action, Role};
use outpost_e2e::TEST_PASSWORD;
use outpost_replica::ReplicaError;
use outpost_sync_server::{admin, Database};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_nurse_signs_in_and_charts_offline_and_a_revoked_desk_stops_syncing() {
    let mut desks = TwoDesks::start("Harbour Clinic").await;
    let p = desks
        .a
        .with(|r| r.register_patient(&patient("Ama Owusu", "MRN-41"), "desk.ama"))
        .unwrap();
    desks.sync_both_twice().await;

    desks.offline().await;
    let now = Utc::now();
    let delays = desks.a.with(|r| {
        for i in 0..5 {
            let e = r
                .login(
                    "nurse.efua",
                    &Password::new("not her password"),
                    now + Duration::seconds(i),
                )
                .unwrap_err();
            assert!(
                matches!(e, ReplicaError::SignIn(SignInRefused::WrongCredentials)),
                "{e}"
            );
        }
        let mut delays = Vec::new();
        for at in [4, 5] {
            let at = now + Duration::seconds(at);
            match r.login("nurse.efua", &Password::new(TEST_PASSWORD), at) {
                Err(ReplicaError::SignIn(SignInRefused::LockedOut {
                    retry_after_seconds,
                })) => delays.push(retry_after_seconds),
                other => panic!("expected a lockout, got {other:?}"),
            }
            r.login(
                "nurse.efua",
                &Password::new("still wrong"),
                at + Duration::seconds(1),
            )
            .unwrap_err();
        }
        delays
    });
    assert!(delays[1] > delays[0], "the delay grows: {delays:?}");

    let later = now + Duration::minutes(5);
    let v = desks.a.with(|r| {
        let me = r
            .login("nurse.efua", &Password::new(TEST_PASSWORD), later)
            .unwrap();
        assert_eq!(me.role, Role::Nurse);
        let author = r
            .author_for(DocKind::Vitals, Action::Create, later)
            .unwrap();
        r.record_vitals(&vitals(p.id, 88.0), &author.username)
            .unwrap()
    });

    desks.online().await;
    desks.sync_both_twice().await;
    let db = &desks.backend().db;
    let device_a = desks.a.with(|r| r.enrollment()).unwrap().unwrap().device_id;
    assert_eq!(
        db.author_role(desks.clinic(), device_a, "nurse.efua")
            .await
            .unwrap(),
        Some(Role::Nurse)
    );
    let on_b = desks.b.with(|r| r.list_vitals(p.id)).unwrap();
    assert_eq!(on_b.len(), 1);
    assert_eq!(
        (on_b[0].id, on_b[0].taken_by.as_str()),
        (v.id, "nurse.efua")
    );
    assert!(db.list_quarantine(desks.clinic()).await.unwrap().is_empty());
    desks.assert_settled().await;

    admin::revoke_device(db, desks.clinic(), device_a)
        .await
        .unwrap();
    let refused = desks.a.sync().await.unwrap_err();
    assert!(refused.to_string().contains("revoked"), "{refused}");
    assert!(!refused.is_offline());
    desks.b.sync().await.unwrap();
}
