//! Two clinicians edit the same narrative note of one encounter on two workstations while
//! the server is down: after the sync both edits are in the text, character by character,
//! on both workstations, around non-ASCII text ("38 °C") — nothing dropped, no conflict.

use crate::common::{encounter, patient, published_intake, same_changes, TwoDesks};
use outpost_domain::document::encounter::NoteKind;

const BEFORE: &str = "Temp 38 °C since Monday.";
const ON_A: &str = "Temp 38 °C since Monday, worse at night.";
const ON_B: &str = "Temp 38 °C since Monday. Naïve to antibiotics — none taken.";
const MERGED: &str = "Temp 38 °C since Monday, worse at night. Naïve to antibiotics — none taken.";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_note_edited_on_two_workstations_keeps_both_edits() {
    let mut desks = TwoDesks::start("Lakeside Clinic").await;
    let a = &desks.a;
    let template = published_intake(a, "admin.ama");
    let p = a
        .with(|r| r.register_patient(&patient("Kofi Mensah", "MRN-7"), "desk.ama"))
        .unwrap();
    let mut input = a.with(|r| encounter(r, p.id, template, 1));
    input.notes.history = BEFORE.into();
    let e = a.with(|r| r.open_encounter(&input, "dr.osei")).unwrap();
    desks.sync_both_twice().await;
    assert_eq!(
        desks.b.with(|r| r.encounter(e.id)).unwrap().notes.history,
        BEFORE
    );

    desks.offline().await;
    let on_a = desks
        .a
        .with(|r| r.edit_encounter_note(e.id, NoteKind::History, ON_A, "dr.osei"))
        .unwrap();
    assert_eq!(on_a.notes.history, ON_A);
    let on_b = desks
        .b
        .with(|r| r.edit_encounter_note(e.id, NoteKind::History, ON_B, "dr.lind"))
        .unwrap();
    assert_eq!(on_b.notes.history, ON_B);
    desks.online().await;
    desks.sync_both_twice().await;

    for ws in desks.both() {
        let shown = ws.with(|r| r.encounter(e.id)).unwrap();
        assert_eq!(
            shown.notes.history, MERGED,
            "both edits, each where it was made"
        );
        assert_eq!(shown.notes.plan, "", "other notes untouched");
        assert!(
            ws.with(|r| r.list_conflicts(e.id)).unwrap().is_empty(),
            "narrative text merges; it is never a conflict"
        );
        let authors: Vec<String> = ws
            .with(|r| r.history(e.id))
            .unwrap()
            .into_iter()
            .filter_map(|h| h.meta.map(|m| m.author))
            .collect();
        assert!(authors.iter().any(|a| a == "dr.osei"), "{authors:?}");
        assert!(authors.iter().any(|a| a == "dr.lind"), "{authors:?}");
        let view = ws.with(|r| r.encounter_view(e.id)).unwrap();
        assert_eq!(view.encounter.notes.history, MERGED);
    }
    assert_eq!(
        desks.a.with(|r| r.encounter(e.id)).unwrap(),
        desks.b.with(|r| r.encounter(e.id)).unwrap()
    );
    same_changes(&desks, e.id);
    desks.assert_settled().await;
}
