//! Two real replicas exchanging their changes directly (`apply_remote_changes`, as a pull
//! would): afterwards both show the same projections of every kind; concurrent different
//! values of one field are an open conflict on both, resolvable on either, and the
//! resolution travels; concurrent note edits both survive; duplicates registered on two
//! workstations are flagged after the pulled page, and merge/unmerge travel too.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use crate::common;

use common::{new_patient, normal_vitals, ward_handover};
use outpost_replica::outpost_domain::document::encounter::{
    EncounterType, NewEncounter, NoteKind, NoteTexts,
};
use outpost_replica::outpost_domain::document::template::{
    FieldType, GridPos, TemplateContent, TemplateField, TemplateScope, TemplateSection,
};
use outpost_replica::outpost_domain::document::DocKind;
use outpost_replica::outpost_domain::ids::DocId;
use outpost_replica::outpost_domain::patient::{
    AllergyInput, AllergySeverity, AllergyStatus, DemographicsUpdate,
};
use outpost_replica::{ContactDetails, Replica, TemplateEdit};
use serde_json::json;
use std::collections::BTreeMap;

/// Each replica applies what the other made (its whole outbox; what it holds is skipped).
fn exchange(a: &mut Replica, b: &mut Replica) {
    let from_a = a.unpushed_changes(10_000).unwrap();
    let from_b = b.unpushed_changes(10_000).unwrap();
    b.apply_remote_changes(&from_a).unwrap();
    a.apply_remote_changes(&from_b).unwrap();
}

/// Everything the screens can show, as one JSON value.
fn everything(r: &Replica) -> serde_json::Value {
    let patients = r.list_patients().unwrap();
    let details: Vec<_> = patients
        .iter()
        .map(|p| r.patient_details(p.patient.id).unwrap())
        .collect();
    let vitals: Vec<_> = patients
        .iter()
        .map(|p| r.vitals_history(p.patient.id).unwrap())
        .collect();
    json!({
        "patients": patients,
        "details": details,
        "vitals": vitals,
        "encounters": r.list_encounters(None).unwrap(),
        "handovers": r.list_handovers(None).unwrap(),
        "templates": r.list_templates().unwrap(),
        "links": r.list_patient_links().unwrap(),
        "conflicts": r.list_open_conflicts().unwrap(),
        "duplicates": r.list_duplicates().unwrap(),
    })
}

fn pair() -> (tempfile::TempDir, Replica, tempfile::TempDir, Replica) {
    let (da, db) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let a = Replica::create(da.path()).unwrap();
    let b = Replica::create(db.path()).unwrap();
    (da, a, db, b)
}

fn phone(n: &str) -> DemographicsUpdate {
    DemographicsUpdate {
        phone: Some(n.into()),
        ..Default::default()
    }
}

#[test]
fn every_kind_made_on_either_side_shows_the_same_on_both() {
    let (_da, mut a, _db, mut b) = pair();
    let p = a
        .register_patient(&new_patient("Amara Okafor", "MRN-1"), "desk.ana")
        .unwrap();
    let t = a
        .create_template(
            &TemplateContent::new(
                "Follow-up",
                "general",
                EncounterType::FollowUp,
                TemplateScope::Global,
            ),
            "admin.sam",
        )
        .unwrap();
    for edit in [
        TemplateEdit::AddPage {
            page_id: "p".into(),
            title: "Page".into(),
        },
        TemplateEdit::AddSection {
            page_id: "p".into(),
            section: TemplateSection::new("s", "Section", GridPos::new(0, 0, 12, 3)),
        },
        TemplateEdit::AddField {
            section_id: "s".into(),
            field: TemplateField::new("note", "Note", FieldType::Text, GridPos::new(0, 0, 6, 1)),
        },
    ] {
        a.edit_template(t.id, &edit, "admin.sam").unwrap();
    }
    a.publish_template(t.id, "admin.sam").unwrap();
    exchange(&mut a, &mut b);

    // B charts on what it pulled; A keeps working too.
    let v = b.record_vitals(&normal_vitals(p.id), "nurse.kim").unwrap();
    let e = b
        .open_encounter(
            &NewEncounter {
                patient_id: p.id,
                provider: "dr.ito".into(),
                date: "2026-11-22".into(),
                encounter_type: EncounterType::FollowUp,
                specialty: "general".into(),
                template: b.template_pin(t.id, None).unwrap(),
                fields: BTreeMap::new(),
                notes: NoteTexts::default(),
            },
            "dr.ito",
        )
        .unwrap();
    b.open_handover(&ward_handover("2026-11-22", "nurse.kim"), "nurse.kim")
        .unwrap();
    a.add_allergy(
        p.id,
        &AllergyInput {
            allergen: "Latex".into(),
            reaction: None,
            severity: AllergySeverity::Mild,
            status: AllergyStatus::Active,
        },
        "dr.ito",
    )
    .unwrap();
    exchange(&mut a, &mut b);
    a.mark_vitals_entered_in_error(v.id, "wrong patient", "nurse.kim")
        .unwrap();
    a.edit_encounter_note(e.id, NoteKind::Assessment, "Well.", "dr.ito")
        .unwrap();
    exchange(&mut a, &mut b);

    assert_eq!(everything(&a), everything(&b));
    let seen_on_b = b.vitals(v.id).unwrap();
    assert_eq!(
        seen_on_b.entered_in_error_reason.as_deref(),
        Some("wrong patient")
    );
    assert_eq!(
        seen_on_b.observations.len(),
        5,
        "the values are still readable"
    );
    assert_eq!(b.encounter(e.id).unwrap().notes.assessment, "Well.");
    assert_eq!(everything(&a)["handovers"].as_array().unwrap().len(), 1);
}

#[test]
fn one_field_set_differently_on_both_is_a_conflict_until_resolved_and_the_resolution_travels() {
    let (_da, mut a, _db, mut b) = pair();
    let p = a
        .register_patient(&new_patient("Amara Okafor", "MRN-1"), "desk.ana")
        .unwrap();
    exchange(&mut a, &mut b);
    a.edit_patient(p.id, &phone("020 7946 0001"), "desk.ana")
        .unwrap();
    b.edit_patient(p.id, &phone("020 7946 0002"), "desk.bo")
        .unwrap();
    exchange(&mut a, &mut b);

    for r in [&a, &b] {
        let open = r.list_open_conflicts().unwrap();
        assert_eq!(open.len(), 1);
        assert_eq!((open[0].doc_id, open[0].kind), (p.id, DocKind::Patient));
        let c = &r.list_conflicts(p.id).unwrap()[0];
        assert_eq!(c.path, "phone");
        let mut seen: Vec<(String, String)> = c
            .values
            .iter()
            .map(|v| (v.value.as_str().unwrap().to_owned(), v.author.clone()))
            .collect();
        seen.sort();
        assert_eq!(
            seen,
            [
                ("020 7946 0001".to_owned(), "desk.ana".to_owned()),
                ("020 7946 0002".to_owned(), "desk.bo".to_owned())
            ]
        );
        assert!(c
            .values
            .iter()
            .all(|v| v.wall_ms > 0 && v.replica_id.is_some()));
    }
    assert_eq!(everything(&a), everything(&b));

    let err = a
        .resolve_conflict(p.id, "phone", &json!("555"), "dr.ito")
        .unwrap_err();
    assert!(
        err.to_string().contains("choose one of the values"),
        "{err}"
    );
    a.resolve_conflict(p.id, "phone", &json!("020 7946 0002"), "dr.ito")
        .unwrap();
    assert!(a.list_open_conflicts().unwrap().is_empty());
    exchange(&mut a, &mut b);
    assert!(b.list_open_conflicts().unwrap().is_empty());
    assert_eq!(
        b.patient_details(p.id).unwrap().patient.phone.as_deref(),
        Some("020 7946 0002")
    );
    let resolutions = b.resolutions(p.id).unwrap();
    assert_eq!(resolutions.len(), 1);
    assert_eq!(resolutions[0].by, "dr.ito");
    assert_eq!(resolutions[0].rejected[0].value, json!("020 7946 0001"));
    assert_eq!(everything(&a), everything(&b));
}

#[test]
fn concurrent_edits_of_one_note_both_survive() {
    let (_da, mut a, _db, mut b) = pair();
    let p = a
        .register_patient(&new_patient("Amara Okafor", "MRN-1"), "desk.ana")
        .unwrap();
    let t = common_template(&mut a);
    let e = a
        .open_encounter(
            &NewEncounter {
                patient_id: p.id,
                provider: "dr.ito".into(),
                date: "2026-11-22".into(),
                encounter_type: EncounterType::FollowUp,
                specialty: "general".into(),
                template: a.template_pin(t, None).unwrap(),
                fields: BTreeMap::new(),
                notes: NoteTexts {
                    plan: "Review in clinic.".into(),
                    ..Default::default()
                },
            },
            "dr.ito",
        )
        .unwrap();
    exchange(&mut a, &mut b);
    a.edit_encounter_note(
        e.id,
        NoteKind::Plan,
        "Bloods first. Review in clinic.",
        "dr.ito",
    )
    .unwrap();
    b.edit_encounter_note(
        e.id,
        NoteKind::Plan,
        "Review in clinic in 2 weeks.",
        "dr.eze",
    )
    .unwrap();
    exchange(&mut a, &mut b);
    let plan = a.encounter(e.id).unwrap().notes.plan;
    assert_eq!(plan, "Bloods first. Review in clinic in 2 weeks.");
    assert_eq!(b.encounter(e.id).unwrap().notes.plan, plan);
    assert!(a.list_conflicts(e.id).unwrap().is_empty());
}

#[test]
fn the_same_person_registered_on_both_is_flagged_after_the_pull_and_merge_and_unmerge_travel() {
    let (_da, mut a, _db, mut b) = pair();
    let contact = |n: &str| ContactDetails {
        phone: Some(n.into()),
        ..Default::default()
    };
    let on_a = a
        .register_patient_with_details(
            &new_patient("Amara Okafor", "MRN-1"),
            &contact("+44 20 7946 0958"),
            "desk.ana",
        )
        .unwrap();
    let on_b = b
        .register_patient_with_details(
            &new_patient("OKAFOR,  amára", "MRN-9"),
            &contact("020 7946 0958"),
            "desk.bo",
        )
        .unwrap();
    assert!(a.list_duplicates().unwrap().is_empty());

    let page = a.unpushed_changes(500).unwrap();
    b.apply_remote_changes(&page).unwrap();
    let flagged = b.list_duplicates().unwrap();
    assert_eq!(flagged.len(), 1);
    let mut ids = [flagged[0].patient_a.id, flagged[0].patient_b.id];
    ids.sort();
    let mut expected = [on_a.id, on_b.id];
    expected.sort();
    assert_eq!(ids, expected);
    exchange(&mut a, &mut b);
    assert_eq!(a.list_duplicates().unwrap().len(), 1);

    let link = b
        .merge_patients(on_a.id, on_b.id, "same person, registered twice", "dr.ito")
        .unwrap();
    let listed = b.list_patients().unwrap();
    assert_eq!(
        listed.len(),
        1,
        "the merged patient is shown under its survivor"
    );
    assert_eq!(
        (listed[0].patient.id, listed[0].merged.clone()),
        (on_a.id, vec![on_b.id])
    );
    assert!(b.list_duplicates().unwrap().is_empty());
    assert_eq!(
        b.patient_details(on_b.id).unwrap().merged_into,
        Some(on_a.id)
    );
    let err = b
        .merge_patients(on_a.id, on_b.id, "again", "dr.ito")
        .unwrap_err();
    assert!(err.to_string().contains("already merged"), "{err}");
    exchange(&mut a, &mut b);
    assert_eq!(everything(&a), everything(&b));

    let undone = a
        .unmerge(link.id, "different mothers' names", "dr.eze")
        .unwrap();
    assert_eq!(undone.undone_by.as_deref(), Some("dr.eze"));
    exchange(&mut a, &mut b);
    for r in [&a, &b] {
        assert_eq!(r.list_patients().unwrap().len(), 2, "unmerge restores both");
        assert!(
            r.list_duplicates().unwrap().is_empty(),
            "a reviewed pair is not flagged again"
        );
        assert_eq!(r.patient_links(on_b.id).unwrap().len(), 1);
    }
    assert_eq!(everything(&a), everything(&b));
    assert!(a.unmerge(link.id, "again", "dr.eze").is_err());
    assert!(a.unmerge(DocId::new(), "x", "dr.eze").is_err());
}

fn common_template(r: &mut Replica) -> DocId {
    let t = r
        .create_template(
            &TemplateContent::new(
                "Follow-up",
                "general",
                EncounterType::FollowUp,
                TemplateScope::Global,
            ),
            "admin.sam",
        )
        .unwrap();
    r.edit_template(
        t.id,
        &TemplateEdit::AddPage {
            page_id: "p".into(),
            title: "Page".into(),
        },
        "admin.sam",
    )
    .unwrap();
    r.edit_template(
        t.id,
        &TemplateEdit::AddSection {
            page_id: "p".into(),
            section: TemplateSection::new("s", "Section", GridPos::new(0, 0, 12, 3)),
        },
        "admin.sam",
    )
    .unwrap();
    r.edit_template(
        t.id,
        &TemplateEdit::AddField {
            section_id: "s".into(),
            field: TemplateField::new("note", "Note", FieldType::Text, GridPos::new(0, 0, 6, 1)),
        },
        "admin.sam",
    )
    .unwrap();
    r.publish_template(t.id, "admin.sam").unwrap();
    t.id
}
