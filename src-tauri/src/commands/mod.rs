//! The commands the window may call, one module per area. Each is a few lines: take the
//! input, call the replica off the UI thread as the signed-in user (refused when nobody
//! is signed in or the role may not), and after a successful write nudge background sync
//! so the change leaves the workstation soon. Every answer is a type exported to
//! TypeScript (ui/src/bindings), so the window never restates a shape.

pub mod charting;
pub mod conflicts;
#[cfg(test)]
mod gate_tests;
pub mod handovers;
pub mod oversight;
pub mod patients;
pub mod session;
pub mod signing;
#[cfg(test)]
mod signing_tests;
pub mod templates;
pub mod vitals;

use crate::error::CommandError;
use crate::session::Need;
use crate::state::AppState;
use outpost_domain::document::DocKind;
use outpost_domain::roles::Action;
use outpost_replica::sync::SyncStatus;
use serde::Serialize;
use tauri::State;
use ts_rs::TS;

/// Who and where: shown in the header; `startup_error` replaces the charting screens.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export_to = "../../../ui/src/bindings/")]
pub struct AppInfo {
    pub clinic_name: Option<String>,
    pub device_name: Option<String>,
    /// The automatic logoff limit: idle this long, the window signs its user out.
    #[ts(type = "number")]
    pub idle_limit_seconds: u64,
    /// Why the replica could not be opened, with what to do; `None` when it is open.
    pub startup_error: Option<String>,
}

#[tauri::command]
#[tracing::instrument(skip_all)]
pub async fn app_info(state: State<'_, AppState>) -> Result<AppInfo, CommandError> {
    Ok(AppInfo {
        clinic_name: state.clinic_name().map(str::to_owned),
        device_name: state.device_name().map(str::to_owned),
        idle_limit_seconds: state.idle.limit().as_secs(),
        startup_error: state.startup_error().map(str::to_owned),
    })
}

#[tauri::command]
pub async fn status(state: State<'_, AppState>) -> Result<SyncStatus, CommandError> {
    Ok(state.status())
}

/// Reads records of `kind` for the signed-in user, if their role may.
pub(crate) async fn read<T, F>(state: &AppState, kind: DocKind, f: F) -> Result<T, CommandError>
where
    T: Send + 'static,
    F: FnOnce(&mut outpost_replica::Replica) -> Result<T, outpost_replica::ReplicaError>
        + Send
        + 'static,
{
    state
        .as_user(Need::To(kind, Action::Read), move |r, _| f(r))
        .await
}

/// Runs a write as the signed-in user (their username is the author), if their role may
/// do `action` to a `kind` record; then counts it as use of the window and nudges sync.
pub(crate) async fn write<T, F>(
    state: &AppState,
    kind: DocKind,
    action: Action,
    f: F,
) -> Result<T, CommandError>
where
    T: Send + 'static,
    F: FnOnce(&mut outpost_replica::Replica, &str) -> Result<T, outpost_replica::ReplicaError>
        + Send
        + 'static,
{
    let out = state
        .as_user(Need::To(kind, action), move |r, user| f(r, &user.username))
        .await?;
    state.idle.touch(std::time::Instant::now());
    state.nudge();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;
    use ts_rs::TS;

    /// Writes this crate's types into ui/src/bindings (`cargo test` keeps them current).
    /// Written here rather than with `#[ts(export)]`: ts-rs resolves `export_to` from the
    /// exporting crate's directory, and this crate sits one level higher than the crates/
    /// whose types it imports, so their shared `export_to` would point elsewhere.
    #[test]
    fn export_typescript_bindings() {
        let cfg = ts_rs::Config::new();
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/bindings");
        for (name, text) in [
            ("AppInfo", AppInfo::export_to_string(&cfg)),
            ("SessionInfo", session::SessionInfo::export_to_string(&cfg)),
            ("Grant", session::Grant::export_to_string(&cfg)),
            (
                "CommandError",
                crate::error::CommandError::export_to_string(&cfg),
            ),
            ("VitalRange", vitals::VitalRange::export_to_string(&cfg)),
            ("AlertView", oversight::AlertView::export_to_string(&cfg)),
            (
                "TemplateChoice",
                charting::TemplateChoice::export_to_string(&cfg),
            ),
            (
                "OpenEncounterInput",
                charting::OpenEncounterInput::export_to_string(&cfg),
            ),
            (
                "ConflictItem",
                conflicts::ConflictItem::export_to_string(&cfg),
            ),
            (
                "SigningPrompt",
                signing::SigningPrompt::export_to_string(&cfg),
            ),
            ("NoteEdit", signing::NoteEdit::export_to_string(&cfg)),
            (
                "AmendmentInput",
                signing::AmendmentInput::export_to_string(&cfg),
            ),
        ] {
            std::fs::write(dir.join(format!("{name}.ts")), text.unwrap()).unwrap();
        }
        let text = std::fs::read_to_string(dir.join("CommandError.ts")).unwrap();
        assert!(text.contains(r#"from "./FieldError""#), "{text}");
        let text = std::fs::read_to_string(dir.join("ConflictItem.ts")).unwrap();
        assert!(text.contains("values: Array<ConflictValue>"), "{text}");
    }
}
