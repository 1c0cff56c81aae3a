//! The conflicts inbox: every open conflict on this workstation with a readable name for
//! the record it is in (the patient's name and MRN, or the encounter's patient and date),
//! and the one-click resolution, which is a local write that syncs like any other.

use crate::error::CommandError;
use crate::session::Need;
use crate::state::AppState;
use outpost_domain::document::DocKind;
use outpost_domain::ids::DocId;
use outpost_domain::roles::{permits, Action};
use outpost_replica::{OpenConflict, Replica, ReplicaError};
use serde::Serialize;
use tauri::State;
use ts_rs::TS;

/// An open conflict with the record it belongs to, named for a person to recognise.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export_to = "../../../ui/src/bindings/")]
pub struct ConflictItem {
    #[serde(flatten)]
    pub conflict: OpenConflict,
    /// e.g. "Amara Okafor (MRN-001)" or "Encounter 2026-11-22 · Amara Okafor (MRN-001)".
    pub record: String,
    /// The patient the record is about, when there is one.
    pub patient_id: Option<DocId>,
}

#[tauri::command]
#[tracing::instrument(skip_all)]
pub async fn list_conflicts(state: State<'_, AppState>) -> Result<Vec<ConflictItem>, CommandError> {
    state
        .as_user(Need::SignedIn, |r, user| {
            let role = user.role;
            let mut items = Vec::new();
            for c in r.list_open_conflicts()? {
                // Only records the role may read and whose chart the user may open, so no
                // one sees a name, or a value in conflict, they could not open.
                if !permits(role, c.kind, Action::Read) || !r.may_open_record(c.doc_id, c.kind)? {
                    continue;
                }
                let (record, patient_id) = describe(r, &c)?;
                items.push(ConflictItem {
                    conflict: c,
                    record,
                    patient_id,
                });
            }
            Ok(items)
        })
        .await
}

/// Keeps `chosen` (one of the listed values) for the field at `path` of record `doc_id`.
#[tauri::command]
#[tracing::instrument(skip_all)]
pub async fn resolve_conflict(
    state: State<'_, AppState>,
    doc_id: DocId,
    path: String,
    chosen: serde_json::Value,
) -> Result<(), CommandError> {
    state
        .as_user(Need::SignedIn, move |r, user| {
            // Resolving is an edit of the record, whatever its kind.
            if let Some(kind) = r.document_kind(doc_id)? {
                if !permits(user.role, kind, Action::Edit) {
                    return Err(ReplicaError::NotPermitted {
                        role: user.role,
                        kind: kind.as_str(),
                        action: Action::Edit,
                    });
                }
            }
            r.resolve_conflict(doc_id, &path, &chosen, &user.username)
        })
        .await?;
    state.idle.touch(std::time::Instant::now());
    state.nudge();
    Ok(())
}

fn patient_label(r: &Replica, id: DocId) -> String {
    match r.patient(id) {
        Ok(p) => format!("{} ({})", p.name, p.mrn),
        // The patient may not have arrived yet; the record is still worth resolving.
        Err(_) => "a patient not on this workstation yet".to_owned(),
    }
}

fn describe(r: &Replica, c: &OpenConflict) -> Result<(String, Option<DocId>), ReplicaError> {
    Ok(match c.kind {
        DocKind::Patient => (patient_label(r, c.doc_id), Some(c.doc_id)),
        DocKind::Encounter => {
            let e = r.encounter(c.doc_id)?;
            let who = patient_label(r, e.patient_id);
            (format!("Encounter {} · {who}", e.date), Some(e.patient_id))
        }
        DocKind::Vitals => {
            let v = r.vitals(c.doc_id)?;
            (
                format!("Vitals · {}", patient_label(r, v.patient_id)),
                Some(v.patient_id),
            )
        }
        DocKind::Handover => {
            let h = r.handover(c.doc_id)?;
            (format!("Handover · {}", h.ward), None)
        }
        DocKind::Template => (format!("Template {}", r.template(c.doc_id)?.name), None),
        DocKind::PatientLink => ("Patient merge".to_owned(), None),
        DocKind::LibrarySection => ("Saved library section".to_owned(), None),
    })
}
