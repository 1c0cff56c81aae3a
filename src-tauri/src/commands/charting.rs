//! Encounter commands: the templates a clinician may chart on (published versions only,
//! by specialty and visit type), opening an encounter on the latest published version
//! (pinned, and pre-filled by the template's auto-populate rules), the form laid out on
//! that pinned version, and the save-as-you-type edits of fields and narrative notes.

use super::{read, write};
use crate::error::CommandError;
use crate::state::AppState;
use outpost_domain::document::encounter::{
    EncounterProjection, EncounterType, EncounterView, FieldValue, NewEncounter, NoteKind,
    NoteTexts,
};
use outpost_domain::document::DocKind;
use outpost_domain::ids::DocId;
use outpost_domain::roles::Action;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use tauri::State;
use ts_rs::TS;

/// A published template a new encounter may be charted on: what its latest published
/// version says (not the draft being edited).
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export_to = "../../../ui/src/bindings/")]
pub struct TemplateChoice {
    pub template_id: DocId,
    pub name: String,
    pub specialty: String,
    pub visit_type: EncounterType,
    #[ts(type = "number")]
    pub version: u64,
}

/// What the window sends to open an encounter; the provider is the session's user, the
/// specialty and visit type are the pinned version's.
#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export_to = "../../../ui/src/bindings/")]
pub struct OpenEncounterInput {
    pub patient_id: DocId,
    pub template_id: DocId,
    /// `YYYY-MM-DD`, the workstation's date.
    pub date: String,
}

#[tauri::command]
#[tracing::instrument(skip_all)]
pub async fn list_template_choices(
    state: State<'_, AppState>,
) -> Result<Vec<TemplateChoice>, CommandError> {
    read(&state, DocKind::Template, |r| {
        let mut out = Vec::new();
        for t in r.list_templates()? {
            let Some(version) = t.latest_version else {
                continue;
            };
            let content = r.template_version(t.id, version)?;
            out.push(TemplateChoice {
                template_id: t.id,
                name: content.name,
                specialty: content.specialty,
                visit_type: content.visit_type,
                version,
            });
        }
        Ok(out)
    })
    .await
}

#[tauri::command]
#[tracing::instrument(skip_all)]
pub async fn open_encounter(
    state: State<'_, AppState>,
    input: OpenEncounterInput,
) -> Result<EncounterView, CommandError> {
    write(
        &state,
        DocKind::Encounter,
        Action::Create,
        move |r, author| {
            let pin = r.template_pin(input.template_id, None)?;
            let content = r.template_version(input.template_id, pin.version)?;
            let opened = r.open_encounter(
                &NewEncounter {
                    patient_id: input.patient_id,
                    provider: author.to_owned(),
                    date: input.date.clone(),
                    encounter_type: content.visit_type,
                    specialty: content.specialty,
                    template: pin,
                    fields: BTreeMap::new(),
                    notes: NoteTexts::default(),
                },
                author,
            )?;
            r.encounter_view(opened.id)
        },
    )
    .await
}

#[tauri::command]
#[tracing::instrument(skip_all)]
pub async fn encounter_view(
    state: State<'_, AppState>,
    encounter_id: DocId,
) -> Result<EncounterView, CommandError> {
    read(&state, DocKind::Encounter, move |r| {
        r.encounter_view(encounter_id)
    })
    .await
}

#[tauri::command]
#[tracing::instrument(skip_all)]
pub async fn list_encounters(
    state: State<'_, AppState>,
    patient_id: DocId,
) -> Result<Vec<EncounterProjection>, CommandError> {
    read(&state, DocKind::Encounter, move |r| {
        r.list_encounters(Some(patient_id))
    })
    .await
}

/// Saves structured fields as they are typed; refused whole, per field, if any is wrong.
#[tauri::command]
#[tracing::instrument(skip_all)]
pub async fn set_encounter_fields(
    state: State<'_, AppState>,
    encounter_id: DocId,
    values: BTreeMap<String, FieldValue>,
) -> Result<EncounterProjection, CommandError> {
    write(
        &state,
        DocKind::Encounter,
        Action::Edit,
        move |r, author| r.set_encounter_fields(encounter_id, &values, author),
    )
    .await
}

/// Saves a narrative note as it is typed (only the characters that differ are written).
#[tauri::command]
#[tracing::instrument(skip_all)]
pub async fn edit_encounter_note(
    state: State<'_, AppState>,
    encounter_id: DocId,
    which: NoteKind,
    text: String,
) -> Result<EncounterProjection, CommandError> {
    write(
        &state,
        DocKind::Encounter,
        Action::Edit,
        move |r, author| r.edit_encounter_note(encounter_id, which, &text, author),
    )
    .await
}
