//! Two workstations chart while the server is down; when it returns both hold everything,
//! and syncing again and again adds nothing.

use crate::common::{patient, vitals, TwoDesks};
use std::collections::BTreeSet;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_work_on_two_workstations_merges_with_nothing_lost_or_duplicated() {
    let mut desks = TwoDesks::start("Riverside Clinic").await;
    let (a, b) = (&desks.a, &desks.b);

    // Both workstations hold the shared patient before the link goes down.
    let shared = a
        .with(|r| r.register_patient(&patient("Shared Patient", "MRN-100"), "clerk.a"))
        .unwrap();
    a.sync().await.unwrap();
    b.sync().await.unwrap();
    assert_eq!(b.with(|r| r.patient(shared.id)).unwrap(), shared);

    desks.offline().await;
    let (a, b) = (&desks.a, &desks.b);

    let newcomer = a
        .with(|r| r.register_patient(&patient("Offline Newcomer", "MRN-101"), "clerk.a"))
        .unwrap();
    a.with(|r| r.record_vitals(&vitals(newcomer.id, 88.0), "nurse.a"))
        .unwrap();
    let from_a = a
        .with(|r| r.record_vitals(&vitals(shared.id, 80.0), "nurse.a"))
        .unwrap();
    let from_b = b
        .with(|r| r.record_vitals(&vitals(shared.id, 90.0), "nurse.b"))
        .unwrap();
    for ws in [a, b] {
        assert!(
            ws.sync().await.unwrap_err().is_offline(),
            "the server is down"
        );
    }
    assert_eq!(a.with(|r| r.pending_changes()).unwrap(), 3);
    assert_eq!(b.with(|r| r.pending_changes()).unwrap(), 1);

    desks.online().await;
    let (a, b) = (&desks.a, &desks.b);
    for _ in 0..3 {
        a.sync().await.unwrap();
        b.sync().await.unwrap();
    }

    for ws in [&a, &b] {
        let patients = ws.with(|r| r.list_patients()).unwrap();
        let names: Vec<_> = patients.iter().map(|p| p.patient.name.as_str()).collect();
        assert_eq!(names, ["Offline Newcomer", "Shared Patient"]);
        let shared_vitals = ws.with(|r| r.list_vitals(shared.id)).unwrap();
        let ids: BTreeSet<_> = shared_vitals.iter().map(|v| v.id).collect();
        assert_eq!(
            ids,
            BTreeSet::from([from_a.id, from_b.id]),
            "both sets, once each"
        );
        assert_eq!(shared_vitals.len(), 2);
        assert_eq!(ws.with(|r| r.list_vitals(newcomer.id)).unwrap().len(), 1);
        assert_eq!(ws.with(|r| r.pending_changes()).unwrap(), 0);
        assert!(ws.with(|r| r.last_sync_at()).unwrap().is_some());
    }
    assert_eq!(
        a.with(|r| r.list_patients()).unwrap(),
        b.with(|r| r.list_patients()).unwrap(),
        "both workstations show the same list"
    );

    // Another round moves nothing.
    let again = a.sync().await.unwrap();
    assert_eq!((again.pushed, again.pulled), (0, 0));
    let again = b.sync().await.unwrap();
    assert_eq!((again.pushed, again.pulled), (0, 0));
}
