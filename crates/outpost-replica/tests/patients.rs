//! Patient records on one replica: registration with contact details and provisional MRNs,
//! demographics edits, allergies (refuted, never removed), medications and problems. Every
//! write survives close and reopen; refused input stores nothing at all.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use crate::common;

use common::{block, fields, new_patient, reopen, stored};
use outpost_replica::outpost_domain::ids::{DocId, EntryId};
use outpost_replica::outpost_domain::patient::{
    AllergyInput, AllergySeverity, AllergyStatus, DemographicsUpdate, EmergencyContactInput,
    MedicationInput, MedicationStatus, ProblemInput, ProblemStatus,
};
use outpost_replica::{ContactDetails, Replica, ReplicaError, NO_MRN_LEFT};

fn penicillin() -> AllergyInput {
    AllergyInput {
        allergen: "Penicillin".into(),
        reaction: Some("rash".into()),
        severity: AllergySeverity::Moderate,
        status: AllergyStatus::Active,
    }
}

#[test]
fn registration_with_contact_details_and_every_list_survive_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let mut r = Replica::create(dir.path()).unwrap();
    let contact = ContactDetails {
        phone: Some("+44 20 7946 0958".into()),
        address: Some("1 River Lane".into()),
        emergency_contact: Some(EmergencyContactInput {
            name: "Chidi Okafor".into(),
            relationship: "brother".into(),
            phone: "020 7946 0000".into(),
        }),
    };
    let p = r
        .register_patient_with_details(&new_patient("Amara Okafor", "MRN-1"), &contact, "desk.ana")
        .unwrap();
    assert_eq!(p.phone.as_deref(), Some("+44 20 7946 0958"));
    assert!(!p.provisional);

    let allergy = r.add_allergy(p.id, &penicillin(), "dr.ito").unwrap();
    let med = r
        .add_medication(
            p.id,
            &MedicationInput {
                name: "Metformin".into(),
                dose: Some("500 mg".into()),
                route: Some("oral".into()),
                frequency: Some("twice daily".into()),
                start: Some("2024-01-10".into()),
                stop: None,
                status: MedicationStatus::Active,
            },
            "dr.ito",
        )
        .unwrap();
    let problem = r
        .add_problem(
            p.id,
            &ProblemInput {
                description: "Type 2 diabetes".into(),
                icd10: Some("e11.9".into()),
                onset: Some("2023-06-01".into()),
                status: ProblemStatus::Active,
            },
            "dr.ito",
        )
        .unwrap();
    r.refute_allergy(p.id, allergy, "dr.ito").unwrap();
    r.stop_medication(p.id, med, "2024-02-01", "dr.ito")
        .unwrap();
    r.edit_patient(
        p.id,
        &DemographicsUpdate {
            address: Some("2 Hill Road".into()),
            ..Default::default()
        },
        "desk.ana",
    )
    .unwrap();

    let r = reopen(r, dir.path());
    let d = r.patient_details(p.id).unwrap();
    assert_eq!(d.patient.address.as_deref(), Some("2 Hill Road"));
    assert_eq!(
        d.patient.emergency_contact.as_ref().unwrap().relationship,
        "brother"
    );
    assert_eq!(
        d.patient.allergies.len(),
        1,
        "a refuted allergy is still listed"
    );
    assert_eq!(d.patient.allergies[0].id, allergy.to_string());
    assert_eq!(d.patient.allergies[0].entry.status, AllergyStatus::Refuted);
    assert!(d.patient.active_allergens.is_empty());
    assert_eq!(
        d.patient.medications[0].entry.status,
        MedicationStatus::Stopped
    );
    assert_eq!(
        d.patient.medications[0]
            .entry
            .stop
            .map(|s| s.to_string())
            .as_deref(),
        Some("2024-02-01")
    );
    assert_eq!(d.patient.problems[0].id, problem.to_string());
    assert_eq!(d.patient.problems[0].entry.icd10.as_deref(), Some("E11.9"));
    assert_eq!(r.list_patients().unwrap()[0].patient.name, "Amara Okafor");
    // register, allergy, medication, problem, refute, stop, address
    assert_eq!(r.local_counter().unwrap(), 7);
    assert_eq!(r.history(p.id).unwrap().len(), 7);
    let last = r.history(p.id).unwrap().pop().unwrap().meta.unwrap();
    assert_eq!(last.author, "desk.ana");
}

#[test]
fn refused_patient_edits_store_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut r = Replica::create(dir.path()).unwrap();
    let p = r
        .register_patient(&new_patient("Amara Okafor", "MRN-1"), "desk.ana")
        .unwrap();
    let before = stored(&r);

    let mut too_long = penicillin();
    too_long.allergen = "x".repeat(501);
    let err = r.add_allergy(p.id, &too_long, "dr.ito").unwrap_err();
    assert_eq!(fields(&err), ["allergen"]);
    assert!(err.to_string().contains("at most 500 characters"), "{err}");

    let bad_problem = ProblemInput {
        description: " ".into(),
        icd10: Some("diabetes".into()),
        onset: Some("2999-01-01".into()),
        status: ProblemStatus::Active,
    };
    let err = r.add_problem(p.id, &bad_problem, "dr.ito").unwrap_err();
    assert_eq!(fields(&err), ["description", "icd10", "onset"]);

    let err = r
        .edit_patient(
            p.id,
            &DemographicsUpdate {
                phone: Some("call me".into()),
                date_of_birth: Some("1984-13-40".into()),
                ..Default::default()
            },
            "desk.ana",
        )
        .unwrap_err();
    assert_eq!(fields(&err), ["date_of_birth", "phone"]);

    let err = r
        .refute_allergy(p.id, EntryId::new(), "dr.ito")
        .unwrap_err();
    assert_eq!(fields(&err), ["id"]);
    let err = r
        .add_allergy(DocId::new(), &penicillin(), "dr.ito")
        .unwrap_err();
    assert!(matches!(err, ReplicaError::PatientNotFound(_)), "{err:?}");
    let err = r.add_allergy(p.id, &penicillin(), " ").unwrap_err();
    assert_eq!(fields(&err), ["author"]);

    assert_eq!(stored(&r), before);
    assert!(r
        .patient_details(p.id)
        .unwrap()
        .patient
        .allergies
        .is_empty());
}

#[test]
fn provisional_mrns_come_from_the_block_and_are_never_reused_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let mut r = Replica::create(dir.path()).unwrap();
    let before = stored(&r);
    let err = r
        .register_patient(&new_patient("Amara Okafor", ""), "desk.ana")
        .unwrap_err();
    assert_eq!(fields(&err), ["mrn"]);
    assert!(err.to_string().contains(NO_MRN_LEFT), "{err}");
    assert_eq!(
        NO_MRN_LEFT,
        "no provisional MRN numbers left on this workstation: connect to the server once, or enter the MRN"
    );
    assert_eq!(stored(&r), before);

    r.add_mrn_block(&block(41, 43)).unwrap();
    r.add_mrn_block(&block(41, 43)).unwrap(); // the same block again changes nothing
    assert!(
        r.add_mrn_block(&block(43, 50)).is_err(),
        "overlapping blocks are refused"
    );
    assert_eq!(r.provisional_mrns_left().unwrap(), 3);
    let first = r
        .register_patient(&new_patient("Amara Okafor", "  "), "desk.ana")
        .unwrap();
    assert_eq!(first.mrn, "P-000041");
    assert!(r.patient_details(first.id).unwrap().patient.provisional);
    assert!(r.list_patients().unwrap()[0].provisional);

    // A refused registration gives its number back.
    let mut bad = new_patient("", "");
    bad.date_of_birth = "yesterday".into();
    let err = r.register_patient(&bad, "desk.ana").unwrap_err();
    assert_eq!(fields(&err), ["name", "date_of_birth"]);
    assert_eq!(r.provisional_mrns_left().unwrap(), 2);

    let mut r = reopen(r, dir.path());
    let second = r
        .register_patient(&new_patient("Zoe Adams", ""), "desk.ana")
        .unwrap();
    assert_eq!(second.mrn, "P-000042");
    let mut r = reopen(r, dir.path());
    let third = r
        .register_patient(&new_patient("Yusuf Bello", ""), "desk.ana")
        .unwrap();
    assert_eq!(third.mrn, "P-000043");
    let err = r
        .register_patient(&new_patient("Wen Li", ""), "desk.ana")
        .unwrap_err();
    assert!(err.to_string().contains(NO_MRN_LEFT), "{err}");

    // Entering the permanent MRN later clears the provisional flag.
    let p = r
        .edit_patient(
            first.id,
            &DemographicsUpdate {
                mrn: Some("MRN-77".into()),
                ..Default::default()
            },
            "desk.ana",
        )
        .unwrap();
    assert!(!p.provisional);
    assert_eq!(p.mrn, "MRN-77");
}
