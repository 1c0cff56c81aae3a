//! A device of one clinic can neither read nor write another clinic's records.

use crate::common::patient;
use outpost_domain::protocol::{PullRequest, PushRequest, MAX_BATCH, PROTOCOL_VERSION};
use outpost_domain::version_vector::VersionVector;
use outpost_e2e::{Backend, Server, Workstation};
use outpost_replica::sync::Transport;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_of_one_clinic_cannot_push_to_or_pull_from_another() {
    let backend = Backend::start().await.unwrap();
    let x = backend.clinic("Clinic X").await.unwrap();
    let y = backend.clinic("Clinic Y").await.unwrap();
    let server = Server::start(&backend).await.unwrap();
    let wx = Workstation::enroll(
        &server,
        &backend.enrollment_code(x, "X desk").await.unwrap(),
    )
    .await
    .unwrap();
    let wy = Workstation::enroll(
        &server,
        &backend.enrollment_code(y, "Y desk").await.unwrap(),
    )
    .await
    .unwrap();
    backend.add_test_users(x).await.unwrap();
    backend.add_test_users(y).await.unwrap();
    wx.sign_in_test_users().await.unwrap();
    wy.sign_in_test_users().await.unwrap();

    wx.with(|r| r.register_patient(&patient("Sentinel Xavier", "X-1"), "clerk.x"))
        .unwrap();
    wx.sync().await.unwrap();
    wy.with(|r| r.register_patient(&patient("Yolanda Ybarra", "Y-1"), "clerk.y"))
        .unwrap();
    wy.sync().await.unwrap();
    wx.sync().await.unwrap();

    let names = |ws: &Workstation| -> Vec<String> {
        ws.with(|r| r.list_patients())
            .unwrap()
            .into_iter()
            .map(|p| p.patient.name)
            .collect()
    };
    assert_eq!(names(&wx), ["Sentinel Xavier"]);
    assert_eq!(names(&wy), ["Yolanda Ybarra"]);

    // Asking for everything with an empty version vector still yields only Y's records.
    let everything = wy
        .transport()
        .pull(&PullRequest {
            protocol: PROTOCOL_VERSION,
            have: VersionVector::default(),
            limit: MAX_BATCH as u32,
        })
        .await
        .unwrap();
    let y_replica = wy.with(|r| r.replica_id());
    assert!(!everything.changes.is_empty());
    assert!(everything.changes.iter().all(|c| c.replica_id == y_replica));

    // Y's device pushing as X's replica is refused, and X's records are untouched.
    let x_replica = wx.with(|r| r.replica_id());
    let refused = wy
        .transport()
        .push(&PushRequest {
            protocol: PROTOCOL_VERSION,
            replica_id: x_replica,
            changes: everything.changes.clone(),
        })
        .await;
    assert!(
        refused.is_err(),
        "pushing as another clinic's replica must be refused"
    );
    wx.sync().await.unwrap();
    assert_eq!(names(&wx), ["Sentinel Xavier"]);
}
