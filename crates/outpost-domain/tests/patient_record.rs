//! The schema-2 patient record: registration with a provisional MRN, demographics and
//! keyed-map edits with their validation, the projection, and a schema-1 document taking a
//! schema-2 edit.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use chrono::NaiveDate;
use outpost_domain::clock::Hlc;
use outpost_domain::document::{ChangeMeta, DocKind, Document};
use outpost_domain::ids::{DocId, EntryId, ReplicaId};
use outpost_domain::patient::*;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
}

fn meta() -> ChangeMeta {
    ChangeMeta {
        author: "desk.ana".into(),
        wall_ms: 1_763_800_000_000,
        hlc: Hlc::default(),
    }
}

fn registration() -> PatientRegistration {
    PatientRegistration {
        name: "Amara Okafor".into(),
        date_of_birth: "1984-03-07".into(),
        sex: Sex::Female,
        mrn: None,
        phone: Some("+234 803 555 0101".into()),
        address: Some("12 Marina Road, Lagos".into()),
        emergency_contact: Some(EmergencyContactInput {
            name: "Chidi Okafor".into(),
            relationship: "brother".into(),
            phone: "0803 555 0102".into(),
        }),
    }
}

fn fields(err: outpost_domain::DomainError) -> Vec<String> {
    err.field_errors().iter().map(|e| e.field.clone()).collect()
}

fn penicillin() -> AllergyInput {
    AllergyInput {
        allergen: "Penicillin".into(),
        reaction: Some("hives".into()),
        severity: AllergySeverity::Moderate,
        status: AllergyStatus::Active,
    }
}

#[test]
fn a_patient_registered_without_an_mrn_takes_the_provisional_one() {
    let rec = registration()
        .validate(DocId::new(), today(), Some(&provisional_mrn("P-", 17)))
        .unwrap();
    assert_eq!(rec.mrn, "P-000017");
    assert!(rec.provisional);
    let err = registration()
        .validate(DocId::new(), today(), None)
        .unwrap_err();
    assert_eq!(fields(err), ["mrn"]);
    let mut entered = registration();
    entered.mrn = Some("H-778".into());
    let rec = entered
        .validate(DocId::new(), today(), Some("P-000018"))
        .unwrap();
    assert_eq!((rec.mrn.as_str(), rec.provisional), ("H-778", false));
}

#[test]
fn registration_reports_every_bad_field_at_once() {
    let bad = PatientRegistration {
        name: "x".repeat(201),
        date_of_birth: "2030-01-01".into(),
        sex: Sex::Unknown,
        mrn: Some("has spaces".into()),
        phone: Some("call me".into()),
        address: Some("a".repeat(501)),
        emergency_contact: Some(EmergencyContactInput {
            name: " ".into(),
            relationship: "aunt".into(),
            phone: "12".into(),
        }),
    };
    let err = bad.validate(DocId::new(), today(), None).unwrap_err();
    assert_eq!(
        fields(err),
        [
            "name",
            "date_of_birth",
            "mrn",
            "phone",
            "address",
            "emergency_contact.name",
            "emergency_contact.phone"
        ]
    );
}

#[test]
fn a_permanent_mrn_replaces_the_provisional_one() {
    let mut rec = registration()
        .validate(DocId::new(), today(), Some("P-000001"))
        .unwrap();
    let update = DemographicsUpdate {
        mrn: Some("H-1001".into()),
        phone: Some(String::new()),
        ..Default::default()
    };
    update_demographics(&mut rec, &update, today()).unwrap();
    assert_eq!((rec.mrn.as_str(), rec.provisional), ("H-1001", false));
    assert_eq!(rec.phone, None, "an empty phone clears it");
    assert_eq!(rec.name, "Amara Okafor", "untouched fields stay");
}

#[test]
fn allergies_medications_and_problems_are_added_updated_and_never_removed() {
    let mut rec = registration()
        .validate(DocId::new(), today(), Some("P-000001"))
        .unwrap();
    let (allergy, med, problem) = (EntryId::new(), EntryId::new(), EntryId::new());
    add_allergy(&mut rec, allergy, &penicillin()).unwrap();
    assert!(add_allergy(&mut rec, allergy, &penicillin()).is_err());
    refute_allergy(&mut rec, allergy).unwrap();
    let metformin = MedicationInput {
        name: "Metformin".into(),
        dose: Some("500 mg".into()),
        route: Some("oral".into()),
        frequency: Some("twice daily".into()),
        start: Some("2025-01-10".into()),
        stop: None,
        status: MedicationStatus::Active,
    };
    add_medication(&mut rec, med, &metformin, today()).unwrap();
    let err = stop_medication(&mut rec, med, "2024-12-31", today()).unwrap_err();
    assert_eq!(fields(err), ["stop"]);
    stop_medication(&mut rec, med, "2026-11-01", today()).unwrap();
    let diabetes = ProblemInput {
        description: "Type 2 diabetes".into(),
        icd10: Some("e11.9".into()),
        onset: Some("2024-06-01".into()),
        status: ProblemStatus::Active,
    };
    add_problem(&mut rec, problem, &diabetes, today()).unwrap();
    assert!(update_problem(&mut rec, EntryId::new(), &diabetes, today()).is_err());

    let view = PatientProjection::of(&rec);
    assert_eq!(view.allergies.len(), 1);
    assert_eq!(view.allergies[0].entry.status, AllergyStatus::Refuted);
    assert!(view.active_allergens.is_empty());
    assert_eq!(view.medications[0].entry.status, MedicationStatus::Stopped);
    assert_eq!(
        view.medications[0].entry.stop.unwrap().to_string(),
        "2026-11-01"
    );
    assert_eq!(view.problems[0].entry.icd10.as_deref(), Some("E11.9"));
}

#[test]
fn entry_validation_names_each_bad_field() {
    let mut rec = registration()
        .validate(DocId::new(), today(), Some("P-000001"))
        .unwrap();
    let bad_med = MedicationInput {
        name: String::new(),
        dose: Some("d".repeat(501)),
        route: None,
        frequency: None,
        start: Some("2026-02-01".into()),
        stop: Some("2026-01-01".into()),
        status: MedicationStatus::Active,
    };
    let err = add_medication(&mut rec, EntryId::new(), &bad_med, today()).unwrap_err();
    assert_eq!(fields(err), ["name", "dose", "stop", "status"]);
    let bad_problem = ProblemInput {
        description: "Hypertension".into(),
        icd10: Some("hypertension".into()),
        onset: Some("next week".into()),
        status: ProblemStatus::Active,
    };
    let err = add_problem(&mut rec, EntryId::new(), &bad_problem, today()).unwrap_err();
    assert!(err.to_string().contains("not an ICD-10 code"), "{err}");
    assert_eq!(fields(err), ["icd10", "onset"]);
    assert!(rec.medications.is_empty() && rec.problems.is_empty());
}

#[test]
fn icd10_codes_have_the_standard_shape() {
    for ok in ["E11", "E11.9", "C4A.0", "S72.001A", "U07.1", "Z00.00"] {
        assert!(is_icd10(ok), "{ok}");
    }
    for bad in ["", "E1", "11.9", "E11.", "E11.12345", "e11", "E11-9", "EE1"] {
        assert!(!is_icd10(bad), "{bad}");
    }
}

#[test]
fn statuses_parse_and_name_the_allowed_words() {
    assert_eq!(
        MedicationStatus::parse("Entered-In-Error").unwrap(),
        MedicationStatus::EnteredInError
    );
    let err = AllergyStatus::parse("deleted").unwrap_err().to_string();
    assert!(err.contains("refuted"), "{err}");
    let json = serde_json::to_value(MedicationStatus::EnteredInError).unwrap();
    assert_eq!(json, "entered-in-error");
}

#[test]
fn a_record_round_trips_through_its_document_and_edits() {
    let actor = ReplicaId::new();
    let rec = registration()
        .validate(DocId::new(), today(), Some("P-000009"))
        .unwrap();
    let (mut doc, _) = Document::create_patient_record(actor, &rec, &meta()).unwrap();
    assert_eq!(doc.patient_record().unwrap(), rec);
    let id = EntryId::new();
    let change = doc
        .edit(actor, &meta(), |r: &mut PatientRecord| {
            add_allergy(r, id, &penicillin())
        })
        .unwrap();
    assert!(change.is_some());
    let refused = doc.edit(actor, &meta(), |r: &mut PatientRecord| {
        add_problem(
            r,
            EntryId::new(),
            &ProblemInput {
                description: String::new(),
                icd10: None,
                onset: None,
                status: ProblemStatus::Active,
            },
            today(),
        )
    });
    assert!(refused.is_err());
    let back = doc.patient_record().unwrap();
    assert_eq!(back.allergies.len(), 1);
    assert!(back.problems.is_empty());
    let reloaded = Document::load(doc.id, DocKind::Patient, &doc.save()).unwrap();
    assert_eq!(
        PatientProjection::of(&reloaded.patient_record().unwrap()),
        PatientProjection::of(&back)
    );
}

#[test]
fn a_schema_1_patient_takes_a_schema_2_edit() {
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/patient-v1.automerge"
    ))
    .unwrap();
    let id = "0193a000-0000-7000-8000-0000000000a1".parse().unwrap();
    let mut doc = Document::load(id, DocKind::Patient, &bytes).unwrap();
    let v1 = doc.patient_record().unwrap();
    assert_eq!(
        (v1.schema, v1.provisional, v1.phone.clone()),
        (1, false, None)
    );
    let allergy = EntryId::new();
    doc.edit(ReplicaId::new(), &meta(), |r: &mut PatientRecord| {
        add_allergy(r, allergy, &penicillin())
    })
    .unwrap();
    let v2 = doc.patient_record().unwrap();
    assert_eq!(v2.schema, 2);
    assert_eq!(v2.name, "Version One Patient");
    assert_eq!(v2.allergies.len(), 1);
    assert!(doc.conflicts().is_empty());
}

fn v1_pair() -> (Document, Document, ReplicaId, ReplicaId) {
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/patient-v1.automerge"
    ))
    .unwrap();
    let id = "0193a000-0000-7000-8000-0000000000a1".parse().unwrap();
    let a = Document::load(id, DocKind::Patient, &bytes).unwrap();
    let b = Document::load(id, DocKind::Patient, &bytes).unwrap();
    (a, b, ReplicaId::new(), ReplicaId::new())
}

fn sync(a: &mut Document, b: &mut Document) {
    let (from_a, from_b) = (a.changes(), b.changes());
    b.apply_remote(from_a.iter().map(Vec::as_slice)).unwrap();
    a.apply_remote(from_b.iter().map(Vec::as_slice)).unwrap();
    assert_eq!(a.heads(), b.heads());
}

#[test]
fn first_schema_2_edits_of_a_schema_1_patient_on_two_workstations_both_survive() {
    let (mut a, mut b, ra, rb) = v1_pair();
    let allergy = EntryId::new();
    a.edit(ra, &meta(), |r: &mut PatientRecord| {
        add_allergy(r, allergy, &penicillin())
    })
    .unwrap();
    b.edit(rb, &meta(), |r: &mut PatientRecord| {
        let update = DemographicsUpdate {
            phone: Some("0803 555 0101".into()),
            ..Default::default()
        };
        update_demographics(r, &update, today())
    })
    .unwrap();
    sync(&mut a, &mut b);
    for doc in [&a, &b] {
        assert!(doc.conflicts().is_empty(), "{:?}", doc.conflicts());
        let rec = doc.patient_record().unwrap();
        assert_eq!(rec.allergies.len(), 1);
        assert_eq!(rec.phone.as_deref(), Some("0803 555 0101"));
    }
}

#[test]
fn first_allergies_added_to_a_schema_1_patient_on_two_workstations_are_shown_not_dropped() {
    // Each workstation creates the schema-1 document's allergy map; Automerge shows one.
    // The other is never silently lost: it is an open conflict with both lists to review.
    let (mut a, mut b, ra, rb) = v1_pair();
    for (doc, r) in [(&mut a, ra), (&mut b, rb)] {
        doc.edit(r, &meta(), |rec: &mut PatientRecord| {
            add_allergy(rec, EntryId::new(), &penicillin())
        })
        .unwrap();
    }
    sync(&mut a, &mut b);
    let conflicts = a.conflicts();
    assert_eq!(conflicts.len(), 1, "{conflicts:?}");
    assert_eq!(conflicts[0].path, "allergies");
    assert_eq!(conflicts[0].values.len(), 2);
    assert_eq!(conflicts, b.conflicts());
}
