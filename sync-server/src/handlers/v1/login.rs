//! `POST /v1/login`: a user signs in on the calling (enrolled, unrevoked) workstation and
//! gets a session bound to it. Wrong password and unknown user answer the same 401; during
//! a lockout delay, 429 with `Retry-After`.

use crate::auth::AuthedDevice;
use crate::error::AppError;
use crate::handlers::ApiJson;
use crate::state::AppState;
use axum::extract::State;
use axum::Json;
use outpost_domain::protocol::users::{LoginRequest, LoginResponse};

#[tracing::instrument(skip_all, fields(device = %device.id))]
pub async fn login(
    State(state): State<AppState>,
    AuthedDevice(device): AuthedDevice,
    ApiJson(req): ApiJson<LoginRequest>,
) -> Result<Json<LoginResponse>, AppError> {
    let answer = crate::users::login(state.db(), &device, req, chrono::Utc::now()).await?;
    Ok(Json(answer))
}
