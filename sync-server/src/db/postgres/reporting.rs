//! The reporting tables: one row per record (and one per handover item), rewritten from the
//! server's copy of a document in the push transaction that changed it, so a report always
//! equals the documents. Each row comes from the domain's projection of the record, the
//! same view the workstations show.

use crate::error::ServerError;
use crate::validate::{Judged, Read, Working};
use outpost_domain::document::encounter::{EncounterProjection, EncounterRecord};
use outpost_domain::document::handover::{HandoverProjection, HandoverRecord};
use outpost_domain::document::patient::PatientRecord;
use outpost_domain::document::template::{TemplateProjection, TemplateRecord};
use outpost_domain::document::{DocKind, ReadRecord};
use outpost_domain::ids::ClinicId;
use outpost_domain::patient::PatientProjection;
use outpost_domain::vitals::VitalsProjection;
use outpost_domain::vitals::VitalsRecord;
use sqlx::{PgConnection, Postgres, QueryBuilder};

/// Rewrites the reporting rows of the documents a push changed (patient links have none),
/// from the records the judgement read (`judged`) when it kept them. Patients and vitals
/// sets, what pushes mostly carry, go in one statement per kind.
pub(super) async fn write_all(
    conn: &mut PgConnection,
    clinic: ClinicId,
    judged: &Judged,
) -> Result<(), ServerError> {
    let mut sets = Vec::new();
    let mut patients = Vec::new();
    let mut patients_all_new = true;
    for doc in &judged.changed {
        if doc.kind() == DocKind::Patient && !judged.created.contains(&doc.id()) {
            patients_all_new = false;
        }
        match (doc.kind(), judged.read.get(&doc.id())) {
            (DocKind::Vitals, Some(Read::Vitals(v))) => sets.push(VitalsProjection::of(v)),
            (DocKind::Vitals, _) => {
                sets.push(VitalsProjection::from(read(doc.read::<VitalsRecord>())?))
            }
            (DocKind::Patient, Some(Read::Patient(p))) => patients.push(PatientProjection::of(p)),
            (DocKind::Patient, _) => {
                patients.push(PatientProjection::of(&read(doc.read::<PatientRecord>())?))
            }
            _ => write(conn, clinic, doc).await?,
        }
    }
    let rows = if patients_all_new {
        Rows::New
    } else {
        Rows::Rewrite
    };
    patient_rows(conn, clinic, &patients, rows).await?;
    vitals(conn, clinic, &sets).await
}

/// Rewrites the reporting rows of one document other than a patient or vitals.
async fn write(
    conn: &mut PgConnection,
    clinic: ClinicId,
    doc: &Working,
) -> Result<(), ServerError> {
    match doc.kind() {
        DocKind::Patient => {
            let p = PatientProjection::of(&read(doc.read::<PatientRecord>())?);
            patient_rows(conn, clinic, std::slice::from_ref(&p), Rows::Rewrite).await
        }
        DocKind::Vitals => {
            let set = VitalsProjection::from(read(doc.read::<VitalsRecord>())?);
            vitals(conn, clinic, std::slice::from_ref(&set)).await
        }
        DocKind::Encounter => {
            encounter(
                conn,
                clinic,
                &EncounterProjection::of(&read(doc.read::<EncounterRecord>())?),
            )
            .await
        }
        DocKind::Handover => {
            handover(
                conn,
                clinic,
                &HandoverProjection::of(&read(doc.read::<HandoverRecord>())?),
            )
            .await
        }
        DocKind::Template => {
            template(
                conn,
                clinic,
                &TemplateProjection::of(&read(doc.read::<TemplateRecord>())?),
            )
            .await
        }
        DocKind::PatientLink | DocKind::LibrarySection => Ok(()),
    }
}

/// A document that passed validation always reads; if one does not, the push fails whole.
fn read<T>(r: Result<T, outpost_domain::DomainError>) -> Result<T, ServerError> {
    r.map_err(|e| ServerError::Inconsistent(format!("a validated record does not read: {e}")))
}

/// The wire word of an enumeration, e.g. `entered-in-error`.
fn word<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        other => format!("{other:?}"),
    }
}

fn count(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// Whether a statement's rows may exist already.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rows {
    /// Every row is of a document this push created, so none exists: inserted plainly.
    /// (An upsert costs every row a speculative insertion: an index probe before it and a
    /// WAL record after it. A document another push created meanwhile fails the push
    /// earlier, on `documents_pkey`.)
    New,
    /// Some may exist: inserted or rewritten.
    Rewrite,
}

/// The patients' rows (a macro: `concat!` takes literals only).
macro_rules! patients_insert {
    () => {
        "INSERT INTO report_patients (clinic_id, patient_id, name, date_of_birth, sex, mrn, \
             provisional, phone, address, allergy_count, active_allergens) \
         SELECT $1, u.id, u.name, u.born, u.sex, u.mrn, u.provisional, u.phone, u.address, \
                u.allergy_count, ($11::text[])[u.allergens_from:u.allergens_through] \
         FROM unnest($2::uuid[], $3::text[], $4::date[], $5::text[], $6::text[], \
                     $7::bool[], $8::text[], $9::text[], $10::int[], $12::int[], $13::int[]) \
              AS u(id, name, born, sex, mrn, provisional, phone, address, allergy_count, \
                   allergens_from, allergens_through)"
    };
}

const PATIENTS_INSERT: &str = patients_insert!();
const PATIENTS_UPSERT: &str = concat!(
    patients_insert!(),
    " ON CONFLICT (clinic_id, patient_id) DO UPDATE SET name = EXCLUDED.name, \
         date_of_birth = EXCLUDED.date_of_birth, sex = EXCLUDED.sex, mrn = EXCLUDED.mrn, \
         provisional = EXCLUDED.provisional, phone = EXCLUDED.phone, \
         address = EXCLUDED.address, allergy_count = EXCLUDED.allergy_count, \
         active_allergens = EXCLUDED.active_allergens, updated_at = now()"
);

/// The patients' rows in one statement. Each patient's active allergens are a slice of
/// one flat array, since Postgres has no array of arrays of varying length.
async fn patient_rows(
    conn: &mut PgConnection,
    clinic: ClinicId,
    patients: &[PatientProjection],
    rows: Rows,
) -> Result<(), ServerError> {
    if patients.is_empty() {
        return Ok(());
    }
    let ids: Vec<uuid::Uuid> = patients.iter().map(|p| p.id.0).collect();
    let names: Vec<&str> = patients.iter().map(|p| p.name.as_str()).collect();
    let births: Vec<chrono::NaiveDate> = patients.iter().map(|p| p.date_of_birth).collect();
    let sexes: Vec<String> = patients.iter().map(|p| word(&p.sex)).collect();
    let mrns: Vec<&str> = patients.iter().map(|p| p.mrn.as_str()).collect();
    let provisional: Vec<bool> = patients.iter().map(|p| p.provisional).collect();
    let phones: Vec<Option<&str>> = patients.iter().map(|p| p.phone.as_deref()).collect();
    let addresses: Vec<Option<&str>> = patients.iter().map(|p| p.address.as_deref()).collect();
    let allergy_counts: Vec<i32> = patients.iter().map(|p| count(p.allergies.len())).collect();
    // Every patient's active allergens in one flat array, each patient's its slice
    // `[from:through]` (1-based, inclusive; empty when through < from): reading a JSON
    // array per row cost a subquery per patient.
    let mut allergens: Vec<&str> = Vec::new();
    let mut from: Vec<i32> = Vec::with_capacity(patients.len());
    let mut through: Vec<i32> = Vec::with_capacity(patients.len());
    for p in patients {
        from.push(count(allergens.len() + 1));
        allergens.extend(p.active_allergens.iter().map(String::as_str));
        through.push(count(allergens.len()));
    }
    let sql = match rows {
        Rows::New => PATIENTS_INSERT,
        Rows::Rewrite => PATIENTS_UPSERT,
    };
    sqlx::query(sql)
        .bind(clinic.0)
        .bind(&ids)
        .bind(&names)
        .bind(&births)
        .bind(&sexes)
        .bind(&mrns)
        .bind(&provisional)
        .bind(&phones)
        .bind(&addresses)
        .bind(&allergy_counts)
        .bind(&allergens)
        .bind(&from)
        .bind(&through)
        .execute(conn)
        .await?;
    Ok(())
}

/// The vitals rows of a push in one statement (a push is often many vitals sets).
async fn vitals(
    conn: &mut PgConnection,
    clinic: ClinicId,
    sets: &[VitalsProjection],
) -> Result<(), ServerError> {
    if sets.is_empty() {
        return Ok(());
    }
    let mut insert: QueryBuilder<Postgres> = QueryBuilder::new(
        "INSERT INTO report_vitals (clinic_id, vitals_id, patient_id, taken_at, taken_by, \
         status, weight_kg, height_cm, temperature_c, systolic_mmhg, diastolic_mmhg, \
         heart_rate_per_min, respiratory_rate_per_min, spo2_percent, position, \
         entered_in_error_reason) ",
    );
    insert.push_values(sets, |mut row, v| {
        let value = |field: &str| {
            v.observations
                .iter()
                .find(|o| o.field == field)
                .map(|o| o.value)
        };
        row.push_bind(clinic.0)
            .push_bind(v.id.0)
            .push_bind(v.patient_id.0)
            .push_bind(v.taken_at)
            .push_bind(v.taken_by.clone())
            .push_bind(word(&v.status))
            .push_bind(value("weight_kg"))
            .push_bind(value("height_cm"))
            .push_bind(value("temperature_c"))
            .push_bind(value("systolic_mmhg"))
            .push_bind(value("diastolic_mmhg"))
            .push_bind(value("heart_rate_per_min"))
            .push_bind(value("respiratory_rate_per_min"))
            .push_bind(value("spo2_percent"))
            .push_bind(v.position.clone())
            .push_bind(v.entered_in_error_reason.clone());
    });
    insert.push(
        " ON CONFLICT (clinic_id, vitals_id) DO UPDATE SET status = EXCLUDED.status, \
         entered_in_error_reason = EXCLUDED.entered_in_error_reason, updated_at = now()",
    );
    insert.build().execute(conn).await?;
    Ok(())
}

async fn encounter(
    conn: &mut PgConnection,
    clinic: ClinicId,
    e: &EncounterProjection,
) -> Result<(), ServerError> {
    sqlx::query(
        "INSERT INTO report_encounters (clinic_id, encounter_id, patient_id, provider, \
             encounter_date, encounter_type, specialty, template_id, template_version, \
             status, field_count) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
         ON CONFLICT (clinic_id, encounter_id) DO UPDATE SET patient_id = EXCLUDED.patient_id, \
             provider = EXCLUDED.provider, encounter_date = EXCLUDED.encounter_date, \
             encounter_type = EXCLUDED.encounter_type, specialty = EXCLUDED.specialty, \
             template_id = EXCLUDED.template_id, template_version = EXCLUDED.template_version, \
             status = EXCLUDED.status, field_count = EXCLUDED.field_count, updated_at = now()",
    )
    .bind(clinic.0)
    .bind(e.id.0)
    .bind(e.patient_id.0)
    .bind(&e.provider)
    .bind(&e.date)
    .bind(word(&e.encounter_type))
    .bind(&e.specialty)
    .bind(e.template.template_id.0)
    .bind(to_i64(e.template.version))
    .bind(word(&e.status))
    .bind(count(e.fields.len()))
    .execute(conn)
    .await?;
    Ok(())
}

async fn handover(
    conn: &mut PgConnection,
    clinic: ClinicId,
    h: &HandoverProjection,
) -> Result<(), ServerError> {
    sqlx::query(
        "INSERT INTO report_handovers (clinic_id, handover_id, ward, from_date, from_shift, \
             to_date, to_shift, author, item_count, urgent_count) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
         ON CONFLICT (clinic_id, handover_id) DO UPDATE SET ward = EXCLUDED.ward, \
             from_date = EXCLUDED.from_date, from_shift = EXCLUDED.from_shift, \
             to_date = EXCLUDED.to_date, to_shift = EXCLUDED.to_shift, \
             author = EXCLUDED.author, item_count = EXCLUDED.item_count, \
             urgent_count = EXCLUDED.urgent_count, updated_at = now()",
    )
    .bind(clinic.0)
    .bind(h.id.0)
    .bind(&h.ward)
    .bind(&h.from_shift.date)
    .bind(&h.from_shift.name)
    .bind(&h.to_shift.date)
    .bind(&h.to_shift.name)
    .bind(&h.author)
    .bind(count(h.item_count))
    .bind(count(h.urgent_count))
    .execute(&mut *conn)
    .await?;
    sqlx::query("DELETE FROM report_handover_items WHERE clinic_id = $1 AND handover_id = $2")
        .bind(clinic.0)
        .bind(h.id.0)
        .execute(&mut *conn)
        .await?;
    if h.items.is_empty() {
        return Ok(());
    }
    let mut insert: QueryBuilder<Postgres> = QueryBuilder::new(
        "INSERT INTO report_handover_items (clinic_id, handover_id, item_id, position, \
         patient_id, priority, situation, background, assessment, recommendation, \
         action_required, acknowledged_by) ",
    );
    insert.push_values(h.items.iter().enumerate(), |mut row, (i, item)| {
        let acks: Vec<String> = item
            .acknowledgements
            .iter()
            .map(|a| a.user.clone())
            .collect();
        row.push_bind(clinic.0)
            .push_bind(h.id.0)
            .push_bind(item.id.clone())
            .push_bind(count(i))
            .push_bind(item.patient_id.0)
            .push_bind(word(&item.priority))
            .push_bind(item.situation.clone())
            .push_bind(item.background.clone())
            .push_bind(item.assessment.clone())
            .push_bind(item.recommendation.clone())
            .push_bind(item.action_required.clone())
            .push_bind(acks);
    });
    insert.build().execute(&mut *conn).await?;
    Ok(())
}

async fn template(
    conn: &mut PgConnection,
    clinic: ClinicId,
    t: &TemplateProjection,
) -> Result<(), ServerError> {
    sqlx::query(
        "INSERT INTO report_templates (clinic_id, template_id, name, specialty, visit_type, \
             field_count, latest_version, draft_published) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
         ON CONFLICT (clinic_id, template_id) DO UPDATE SET name = EXCLUDED.name, \
             specialty = EXCLUDED.specialty, visit_type = EXCLUDED.visit_type, \
             field_count = EXCLUDED.field_count, latest_version = EXCLUDED.latest_version, \
             draft_published = EXCLUDED.draft_published, updated_at = now()",
    )
    .bind(clinic.0)
    .bind(t.id.0)
    .bind(&t.name)
    .bind(&t.specialty)
    .bind(word(&t.visit_type))
    .bind(count(t.field_count))
    .bind(t.latest_version.map(to_i64))
    .bind(t.draft_published)
    .execute(conn)
    .await?;
    Ok(())
}
