//! Setting the per-patient indexes aside and building them again: the same definitions
//! come back, a patient's chart reads the same without them, and a replica opened after a
//! bootstrap was cut off midway has them again.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use super::{defer, index_sql, restore, DEFERRABLE};
use crate::test_support::replica_with_patient;
use crate::Replica;
use outpost_domain::vitals::NewVitals;
use rusqlite::Connection;

fn definitions(conn: &Connection) -> Vec<Option<String>> {
    DEFERRABLE
        .iter()
        .map(|name| index_sql(conn, name).unwrap())
        .collect()
}

fn set_aside(conn: &Connection) -> i64 {
    conn.query_row("SELECT count(*) FROM deferred_indexes", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn restoring_builds_the_same_indexes_the_migrations_made() {
    let dir = tempfile::tempdir().unwrap();
    let mut r = Replica::create(dir.path()).unwrap();
    let made = definitions(&r.conn);
    assert!(made.iter().all(Option::is_some), "{made:?}");

    let tx = r.conn.transaction().unwrap();
    defer(&tx).unwrap();
    // Setting aside twice (every page of a bootstrap asks) keeps the first definitions.
    defer(&tx).unwrap();
    assert!(definitions(&tx).iter().all(Option::is_none));
    assert_eq!(set_aside(&tx), 2);
    assert_eq!(restore(&tx).unwrap(), 2);
    tx.commit().unwrap();

    assert_eq!(definitions(&r.conn), made);
    assert_eq!(set_aside(&r.conn), 0);
}

#[test]
fn a_patients_vitals_read_the_same_while_the_indexes_are_set_aside() {
    let (_dir, mut r, patient) = replica_with_patient();
    for rate in [64.0, 71.0, 88.0] {
        let vitals = NewVitals {
            patient_id: patient,
            heart_rate_per_min: Some(rate),
            ..Default::default()
        };
        r.record_vitals(&vitals, "nurse.kim").unwrap();
    }
    let before = r.vitals_history(patient).unwrap();
    assert_eq!(before.len(), 3);

    let tx = r.conn.transaction().unwrap();
    defer(&tx).unwrap();
    tx.commit().unwrap();
    assert_eq!(r.vitals_history(patient).unwrap(), before);
    assert_eq!(r.list_vitals(patient).unwrap().len(), 3);
}

#[test]
fn opening_a_replica_builds_the_indexes_a_cut_off_bootstrap_set_aside() {
    let dir = tempfile::tempdir().unwrap();
    let mut r = Replica::create(dir.path()).unwrap();
    let made = definitions(&r.conn);
    let tx = r.conn.transaction().unwrap();
    defer(&tx).unwrap();
    tx.commit().unwrap();
    drop(r);

    let r = Replica::open(dir.path()).unwrap();
    assert_eq!(definitions(&r.conn), made);
    assert_eq!(set_aside(&r.conn), 0);
}
