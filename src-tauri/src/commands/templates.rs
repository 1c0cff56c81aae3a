//! Template designer commands (admins): list templates with how many encounters use each
//! version, create, edit the draft (several edits of one drag as one change), check and
//! publish, read a published version, export and import the JSON file, and the section
//! library (starters plus sections admins saved). The replica refuses every write from a
//! role that may not design.

use super::{read, write};
use crate::error::CommandError;
use crate::state::AppState;
use outpost_domain::document::template::{
    LibrarySection, TemplateContent, TemplateProjection, TemplateSection,
};
use outpost_domain::document::DocKind;
use outpost_domain::ids::DocId;
use outpost_domain::roles::Action;
use outpost_domain::FieldError;
use outpost_replica::{TemplateEdit, VersionUsage};
use tauri::State;

#[tauri::command]
#[tracing::instrument(skip_all)]
pub async fn list_templates(
    state: State<'_, AppState>,
) -> Result<Vec<TemplateProjection>, CommandError> {
    read(&state, DocKind::Template, |r| r.list_templates()).await
}

#[tauri::command]
#[tracing::instrument(skip_all)]
pub async fn template_usage(
    state: State<'_, AppState>,
    template_id: DocId,
) -> Result<Vec<VersionUsage>, CommandError> {
    read(&state, DocKind::Template, move |r| {
        r.template_usage(template_id)
    })
    .await
}

#[tauri::command]
#[tracing::instrument(skip_all)]
pub async fn create_template(
    state: State<'_, AppState>,
    content: TemplateContent,
) -> Result<TemplateProjection, CommandError> {
    write(
        &state,
        DocKind::Template,
        Action::Create,
        move |r, author| r.create_template(&content, author),
    )
    .await
}

#[tauri::command]
#[tracing::instrument(skip_all)]
pub async fn edit_template(
    state: State<'_, AppState>,
    template_id: DocId,
    edits: Vec<TemplateEdit>,
) -> Result<TemplateProjection, CommandError> {
    write(&state, DocKind::Template, Action::Edit, move |r, author| {
        r.edit_template_all(template_id, &edits, author)
    })
    .await
}

#[tauri::command]
#[tracing::instrument(skip_all)]
pub async fn template_publish_problems(
    state: State<'_, AppState>,
    template_id: DocId,
) -> Result<Vec<FieldError>, CommandError> {
    read(&state, DocKind::Template, move |r| {
        r.template_publish_problems(template_id)
    })
    .await
}

#[tauri::command]
#[tracing::instrument(skip_all)]
pub async fn publish_template(
    state: State<'_, AppState>,
    template_id: DocId,
) -> Result<u64, CommandError> {
    write(&state, DocKind::Template, Action::Edit, move |r, author| {
        r.publish_template(template_id, author)
    })
    .await
}

#[tauri::command]
#[tracing::instrument(skip_all)]
pub async fn template_version(
    state: State<'_, AppState>,
    template_id: DocId,
    number: u64,
) -> Result<TemplateContent, CommandError> {
    read(&state, DocKind::Template, move |r| {
        r.template_version(template_id, number)
    })
    .await
}

#[tauri::command]
#[tracing::instrument(skip_all)]
pub async fn export_template(
    state: State<'_, AppState>,
    template_id: DocId,
    version: Option<u64>,
) -> Result<String, CommandError> {
    read(&state, DocKind::Template, move |r| {
        r.export_template(template_id, version)
    })
    .await
}

#[tauri::command]
#[tracing::instrument(skip_all)]
pub async fn import_template(
    state: State<'_, AppState>,
    file: String,
) -> Result<TemplateProjection, CommandError> {
    write(
        &state,
        DocKind::Template,
        Action::Create,
        move |r, author| r.import_template(&file, author),
    )
    .await
}

/// The section library: the starters, then the sections the clinic's admins saved.
#[tauri::command]
pub async fn section_library(
    state: State<'_, AppState>,
) -> Result<Vec<LibrarySection>, CommandError> {
    read(&state, DocKind::LibrarySection, |r| r.section_library()).await
}

/// Saves a section of the template being designed to the clinic's library.
#[tauri::command]
pub async fn save_library_section(
    state: State<'_, AppState>,
    section: TemplateSection,
    description: String,
) -> Result<LibrarySection, CommandError> {
    write(
        &state,
        DocKind::LibrarySection,
        Action::Create,
        move |r, author| r.save_library_section(&section, &description, author),
    )
    .await
}

/// Takes a saved section out of the library (starters cannot be withdrawn).
#[tauri::command]
pub async fn withdraw_library_section(
    state: State<'_, AppState>,
    id: DocId,
) -> Result<(), CommandError> {
    write(
        &state,
        DocKind::LibrarySection,
        Action::Edit,
        move |r, author| r.withdraw_library_section(id, author),
    )
    .await
}
