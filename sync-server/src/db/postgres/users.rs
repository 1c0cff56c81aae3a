//! Users, sign-ins, sessions and lockout state on Postgres (migration
//! `20261124000000_users.sql`). Every query filters by the clinic.

use crate::error::ServerError;
use outpost_domain::ids::{ClinicId, DeviceId};
use outpost_domain::roles::Role;
use sqlx::postgres::PgPool;

/// The role of `username` if it is an active user of `clinic` who signed in on `device`
/// (online, or offline as the device reported).
#[tracing::instrument(skip_all)]
pub(super) async fn author_role(
    pool: &PgPool,
    clinic: ClinicId,
    device: DeviceId,
    username: &str,
) -> Result<Option<Role>, ServerError> {
    let role: Option<String> = sqlx::query_scalar(
        "SELECT u.role FROM users u \
         WHERE u.clinic_id = $1 AND u.username = $3 AND u.disabled_at IS NULL \
           AND EXISTS (SELECT 1 FROM sign_ins s \
                       WHERE s.clinic_id = $1 AND s.device_id = $2 AND s.user_id = u.user_id)",
    )
    .bind(clinic.0)
    .bind(device.0)
    .bind(username)
    .fetch_optional(pool)
    .await?;
    role.map(|r| stored_role(&r)).transpose()
}

/// A role the schema's CHECK admits, read back.
pub(super) fn stored_role(s: &str) -> Result<Role, ServerError> {
    s.parse()
        .map_err(|e| ServerError::Inconsistent(format!("users.role: {e}")))
}
