//! `POST /v1/pull`: the changes of the device's clinic that the caller's version vector
//! does not cover, one page at a time, in arrival order.

use crate::auth::AuthedDevice;
use crate::error::AppError;
use crate::handlers::ApiJson;
use crate::push::check_protocol;
use crate::state::AppState;
use axum::extract::State;
use axum::Json;
use outpost_domain::protocol::{PullRequest, PullResponse, MAX_BATCH};

/// Page size for a requested limit: at most [`MAX_BATCH`]; 0 means "as many as allowed".
pub fn page_size(requested: u32) -> usize {
    match usize::try_from(requested) {
        Ok(0) | Err(_) => MAX_BATCH,
        Ok(n) => n.min(MAX_BATCH),
    }
}

#[tracing::instrument(skip_all, fields(device = %device.id))]
pub async fn pull(
    State(state): State<AppState>,
    AuthedDevice(device): AuthedDevice,
    ApiJson(req): ApiJson<PullRequest>,
) -> Result<Json<PullResponse>, AppError> {
    check_protocol(req.protocol)?;
    let page = state
        .db()
        .pull(device.clinic_id, &req.have, page_size(req.limit))
        .await?;
    Ok(Json(PullResponse {
        changes: page.changes,
        more: page.more,
        server_time: chrono::Utc::now(),
    }))
}
