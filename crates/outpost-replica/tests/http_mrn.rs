//! Provisional MRNs and duplicates against the real sync server (real Postgres behind it):
//! a sync round fetches a block when the workstation runs low, registrations without an MRN
//! use it (also while the server is gone), two workstations never get the same number, and
//! the same person registered on both is flagged for review after the sync.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use crate::common;
use crate::server;

use common::new_patient;
use outpost_replica::sync::{self, sync_once, HttpTransport};
use outpost_replica::{ContactDetails, DeviceToken, MRN_LOW_WATER};
use server::{enroll_signed_in, TestServer};
use std::sync::Mutex;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workstations_get_their_own_blocks_and_duplicates_are_flagged_after_sync() {
    let server = TestServer::start().await;
    let clinic = server.clinic("Riverside Clinic").await;
    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let a = enroll_signed_in(dir_a.path(), &server.url, &server.code(clinic, "A").await)
        .await
        .unwrap();
    let b = enroll_signed_in(dir_b.path(), &server.url, &server.code(clinic, "B").await)
        .await
        .unwrap();
    let (ta, tb) = (
        sync::transport_for(&a).unwrap(),
        sync::transport_for(&b).unwrap(),
    );
    let (a, b) = (Mutex::new(a), Mutex::new(b));
    assert_eq!(a.lock().unwrap().provisional_mrns_left().unwrap(), 0);

    sync_once(&a, &ta).await.unwrap();
    sync_once(&b, &tb).await.unwrap();
    assert_eq!(a.lock().unwrap().provisional_mrns_left().unwrap(), 100);
    // Enough left: the next round asks for nothing.
    sync_once(&a, &ta).await.unwrap();
    assert_eq!(a.lock().unwrap().provisional_mrns_left().unwrap(), 100);

    // Offline (a server address nothing answers on), both register the same person.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dead =
        HttpTransport::new(&format!("http://127.0.0.1:{port}"), DeviceToken::new("x")).unwrap();
    assert!(sync_once(&a, &dead).await.unwrap_err().is_offline());
    let phone = ContactDetails {
        phone: Some("+234 803 123 4567".into()),
        ..Default::default()
    };
    let on_a = a
        .lock()
        .unwrap()
        .register_patient_with_details(&new_patient("Amara Okafor", ""), &phone, "desk.ana")
        .unwrap();
    let on_b = b
        .lock()
        .unwrap()
        .register_patient_with_details(&new_patient("Amara  OKAFOR", ""), &phone, "desk.bo")
        .unwrap();
    assert!(on_a.provisional && on_b.provisional);
    assert_ne!(on_a.mrn, on_b.mrn, "blocks never overlap");
    assert!(on_a.mrn.starts_with("P-0000"), "{}", on_a.mrn);

    sync_once(&a, &ta).await.unwrap();
    sync_once(&b, &tb).await.unwrap();
    sync_once(&a, &ta).await.unwrap();
    for r in [&a, &b] {
        let flagged = r.lock().unwrap().list_duplicates().unwrap();
        assert_eq!(flagged.len(), 1);
    }

    // Running low fetches the next block in the same round.
    {
        let mut r = a.lock().unwrap();
        while r.provisional_mrns_left().unwrap() >= MRN_LOW_WATER {
            r.register_patient(&new_patient("Filler Patient", ""), "desk.ana")
                .unwrap();
        }
    }
    sync_once(&a, &ta).await.unwrap();
    let left = a.lock().unwrap().provisional_mrns_left().unwrap();
    assert_eq!(left, MRN_LOW_WATER - 1 + 100);
}
