//! Patient commands: search-as-you-type, registration (a provisional MRN when none is
//! entered), the chart's details, demographics, and the allergy, medication and problem
//! lists. Every write answers with the patient's details as they now stand, so the chart
//! redraws from what was stored rather than from what was typed.

use super::{read, write};
use crate::error::CommandError;
use crate::state::AppState;
use outpost_domain::document::DocKind;
use outpost_domain::ids::{DocId, EntryId};
use outpost_domain::patient::{
    AllergyInput, DemographicsUpdate, MedicationInput, NewPatient, Patient, ProblemInput,
};
use outpost_domain::roles::Action;
use outpost_replica::{
    ContactDetails, GlassAccess, PatientDetails, PatientSearchPage, PatientSummary,
};
use tauri::State;

#[tauri::command]
#[tracing::instrument(skip_all)]
pub async fn list_patients(
    state: State<'_, AppState>,
) -> Result<Vec<PatientSummary>, CommandError> {
    read(&state, DocKind::Patient, |r| r.list_patients()).await
}

/// One page of patients matching `query` (name words, MRN or date of birth, from the start).
#[tauri::command]
#[tracing::instrument(skip_all)]
pub async fn search_patients(
    state: State<'_, AppState>,
    query: String,
    limit: u32,
) -> Result<PatientSearchPage, CommandError> {
    read(&state, DocKind::Patient, move |r| {
        r.search_patients(&query, limit)
    })
    .await
}

#[tauri::command]
#[tracing::instrument(skip_all)]
pub async fn register_patient(
    state: State<'_, AppState>,
    input: NewPatient,
    contact: Option<ContactDetails>,
) -> Result<Patient, CommandError> {
    let contact = contact.unwrap_or_default();
    write(
        &state,
        DocKind::Patient,
        Action::Create,
        move |r, author| {
            let p = r.register_patient_with_details(&input, &contact, author)?;
            r.patient(p.id)
        },
    )
    .await
}

#[tauri::command]
#[tracing::instrument(skip_all)]
pub async fn patient_details(
    state: State<'_, AppState>,
    patient_id: DocId,
) -> Result<PatientDetails, CommandError> {
    read(&state, DocKind::Patient, move |r| {
        r.patient_details(patient_id)
    })
    .await
}

/// Opens a restricted patient's chart in an emergency: with a reason, for a limited time,
/// audited, and reported to the clinic's admins at the next sync (nudged now).
#[tauri::command]
#[tracing::instrument(skip_all)]
pub async fn break_the_glass(
    state: State<'_, AppState>,
    patient_id: DocId,
    reason: String,
) -> Result<GlassAccess, CommandError> {
    let access = read(&state, DocKind::Patient, move |r| {
        r.break_the_glass(patient_id, &reason)
    })
    .await?;
    state.idle.touch(std::time::Instant::now());
    state.nudge();
    Ok(access)
}

#[tauri::command]
#[tracing::instrument(skip_all)]
pub async fn edit_demographics(
    state: State<'_, AppState>,
    patient_id: DocId,
    update: DemographicsUpdate,
) -> Result<PatientDetails, CommandError> {
    write(&state, DocKind::Patient, Action::Edit, move |r, author| {
        r.edit_patient(patient_id, &update, author)?;
        r.patient_details(patient_id)
    })
    .await
}

/// Adds an allergy (`entry_id` absent) or replaces one.
#[tauri::command]
#[tracing::instrument(skip_all)]
pub async fn save_allergy(
    state: State<'_, AppState>,
    patient_id: DocId,
    entry_id: Option<EntryId>,
    input: AllergyInput,
) -> Result<PatientDetails, CommandError> {
    write(&state, DocKind::Patient, Action::Edit, move |r, author| {
        match entry_id {
            Some(e) => drop(r.update_allergy(patient_id, e, &input, author)?),
            None => drop(r.add_allergy(patient_id, &input, author)?),
        }
        r.patient_details(patient_id)
    })
    .await
}

/// Marks an allergy refuted: it stays on the list, struck through.
#[tauri::command]
#[tracing::instrument(skip_all)]
pub async fn refute_allergy(
    state: State<'_, AppState>,
    patient_id: DocId,
    entry_id: EntryId,
) -> Result<PatientDetails, CommandError> {
    write(&state, DocKind::Patient, Action::Edit, move |r, author| {
        r.refute_allergy(patient_id, entry_id, author)?;
        r.patient_details(patient_id)
    })
    .await
}

/// Adds a medication (`entry_id` absent) or replaces one.
#[tauri::command]
#[tracing::instrument(skip_all)]
pub async fn save_medication(
    state: State<'_, AppState>,
    patient_id: DocId,
    entry_id: Option<EntryId>,
    input: MedicationInput,
) -> Result<PatientDetails, CommandError> {
    write(&state, DocKind::Patient, Action::Edit, move |r, author| {
        match entry_id {
            Some(e) => drop(r.update_medication(patient_id, e, &input, author)?),
            None => drop(r.add_medication(patient_id, &input, author)?),
        }
        r.patient_details(patient_id)
    })
    .await
}

/// Stops a medication on `stop` (`YYYY-MM-DD`).
#[tauri::command]
#[tracing::instrument(skip_all)]
pub async fn stop_medication(
    state: State<'_, AppState>,
    patient_id: DocId,
    entry_id: EntryId,
    stop: String,
) -> Result<PatientDetails, CommandError> {
    write(&state, DocKind::Patient, Action::Edit, move |r, author| {
        r.stop_medication(patient_id, entry_id, &stop, author)?;
        r.patient_details(patient_id)
    })
    .await
}

/// Adds a problem (`entry_id` absent) or replaces one.
#[tauri::command]
#[tracing::instrument(skip_all)]
pub async fn save_problem(
    state: State<'_, AppState>,
    patient_id: DocId,
    entry_id: Option<EntryId>,
    input: ProblemInput,
) -> Result<PatientDetails, CommandError> {
    write(&state, DocKind::Patient, Action::Edit, move |r, author| {
        match entry_id {
            Some(e) => drop(r.update_problem(patient_id, e, &input, author)?),
            None => drop(r.add_problem(patient_id, &input, author)?),
        }
        r.patient_details(patient_id)
    })
    .await
}
