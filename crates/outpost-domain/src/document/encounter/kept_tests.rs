//! Saves that start from the record the previous save left (`Document::edit_kept`) write
//! exactly what saves that read the record first write, and see what other workstations
//! wrote as soon as it arrives; so does a template read kept between saves
//! (`Document::read_keeping`).

use super::tests::new_encounter;
use super::*;
use crate::document::template::testing::{exchange, meta, published_intake, replica_copy};
use crate::document::values::NARRATIVE_MAX;
use crate::document::{DocKind, Document};
use crate::ids::ReplicaId;

type Edit = Box<dyn Fn(&mut EncounterRecord, &TemplateRecord) -> Result<(), DomainError>>;

fn note(which: NoteKind, text: &str) -> Edit {
    let text = text.to_owned();
    Box::new(move |e, _| e.edit_note(which, &text))
}

fn encounter(template: &TemplateRecord, replica: ReplicaId) -> Document {
    let record = new_encounter(template)
        .validate(DocId::new(), template)
        .unwrap();
    Document::create(
        replica,
        record.id,
        DocKind::Encounter,
        &record,
        &meta("dr.osei", 10_000),
    )
    .unwrap()
    .0
}

#[test]
fn kept_saves_write_the_same_changes_as_saves_that_read_first() {
    let template = published_intake();
    let replica = ReplicaId::new();
    let mut read_first = encounter(&template, replica);
    let mut kept = read_first.clone();
    let long = "Pain radiating to the left arm. ".repeat(4);
    let edits: Vec<Edit> = vec![
        note(NoteKind::History, "Temp 38"),
        note(NoteKind::History, "Temp 38.5 °C at home"),
        // Typing in the middle, after non-ASCII text.
        note(NoteKind::History, "Temp 38.5 °C (oral) at home"),
        // A word deleted.
        note(NoteKind::History, "Temp 38.5 °C at home"),
        // Nothing differs: no change, and the kept record stays usable.
        note(NoteKind::History, "Temp 38.5 °C at home"),
        // A rewrite longer than one splice goes through the diff.
        note(NoteKind::History, &format!("Temp 38.5 °C at home. {long}")),
        note(NoteKind::History, &format!("Afebrile today. {long}Müller")),
        note(NoteKind::Plan, "Echo in two weeks"),
        Box::new(|e, t| e.set_field(t, "bp_sys", FieldValue::Number(128.0))),
        Box::new(|e, _| e.set_status(EncounterStatus::InProgress)),
        // A field and a note in one save; only what changed is written.
        Box::new(|e, t| {
            e.set_field(t, "bp_sys", FieldValue::Number(131.0))?;
            e.edit_note(NoteKind::Assessment, "Stable, afebrile")
        }),
        // Refused: nothing written, and the next save still starts right.
        note(NoteKind::Plan, &"z".repeat(NARRATIVE_MAX + 1)),
        note(NoteKind::Plan, "Echo in two weeks; review after"),
    ];
    for (i, edit) in edits.iter().enumerate() {
        let at = meta("dr.osei", 11_000 + i as i64);
        let a = read_first.edit_keeping(replica, &at, |r: &mut EncounterRecord| edit(r, &template));
        let b = kept.edit_kept(replica, &at, |r: &mut EncounterRecord| edit(r, &template));
        match (a, b) {
            (Ok(a), Ok(b)) => {
                assert_eq!(a.is_some(), b.is_some(), "edit {i}: one path wrote nothing");
                if let (Some((ca, ra)), Some((cb, rb))) = (a, b) {
                    assert_eq!(ca.digest, cb.digest, "edit {i} wrote a different change");
                    assert_eq!(ra, rb, "edit {i}");
                }
            }
            (Err(_), Err(_)) => {}
            (a, b) => panic!("edit {i}: one path refused: {:?} / {:?}", a.err(), b.err()),
        }
        assert_eq!(read_first.heads(), kept.heads(), "after edit {i}");
    }
    let stored: EncounterRecord = kept.read().unwrap();
    assert_eq!(
        stored.notes.history.as_str(),
        format!("Afebrile today. {long}Müller")
    );
    assert_eq!(
        stored.notes.plan.as_str(),
        "Echo in two weeks; review after"
    );
    assert_eq!(stored.status, EncounterStatus::InProgress);
}

#[test]
fn a_kept_save_after_a_pull_keeps_what_the_other_workstation_typed() {
    let template = published_intake();
    let (ra, rb) = (ReplicaId::new(), ReplicaId::new());
    let mut a = encounter(&template, ra);
    let mut b = replica_copy(&a);
    let type_a = |doc: &mut Document, at: i64, text: &str| {
        doc.edit_kept(ra, &meta("dr.osei", at), |r: &mut EncounterRecord| {
            r.edit_note(NoteKind::History, text)
        })
        .unwrap()
        .expect("the save wrote a change");
    };
    type_a(&mut a, 11_000, "Cough for 3 days.");
    exchange(&mut a, &mut b);
    // Workstation A keeps typing (its kept record is current); B inserts at the start.
    type_a(&mut a, 12_000, "Cough for 3 days. No fever.");
    b.edit_kept(rb, &meta("nurse.kim", 12_001), |r: &mut EncounterRecord| {
        r.edit_note(NoteKind::History, "Dry cough for 3 days.")
    })
    .unwrap();
    exchange(&mut a, &mut b);
    // A's kept record predates B's words: the next save must read them, not erase them.
    type_a(
        &mut a,
        13_000,
        "Dry cough for 3 days. No fever. Eating well.",
    );
    let text = |d: &Document| {
        d.read::<EncounterRecord>()
            .unwrap()
            .notes
            .history
            .as_str()
            .to_owned()
    };
    assert_eq!(text(&a), "Dry cough for 3 days. No fever. Eating well.");
    exchange(&mut a, &mut b);
    assert_eq!(text(&b), text(&a));
}

#[test]
fn a_kept_template_follows_a_change_pulled_since_it_was_read() {
    let template = published_intake();
    let (ra, rb) = (ReplicaId::new(), ReplicaId::new());
    let (mut a, _) = Document::create(
        ra,
        template.id,
        DocKind::Template,
        &template,
        &meta("admin.ana", 10_000),
    )
    .unwrap();
    let mut b = replica_copy(&a);
    assert_eq!(a.read_keeping::<TemplateRecord>().unwrap(), template);
    // Read again while nothing changed: the kept copy, equal to reading.
    assert_eq!(a.read_keeping::<TemplateRecord>().unwrap(), template);
    b.edit(rb, &meta("admin.lee", 11_000), |t: &mut TemplateRecord| {
        t.rename("Cardiology intake (revised)")
    })
    .unwrap()
    .expect("the rename wrote a change");
    exchange(&mut a, &mut b);
    let read = a.read_keeping::<TemplateRecord>().unwrap();
    assert_eq!(read.draft().name, "Cardiology intake (revised)");
    assert_eq!(read, b.read::<TemplateRecord>().unwrap());
}
