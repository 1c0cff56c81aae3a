//! `POST /v1/enroll`: a one-time code from an admin becomes a device bound to the
//! caller's replica, and the device's token, handed out exactly once.

use crate::db::NewDevice;
use crate::error::AppError;
use crate::handlers::ApiJson;
use crate::push::check_protocol;
use crate::secrets::{device_token, EnrollmentCode, TokenSecret};
use crate::state::AppState;
use axum::extract::State;
use axum::Json;
use outpost_domain::ids::DeviceId;
use outpost_domain::protocol::{EnrollRequest, EnrollResponse};

#[tracing::instrument(skip_all)]
pub async fn enroll(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<EnrollRequest>,
) -> Result<Json<EnrollResponse>, AppError> {
    check_protocol(req.protocol)?;
    let secret = TokenSecret::generate()?;
    let enrolled = state
        .db()
        .redeem_enrollment_code(
            EnrollmentCode::hash_of(&req.code),
            NewDevice {
                id: DeviceId::new(),
                replica_id: req.replica_id,
                token_hash: secret.hash(),
            },
        )
        .await?;
    let d = enrolled.device;
    tracing::info!(clinic = %d.clinic_id, device = %d.id, "device enrolled");
    Ok(Json(EnrollResponse {
        device_id: d.id,
        clinic_id: d.clinic_id,
        clinic_name: enrolled.clinic_name,
        device_name: d.name,
        device_token: device_token(d.clinic_id, &secret),
    }))
}
