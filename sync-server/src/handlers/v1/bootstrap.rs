//! `POST /v1/bootstrap`: a new workstation downloads its clinic's documents, compacted,
//! one page at a time, resumable with the cursor of the last page (see
//! [`crate::bootstrap`]).

use crate::auth::AuthedDevice;
use crate::bootstrap::page_size;
use crate::error::AppError;
use crate::handlers::ApiJson;
use crate::push::check_protocol;
use crate::state::AppState;
use axum::extract::State;
use axum::Json;
use outpost_domain::protocol::{BootstrapRequest, BootstrapResponse};

#[tracing::instrument(skip_all, fields(device = %device.id))]
pub async fn bootstrap(
    State(state): State<AppState>,
    AuthedDevice(device): AuthedDevice,
    ApiJson(req): ApiJson<BootstrapRequest>,
) -> Result<Json<BootstrapResponse>, AppError> {
    check_protocol(req.protocol)?;
    let page = state
        .db()
        .bootstrap(device.clinic_id, req.after.as_ref(), page_size(req.limit))
        .await?;
    Ok(Json(page))
}
