//! An encounter's row keeps its notes out (they are in the document) and every answer still
//! shows them: the one encounter, a patient's list, the list of all; a row written by the
//! build that kept notes in it is rebuilt without them when the replica opens.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use crate::test_support::replica_with_encounter;
use crate::Replica;
use outpost_domain::document::encounter::{FieldValue, NoteKind};

/// A history of 2,000 characters, as a long consultation leaves it.
fn long_history() -> String {
    "Breathless on the stairs since the spring, worse at night; sleeps on three pillows. "
        .repeat(24)
        .chars()
        .take(2_000)
        .collect()
}

fn stored_detail(r: &Replica) -> String {
    r.conn
        .query_row("SELECT detail FROM encounters", [], |row| row.get(0))
        .unwrap()
}

#[test]
fn a_long_note_is_not_kept_in_the_row_but_every_answer_shows_it() {
    let (_d, mut r, id) = replica_with_encounter();
    let history = long_history();
    r.edit_encounter_note(id, NoteKind::History, &history, "dr.ito")
        .unwrap();
    let saved = r
        .edit_encounter_note(id, NoteKind::Plan, "Echo; review in 2 weeks", "dr.ito")
        .unwrap();
    r.set_encounter_field(id, "weight", FieldValue::Number(88.0), "dr.ito")
        .unwrap();

    let detail = stored_detail(&r);
    assert!(!detail.contains("Breathless"), "note in the row: {detail}");
    assert!(!detail.contains("Echo"), "note in the row: {detail}");
    assert!(detail.len() < 400, "row detail is {} bytes", detail.len());

    let shown = r.encounter(id).unwrap();
    assert_eq!(shown.notes.history, history);
    assert_eq!(shown.notes.plan, saved.notes.plan);
    assert_eq!(shown.fields["weight"], FieldValue::Number(88.0));
    let patients = r.list_encounters(Some(shown.patient_id)).unwrap();
    assert_eq!(patients, vec![shown.clone()]);
    assert_eq!(r.list_encounters(None).unwrap(), vec![shown]);
}

#[test]
fn a_row_that_kept_its_notes_is_rebuilt_without_them_when_the_replica_opens() {
    let (dir, mut r, id) = replica_with_encounter();
    let shown = r
        .edit_encounter_note(id, NoteKind::History, &long_history(), "dr.ito")
        .unwrap();
    // As the build before this row left it: the whole projection, notes included, and an
    // older projection version.
    r.conn
        .execute(
            "UPDATE encounters SET detail = ?1",
            [serde_json::to_string(&shown).unwrap()],
        )
        .unwrap();
    r.conn
        .execute("UPDATE meta SET projection_version = 1", [])
        .unwrap();
    assert!(stored_detail(&r).contains("Breathless"));
    drop(r);

    let r = Replica::open(dir.path()).unwrap();
    assert!(!stored_detail(&r).contains("Breathless"));
    assert_eq!(r.encounter(id).unwrap(), shown);
}
