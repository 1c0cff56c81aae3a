//! Local writes: refused input stores nothing at all; an accepted write lands as document,
//! projection, change-log row and audit row together; queries sort as the screens need.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use crate::common;

use chrono::{Duration, Utc};
use common::{count, new_patient, normal_vitals, raw};
use outpost_replica::outpost_domain::ids::DocId;
use outpost_replica::outpost_domain::vitals::NewVitals;
use outpost_replica::{Replica, ReplicaError};

fn tables(conn: &rusqlite::Connection) -> [i64; 5] {
    ["documents", "changes", "vitals", "patients", "audit_log"].map(|t| count(conn, t))
}

#[test]
fn out_of_range_vitals_are_refused_naming_field_and_range_and_nothing_is_stored() {
    let dir = tempfile::tempdir().unwrap();
    let mut r = Replica::create(dir.path()).unwrap();
    let p = r
        .register_patient(&new_patient("Amara Okafor", "MRN-1"), "desk.ana")
        .unwrap();
    let conn = raw(r.db_path());
    let before = tables(&conn);
    let counter = r.local_counter().unwrap();
    let vv = r.version_vector().unwrap();

    let mut input = normal_vitals(p.id);
    input.temperature_c = Some(47.0);
    input.spo2_percent = Some(55.0);
    let err = r.record_vitals(&input, "nurse.kim").unwrap_err();
    let fields: Vec<&str> = err
        .field_errors()
        .iter()
        .map(|f| f.field.as_str())
        .collect();
    assert_eq!(fields, ["temperature_c", "spo2_percent"]);
    let msg = err.to_string();
    assert!(
        msg.contains("temperature must be between 30 and 45 °C (got 47)"),
        "{msg}"
    );
    assert!(msg.contains("between 70 and 100 %"), "{msg}");

    assert_eq!(
        tables(&conn),
        before,
        "no document, change, vitals or audit row"
    );
    assert_eq!(r.local_counter().unwrap(), counter);
    assert_eq!(r.version_vector().unwrap(), vv);
    assert!(r.list_vitals(p.id).unwrap().is_empty());
    assert_eq!(r.pending_changes().unwrap(), 1);
}

#[test]
fn vitals_for_an_unknown_patient_and_bad_patients_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut r = Replica::create(dir.path()).unwrap();
    let err = r
        .record_vitals(&normal_vitals(DocId::new()), "nurse.kim")
        .unwrap_err();
    assert_eq!(err.field_errors()[0].field, "patient_id");

    let mut bad = new_patient(" ", "has spaces");
    bad.date_of_birth = "07/03/1984".into();
    let err = r.register_patient(&bad, "desk.ana").unwrap_err();
    let ReplicaError::Invalid(fields) = err else {
        panic!("expected a validation error");
    };
    let names: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(names, ["name", "date_of_birth", "mrn"]);

    let err = r
        .register_patient(&new_patient("Amara Okafor", "MRN-1"), "  ")
        .unwrap_err();
    assert_eq!(err.field_errors()[0].field, "author");
    assert_eq!(count(&raw(r.db_path()), "documents"), 0);
    assert_eq!(r.local_counter().unwrap(), 0);
}

#[test]
fn each_write_is_one_document_one_change_one_audit_row_and_advances_the_clock() {
    let dir = tempfile::tempdir().unwrap();
    let mut r = Replica::create(dir.path()).unwrap();
    let p = r
        .register_patient(&new_patient("Amara Okafor", "MRN-1"), "desk.ana")
        .unwrap();
    let v = r.record_vitals(&normal_vitals(p.id), "nurse.kim").unwrap();
    let conn = raw(r.db_path());
    assert_eq!(tables(&conn), [2, 2, 1, 1, 2]);
    assert_eq!(r.local_counter().unwrap(), 2);
    assert_eq!(r.version_vector().unwrap().get(&r.replica_id()), 2);

    let audit: Vec<(String, String, String)> = conn
        .prepare("SELECT actor, action, doc_id FROM audit_log ORDER BY seq")
        .unwrap()
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        audit,
        [
            (
                "desk.ana".into(),
                "patient.register".into(),
                p.id.to_string()
            ),
            ("nurse.kim".into(), "vitals.record".into(), v.id.to_string()),
        ]
    );
    let outbox = r.unpushed_changes(10).unwrap();
    assert_eq!(
        outbox
            .iter()
            .map(|c| (c.counter, c.doc_id))
            .collect::<Vec<_>>(),
        [(1, p.id), (2, v.id)]
    );
    assert_eq!(v.taken_by, "nurse.kim");
}

#[test]
fn patients_sort_by_name_with_their_latest_vitals_and_vitals_list_newest_first() {
    let dir = tempfile::tempdir().unwrap();
    let mut r = Replica::create(dir.path()).unwrap();
    let zoe = r
        .register_patient(&new_patient("zoe Adams", "MRN-2"), "desk.ana")
        .unwrap();
    let amara = r
        .register_patient(&new_patient("Amara Okafor", "MRN-1"), "desk.ana")
        .unwrap();
    let now = Utc::now();
    let mut times = Vec::new();
    for (hours_ago, temp) in [(3, 37.0), (1, 38.5), (2, 36.5)] {
        let input = NewVitals {
            taken_at: Some(now - Duration::hours(hours_ago)),
            temperature_c: Some(temp),
            ..NewVitals {
                patient_id: amara.id,
                ..Default::default()
            }
        };
        times.push(r.record_vitals(&input, "nurse.kim").unwrap().taken_at);
    }
    let list = r.list_patients().unwrap();
    let names: Vec<&str> = list.iter().map(|s| s.patient.name.as_str()).collect();
    assert_eq!(names, ["Amara Okafor", "zoe Adams"]);
    assert_eq!(
        list[0]
            .latest_vitals
            .as_ref()
            .unwrap()
            .value("temperature_c"),
        Some(38.5)
    );
    assert_eq!(list[1].latest_vitals, None);
    assert_eq!(list[1].patient, zoe);

    let temps: Vec<f64> = r
        .list_vitals(amara.id)
        .unwrap()
        .iter()
        .map(|v| v.value("temperature_c").unwrap())
        .collect();
    assert_eq!(temps, [38.5, 36.5, 37.0]);
    assert_eq!(r.list_vitals(amara.id).unwrap()[0].taken_at, times[1]);

    let json = serde_json::to_value(&list[0]).unwrap();
    assert_eq!(json["name"], "Amara Okafor", "patient fields are flattened");
    assert_eq!(json["latest_vitals"]["taken_by"], "nurse.kim");
    assert!(matches!(
        r.patient(DocId::new()),
        Err(ReplicaError::PatientNotFound(_))
    ));
}
