//! What the crate's unit tests start from: a new replica in a temporary directory with
//! one registered patient, and with an encounter opened for them.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use crate::{Replica, TemplateEdit};
use outpost_domain::document::encounter::{EncounterType, NewEncounter, NoteTexts};
use outpost_domain::document::template::{
    FieldType, GridPos, TemplateContent, TemplateField, TemplateScope, TemplateSection,
};
use outpost_domain::ids::DocId;
use outpost_domain::patient::{NewPatient, Sex};
use std::collections::BTreeMap;

/// A new replica (its directory lives as long as the first value) holding one patient.
pub(crate) fn replica_with_patient() -> (tempfile::TempDir, Replica, DocId) {
    let dir = tempfile::tempdir().unwrap();
    let mut r = Replica::create(dir.path()).unwrap();
    let patient = r
        .register_patient(
            &NewPatient {
                name: "Amara Okafor".into(),
                date_of_birth: "1984-03-07".into(),
                sex: Sex::Female,
                mrn: "MRN-1".into(),
            },
            "desk.ana",
        )
        .unwrap();
    (dir, r, patient.id)
}

/// [`replica_with_patient`] with a draft encounter (no fields, empty notes) opened for the
/// patient by `dr.ito` on version 1 of a published template whose one field is `weight`
/// (a number in kg, 0–500); the encounter's id last.
pub(crate) fn replica_with_encounter() -> (tempfile::TempDir, Replica, DocId) {
    let (dir, mut r, patient) = replica_with_patient();
    let content = TemplateContent::new(
        "Clinic",
        "general",
        EncounterType::FollowUp,
        TemplateScope::Clinic,
    );
    let t = r.create_template(&content, "admin.sam").unwrap();
    for edit in [
        TemplateEdit::AddPage {
            page_id: "main".into(),
            title: "Main".into(),
        },
        TemplateEdit::AddSection {
            page_id: "main".into(),
            section: TemplateSection::new("obs", "Observations", GridPos::new(0, 0, 12, 2)),
        },
        TemplateEdit::AddField {
            section_id: "obs".into(),
            field: TemplateField::new(
                "weight",
                "Weight",
                FieldType::Number {
                    unit: "kg".into(),
                    min: Some(0.0),
                    max: Some(500.0),
                },
                GridPos::new(0, 0, 4, 1),
            ),
        },
    ] {
        r.edit_template(t.id, &edit, "admin.sam").unwrap();
    }
    r.publish_template(t.id, "admin.sam").unwrap();
    let input = NewEncounter {
        patient_id: patient,
        provider: "dr.ito".into(),
        date: "2026-11-22".into(),
        encounter_type: EncounterType::FollowUp,
        specialty: "general".into(),
        template: r.template_pin(t.id, Some(1)).unwrap(),
        fields: BTreeMap::new(),
        notes: NoteTexts::default(),
    };
    let e = r.open_encounter(&input, "dr.ito").unwrap();
    (dir, r, e.id)
}
