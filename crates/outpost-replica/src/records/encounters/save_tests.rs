//! An encounter save builds the stored projection row and its answer from the record it
//! edited, not from a second read of the document: after every kind of save (a note typed,
//! a field set, the status moved, a save that changes nothing) the answer, the stored row
//! and a fresh read of the document agree.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use super::{projection_of, stored_projection};
use crate::test_support::replica_with_encounter as chart;
use crate::Replica;
use outpost_domain::document::encounter::{
    EncounterProjection, EncounterStatus, FieldValue, NoteKind,
};
use outpost_domain::ids::DocId;

fn agrees(r: &Replica, id: DocId, answer: &EncounterProjection) {
    let read = projection_of(&crate::projection::load(&r.conn, id).unwrap().unwrap()).unwrap();
    assert_eq!(answer, &read, "the answer is what the document holds");
    assert_eq!(
        &stored_projection(&r.conn, id).unwrap(),
        answer,
        "the stored row is what the document holds"
    );
}

const LONGER: &str = "Chest pain since Tuesday, worse on exertion. Ñandú café.";

#[test]
fn every_save_answers_and_stores_what_the_document_reads() {
    let (_d, mut r, id) = chart();
    let typed = r
        .edit_encounter_note(id, NoteKind::History, "Chest pain since Tuesday.", "dr.ito")
        .unwrap();
    assert_eq!(typed.notes.history, "Chest pain since Tuesday.");
    agrees(&r, id, &typed);

    let weighed = r
        .set_encounter_field(id, "weight", FieldValue::Number(72.5), "dr.ito")
        .unwrap();
    assert_eq!(weighed.fields["weight"], FieldValue::Number(72.5));
    agrees(&r, id, &weighed);

    let more = r
        .edit_encounter_note(id, NoteKind::History, LONGER, "dr.ito")
        .unwrap();
    agrees(&r, id, &more);

    let moved = r
        .set_encounter_status(id, EncounterStatus::InProgress, "dr.ito")
        .unwrap();
    assert_eq!(moved.status, EncounterStatus::InProgress);
    agrees(&r, id, &moved);

    let unchanged = r
        .edit_encounter_note(id, NoteKind::History, LONGER, "dr.ito")
        .unwrap();
    assert_eq!(
        unchanged, moved,
        "a save that changes nothing answers the stored record"
    );
}

/// A note-only save leaves the stored row as it is without comparing it. An edit that says
/// so but changed the row is caught in debug builds, which the tests run in, before
/// anything is stored.
#[test]
#[cfg(debug_assertions)]
#[should_panic(expected = "left the projection row")]
fn a_save_claiming_to_leave_the_row_that_changed_it_is_caught() {
    use crate::audit::Action;
    use crate::projection::RowAfter;
    use outpost_domain::document::encounter::EncounterRecord;
    use outpost_domain::document::DocKind;

    let (_d, mut r, id) = chart();
    let _ = r.commit_edit(
        id,
        DocKind::Encounter,
        "dr.ito",
        Action::EDIT_ENCOUNTER,
        |_, doc, actor, meta| {
            let edited = doc.edit_kept(actor, meta, |e: &mut EncounterRecord| {
                e.set_status(EncounterStatus::InProgress)
            })?;
            Ok(edited.map(|(change, _)| (change, RowAfter::Unchanged)))
        },
    );
}
