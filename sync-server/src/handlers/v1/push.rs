//! `POST /v1/push`: the device's own changes, checked (see [`crate::push`]), judged
//! against the server's documents (see [`crate::validate`]) and stored atomically.

use crate::auth::AuthedDevice;
use crate::error::AppError;
use crate::handlers::ApiJson;
use crate::push::check_batch;
use crate::state::AppState;
use axum::extract::State;
use axum::Json;
use outpost_domain::protocol::{PushRequest, PushResponse};

#[tracing::instrument(skip_all, fields(device = %device.id, changes = req.changes.len()))]
pub async fn push(
    State(state): State<AppState>,
    AuthedDevice(device): AuthedDevice,
    ApiJson(req): ApiJson<PushRequest>,
) -> Result<Json<PushResponse>, AppError> {
    let checked = check_batch(device.replica_id, &req)?;
    let outcome = state.db().push(&device, &checked).await?;
    Ok(Json(PushResponse {
        stored_through: outcome.stored_through,
        quarantined: outcome.quarantined,
    }))
}
