//! Who is calling: the `Authorization: Bearer <device token>` header resolved to an
//! enrolled, unrevoked device and through it the clinic every query is scoped to.

use crate::db::Device;
use crate::error::{AppError, ServerError};
use crate::secrets::parse_device_token;
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;

/// The authenticated device of a request.
#[derive(Debug, Clone)]
pub struct AuthedDevice(pub Device);

fn unknown() -> AppError {
    AppError(ServerError::Unauthorized(
        "this request carries no valid device token; enroll this workstation \
         (`outpost enroll --server URL --code CODE`)"
            .into(),
    ))
}

impl FromRequestParts<AppState> for AuthedDevice {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let presented = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .ok_or_else(unknown)?;
        let (clinic, hash) = parse_device_token(presented).ok_or_else(unknown)?;
        let device = state
            .db()
            .device_by_token(clinic, hash)
            .await?
            .ok_or_else(unknown)?;
        if device.revoked_at.is_some() {
            return Err(ServerError::DeviceRevoked.into());
        }
        Ok(Self(device))
    }
}
