//! Vitals sets are immutable: the one permitted edit marks them entered-in-error with a
//! reason, the values stay readable, and a change that alters values is recognised.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use chrono::{DateTime, Utc};
use outpost_domain::clock::Hlc;
use outpost_domain::document::{ChangeMeta, DocKind, Document};
use outpost_domain::ids::{DocId, ReplicaId};
use outpost_domain::vitals::*;

fn now() -> DateTime<Utc> {
    "2026-11-22T10:00:00Z".parse().unwrap()
}

fn meta(author: &str) -> ChangeMeta {
    ChangeMeta {
        author: author.into(),
        wall_ms: 1_763_800_000_000,
        hlc: Hlc::default(),
    }
}

fn record() -> VitalsRecord {
    let set = NewVitals {
        patient_id: DocId::new(),
        temperature_c: Some(38.4),
        heart_rate_per_min: Some(96.0),
        ..Default::default()
    }
    .validate(DocId::new(), "nurse.kim", now())
    .unwrap();
    VitalsRecord::new(&set, Some("sitting"), Some("after a walk")).unwrap()
}

#[test]
fn entered_in_error_on_one_replica_shows_on_the_other_with_reason_and_values() {
    let (a_id, b_id) = (ReplicaId::new(), ReplicaId::new());
    let (mut a, created) =
        Document::create_vitals_record(a_id, &record(), &meta("nurse.kim")).unwrap();
    let mut b = Document::empty(a.id, DocKind::Vitals);
    b.apply_remote([created.bytes.as_slice()]).unwrap();
    let change = a
        .mark_vitals_entered_in_error(a_id, &meta("nurse.kim"), "wrong patient")
        .unwrap();
    b.apply_remote([change.bytes.as_slice()]).unwrap();
    let seen = VitalsProjection::of(&b.vitals_record().unwrap());
    assert_eq!(seen.status, VitalsStatus::EnteredInError);
    assert_eq!(
        seen.entered_in_error_reason.as_deref(),
        Some("wrong patient")
    );
    assert_eq!(b.vitals().unwrap().value("temperature_c"), Some(38.4));
    assert_eq!(seen.position.as_deref(), Some("sitting"));
    assert!(b
        .mark_vitals_entered_in_error(b_id, &meta("n"), "again")
        .is_err());
}

#[test]
fn a_reason_is_required_and_values_cannot_change() {
    let mut r = record();
    let err = r.mark_entered_in_error("  ").unwrap_err();
    assert_eq!(err.field_errors()[0].field, "reason");
    let before = r.clone();
    r.mark_entered_in_error("duplicate entry").unwrap();
    assert!(check_vitals_change(&before, &r).is_ok());
    assert!(
        check_vitals_change(&r, &before).is_err(),
        "cannot become final again"
    );
    let other = record();
    let err = check_vitals_change(&before, &other).unwrap_err();
    assert!(err.to_string().contains("immutable"), "{err}");
}

#[test]
fn notes_are_limited_in_length() {
    let set = record().set();
    let err = VitalsRecord::new(&set, None, Some(&"n".repeat(501))).unwrap_err();
    assert_eq!(err.field_errors()[0].field, "notes");
}

#[test]
fn a_schema_1_vitals_set_can_be_marked_entered_in_error() {
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/vitals-v1.automerge"
    ))
    .unwrap();
    let id = "0193a000-0000-7000-8000-0000000000b1".parse().unwrap();
    let mut doc = Document::load(id, DocKind::Vitals, &bytes).unwrap();
    let before = doc.vitals_record().unwrap();
    doc.mark_vitals_entered_in_error(ReplicaId::new(), &meta("nurse.kim"), "wrong arm")
        .unwrap();
    let after = doc.vitals_record().unwrap();
    check_vitals_change(&before, &after).unwrap();
    assert_eq!(after.status(), VitalsStatus::EnteredInError);
    assert_eq!(doc.vitals().unwrap().value("systolic_mmhg"), Some(130.0));
}
