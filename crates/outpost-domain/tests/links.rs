//! Duplicate detection and reversible patient links.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use chrono::{DateTime, NaiveDate, Utc};
use outpost_domain::clock::Hlc;
use outpost_domain::document::{ChangeMeta, DocKind, Document};
use outpost_domain::ids::{DocId, ReplicaId};
use outpost_domain::link::*;
use outpost_domain::patient::{PatientProjection, PatientRegistration, Sex};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
}

fn at() -> DateTime<Utc> {
    "2026-11-22T10:00:00Z".parse().unwrap()
}

fn patient(name: &str, phone: &str) -> PatientProjection {
    let rec = PatientRegistration {
        name: name.into(),
        date_of_birth: "1990-05-01".into(),
        sex: Sex::Female,
        mrn: None,
        phone: Some(phone.into()),
        address: None,
        emergency_contact: None,
    }
    .validate(DocId::new(), today(), Some("P-000001"))
    .unwrap();
    PatientProjection::of(&rec)
}

#[test]
fn the_key_ignores_case_accents_punctuation_word_order_and_phone_prefixes() {
    let dob = NaiveDate::from_ymd_opt(1990, 5, 1).unwrap();
    let a = duplicate_key_of("José  María O'Neil", dob, Some("+34 612-345-678"));
    let b = duplicate_key_of("o neil, JOSE maria", dob, Some("612 345 678"));
    assert_eq!(a, b);
    assert_eq!(a.as_deref(), Some("jose maria neil o|1990-05-01|612345678"));
    assert_ne!(
        a,
        duplicate_key_of("José María O'Neil", dob, Some("612 345 679"))
    );
    assert_eq!(duplicate_key_of("José", dob, None), None);
    assert_eq!(duplicate_key_of("123", dob, Some("612345678")), None);
}

#[test]
fn two_registrations_of_one_person_are_flagged_until_merged_and_again_after_unmerge() {
    let a = patient("Amara Okafor", "0803 555 0101");
    let b = patient("OKAFOR Amara", "+234 803 555 0101");
    let c = patient("Someone Else", "0803 555 0101");
    let all = [a.clone(), b.clone(), c];
    let mut expected = vec![a.id, b.id];
    expected.sort();
    assert_eq!(possible_duplicates(&all, &[]), [expected.clone()]);

    let mut link =
        PatientLink::new(DocId::new(), a.id, b.id, "same person", "dr.ade", at()).unwrap();
    assert!(possible_duplicates(&all, std::slice::from_ref(&link)).is_empty());
    assert_eq!(merged_patients(std::slice::from_ref(&link)).len(), 1);

    let actor = ReplicaId::new();
    let meta = ChangeMeta {
        author: "dr.ade".into(),
        wall_ms: 1,
        hlc: Hlc::default(),
    };
    let (mut doc, _) = Document::create_patient_link(actor, &link, &meta).unwrap();
    doc.edit(actor, &meta, |l: &mut PatientLink| {
        l.undo("dr.ade", at(), "different mothers")
    })
    .unwrap();
    link = doc.patient_link().unwrap();
    assert_eq!(link.status, LinkStatus::Undone);
    assert_eq!(link.undo_reason.as_deref(), Some("different mothers"));
    assert_eq!(possible_duplicates(&all, &[link.clone()]), [expected]);
    assert!(link.clone().undo("x", at(), "again").is_err());
    let reloaded = Document::load(doc.id, DocKind::PatientLink, &doc.save()).unwrap();
    assert_eq!(reloaded.patient_link().unwrap(), link);
}

#[test]
fn a_link_needs_two_patients_a_reason_and_who_decided() {
    let id = DocId::new();
    let err = PatientLink::new(DocId::new(), id, id, " ", "", at()).unwrap_err();
    let fields: Vec<_> = err
        .field_errors()
        .iter()
        .map(|e| e.field.as_str())
        .collect();
    assert_eq!(fields, ["merged", "reason", "linked_by"]);
}
