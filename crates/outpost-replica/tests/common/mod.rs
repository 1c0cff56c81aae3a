//! Helpers shared by the replica's integration tests: sample input, and a second, raw
//! SQLCipher connection (keyed from the real keyring) to look at what was stored.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use outpost_replica::outpost_domain::document::encounter::EncounterType;
use outpost_replica::outpost_domain::document::handover::{
    HandoverPriority, HandoverShift, NewHandover, NewHandoverItem,
};
use outpost_replica::outpost_domain::document::template::{
    FieldType, GridPos, TemplateContent, TemplateField, TemplateScope, TemplateSection,
};
use outpost_replica::outpost_domain::ids::DocId;
use outpost_replica::outpost_domain::patient::{NewPatient, Sex};
use outpost_replica::outpost_domain::vitals::NewVitals;
use outpost_replica::TemplateEdit;
use rusqlite::Connection;
use std::path::{Path, PathBuf};

pub fn new_patient(name: &str, mrn: &str) -> NewPatient {
    NewPatient {
        name: name.into(),
        date_of_birth: "1984-03-07".into(),
        sex: Sex::Female,
        mrn: mrn.into(),
    }
}

/// A handover of Ward 3 from the day shift to the night shift of `date`, by `author`.
pub fn ward_handover(date: &str, author: &str) -> NewHandover {
    let shift = |name: &str| HandoverShift {
        date: date.into(),
        name: name.into(),
    };
    NewHandover {
        ward: "Ward 3".into(),
        from_shift: shift("day"),
        to_shift: shift("night"),
        author: author.into(),
    }
}

/// An urgent handover item `id` about `patient`: `situation`, a drain to check at 22:00.
pub fn urgent_item(id: &str, patient: DocId, situation: &str) -> NewHandoverItem {
    NewHandoverItem {
        id: id.into(),
        patient_id: patient,
        priority: HandoverPriority::Urgent,
        situation: situation.into(),
        background: "Admitted on Tuesday".into(),
        assessment: "Stable".into(),
        recommendation: "Check the drain at 22:00".into(),
        action_required: "drain check".into(),
    }
}

pub fn normal_vitals(patient_id: DocId) -> NewVitals {
    NewVitals {
        patient_id,
        temperature_c: Some(36.8),
        systolic_mmhg: Some(120.0),
        diastolic_mmhg: Some(80.0),
        heart_rate_per_min: Some(72.0),
        spo2_percent: Some(98.0),
        ..Default::default()
    }
}

/// The keyring entry holding the key of the database at `db_path`.
pub fn key_entry(db_path: &Path) -> keyring::Entry {
    keyring::Entry::new("outpost", &format!("replica-key:{}", db_path.display())).unwrap()
}

/// A second connection to the replica's database, for inspecting rows directly.
pub fn raw(db_path: &Path) -> Connection {
    let key = key_entry(db_path).get_password().unwrap();
    let conn = Connection::open(db_path).unwrap();
    conn.execute_batch(&format!(
        "PRAGMA key = \"x'{key}'\"; PRAGMA cipher_compatibility = 4;"
    ))
    .unwrap();
    conn
}

pub fn count(conn: &Connection, table: &str) -> i64 {
    conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

/// Names of the files in `dir`, sorted.
pub fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// The database file and its WAL and shared-memory companions.
pub fn db_files(db_path: &Path) -> [PathBuf; 3] {
    let with = |suffix: &str| {
        let mut s = db_path.as_os_str().to_owned();
        s.push(suffix);
        PathBuf::from(s)
    };
    [with(""), with("-wal"), with("-shm")]
}

/// What a refused write must leave untouched: documents, change log, audit log and the
/// replica's change counter.
#[derive(Debug, PartialEq, Eq)]
pub struct Stored {
    pub documents: i64,
    pub changes: i64,
    pub audit: i64,
    pub counter: u64,
}

pub fn stored(r: &outpost_replica::Replica) -> Stored {
    let conn = raw(r.db_path());
    Stored {
        documents: count(&conn, "documents"),
        changes: count(&conn, "changes"),
        audit: count(&conn, "audit_log"),
        counter: r.local_counter().unwrap(),
    }
}

/// The field names of a validation error.
pub fn fields(err: &outpost_replica::ReplicaError) -> Vec<String> {
    err.field_errors().iter().map(|f| f.field.clone()).collect()
}

/// Closes the replica and opens it again from disk.
pub fn reopen(r: outpost_replica::Replica, dir: &Path) -> outpost_replica::Replica {
    drop(r);
    outpost_replica::Replica::open(dir).unwrap()
}

pub fn block(first: u64, last: u64) -> outpost_replica::outpost_domain::protocol::MrnBlock {
    outpost_replica::outpost_domain::protocol::MrnBlock {
        prefix: "P-".into(),
        first,
        last,
    }
}

/// A published "Operative note" template with one number field, `blood_loss` (0–5000 ml),
/// designed by `admin.ada` on `r`; returns its id.
pub fn operative_template(r: &mut outpost_replica::Replica) -> DocId {
    let content = TemplateContent::new(
        "Operative note",
        "surgery",
        EncounterType::Operative,
        TemplateScope::Clinic,
    );
    let t = r.create_template(&content, "admin.ada").unwrap().id;
    r.edit_template(
        t,
        &TemplateEdit::AddPage {
            page_id: "main".into(),
            title: "Main".into(),
        },
        "admin.ada",
    )
    .unwrap();
    r.edit_template(
        t,
        &TemplateEdit::AddSection {
            page_id: "main".into(),
            section: TemplateSection::new("op", "Operation", GridPos::new(0, 0, 12, 2)),
        },
        "admin.ada",
    )
    .unwrap();
    r.edit_template(
        t,
        &TemplateEdit::AddField {
            section_id: "op".into(),
            field: TemplateField::new(
                "blood_loss",
                "Blood loss",
                FieldType::Number {
                    unit: "ml".into(),
                    min: Some(0.0),
                    max: Some(5000.0),
                },
                GridPos::new(0, 0, 4, 1),
            ),
        },
        "admin.ada",
    )
    .unwrap();
    r.publish_template(t, "admin.ada").unwrap();
    t
}
