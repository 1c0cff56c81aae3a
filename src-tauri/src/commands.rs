//! The commands the window may call. Each is a few lines: take the input, call the
//! replica off the UI thread, and after a successful write nudge background sync so the
//! change leaves the workstation soon.

use crate::error::CommandError;
use crate::state::AppState;
use outpost_domain::ids::DocId;
use outpost_domain::patient::{NewPatient, Patient};
use outpost_domain::vitals::{NewVitals, VitalsSet};
use outpost_replica::sync::SyncStatus;
use outpost_replica::PatientSummary;
use serde::Serialize;
use tauri::State;
use ts_rs::TS;

/// Who and where: shown in the header; `startup_error` replaces the charting screens.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export_to = "../../../ui/src/bindings/")]
pub struct AppInfo {
    pub clinic_name: Option<String>,
    pub device_name: Option<String>,
    /// Written as the author of every record made in this session.
    pub user: String,
    /// Why the replica could not be opened, with what to do; `None` when it is open.
    pub startup_error: Option<String>,
}

#[tauri::command]
#[tracing::instrument(skip_all)]
pub async fn app_info(state: State<'_, AppState>) -> Result<AppInfo, CommandError> {
    Ok(AppInfo {
        clinic_name: state.clinic_name().map(str::to_owned),
        device_name: state.device_name().map(str::to_owned),
        user: state.user.clone(),
        startup_error: state.startup_error().map(str::to_owned),
    })
}

#[tauri::command]
pub async fn status(state: State<'_, AppState>) -> Result<SyncStatus, CommandError> {
    Ok(state.status())
}

#[tauri::command]
#[tracing::instrument(skip_all)]
pub async fn list_patients(
    state: State<'_, AppState>,
) -> Result<Vec<PatientSummary>, CommandError> {
    state.with_replica(|r| r.list_patients()).await
}

#[tauri::command]
#[tracing::instrument(skip_all)]
pub async fn register_patient(
    state: State<'_, AppState>,
    input: NewPatient,
) -> Result<Patient, CommandError> {
    let author = state.user.clone();
    let patient = state
        .with_replica(move |r| r.register_patient(&input, &author))
        .await?;
    state.nudge();
    Ok(patient)
}

#[tauri::command]
#[tracing::instrument(skip_all)]
pub async fn record_vitals(
    state: State<'_, AppState>,
    input: NewVitals,
) -> Result<VitalsSet, CommandError> {
    let author = state.user.clone();
    let set = state
        .with_replica(move |r| r.record_vitals(&input, &author))
        .await?;
    state.nudge();
    Ok(set)
}

#[tauri::command]
#[tracing::instrument(skip_all)]
pub async fn list_vitals(
    state: State<'_, AppState>,
    patient_id: DocId,
) -> Result<Vec<VitalsSet>, CommandError> {
    state.with_replica(move |r| r.list_vitals(patient_id)).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;
    use ts_rs::TS;

    /// Writes AppInfo.ts and CommandError.ts into ui/src/bindings (`cargo test` keeps them
    /// current). Written here rather than with `#[ts(export)]`: ts-rs resolves `export_to`
    /// from the exporting crate's directory, and this crate sits one level higher than the
    /// crates/ whose types it imports, so their shared `export_to` would point elsewhere.
    #[test]
    fn export_typescript_bindings() {
        let cfg = ts_rs::Config::new();
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/bindings");
        for (name, text) in [
            ("AppInfo", AppInfo::export_to_string(&cfg)),
            (
                "CommandError",
                crate::error::CommandError::export_to_string(&cfg),
            ),
        ] {
            std::fs::write(dir.join(format!("{name}.ts")), text.unwrap()).unwrap();
        }
        let text = std::fs::read_to_string(dir.join("CommandError.ts")).unwrap();
        assert!(text.contains(r#"from "./FieldError""#), "{text}");
    }
}
