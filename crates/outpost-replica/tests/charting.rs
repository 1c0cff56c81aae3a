//! Charting on one replica: layout templates (draft, publish, frozen versions), encounters
//! charted on a pinned version, shift handovers with acknowledgements, and vitals marked
//! entered-in-error. Every write survives close and reopen; refused input (a field the
//! pinned version does not have, a wrong type, an out-of-range number, oversized text)
//! stores nothing at all.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use crate::common;

use common::{fields, new_patient, normal_vitals, reopen, stored, urgent_item, ward_handover};
use outpost_replica::outpost_domain::document::encounter::{
    EncounterStatus, EncounterType, FieldValue, NewEncounter, NoteKind, NoteTexts,
};
use outpost_replica::outpost_domain::document::template::{
    AutoPopulate, FieldEdit, FieldType, GridPos, TemplateContent, TemplateField, TemplateScope,
    TemplateSection,
};
use outpost_replica::outpost_domain::ids::DocId;
use outpost_replica::outpost_domain::vitals::VitalsStatus;
use outpost_replica::{Replica, ReplicaError, TemplateEdit};
use std::collections::BTreeMap;

/// A published one-field template ("weight", 0–500 kg); returns its id.
pub fn published_template(r: &mut Replica) -> DocId {
    let content = TemplateContent::new(
        "Pre-op check",
        "surgery",
        EncounterType::PreOp,
        TemplateScope::Clinic,
    );
    let t = r.create_template(&content, "admin.sam").unwrap();
    r.edit_template(
        t.id,
        &TemplateEdit::AddPage {
            page_id: "main".into(),
            title: "Main".into(),
        },
        "admin.sam",
    )
    .unwrap();
    r.edit_template(
        t.id,
        &TemplateEdit::AddSection {
            page_id: "main".into(),
            section: TemplateSection::new("vitals", "Vitals", GridPos::new(0, 0, 12, 2)),
        },
        "admin.sam",
    )
    .unwrap();
    let number = FieldType::Number {
        unit: "kg".into(),
        min: Some(0.0),
        max: Some(500.0),
    };
    r.edit_template(
        t.id,
        &TemplateEdit::AddField {
            section_id: "vitals".into(),
            field: TemplateField::new("weight", "Weight", number, GridPos::new(0, 0, 4, 1)),
        },
        "admin.sam",
    )
    .unwrap();
    assert_eq!(r.publish_template(t.id, "admin.sam").unwrap(), 1);
    t.id
}

fn encounter_input(patient_id: DocId, r: &Replica, template: DocId) -> NewEncounter {
    NewEncounter {
        patient_id,
        provider: "dr.ito".into(),
        date: "2026-11-22".into(),
        encounter_type: EncounterType::PreOp,
        specialty: "surgery".into(),
        template: r.template_pin(template, Some(1)).unwrap(),
        fields: BTreeMap::new(),
        notes: NoteTexts::default(),
    }
}

#[test]
fn an_encounter_on_version_one_keeps_rendering_version_one_after_version_two() {
    let dir = tempfile::tempdir().unwrap();
    let mut r = Replica::create(dir.path()).unwrap();
    let p = r
        .register_patient(&new_patient("Amara Okafor", "MRN-1"), "desk.ana")
        .unwrap();
    let t = published_template(&mut r);
    let e = r
        .open_encounter(&encounter_input(p.id, &r, t), "dr.ito")
        .unwrap();
    r.set_encounter_field(e.id, "weight", FieldValue::Number(72.5), "dr.ito")
        .unwrap();
    r.edit_encounter_note(e.id, NoteKind::Plan, "Fast from midnight.", "dr.ito")
        .unwrap();
    r.set_encounter_status(e.id, EncounterStatus::InProgress, "dr.ito")
        .unwrap();
    // v2 renames the field's label and moves the section.
    r.edit_template(
        t,
        &TemplateEdit::MoveSection {
            section_id: "vitals".into(),
            x: 0,
            y: 4,
        },
        "admin.sam",
    )
    .unwrap();
    r.edit_template(
        t,
        &TemplateEdit::Rename {
            name: "Pre-op check v2".into(),
        },
        "admin.sam",
    )
    .unwrap();
    assert_eq!(r.publish_template(t, "admin.sam").unwrap(), 2);

    let r = reopen(r, dir.path());
    let shown = r.encounter(e.id).unwrap();
    assert_eq!(shown.status, EncounterStatus::InProgress);
    assert_eq!(shown.fields["weight"], FieldValue::Number(72.5));
    assert_eq!(shown.notes.plan, "Fast from midnight.");
    let view = r.encounter_view(e.id).unwrap();
    assert_eq!(
        (view.template_name.as_str(), view.template_version),
        ("Pre-op check", 1)
    );
    assert_eq!(
        view.pages[0].sections[0].grid.y, 0,
        "rendered from v1, not the moved v2"
    );
    let template = r.template(t).unwrap();
    assert_eq!(template.latest_version, Some(2));
    assert_eq!(r.template_version(t, 1).unwrap().name, "Pre-op check");
    assert_eq!(r.template_version(t, 2).unwrap().name, "Pre-op check v2");
    assert_eq!(r.list_templates().unwrap().len(), 1);
    assert_eq!(r.list_encounters(Some(p.id)).unwrap(), vec![shown]);
    // The designer's template list says which versions are in use and by how many.
    let usage: Vec<(u64, u64)> = r
        .template_usage(t)
        .unwrap()
        .into_iter()
        .map(|u| (u.number, u.encounters))
        .collect();
    assert_eq!(usage, [(1, 1), (2, 0)]);
}

#[test]
fn refused_encounter_and_template_input_stores_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut r = Replica::create(dir.path()).unwrap();
    let p = r
        .register_patient(&new_patient("Amara Okafor", "MRN-1"), "desk.ana")
        .unwrap();
    let t = published_template(&mut r);
    let e = r
        .open_encounter(&encounter_input(p.id, &r, t), "dr.ito")
        .unwrap();
    let before = stored(&r);

    let mut values = BTreeMap::new();
    values.insert("no_such_field".to_owned(), FieldValue::Text("x".into()));
    values.insert("weight".to_owned(), FieldValue::Text("heavy".into()));
    let err = r.set_encounter_fields(e.id, &values, "dr.ito").unwrap_err();
    assert_eq!(fields(&err), ["fields.no_such_field", "fields.weight"]);
    assert!(
        err.to_string().contains("has no field \"no_such_field\""),
        "{err}"
    );
    assert!(err.to_string().contains("is a number field"), "{err}");

    let err = r
        .set_encounter_field(e.id, "weight", FieldValue::Number(900.0), "dr.ito")
        .unwrap_err();
    assert!(
        err.to_string().contains("between 0 and 500 kg (got 900)"),
        "{err}"
    );

    let err = r
        .edit_encounter_note(e.id, NoteKind::History, &"a".repeat(50_001), "dr.ito")
        .unwrap_err();
    assert_eq!(fields(&err), ["notes.history"]);

    let mut input = encounter_input(p.id, &r, t);
    input.template.template_id = DocId::new();
    let err = r.open_encounter(&input, "dr.ito").unwrap_err();
    assert_eq!(fields(&err), ["template.template_id"]);
    let err = r.template_pin(t, Some(7)).unwrap_err();
    assert!(err.to_string().contains("no version 7"), "{err}");

    let err = r
        .edit_template(
            t,
            &TemplateEdit::AddField {
                section_id: "vitals".into(),
                field: TemplateField::new(
                    "x",
                    "L".repeat(501),
                    FieldType::Text,
                    GridPos::new(0, 0, 20, 1),
                ),
            },
            "admin.sam",
        )
        .unwrap_err();
    assert!(matches!(err, ReplicaError::Invalid(_)), "{err:?}");
    let err = r
        .edit_template(
            t,
            &TemplateEdit::MoveSection {
                section_id: "nope".into(),
                x: 0,
                y: 0,
            },
            "admin.sam",
        )
        .unwrap_err();
    assert_eq!(fields(&err), ["section_id"]);
    let err = r.publish_template(t, "admin.sam").unwrap_err();
    assert!(
        err.to_string().contains("already published as version 1"),
        "{err}"
    );

    assert_eq!(stored(&r), before);
    assert!(r.encounter(e.id).unwrap().fields.is_empty());
}

#[test]
fn a_handover_is_opened_filled_and_acknowledged_item_by_item() {
    let dir = tempfile::tempdir().unwrap();
    let mut r = Replica::create(dir.path()).unwrap();
    let p = r
        .register_patient(&new_patient("Amara Okafor", "MRN-1"), "desk.ana")
        .unwrap();
    let h = r
        .open_handover(&ward_handover("2026-11-22", "nurse.kim"), "nurse.kim")
        .unwrap();
    let item = urgent_item("bed-4", p.id, "Post-op day 1");
    r.add_handover_item(h.id, &item, "nurse.kim").unwrap();
    let before = stored(&r);
    let mut bad = item.clone();
    bad.id = "bed 4!".into();
    bad.situation = "s".repeat(50_001);
    let err = r.add_handover_item(h.id, &bad, "nurse.kim").unwrap_err();
    assert_eq!(fields(&err), ["items.bed 4!.id", "items.bed 4!.situation"]);
    let mut unknown = item.clone();
    unknown.id = "bed-5".into();
    unknown.patient_id = DocId::new();
    let err = r
        .add_handover_item(h.id, &unknown, "nurse.kim")
        .unwrap_err();
    assert_eq!(fields(&err), ["patient_id"]);
    assert_eq!(stored(&r), before);

    r.acknowledge_handover_item(h.id, "bed-4", "nurse.lee")
        .unwrap();
    let r = reopen(r, dir.path());
    let shown = r.handover(h.id).unwrap();
    assert_eq!(shown.items[0].acknowledgements[0].user, "nurse.lee");
    assert_eq!(shown.urgent_count, 1);
    assert!(shown.unacknowledged.is_empty());
    assert_eq!(r.list_handovers(Some("Ward 3")).unwrap(), vec![shown]);
    assert!(r.list_handovers(Some("Ward 9")).unwrap().is_empty());
}

#[test]
fn vitals_entered_in_error_stay_readable_with_their_reason() {
    let dir = tempfile::tempdir().unwrap();
    let mut r = Replica::create(dir.path()).unwrap();
    let p = r
        .register_patient(&new_patient("Amara Okafor", "MRN-1"), "desk.ana")
        .unwrap();
    let v = r.record_vitals(&normal_vitals(p.id), "nurse.kim").unwrap();
    let before = stored(&r);
    let err = r
        .mark_vitals_entered_in_error(v.id, "  ", "nurse.kim")
        .unwrap_err();
    assert_eq!(fields(&err), ["reason"]);
    assert_eq!(stored(&r), before);

    r.mark_vitals_entered_in_error(v.id, "wrong patient", "nurse.kim")
        .unwrap();
    let r = reopen(r, dir.path());
    let shown = r.vitals(v.id).unwrap();
    assert_eq!(shown.status, VitalsStatus::EnteredInError);
    assert_eq!(
        shown.entered_in_error_reason.as_deref(),
        Some("wrong patient")
    );
    assert_eq!(
        r.list_vitals(p.id).unwrap()[0].value("temperature_c"),
        Some(36.8)
    );
    assert_eq!(
        r.list_patients().unwrap()[0].latest_vitals,
        None,
        "not the latest valid set"
    );
}

#[test]
fn a_new_encounter_is_prefilled_by_the_templates_auto_populate_rules() {
    let dir = tempfile::tempdir().unwrap();
    let mut r = Replica::create(dir.path()).unwrap();
    let p = r
        .register_patient(&new_patient("Amara Okafor", "MRN-1"), "desk.ana")
        .unwrap();
    let mut vitals = normal_vitals(p.id);
    vitals.weight_kg = Some(71.0);
    r.record_vitals(&vitals, "nurse.kim").unwrap();
    let t = published_template(&mut r);
    let from_vitals = FieldEdit {
        auto_populate: Some(AutoPopulate::FromVitals {
            field: "weight_kg".into(),
        }),
        ..Default::default()
    };
    r.edit_template(
        t,
        &TemplateEdit::EditField {
            field_id: "weight".into(),
            edit: from_vitals,
        },
        "admin.sam",
    )
    .unwrap();
    r.edit_template(
        t,
        &TemplateEdit::AddField {
            section_id: "vitals".into(),
            field: TemplateField {
                auto_populate: AutoPopulate::LastValueForPatient,
                ..TemplateField::new(
                    "asa",
                    "ASA class",
                    FieldType::Text,
                    GridPos::new(4, 0, 4, 1),
                )
            },
        },
        "admin.sam",
    )
    .unwrap();
    assert_eq!(r.publish_template(t, "admin.sam").unwrap(), 2);
    let mut input = encounter_input(p.id, &r, t);
    input.template = r.template_pin(t, None).unwrap();
    let first = r.open_encounter(&input, "dr.ito").unwrap();
    assert_eq!(first.fields["weight"], FieldValue::Number(71.0));
    assert!(
        !first.fields.contains_key("asa"),
        "no previous encounter yet"
    );
    r.set_encounter_field(first.id, "asa", FieldValue::Text("II".into()), "dr.ito")
        .unwrap();
    input
        .fields
        .insert("weight".into(), FieldValue::Number(70.0));
    let second = r.open_encounter(&input, "dr.ito").unwrap();
    assert_eq!(second.fields["asa"], FieldValue::Text("II".into()));
    assert_eq!(
        second.fields["weight"],
        FieldValue::Number(70.0),
        "given values win"
    );
}
