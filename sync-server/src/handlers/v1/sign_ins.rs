//! `POST /v1/sign-ins`: a workstation reports the sign-ins and failed attempts it judged
//! offline, so the server knows who may author its changes and counts the failures
//! toward the account's lockout.

use crate::auth::AuthedDevice;
use crate::error::AppError;
use crate::handlers::ApiJson;
use crate::state::AppState;
use axum::extract::State;
use axum::Json;
use outpost_domain::protocol::users::{SignInReport, SignInReportResponse};

#[tracing::instrument(skip_all, fields(device = %device.id))]
pub async fn report(
    State(state): State<AppState>,
    AuthedDevice(device): AuthedDevice,
    ApiJson(report): ApiJson<SignInReport>,
) -> Result<Json<SignInReportResponse>, AppError> {
    Ok(Json(
        crate::users::report(state.db(), &device, &report).await?,
    ))
}
