//! What an administrator does, shared by the `outpost-server` commands and the tests:
//! create clinics, hand out one-time enrollment codes, list and revoke devices.

use crate::db::{Clinic, Database, Device};
use crate::error::ServerError;
use crate::secrets::EnrollmentCode;
use outpost_domain::ids::{ClinicId, DeviceId};

fn checked_name(what: &'static str, name: &str) -> Result<String, ServerError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(ServerError::invalid(
            "bad_name",
            format!("a {what} name must be 1 to 200 characters"),
        ));
    }
    Ok(name.to_owned())
}

/// Creates a clinic and returns its id.
#[tracing::instrument(skip_all)]
pub async fn create_clinic(db: &dyn Database, name: &str) -> Result<ClinicId, ServerError> {
    let name = checked_name("clinic", name)?;
    let clinic = db.create_clinic(ClinicId::new(), &name).await?;
    tracing::info!(clinic = %clinic.id, "clinic created");
    Ok(clinic.id)
}

pub async fn list_clinics(db: &dyn Database) -> Result<Vec<Clinic>, ServerError> {
    db.list_clinics().await
}

/// Creates a one-time code that enrolls one workstation named `device_name` in `clinic`
/// within `valid_for`. Returns the code; the server keeps only its hash, so it cannot be
/// shown again.
#[tracing::instrument(skip_all)]
pub async fn create_enrollment_code(
    db: &dyn Database,
    clinic: ClinicId,
    device_name: &str,
    valid_for: chrono::Duration,
) -> Result<String, ServerError> {
    let device_name = checked_name("device", device_name)?;
    if valid_for <= chrono::Duration::zero() {
        return Err(ServerError::invalid(
            "bad_validity",
            "an enrollment code must be valid for some time; give a positive duration",
        ));
    }
    let code = EnrollmentCode::generate()?;
    db.add_enrollment_code(clinic, code.hash(), &device_name, valid_for)
        .await?;
    tracing::info!(%clinic, "enrollment code created");
    Ok(code.expose().to_owned())
}

pub async fn list_devices(db: &dyn Database, clinic: ClinicId) -> Result<Vec<Device>, ServerError> {
    db.list_devices(clinic).await
}

/// Revokes a device: from now on its token is refused. Revoking twice is fine.
#[tracing::instrument(skip_all)]
pub async fn revoke_device(
    db: &dyn Database,
    clinic: ClinicId,
    device: DeviceId,
) -> Result<(), ServerError> {
    if db.revoke_device(clinic, device).await? {
        tracing::info!(%clinic, %device, "device revoked");
        Ok(())
    } else {
        Err(ServerError::NotFound(format!(
            "clinic {clinic} has no device {device}; list its devices with \
             `outpost-server device list --clinic {clinic}`"
        )))
    }
}
