//! One projection row per document, by kind. The domain computes each projection purely
//! from the record (`PatientProjection::of`, `EncounterProjection::of`, ...); this file
//! only maps it to the columns queries filter and sort on, plus the whole projection as
//! JSON in `detail`.

use super::{timestamp, to_detail};
use crate::error::ReplicaError;
use outpost_domain::document::encounter::{EncounterProjection, EncounterRecord};
use outpost_domain::document::handover::{HandoverProjection, HandoverRecord};
use outpost_domain::document::template::{TemplateProjection, TemplateRecord};
use outpost_domain::document::{DocKind, Document};
use outpost_domain::link::LinkStatus;
use outpost_domain::patient::PatientProjection;
use outpost_domain::vitals::{VitalsProjection, VitalsStatus};
use rusqlite::{params, Connection};

/// Every projection table (one per kind).
pub(super) const TABLES: [&str; 6] = [
    "patients",
    "vitals",
    "encounters",
    "handovers",
    "templates",
    "patient_links",
];

/// Rebuilds the projection row of `doc`.
pub(super) fn project(conn: &Connection, doc: &Document) -> Result<(), ReplicaError> {
    match doc.kind {
        DocKind::Patient => patient(conn, &PatientProjection::of(&doc.patient_record()?)),
        DocKind::Vitals => vitals(conn, &VitalsProjection::of(&doc.vitals_record()?)),
        DocKind::Encounter => encounter(
            conn,
            &EncounterProjection::of(&doc.read::<EncounterRecord>()?),
        ),
        DocKind::Handover => handover(
            conn,
            &HandoverProjection::of(&doc.read::<HandoverRecord>()?),
        ),
        DocKind::Template => template(
            conn,
            &TemplateProjection::of(&doc.read::<TemplateRecord>()?),
        ),
        DocKind::PatientLink => link(conn, &doc.patient_link()?),
    }
}

fn patient(conn: &Connection, p: &PatientProjection) -> Result<(), ReplicaError> {
    conn.execute(
        "INSERT OR REPLACE INTO patients
           (id, name, date_of_birth, mrn, provisional, duplicate_key, detail)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            p.id.to_string(),
            p.name,
            p.date_of_birth.format("%Y-%m-%d").to_string(),
            p.mrn,
            p.provisional,
            p.duplicate_key,
            to_detail(p)?,
        ],
    )?;
    Ok(())
}

fn vitals(conn: &Connection, v: &VitalsProjection) -> Result<(), ReplicaError> {
    let status = match v.status {
        VitalsStatus::Final => "final",
        VitalsStatus::EnteredInError => "entered-in-error",
    };
    conn.execute(
        "INSERT OR REPLACE INTO vitals (id, patient_id, taken_at, status, detail)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            v.id.to_string(),
            v.patient_id.to_string(),
            timestamp(v.taken_at),
            status,
            to_detail(v)?,
        ],
    )?;
    Ok(())
}

fn encounter(conn: &Connection, e: &EncounterProjection) -> Result<(), ReplicaError> {
    conn.execute(
        "INSERT OR REPLACE INTO encounters
           (id, patient_id, template_id, template_version, status, encounter_date, detail)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            e.id.to_string(),
            e.patient_id.to_string(),
            e.template.template_id.to_string(),
            crate::meta::to_i64(e.template.version)?,
            word(&e.status)?,
            e.date,
            to_detail(e)?,
        ],
    )?;
    Ok(())
}

fn handover(conn: &Connection, h: &HandoverProjection) -> Result<(), ReplicaError> {
    conn.execute(
        "INSERT OR REPLACE INTO handovers (id, ward, sort_key, detail) VALUES (?1, ?2, ?3, ?4)",
        params![
            h.id.to_string(),
            h.ward,
            format!("{} {}", h.from_shift.date, h.from_shift.name),
            to_detail(h)?,
        ],
    )?;
    Ok(())
}

fn template(conn: &Connection, t: &TemplateProjection) -> Result<(), ReplicaError> {
    let latest = t.latest_version.map(crate::meta::to_i64).transpose()?;
    conn.execute(
        "INSERT OR REPLACE INTO templates (id, name, latest_version, detail)
         VALUES (?1, ?2, ?3, ?4)",
        params![t.id.to_string(), t.name, latest, to_detail(t)?],
    )?;
    Ok(())
}

fn link(conn: &Connection, l: &outpost_domain::link::PatientLink) -> Result<(), ReplicaError> {
    let status = match l.status {
        LinkStatus::Active => "active",
        LinkStatus::Undone => "undone",
    };
    conn.execute(
        "INSERT OR REPLACE INTO patient_links (id, survivor_id, merged_id, status, detail)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            l.id.to_string(),
            l.survivor.to_string(),
            l.merged.to_string(),
            status,
            to_detail(l)?,
        ],
    )?;
    Ok(())
}

/// A unit enum's serde word (e.g. `in_progress`), for a status column.
fn word<T: serde::Serialize>(value: &T) -> Result<String, ReplicaError> {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => Ok(s),
        other => Err(ReplicaError::Corrupt(format!(
            "expected a word, got {other:?}"
        ))),
    }
}
