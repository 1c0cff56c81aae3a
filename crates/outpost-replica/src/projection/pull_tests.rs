//! A pulled page, as it is worked out (documents in parallel, then written in one
//! transaction): a new document is stored as the change that made it, or as a compacted
//! save when it arrived in several, and reads back the same; a later local
//! edit is appended to it; a page with one bad change is refused
//! whole even when its documents were worked out on several threads; the clock observes
//! every pulled change; and the duplicate candidates the page recomputes for the patients
//! it touched are exactly those a full recompute finds.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use crate::duplicates::{self, DuplicateCandidate};
use crate::{ContactDetails, Replica, ReplicaError};
use outpost_domain::document::{parse_change, ChangeMeta, DocKind};
use outpost_domain::patient::{DemographicsUpdate, NewPatient, Sex};
use outpost_domain::protocol::WireChange;
use outpost_domain::vitals::NewVitals;
use rusqlite::Connection;

fn replica() -> (tempfile::TempDir, Replica) {
    let dir = tempfile::tempdir().unwrap();
    let r = Replica::create(dir.path()).unwrap();
    (dir, r)
}

fn person(name: &str, mrn: &str) -> NewPatient {
    NewPatient {
        name: name.into(),
        date_of_birth: "1984-03-07".into(),
        sex: Sex::Female,
        mrn: mrn.into(),
    }
}

fn phone(n: &str) -> ContactDetails {
    ContactDetails {
        phone: Some(n.into()),
        ..Default::default()
    }
}

fn vitals(patient_id: outpost_domain::ids::DocId, rate: f64) -> NewVitals {
    NewVitals {
        patient_id,
        heart_rate_per_min: Some(rate),
        spo2_percent: Some(97.0),
        ..Default::default()
    }
}

fn stored_bytes(conn: &Connection, id: outpost_domain::ids::DocId) -> Vec<u8> {
    conn.query_row(
        "SELECT bytes FROM documents WHERE id = ?1",
        [id.to_string()],
        |r| r.get(0),
    )
    .unwrap()
}

fn count(conn: &Connection, table: &str) -> i64 {
    conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

fn sorted(mut list: Vec<DuplicateCandidate>) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = list
        .drain(..)
        .map(|d| (d.patient_a.id.to_string(), d.patient_b.id.to_string()))
        .collect();
    pairs.sort();
    pairs
}

#[test]
fn a_pulled_document_is_stored_as_its_change_and_a_local_edit_is_appended_to_it() {
    let ((_da, mut a), (_db, mut b)) = (replica(), replica());
    let p = b
        .register_patient(&person("Amara Okafor", "MRN-1"), "desk.ana")
        .unwrap();
    let v = b.record_vitals(&vitals(p.id, 72.0), "nurse.kim").unwrap();
    let page = b.unpushed_changes(500).unwrap();
    a.apply_remote_changes(&page).unwrap();

    let kept = stored_bytes(&a.conn, v.id);
    assert_eq!(kept, page[1].bytes.0, "stored as the change itself");
    let heads_of = |r: &Replica| {
        r.document_heads()
            .unwrap()
            .into_iter()
            .find(|(id, _)| *id == v.id)
            .unwrap()
            .1
    };
    assert_eq!(heads_of(&a), heads_of(&b), "the heads its change names");
    assert_eq!(a.list_vitals(p.id).unwrap(), vec![v.clone()]);
    a.mark_vitals_entered_in_error(v.id, "wrong patient", "nurse.lee")
        .unwrap();
    assert_eq!(
        stored_bytes(&a.conn, v.id),
        kept,
        "the saved bytes are not rewritten by an edit"
    );
    let edit = a.unpushed_changes(500).unwrap();
    let stored = crate::projection::stored(&a.conn, v.id).unwrap().unwrap();
    assert_eq!(stored.tail, 1);
    assert_eq!(stored.bytes, [kept, edit[0].bytes.0.clone()].concat());
    let doc = crate::projection::load(&a.conn, v.id).unwrap().unwrap();
    assert_eq!(doc.history().len(), 2);
    assert_eq!(doc.kind, DocKind::Vitals);
}

#[test]
fn a_document_pulled_with_several_changes_is_stored_as_a_compacted_save() {
    let ((_da, mut a), (_db, mut b)) = (replica(), replica());
    let p = b
        .register_patient(&person("Amara Okafor", "MRN-1"), "desk.ana")
        .unwrap();
    for n in ["0803 111 2222", "0803 111 2223", "0803 111 2224"] {
        b.edit_patient(p.id, &phone_update(n), "desk.ana").unwrap();
    }
    let page = b.unpushed_changes(500).unwrap();
    assert_eq!(page.len(), 4);
    a.apply_remote_changes(&page).unwrap();

    let stored = crate::projection::stored(&a.conn, p.id).unwrap().unwrap();
    assert_eq!(stored.tail, 0);
    let changes: usize = page.iter().map(|c| c.bytes.0.len()).sum();
    assert!(
        stored.bytes.len() < changes,
        "a save ({} bytes) is smaller than its changes ({changes})",
        stored.bytes.len()
    );
    let doc = crate::projection::load(&a.conn, p.id).unwrap().unwrap();
    assert_eq!(doc.history().len(), 4, "every change is in the save");
    assert_eq!(a.patient(p.id).unwrap(), b.patient(p.id).unwrap());
}

#[test]
fn a_page_worked_out_on_several_threads_is_still_refused_whole() {
    let ((_da, mut a), (_db, mut b), (_dc, mut c)) = (replica(), replica(), replica());
    // C registers a patient; B receives it and edits it. A, pulling only B's changes,
    // lacks C's change that B's edit builds on.
    let from_c = c
        .register_patient(&person("Zoe Adams", "MRN-C"), "desk.cy")
        .unwrap();
    let c_page = c.unpushed_changes(500).unwrap();
    b.apply_remote_changes(&c_page).unwrap();
    for i in 0..12 {
        let p = b
            .register_patient(
                &person(&format!("Patient {i}"), &format!("MRN-{i}")),
                "desk.bo",
            )
            .unwrap();
        b.record_vitals(&vitals(p.id, 60.0 + f64::from(i)), "nurse.kim")
            .unwrap();
        if i == 6 {
            b.edit_patient(from_c.id, &phone_update("0803 555 0101"), "desk.bo")
                .unwrap();
        }
    }
    let b_page = b.unpushed_changes(500).unwrap();
    assert!(b_page.len() > 20, "enough documents for several threads");

    let err = a.apply_remote_changes(&b_page).unwrap_err();
    assert!(matches!(err, ReplicaError::BadRemoteChange(_)), "{err:?}");
    assert!(err.to_string().contains(&from_c.id.to_string()), "{err}");
    assert!(err.to_string().contains("does not have yet"), "{err}");
    assert_eq!(
        count(&a.conn, "documents"),
        0,
        "nothing of the page is kept"
    );
    assert_eq!(a.version_vector().unwrap().get(&b.replica_id()), 0);

    a.apply_remote_changes(&c_page).unwrap();
    a.apply_remote_changes(&b_page).unwrap();
    assert_eq!(count(&a.conn, "documents"), 25);
    assert_eq!(a.list_patients().unwrap().len(), 13);
    assert_eq!(
        a.patient_details(from_c.id)
            .unwrap()
            .patient
            .phone
            .as_deref(),
        Some("0803 555 0101")
    );
}

fn phone_update(n: &str) -> DemographicsUpdate {
    DemographicsUpdate {
        phone: Some(n.into()),
        ..Default::default()
    }
}

#[test]
fn the_clock_observes_every_pulled_change() {
    let ((_da, mut a), (_db, mut b)) = (replica(), replica());
    for i in 0..10 {
        b.register_patient(&person(&format!("P {i}"), &format!("M-{i}")), "desk.bo")
            .unwrap();
    }
    let page: Vec<WireChange> = b.unpushed_changes(500).unwrap();
    let latest = page
        .iter()
        .filter_map(|c| ChangeMeta::of_change(&parse_change(&c.bytes.0).unwrap()))
        .map(|m| m.hlc)
        .max()
        .unwrap();
    a.apply_remote_changes(&page).unwrap();
    assert!(crate::meta::clock(&a.conn).unwrap().hlc > latest);
}

#[test]
fn duplicates_recomputed_for_the_pulled_patients_are_those_a_full_recompute_finds() {
    let ((_da, mut a), (_db, mut b)) = (replica(), replica());
    let on_b = b
        .register_patient_with_details(
            &person("Amara Okafor", "MRN-B1"),
            &phone("020 7946 0958"),
            "desk.bo",
        )
        .unwrap();
    b.register_patient_with_details(
        &person("Zoe Adams", "MRN-B2"),
        &phone("0803 555 0101"),
        "desk.bo",
    )
    .unwrap();
    let same = a
        .register_patient_with_details(
            &person("OKAFOR, Amara", "MRN-A1"),
            &phone("+44 20 7946 0958"),
            "desk.ana",
        )
        .unwrap();
    a.register_patient_with_details(
        &person("Zoe Adams", "MRN-A2"),
        &phone("0803 555 0101"),
        "desk.ana",
    )
    .unwrap();
    let full = |r: &Replica| {
        let incremental = sorted(r.list_duplicates().unwrap());
        duplicates::recompute(&r.conn).unwrap();
        assert_eq!(sorted(r.list_duplicates().unwrap()), incremental);
        incremental
    };

    b.apply_remote_changes(&a.unpushed_changes(500).unwrap())
        .unwrap();
    assert_eq!(full(&b).len(), 2, "both people are flagged");

    // A's patient gets another phone: no longer the same person as B's; a new patient on
    // A matches B's patient instead.
    a.edit_patient(same.id, &phone_update("0700 000 0000"), "desk.ana")
        .unwrap();
    let third = a
        .register_patient_with_details(
            &person("Amara Okafor", "MRN-A3"),
            &phone("020 7946 0958"),
            "desk.ana",
        )
        .unwrap();
    let before = b.version_vector().unwrap().get(&a.replica_id());
    let rest: Vec<WireChange> = a
        .unpushed_changes(500)
        .unwrap()
        .into_iter()
        .filter(|c| c.counter > before)
        .collect();
    b.apply_remote_changes(&rest).unwrap();
    let pairs = full(&b);
    assert_eq!(pairs.len(), 2, "{pairs:?}");
    let mut expected = [on_b.id.to_string(), third.id.to_string()];
    expected.sort();
    assert!(pairs.contains(&(expected[0].clone(), expected[1].clone())));
    assert!(!pairs
        .iter()
        .any(|(x, y)| *x == same.id.to_string() || *y == same.id.to_string()));
}

/// A large catch-up applies its pages in bulk: the per-patient indexes are set aside while
/// pages follow (a patient's vitals read the same meanwhile) and the page cache is wider,
/// and the round's last page, applied as usual, builds them back and gives the memory back.
#[test]
fn a_bulk_catch_up_sets_the_per_patient_indexes_aside_until_its_last_page() {
    use crate::deferred_index::index_sql;
    let ((_da, mut a), (_db, mut b)) = (replica(), replica());
    let p = b
        .register_patient(&person("Amara Okafor", "MRN-1"), "desk.ana")
        .unwrap();
    for i in 0..6 {
        b.record_vitals(&vitals(p.id, 60.0 + f64::from(i)), "nurse.kim")
            .unwrap();
    }
    let all = b.unpushed_changes(500).unwrap();
    let (first, rest) = all.split_at(4);

    let cache_kib = |r: &Replica| -> i64 {
        r.conn
            .query_row("PRAGMA cache_size", [], |row| row.get::<_, i64>(0))
            .unwrap()
            .abs()
    };
    assert_eq!(cache_kib(&a), crate::deferred_index::DEFAULT_CACHE_KIB);

    assert_eq!(a.apply_remote_changes_in_bulk(first).unwrap(), 4);
    assert!(index_sql(&a.conn, "vitals_by_patient").unwrap().is_none());
    assert_eq!(cache_kib(&a), crate::deferred_index::BULK_CACHE_KIB);
    assert_eq!(a.vitals_history(p.id).unwrap().len(), 3);

    assert_eq!(a.apply_remote_changes(rest).unwrap(), 3);
    assert_eq!(cache_kib(&a), crate::deferred_index::DEFAULT_CACHE_KIB);
    assert!(index_sql(&a.conn, "vitals_by_patient").unwrap().is_some());
    assert!(index_sql(&a.conn, "encounters_by_patient")
        .unwrap()
        .is_some());
    assert_eq!(
        a.vitals_history(p.id).unwrap(),
        b.vitals_history(p.id).unwrap()
    );
}

#[test]
fn a_document_read_ahead_as_new_but_stored_meanwhile_is_merged_not_replaced() {
    use crate::PreparedPull;
    use outpost_domain::clock::Hlc;
    use outpost_domain::document::vitals::VitalsRecord;
    use outpost_domain::document::Document;
    use outpost_domain::ids::ReplicaId;
    use outpost_domain::protocol::Bytes;

    let ((_da, mut a), (_db, mut b)) = (replica(), replica());
    let p = b
        .register_patient(&person("Amara Okafor", "MRN-1"), "desk.ana")
        .unwrap();
    let v = b.record_vitals(&vitals(p.id, 72.0), "nurse.kim").unwrap();
    let page = b.unpushed_changes(500).unwrap();
    // A third workstation creates the same vitals set concurrently: a second change that
    // depends on nothing, which the read-ahead takes for a new document.
    let made = page.iter().find(|c| c.doc_id == v.id).unwrap();
    let (doc, _) = Document::from_remote(
        v.id,
        DocKind::Vitals,
        vec![parse_change(&made.bytes.0).unwrap()],
    )
    .unwrap();
    let record: VitalsRecord = doc.read().unwrap();
    let other = ReplicaId::new();
    let meta = ChangeMeta {
        author: "nurse.lee".into(),
        wall_ms: 1_000,
        hlc: Hlc {
            wall_ms: 1_000,
            logical: 0,
        },
    };
    let (_, again) = Document::create(other, v.id, DocKind::Vitals, &record, &meta).unwrap();
    let ahead = PreparedPull::read(vec![WireChange {
        replica_id: other,
        counter: 1,
        doc_id: v.id,
        kind: DocKind::Vitals,
        digest: again.digest,
        bytes: Bytes(again.bytes),
        received_at: None,
    }]);

    a.apply_remote_changes(&page).unwrap();
    assert_eq!(a.apply_prepared_pull(ahead).unwrap(), 1);
    assert_eq!(a.history(v.id).unwrap().len(), 2, "both creations are kept");
    let listed = a.list_vitals(p.id).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].id, v.id);
}
