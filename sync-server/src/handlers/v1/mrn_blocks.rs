//! `POST /v1/mrn-blocks`: the calling workstation's next block of its clinic's
//! provisional MRNs, for patients it registers while offline.

use crate::auth::AuthedDevice;
use crate::error::AppError;
use crate::handlers::ApiJson;
use crate::mrn::checked_block_size;
use crate::state::AppState;
use axum::extract::State;
use axum::Json;
use outpost_domain::protocol::{MrnBlock, MrnBlockRequest};

#[tracing::instrument(skip_all, fields(device = %device.id))]
pub async fn allocate(
    State(state): State<AppState>,
    AuthedDevice(device): AuthedDevice,
    ApiJson(req): ApiJson<MrnBlockRequest>,
) -> Result<Json<MrnBlock>, AppError> {
    let size = checked_block_size(&req)?;
    let block = state.db().allocate_mrn_block(&device, size).await?;
    Ok(Json(block))
}
