//! Documents written by schema version 1 (the walking skeleton) must keep loading in every
//! later version. The fixtures are real saved documents of that version; never regenerate
//! them — add new fixtures for new versions instead.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use outpost_domain::document::{DocKind, Document};
use outpost_domain::patient::Sex;

fn fixture(name: &str) -> std::io::Result<Vec<u8>> {
    std::fs::read(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
}

#[test]
fn a_version_1_patient_still_loads() {
    let id = "0193a000-0000-7000-8000-0000000000a1".parse().unwrap();
    let doc = Document::load(
        id,
        DocKind::Patient,
        &fixture("patient-v1.automerge").unwrap(),
    )
    .unwrap();
    let p = doc.patient().unwrap();
    assert_eq!(p.id, id);
    assert_eq!(p.name, "Version One Patient");
    assert_eq!(p.date_of_birth.to_string(), "1961-02-03");
    assert_eq!(p.sex, Sex::Male);
    assert_eq!(p.mrn, "V1-0001");
}

#[test]
fn a_version_1_vitals_set_still_loads() {
    let id = "0193a000-0000-7000-8000-0000000000b1".parse().unwrap();
    let doc = Document::load(
        id,
        DocKind::Vitals,
        &fixture("vitals-v1.automerge").unwrap(),
    )
    .unwrap();
    let v = doc.vitals().unwrap();
    assert_eq!(v.taken_by, "nurse.v1");
    assert_eq!(v.value("temperature_c"), Some(37.2));
    assert_eq!(v.value("systolic_mmhg"), Some(130.0));
    assert_eq!(v.taken_at.to_rfc3339(), "2026-11-20T08:30:00+00:00");
}
