//! `POST /v1/integrity`: a workstation's signatures and audit entries in, the clinic's
//! newer signatures out (see [`crate::integrity`]).

use crate::auth::AuthedDevice;
use crate::error::AppError;
use crate::handlers::ApiJson;
use crate::state::AppState;
use axum::extract::State;
use axum::Json;
use outpost_domain::protocol::integrity::{IntegrityRequest, IntegrityResponse};

#[tracing::instrument(skip_all, fields(device = %device.id))]
pub async fn exchange(
    State(state): State<AppState>,
    AuthedDevice(device): AuthedDevice,
    ApiJson(req): ApiJson<IntegrityRequest>,
) -> Result<Json<IntegrityResponse>, AppError> {
    Ok(Json(
        crate::integrity::exchange(state.db(), &device, &req).await?,
    ))
}
