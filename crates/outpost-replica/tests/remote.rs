//! Applying changes that came from another replica (a second real replica in its own temp
//! dir): idempotent, atomic per page, never added to the local outbox, and refused when a
//! page is damaged or out of order.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use crate::common;

use common::{count, new_patient, normal_vitals, raw};
use outpost_replica::{Replica, ReplicaError};

#[test]
fn applying_the_same_page_twice_adds_nothing_the_second_time() {
    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let mut a = Replica::create(dir_a.path()).unwrap();
    let mut b = Replica::create(dir_b.path()).unwrap();
    let p = b
        .register_patient(&new_patient("Amara Okafor", "MRN-1"), "desk.ana")
        .unwrap();
    let v = b.record_vitals(&normal_vitals(p.id), "nurse.kim").unwrap();
    let page = b.unpushed_changes(500).unwrap();
    assert_eq!(page.len(), 2);

    assert_eq!(a.apply_remote_changes(&page).unwrap(), 2);
    assert_eq!(a.apply_remote_changes(&page).unwrap(), 0);

    let list = a.list_patients().unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].patient, p);
    assert_eq!(list[0].latest_vitals, Some(v.clone()));
    assert_eq!(a.list_vitals(p.id).unwrap(), vec![v]);
    let conn = raw(a.db_path());
    assert_eq!(count(&conn, "documents"), 2);
    assert_eq!(count(&conn, "vitals"), 1);
    assert_eq!(
        count(&conn, "changes"),
        0,
        "remote changes are not in the outbox"
    );
    assert_eq!(a.pending_changes().unwrap(), 0);
    assert_eq!(a.version_vector().unwrap().get(&b.replica_id()), 2);

    // A's own changes echoed back are covered by its vector and skipped too.
    a.register_patient(&new_patient("Zoe Adams", "MRN-2"), "desk.ana")
        .unwrap();
    let own = a.unpushed_changes(500).unwrap();
    assert_eq!(a.apply_remote_changes(&own).unwrap(), 0);
    assert_eq!(a.list_patients().unwrap().len(), 2);

    // After reopening, the vector still says what A holds.
    let b_id = b.replica_id();
    drop(a);
    let a = Replica::open(dir_a.path()).unwrap();
    assert_eq!(a.version_vector().unwrap().get(&b_id), 2);
}

#[test]
fn a_damaged_or_out_of_order_page_is_refused_whole() {
    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let mut a = Replica::create(dir_a.path()).unwrap();
    let mut b = Replica::create(dir_b.path()).unwrap();
    let p = b
        .register_patient(&new_patient("Amara Okafor", "MRN-1"), "desk.ana")
        .unwrap();
    b.record_vitals(&normal_vitals(p.id), "nurse.kim").unwrap();
    let page = b.unpushed_changes(500).unwrap();

    let err = a.apply_remote_changes(&page[1..]).unwrap_err();
    assert!(matches!(err, ReplicaError::BadRemoteChange(_)), "{err:?}");
    assert!(err.to_string().contains("arrived before change 1"), "{err}");

    let mut tampered = page.clone();
    tampered[1].digest = "00".repeat(32);
    let err = a.apply_remote_changes(&tampered).unwrap_err();
    assert!(
        err.to_string().contains("does not match its digest"),
        "{err}"
    );

    let conn = raw(a.db_path());
    assert_eq!(
        count(&conn, "documents"),
        0,
        "the good first change was rolled back"
    );
    assert_eq!(a.version_vector().unwrap().get(&b.replica_id()), 0);
    assert_eq!(a.apply_remote_changes(&page).unwrap(), 2);
}

#[test]
fn acknowledging_marks_pushed_and_a_rewind_puts_changes_back_in_the_outbox() {
    let dir = tempfile::tempdir().unwrap();
    let mut r = Replica::create(dir.path()).unwrap();
    for i in 0..4 {
        r.register_patient(
            &new_patient("Amara Okafor", &format!("MRN-{i}")),
            "desk.ana",
        )
        .unwrap();
    }
    assert_eq!(r.acknowledge_pushed(3).unwrap(), 3);
    assert_eq!(r.pending_changes().unwrap(), 1);
    assert_eq!(r.unpushed_changes(10).unwrap()[0].counter, 4);
    // the server says it holds only 1: 2 and 3 go out again
    assert_eq!(r.acknowledge_pushed(1).unwrap(), 0);
    let counters: Vec<u64> = r
        .unpushed_changes(10)
        .unwrap()
        .iter()
        .map(|c| c.counter)
        .collect();
    assert_eq!(counters, [2, 3, 4]);
}
