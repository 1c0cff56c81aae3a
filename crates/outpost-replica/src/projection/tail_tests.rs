//! Stored documents grow by appending each change to a tail and are compacted when the
//! tail is full; the replica keeps recently changed documents decoded between saves. What
//! a user depends on: every edit is there when the record is read back (from this
//! connection, from a fresh one, after a compaction), and an edit never builds on a kept
//! copy that another writer has moved past.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use super::{stored, COMPACT_AFTER};
use crate::Replica;
use outpost_domain::patient::{DemographicsUpdate, NewPatient, Sex};

fn patient(r: &mut Replica) -> outpost_domain::ids::DocId {
    let new = NewPatient {
        name: "Amara Okafor".into(),
        date_of_birth: "1984-03-07".into(),
        sex: Sex::Female,
        mrn: "MRN-1".into(),
    };
    r.register_patient(&new, "desk.ana").unwrap().id
}

fn rename(r: &mut Replica, id: outpost_domain::ids::DocId, name: &str) {
    let update = DemographicsUpdate {
        name: Some(name.into()),
        ..Default::default()
    };
    r.edit_patient(id, &update, "desk.ana").unwrap();
}

#[test]
fn edits_are_appended_then_compacted_and_every_edit_reads_back() {
    let dir = tempfile::tempdir().unwrap();
    let mut r = Replica::create(dir.path()).unwrap();
    let id = patient(&mut r);
    let created = stored(&r.conn, id).unwrap().unwrap();
    assert_eq!(created.tail, 0);

    rename(&mut r, id, "Amara Okafor-1");
    let once = stored(&r.conn, id).unwrap().unwrap();
    assert_eq!(once.tail, 1, "the edit was appended");
    assert!(
        once.bytes.starts_with(&created.bytes),
        "the saved bytes stayed"
    );

    for n in 2..=COMPACT_AFTER + 1 {
        rename(&mut r, id, &format!("Amara Okafor-{n}"));
    }
    let compacted = stored(&r.conn, id).unwrap().unwrap();
    assert_eq!(
        compacted.tail, 0,
        "a full tail is compacted into the saved bytes"
    );
    let rows: i64 = r
        .conn
        .query_row(
            "SELECT count(*) FROM document_tail WHERE doc_id = ?1",
            [id.to_string()],
            |x| x.get(0),
        )
        .unwrap();
    assert_eq!(rows, 0, "the tail's rows went with it");
    rename(&mut r, id, "Amara Okafor-last");
    assert_eq!(stored(&r.conn, id).unwrap().unwrap().tail, 1);

    // A fresh connection (no kept copies) reads the whole history back.
    drop(r);
    let r = Replica::open(dir.path()).unwrap();
    let doc = super::load(&r.conn, id).unwrap().unwrap();
    assert_eq!(doc.history().len(), COMPACT_AFTER as usize + 3);
    assert_eq!(r.patient(id).unwrap().name, "Amara Okafor-last");
}

#[test]
fn an_edit_after_another_writer_builds_on_what_that_writer_stored() {
    // Regression guard for the kept copies: two handles on one replica file (the desktop
    // app and the command line, say). Each edit must see the other's.
    let dir = tempfile::tempdir().unwrap();
    let mut first = Replica::create(dir.path()).unwrap();
    let id = patient(&mut first);
    rename(&mut first, id, "Kept By First");
    let mut second = Replica::open(dir.path()).unwrap();
    rename(&mut second, id, "Written By Second");
    // `first` still keeps its copy from before the second writer's edit.
    rename(&mut first, id, "Third By First");
    let reopened = Replica::open(dir.path()).unwrap();
    let doc = super::load(&reopened.conn, id).unwrap().unwrap();
    assert_eq!(doc.history().len(), 4, "the registration and three renames");
    assert!(
        !doc.has_concurrent_history(),
        "the last rename was made on top of the other writer's, not beside it"
    );
    assert_eq!(reopened.patient(id).unwrap().name, "Third By First");
}
