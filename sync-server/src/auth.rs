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

/// An admin acting through the workstation they signed in on: the device's bearer token
/// plus their online session token (from `POST /v1/login`) in the `X-Outpost-Session`
/// header; the session must be theirs, on this device, unexpired, and their account an
/// active admin's. Everything they see is their clinic's.
#[derive(Debug, Clone)]
pub struct AuthedAdmin {
    pub device: Device,
    pub username: String,
}

impl FromRequestParts<AppState> for AuthedAdmin {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let AuthedDevice(device) = AuthedDevice::from_request_parts(parts, state).await?;
        let no_session = || {
            AppError(ServerError::Forbidden(
                "this needs an admin's online session: sign in as an admin of this clinic \
                 (`POST /v1/login`) and send its token in the X-Outpost-Session header"
                    .into(),
            ))
        };
        let token = parts
            .headers
            .get(outpost_domain::protocol::admin::SESSION_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .ok_or_else(no_session)?;
        let digest = ring::digest::digest(&ring::digest::SHA256, token.as_bytes());
        let mut hash = [0u8; 32];
        hash.copy_from_slice(digest.as_ref());
        let username = state
            .db()
            .admin_session(
                &device,
                crate::secrets::SecretHash(hash),
                chrono::Utc::now(),
            )
            .await?
            .ok_or_else(no_session)?;
        Ok(Self { device, username })
    }
}
