//! The compact vitals row reads back as exactly the projection it was written from: every
//! value, position, note and entered-in-error reason; codes that differ from the catalog
//! (or a field the catalog does not know) are kept; a row in the old full-JSON shape is
//! rebuilt from the document when read.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use super::{latest_final, row, select};
use crate::test_support::replica_with_patient;
use outpost_domain::ids::DocId;
use outpost_domain::vitals::{NewVitals, Observation, VitalsProjection, VitalsStatus};

fn every_value(patient_id: DocId) -> NewVitals {
    NewVitals {
        patient_id,
        weight_kg: Some(71.3),
        height_cm: Some(168.0),
        temperature_c: Some(37.9),
        systolic_mmhg: Some(142.0),
        diastolic_mmhg: Some(91.0),
        heart_rate_per_min: Some(104.0),
        respiratory_rate_per_min: Some(22.0),
        spo2_percent: Some(93.0),
        taken_at: None,
    }
}

#[test]
fn a_vitals_set_reads_back_as_recorded_with_position_notes_and_error_reason() {
    let (_d, mut r, patient) = replica_with_patient();
    let made = r
        .record_vitals_with_notes(
            &every_value(patient),
            Some("sitting"),
            Some("after a flight of stairs, \"breathless\""),
            "nurse.kim",
        )
        .unwrap();
    assert_eq!(r.vitals(made.id).unwrap(), made);
    let other = r
        .record_vitals(
            &NewVitals {
                patient_id: patient,
                spo2_percent: Some(98.0),
                ..Default::default()
            },
            "nurse.kim",
        )
        .unwrap();

    let wrong = r
        .mark_vitals_entered_in_error(other.id, "wrong patient's monitor", "nurse.kim")
        .unwrap();
    assert_eq!(wrong.status, VitalsStatus::EnteredInError);
    assert_eq!(r.vitals(other.id).unwrap(), wrong);
    assert_eq!(r.vitals_history(patient).unwrap().len(), 2);
    // The set in error is newer, but the latest valid one is the first.
    assert_eq!(latest_final(&r.conn, patient).unwrap(), Some(made));
}

#[test]
fn codes_that_differ_from_the_catalog_and_unknown_fields_are_kept() {
    let (_d, r, patient) = replica_with_patient();
    let odd = VitalsProjection {
        id: DocId::new(),
        patient_id: patient,
        taken_at: chrono::Utc::now(),
        taken_by: "nurse.kim".into(),
        status: VitalsStatus::Final,
        observations: vec![
            Observation {
                field: "temperature_c".into(),
                loinc: "8310-5".into(),
                ucum: "Cel".into(),
                value: 36.8,
            },
            Observation {
                field: "temperature_c".into(),
                loinc: "8331-1".into(), // oral temperature: not the catalog's code
                ucum: "Cel".into(),
                value: 37.1,
            },
            Observation {
                field: "pain_score".into(), // not in the catalog at all
                loinc: "72514-3".into(),
                ucum: "{score}".into(),
                value: 4.0,
            },
        ],
        position: None,
        notes: None,
        entered_in_error_reason: None,
    };
    r.conn
        .execute(
            "INSERT INTO documents (id, kind, bytes, heads) VALUES (?1, 'vitals', x'00', x'')",
            [odd.id.to_string()],
        )
        .unwrap();
    row(&odd).unwrap().write(&r.conn, true).unwrap();
    let read = select(&r.conn, "WHERE id = ?1", [odd.id.to_string()]).unwrap();
    assert_eq!(read, vec![odd]);
}

#[test]
fn the_row_does_not_repeat_the_catalog_codes_or_the_columns() {
    let (_d, mut r, patient) = replica_with_patient();
    let made = r.record_vitals(&every_value(patient), "nurse.kim").unwrap();
    let detail: String = r
        .conn
        .query_row("SELECT detail FROM vitals", [], |row| row.get(0))
        .unwrap();
    for repeated in [
        "29463-7",
        "mm[Hg]",
        &made.id.to_string(),
        &patient.to_string(),
    ] {
        assert!(!detail.contains(repeated), "{repeated} in {detail}");
    }
}

#[test]
fn a_row_in_the_old_full_json_shape_is_rebuilt_from_the_document() {
    let (_d, mut r, patient) = replica_with_patient();
    let made = r
        .record_vitals_with_notes(&every_value(patient), Some("lying"), None, "nurse.kim")
        .unwrap();
    // As the build before compact rows left it: the whole projection as JSON.
    r.conn
        .execute(
            "UPDATE vitals SET detail = ?1",
            [serde_json::to_string(&made).unwrap()],
        )
        .unwrap();
    assert_eq!(r.vitals(made.id).unwrap(), made);
}
