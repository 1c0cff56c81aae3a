//! Encounters edited on two workstations, through documents exchanging changes as sync does.

use super::tests::new_encounter;
use super::*;
use crate::document::template::testing::{exchange, meta, published_intake, replica_copy};
use crate::document::values::SHORT_TEXT_MAX;
use crate::document::{DocKind, Document};
use crate::ids::ReplicaId;

struct Pair {
    template: TemplateRecord,
    a: Document,
    b: Document,
    ra: ReplicaId,
    rb: ReplicaId,
}

fn pair() -> Pair {
    let template = published_intake();
    let (ra, rb) = (ReplicaId::new(), ReplicaId::new());
    let record = new_encounter(&template)
        .validate(DocId::new(), &template)
        .unwrap();
    let (a, _) = Document::create(
        ra,
        record.id,
        DocKind::Encounter,
        &record,
        &meta("dr.osei", 10_000),
    )
    .unwrap();
    let b = replica_copy(&a);
    Pair {
        template,
        a,
        b,
        ra,
        rb,
    }
}

fn edit(
    doc: &mut Document,
    replica: ReplicaId,
    who: &str,
    at: i64,
    f: impl FnOnce(&mut EncounterRecord) -> Result<(), DomainError>,
) {
    doc.edit::<EncounterRecord>(replica, &meta(who, at), f)
        .unwrap()
        .expect("the edit wrote a change");
}

#[test]
fn concurrent_edits_of_one_note_both_survive_even_after_non_ascii_text() {
    let mut p = pair();
    edit(&mut p.a, p.ra, "dr.osei", 11_000, |e| {
        e.edit_note(NoteKind::History, "Temp 38.5 °C at home. Cough for 3 days.")
    });
    exchange(&mut p.a, &mut p.b);
    edit(&mut p.a, p.ra, "dr.osei", 12_000, |e| {
        e.edit_note(
            NoteKind::History,
            "Temp 38.5 °C at home, résolu. Cough for 3 days.",
        )
    });
    edit(&mut p.b, p.rb, "nurse.kim", 12_001, |e| {
        e.edit_note(
            NoteKind::History,
            "Temp 38.5 °C at home. Dry cough for 3 days.",
        )
    });
    exchange(&mut p.a, &mut p.b);
    let merged: EncounterRecord = p.a.read().unwrap();
    assert_eq!(
        merged.notes.history.as_str(),
        "Temp 38.5 °C at home, résolu. Dry cough for 3 days."
    );
    assert_eq!(merged, p.b.read::<EncounterRecord>().unwrap());
    assert!(p.a.conflicts().is_empty(), "{:?}", p.a.conflicts());
}

#[test]
fn one_field_set_to_two_values_is_a_conflict_showing_both_until_resolved() {
    let mut p = pair();
    let t = p.template.clone();
    edit(&mut p.a, p.ra, "dr.osei", 13_000, |e| {
        e.set_field(&t, "rhythm", FieldValue::Text("afib".into()))
    });
    edit(&mut p.b, p.rb, "nurse.kim", 13_001, |e| {
        e.set_field(&t, "rhythm", FieldValue::Text("flutter".into()))
    });
    exchange(&mut p.a, &mut p.b);
    let conflicts = p.a.conflicts();
    assert_eq!(conflicts, p.b.conflicts());
    assert_eq!(conflicts.len(), 1, "{conflicts:?}");
    assert_eq!(conflicts[0].path, "fields.rhythm");
    let mut shown: Vec<(String, String, i64)> = conflicts[0]
        .values
        .iter()
        .map(|v| (v.value.to_string(), v.author.clone(), v.wall_ms))
        .collect();
    shown.sort();
    assert_eq!(
        shown,
        [
            ("\"afib\"".to_owned(), "dr.osei".to_owned(), 13_000),
            ("\"flutter\"".to_owned(), "nurse.kim".to_owned(), 13_001)
        ]
    );
    // An unrelated edit leaves the conflict open.
    edit(&mut p.a, p.ra, "dr.osei", 14_000, |e| {
        e.set_field(&t, "smoker", FieldValue::Flag(true))
    });
    assert_eq!(p.a.conflicts().len(), 1);
    p.a.resolve(
        p.ra,
        &meta("dr.osei", 15_000),
        "fields.rhythm",
        &serde_json::json!("flutter"),
        "dr.osei",
    )
    .unwrap();
    exchange(&mut p.a, &mut p.b);
    assert!(p.b.conflicts().is_empty());
    let merged: EncounterRecord = p.b.read().unwrap();
    assert_eq!(merged.fields["rhythm"], FieldValue::Text("flutter".into()));
    assert_eq!(merged.fields["smoker"], FieldValue::Flag(true));
    let resolutions = p.b.resolutions().unwrap();
    assert_eq!(resolutions.len(), 1);
    assert_eq!(resolutions[0].rejected[0].value, serde_json::json!("afib"));
    merged.validate(&t).unwrap();
    // Later edits through the record type keep the recorded resolution.
    edit(&mut p.b, p.rb, "nurse.kim", 15_500, |e| {
        e.edit_note(NoteKind::Plan, "Rate control")
    });
    assert_eq!(p.b.resolutions().unwrap(), resolutions);
}

#[test]
fn one_selection_changed_differently_on_two_workstations_is_a_conflict_not_a_mixture() {
    let mut p = pair();
    let t = p.template.clone();
    let choices = |v: &[&str]| FieldValue::Choices(v.iter().map(|s| s.to_string()).collect());
    edit(&mut p.a, p.ra, "dr.osei", 18_000, |e| {
        e.set_field(&t, "symptoms", choices(&["chest pain"]))
    });
    exchange(&mut p.a, &mut p.b);
    edit(&mut p.a, p.ra, "dr.osei", 18_100, |e| {
        e.set_field(&t, "symptoms", choices(&["chest pain", "syncope"]))
    });
    edit(&mut p.b, p.rb, "nurse.kim", 18_101, |e| {
        e.set_field(&t, "symptoms", choices(&["dyspnoea"]))
    });
    exchange(&mut p.a, &mut p.b);
    let conflicts = p.a.conflicts();
    assert_eq!(conflicts.len(), 1, "{conflicts:?}");
    assert_eq!(conflicts[0].path, "fields.symptoms");
    let mut shown: Vec<String> = conflicts[0]
        .values
        .iter()
        .map(|v| v.value.to_string())
        .collect();
    shown.sort();
    assert_eq!(shown, [r#"["chest pain","syncope"]"#, r#"["dyspnoea"]"#]);
    p.b.resolve(
        p.rb,
        &meta("nurse.kim", 18_200),
        "fields.symptoms",
        &serde_json::json!(["dyspnoea"]),
        "nurse.kim",
    )
    .unwrap();
    exchange(&mut p.a, &mut p.b);
    assert!(p.a.conflicts().is_empty());
    let merged: EncounterRecord = p.a.read().unwrap();
    assert_eq!(merged.fields["symptoms"], choices(&["dyspnoea"]));
    // Setting the same selection again writes nothing.
    let again =
        p.a.edit::<EncounterRecord>(p.ra, &meta("dr.osei", 18_300), |e| {
            e.set_field(&t, "symptoms", choices(&["dyspnoea"]))
        })
        .unwrap();
    assert!(again.is_none());
}

#[test]
fn different_fields_set_concurrently_are_both_kept_without_conflict() {
    let mut p = pair();
    let t = p.template.clone();
    edit(&mut p.a, p.ra, "dr.osei", 16_000, |e| {
        e.set_field(&t, "symptoms", FieldValue::Choices(vec!["syncope".into()]))?;
        e.set_status(EncounterStatus::InProgress)
    });
    edit(&mut p.b, p.rb, "nurse.kim", 16_001, |e| {
        e.set_field(&t, "bp_sys", FieldValue::Number(118.0))
    });
    exchange(&mut p.a, &mut p.b);
    let merged: EncounterRecord = p.a.read().unwrap();
    assert_eq!(
        merged.fields["symptoms"],
        FieldValue::Choices(vec!["syncope".into()])
    );
    assert_eq!(merged.fields["bp_sys"], FieldValue::Number(118.0));
    assert_eq!(merged.status, EncounterStatus::InProgress);
    assert!(p.a.conflicts().is_empty(), "{:?}", p.a.conflicts());
}

#[test]
fn bad_input_through_a_document_is_refused_and_nothing_is_stored() {
    let mut p = pair();
    let t = p.template.clone();
    let heads = p.a.heads();
    let before: EncounterRecord = p.a.read().unwrap();
    for bad in [
        ("ghost", FieldValue::Flag(true)),
        ("bp_sys", FieldValue::Text("high".into())),
        ("bp_sys", FieldValue::Number(20.0)),
        ("summary", FieldValue::Text("s".repeat(SHORT_TEXT_MAX + 1))),
    ] {
        let err =
            p.a.edit::<EncounterRecord>(p.ra, &meta("dr.osei", 17_000), |e| {
                e.set_field(&t, bad.0, bad.1.clone())
            })
            .unwrap_err();
        assert_eq!(err.field_errors()[0].field, format!("fields.{}", bad.0));
    }
    assert_eq!(p.a.heads(), heads);
    assert_eq!(p.a.read::<EncounterRecord>().unwrap(), before);
    // Setting a field to the value it already has writes nothing.
    let same =
        p.a.edit::<EncounterRecord>(p.ra, &meta("dr.osei", 17_001), |e| {
            e.set_field(&t, "bp_sys", FieldValue::Number(142.0))
        })
        .unwrap();
    assert!(same.is_none());
}

#[test]
fn an_encounter_charted_on_v1_still_renders_v1_after_v2_is_published() {
    let mut p = pair();
    let (rt, rt2) = (ReplicaId::new(), ReplicaId::new());
    let mut t_a = crate::document::template::testing::template_doc(rt, &p.template);
    let mut t_b = replica_copy(&t_a);
    t_b.edit::<TemplateRecord>(rt2, &meta("admin.ben", 20_000), |t| {
        t.remove_field("rhythm")?;
        t.rename("Cardiology intake v2")?;
        t.publish("admin.ben", 20_000).map(|_| ())
    })
    .unwrap();
    exchange(&mut t_a, &mut t_b);
    let template: TemplateRecord = t_a.read().unwrap();
    assert_eq!(template.latest().unwrap().number, 2);
    // The encounter keeps working against version 1, where "rhythm" still exists.
    edit(&mut p.a, p.ra, "dr.osei", 21_000, |e| {
        e.set_field(&template, "rhythm", FieldValue::Text("afib".into()))
    });
    let record: EncounterRecord = p.a.read().unwrap();
    let view = EncounterView::render(&record, &template).unwrap();
    assert_eq!(
        (view.template_name.as_str(), view.template_version),
        ("Cardiology intake", 1)
    );
    assert!(view.pages[0].sections[0]
        .fields
        .iter()
        .any(|f| f.id == "rhythm"));
    record.validate(&template).unwrap();
}

#[test]
fn typing_deleting_and_replacing_in_a_note_reads_back_exactly_on_both_sides() {
    // Each save is written as one splice from the text the edit read (see `Note`); the
    // positions must be Automerge's (code points), also after non-ASCII characters.
    let mut p = pair();
    let steps = [
        "Temp 38.5 °C",
        "Temp 38.5 °C, pulse 92",
        "Temp 38.5 °C, pulse 92 — Müller",
        "Temp 38.5 °C — Müller",
        "Temp 39.1 °C — Müller",
        "Temp 39.1 °C — Müller 🙂 ok",
        "",
    ];
    for (n, text) in steps.iter().enumerate() {
        edit(&mut p.a, p.ra, "dr.osei", 20_000 + n as i64, |e| {
            e.edit_note(NoteKind::Assessment, text)
        });
        let read: EncounterRecord = p.a.read().unwrap();
        assert_eq!(read.notes.assessment.as_str(), *text);
    }
    exchange(&mut p.a, &mut p.b);
    assert_eq!(
        p.b.read::<EncounterRecord>()
            .unwrap()
            .notes
            .assessment
            .as_str(),
        ""
    );
}
