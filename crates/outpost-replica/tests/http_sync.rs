//! The sync client against the real sync server over HTTP (real Postgres behind it):
//! enrollment and its clean failure, push and pull between two workstations, recovery
//! from a gap, a revoked device, an unreachable server, and the background loop.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use crate::common;
use crate::server;

use common::{files_in, new_patient, normal_vitals};
use outpost_replica::sync::{
    self, run_background, sync_once, HttpTransport, SyncState, SyncStatus, TransportError,
};
use outpost_replica::{enroll, DeviceToken, Replica, ReplicaError, DB_FILE};
use server::{enroll_signed_in, TestServer};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{watch, Notify};
use tokio_util::sync::CancellationToken;

/// Upper bound for waiting on the background loop, so a bug fails instead of hanging.
const PATIENCE: Duration = Duration::from_secs(60);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_workstations_exchange_records_through_the_server() {
    let server = TestServer::start().await;
    let clinic = server.clinic("Riverside Clinic").await;
    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let a = enroll_signed_in(
        dir_a.path(),
        &server.url,
        &server.code(clinic, "Desk A").await,
    )
    .await
    .unwrap();
    let enrollment = a.enrollment().unwrap().unwrap();
    assert_eq!(enrollment.clinic_id, clinic);
    assert_eq!(enrollment.clinic_name, "Riverside Clinic");
    assert_eq!(enrollment.device_name, "Desk A");
    let b = enroll_signed_in(
        dir_b.path(),
        &server.url,
        &server.code(clinic, "Desk B").await,
    )
    .await
    .unwrap();
    let (ta, tb) = (
        sync::transport_for(&a).unwrap(),
        sync::transport_for(&b).unwrap(),
    );
    let (a, b) = (Mutex::new(a), Mutex::new(b));

    let p = a
        .lock()
        .unwrap()
        .register_patient(&new_patient("Amara Okafor", "MRN-1"), "desk.ana")
        .unwrap();
    let v = a
        .lock()
        .unwrap()
        .record_vitals(&normal_vitals(p.id), "nurse.kim")
        .unwrap();
    let report = sync_once(&a, &ta).await.unwrap();
    assert_eq!((report.pushed, report.pulled), (2, 0));
    assert_eq!(a.lock().unwrap().pending_changes().unwrap(), 0);
    assert!(a.lock().unwrap().last_sync_at().unwrap().is_some());

    let report = sync_once(&b, &tb).await.unwrap();
    assert_eq!((report.pushed, report.pulled), (0, 2));
    let list = b.lock().unwrap().list_patients().unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].patient, p);
    assert_eq!(list[0].latest_vitals, Some(v));

    // B answers with vitals of its own; A receives them; nothing moves after that.
    let vb = b
        .lock()
        .unwrap()
        .record_vitals(&normal_vitals(p.id), "nurse.lee")
        .unwrap();
    assert_eq!(sync_once(&b, &tb).await.unwrap().pushed, 1);
    assert_eq!(sync_once(&a, &ta).await.unwrap().pulled, 1);
    assert!(a
        .lock()
        .unwrap()
        .list_vitals(p.id)
        .unwrap()
        .iter()
        .any(|x| x.id == vb.id));
    for (r, t) in [(&a, &ta), (&b, &tb)] {
        let again = sync_once(r, t).await.unwrap();
        assert_eq!((again.pushed, again.pulled), (0, 0));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_enrollment_leaves_nothing_behind_so_the_operator_can_retry() {
    let server = TestServer::start().await;
    let clinic = server.clinic("Riverside Clinic").await;
    let dir = tempfile::tempdir().unwrap();

    let err = enroll(dir.path(), &server.url, "not-a-real-code")
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            ReplicaError::Enroll(TransportError::Unauthorized { .. })
        ),
        "{err:?}"
    );
    assert!(files_in(dir.path()).is_empty(), "no database is left");
    let db_path = std::fs::canonicalize(dir.path()).unwrap().join(DB_FILE);
    assert!(matches!(
        common::key_entry(&db_path).get_password(),
        Err(keyring::Error::NoEntry)
    ));

    let r = enroll_signed_in(dir.path(), &server.url, &server.code(clinic, "Desk").await)
        .await
        .unwrap();
    assert!(r.enrollment().unwrap().is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_gap_the_client_resends_from_where_the_server_is() {
    let server = TestServer::start().await;
    let clinic = server.clinic("Riverside Clinic").await;
    let dir = tempfile::tempdir().unwrap();
    let mut r = enroll_signed_in(dir.path(), &server.url, &server.code(clinic, "Desk").await)
        .await
        .unwrap();
    let t = sync::transport_for(&r).unwrap();
    for i in 0..3 {
        r.register_patient(
            &new_patient("Amara Okafor", &format!("MRN-{i}")),
            "desk.ana",
        )
        .unwrap();
    }
    // Believe (wrongly) that change 1 already reached the server: the first push starts
    // at 2, the server answers `gap` expecting 1, and the client goes back.
    r.acknowledge_pushed(1).unwrap();
    let r = Mutex::new(r);
    let report = sync_once(&r, &t).await.unwrap();
    assert_eq!(report.pushed, 3);
    assert_eq!(r.lock().unwrap().pending_changes().unwrap(), 0);

    let other_dir = tempfile::tempdir().unwrap();
    let other = enroll_signed_in(
        other_dir.path(),
        &server.url,
        &server.code(clinic, "Desk 2").await,
    )
    .await
    .unwrap();
    let to = sync::transport_for(&other).unwrap();
    let other = Mutex::new(other);
    assert_eq!(sync_once(&other, &to).await.unwrap().pulled, 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_device_or_a_bad_token_is_refused_with_what_to_do() {
    let server = TestServer::start().await;
    let clinic = server.clinic("Riverside Clinic").await;
    let dir = tempfile::tempdir().unwrap();
    let mut r = enroll_signed_in(dir.path(), &server.url, &server.code(clinic, "Desk").await)
        .await
        .unwrap();
    r.register_patient(&new_patient("Amara Okafor", "MRN-1"), "desk.ana")
        .unwrap();
    let device = r.enrollment().unwrap().unwrap().device_id;

    let forged = HttpTransport::new(&server.url, DeviceToken::new("forged")).unwrap();
    let r = Mutex::new(r);
    let err = sync_once(&r, &forged).await.unwrap_err();
    assert!(!err.is_offline());
    assert!(err.to_string().contains("refused"), "{err}");

    outpost_sync_server::admin::revoke_device(&server.db, clinic, device)
        .await
        .unwrap();
    let t = sync::transport_for(&r.lock().unwrap()).unwrap();
    let err = sync_once(&r, &t).await.unwrap_err();
    assert!(
        matches!(
            err,
            sync::SyncError::Transport(TransportError::Unauthorized { .. })
        ),
        "{err:?}"
    );
    assert_eq!(r.lock().unwrap().pending_changes().unwrap(), 1, "kept");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_server_is_offline_and_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut r = Replica::create(dir.path()).unwrap();
    r.register_patient(&new_patient("Amara Okafor", "MRN-1"), "desk.ana")
        .unwrap();
    // A port nothing listens on: bind one, note it, close it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let t = HttpTransport::new(&format!("http://127.0.0.1:{port}"), DeviceToken::new("x")).unwrap();
    assert!(t.health().await.unwrap_err().is_offline());
    let r = Mutex::new(r);
    let err = sync_once(&r, &t).await.unwrap_err();
    assert!(err.is_offline(), "{err:?}");
    assert!(err.to_string().contains("cannot be reached"), "{err}");
    assert_eq!(r.lock().unwrap().pending_changes().unwrap(), 1);
    assert!(r.lock().unwrap().last_sync_at().unwrap().is_none());
    assert!(matches!(
        sync::transport_for(&r.lock().unwrap()),
        Err(ReplicaError::NotEnrolled)
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_background_loop_pushes_after_a_nudge_and_reports_status() {
    let server = TestServer::start().await;
    let clinic = server.clinic("Riverside Clinic").await;
    let dir = tempfile::tempdir().unwrap();
    let r = enroll_signed_in(dir.path(), &server.url, &server.code(clinic, "Desk").await)
        .await
        .unwrap();
    let t = sync::transport_for(&r).unwrap();
    let initial = SyncStatus::of(&r, SyncState::Offline).unwrap();
    let replica = Arc::new(Mutex::new(r));
    let (tx, mut rx) = watch::channel(initial);
    let nudge = Arc::new(Notify::new());
    let shutdown = CancellationToken::new();
    let task = tokio::spawn(run_background(
        replica.clone(),
        t,
        tx,
        nudge.clone(),
        shutdown.clone(),
    ));

    let online = |s: &SyncStatus| s.state == SyncState::Online && s.last_sync_at.is_some();
    tokio::time::timeout(PATIENCE, rx.wait_for(online))
        .await
        .unwrap()
        .unwrap();
    replica
        .lock()
        .unwrap()
        .register_patient(&new_patient("Amara Okafor", "MRN-1"), "desk.ana")
        .unwrap();
    let written_at = chrono::Utc::now();
    nudge.notify_one();
    let synced_after_write = |s: &SyncStatus| {
        online(s) && s.pending_changes == 0 && s.last_sync_at.is_some_and(|t| t > written_at)
    };
    tokio::time::timeout(PATIENCE, rx.wait_for(synced_after_write))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(replica.lock().unwrap().pending_changes().unwrap(), 0);
    assert_eq!(rx.borrow().last_error, None);

    shutdown.cancel();
    tokio::time::timeout(PATIENCE, task).await.unwrap().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn more_than_one_batch_is_pushed_and_pulled_in_pages() {
    use outpost_replica::outpost_domain::protocol::MAX_BATCH;
    let server = TestServer::start().await;
    let clinic = server.clinic("Riverside Clinic").await;
    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let mut a = enroll_signed_in(
        dir_a.path(),
        &server.url,
        &server.code(clinic, "Desk A").await,
    )
    .await
    .unwrap();
    let n = MAX_BATCH + 37;
    for i in 0..n {
        a.register_patient(
            &new_patient("Amara Okafor", &format!("MRN-{i}")),
            "desk.ana",
        )
        .unwrap();
    }
    let ta = sync::transport_for(&a).unwrap();
    let a = Mutex::new(a);
    assert_eq!(sync_once(&a, &ta).await.unwrap().pushed, n as u64);

    let b = enroll_signed_in(
        dir_b.path(),
        &server.url,
        &server.code(clinic, "Desk B").await,
    )
    .await
    .unwrap();
    let tb = sync::transport_for(&b).unwrap();
    let b = Mutex::new(b);
    assert_eq!(sync_once(&b, &tb).await.unwrap().pulled, n as u64);
    assert_eq!(b.lock().unwrap().list_patients().unwrap().len(), n);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replica_charted_before_enrollment_is_enrolled_in_place_and_only_once() {
    let server = TestServer::start().await;
    let clinic = server.clinic("Riverside Clinic").await;
    let dir = tempfile::tempdir().unwrap();
    let id = {
        let mut r = Replica::create(dir.path()).unwrap();
        r.register_patient(&new_patient("Amara Okafor", "MRN-1"), "desk.ana")
            .unwrap();
        r.replica_id()
    };

    // A refused code leaves the existing replica and its data alone.
    let err = enroll(dir.path(), &server.url, "wrong").await.unwrap_err();
    assert!(matches!(err, ReplicaError::Enroll(_)), "{err:?}");
    assert_eq!(
        Replica::open(dir.path())
            .unwrap()
            .pending_changes()
            .unwrap(),
        1
    );

    let r = enroll_signed_in(dir.path(), &server.url, &server.code(clinic, "Desk").await)
        .await
        .unwrap();
    assert_eq!(r.replica_id(), id);
    let t = sync::transport_for(&r).unwrap();
    let r = Mutex::new(r);
    assert_eq!(sync_once(&r, &t).await.unwrap().pushed, 1);
    drop(r);

    let err = enroll_signed_in(
        dir.path(),
        &server.url,
        &server.code(clinic, "Desk 2").await,
    )
    .await
    .unwrap_err();
    assert!(
        matches!(err, ReplicaError::AlreadyEnrolled { .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("Riverside Clinic"), "{err}");
}
