//! `GET /v1/users`: the calling workstation's clinic's users with their password
//! verifiers, so its users can sign in while the server is unreachable. Device
//! authentication only: a revoked device gets nothing.

use crate::auth::AuthedDevice;
use crate::error::AppError;
use crate::state::AppState;
use axum::extract::State;
use axum::Json;
use outpost_domain::protocol::users::UsersResponse;

#[tracing::instrument(skip_all, fields(device = %device.id))]
pub async fn list(
    State(state): State<AppState>,
    AuthedDevice(device): AuthedDevice,
) -> Result<Json<UsersResponse>, AppError> {
    Ok(Json(
        crate::users::users_for_device(state.db(), &device).await?,
    ))
}
