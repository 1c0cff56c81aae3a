//! Handover commands: the outgoing nurse opens a handover for a ward and shift and adds
//! one SBAR item per patient; the incoming nurse acknowledges items one by one. The author
//! and the acknowledging user are always the session's user, never what the window says.

use super::{read, write};
use crate::error::CommandError;
use crate::state::AppState;
use outpost_domain::document::handover::{HandoverProjection, NewHandover, NewHandoverItem};
use outpost_domain::document::DocKind;
use outpost_domain::ids::DocId;
use outpost_domain::roles::Action;
use tauri::State;

/// Handovers, newest shift first: one ward's, or every ward's.
#[tauri::command]
#[tracing::instrument(skip_all)]
pub async fn list_handovers(
    state: State<'_, AppState>,
    ward: Option<String>,
) -> Result<Vec<HandoverProjection>, CommandError> {
    read(&state, DocKind::Handover, move |r| {
        r.list_handovers(ward.as_deref().filter(|w| !w.trim().is_empty()))
    })
    .await
}

#[tauri::command]
#[tracing::instrument(skip_all)]
pub async fn open_handover(
    state: State<'_, AppState>,
    input: NewHandover,
) -> Result<HandoverProjection, CommandError> {
    write(
        &state,
        DocKind::Handover,
        Action::Create,
        move |r, author| {
            let input = NewHandover {
                author: author.to_owned(),
                ..input
            };
            r.open_handover(&input, author)
        },
    )
    .await
}

#[tauri::command]
#[tracing::instrument(skip_all)]
pub async fn add_handover_item(
    state: State<'_, AppState>,
    handover_id: DocId,
    item: NewHandoverItem,
) -> Result<HandoverProjection, CommandError> {
    write(&state, DocKind::Handover, Action::Edit, move |r, author| {
        r.add_handover_item(handover_id, &item, author)
    })
    .await
}

#[tauri::command]
#[tracing::instrument(skip_all)]
pub async fn acknowledge_handover_item(
    state: State<'_, AppState>,
    handover_id: DocId,
    item_id: String,
) -> Result<HandoverProjection, CommandError> {
    write(&state, DocKind::Handover, Action::Edit, move |r, user| {
        r.acknowledge_handover_item(handover_id, &item_id, user)
    })
    .await
}
