//! Locks a device's row for the rest of a transaction and refuses a device that is gone or
//! revoked. Every write on a device's behalf starts here, so a revocation that races with
//! the write either waits for it or is seen and refused.

use crate::db::Device;
use crate::error::ServerError;
use sqlx::{Postgres, Transaction};

/// How strongly to lock: `Update` serializes writers of the same device (pushes must see
/// each other's counters); `Share` only keeps the row from changing underneath.
#[derive(Debug, Clone, Copy)]
pub(super) enum Lock {
    Update,
    Share,
}

pub(super) async fn lock_live_device(
    tx: &mut Transaction<'_, Postgres>,
    device: &Device,
    lock: Lock,
) -> Result<(), ServerError> {
    let sql = match lock {
        Lock::Update => {
            "SELECT revoked_at FROM devices WHERE clinic_id = $1 AND device_id = $2 FOR UPDATE"
        }
        Lock::Share => {
            "SELECT revoked_at FROM devices WHERE clinic_id = $1 AND device_id = $2 FOR SHARE"
        }
    };
    let revoked: Option<Option<chrono::DateTime<chrono::Utc>>> = sqlx::query_scalar(sql)
        .bind(device.clinic_id.0)
        .bind(device.id.0)
        .fetch_optional(&mut **tx)
        .await?;
    match revoked {
        None => Err(ServerError::Unauthorized(
            "this device is not enrolled in its clinic".into(),
        )),
        Some(Some(_)) => Err(ServerError::DeviceRevoked),
        Some(None) => Ok(()),
    }
}
