//! Users, sign-ins, sessions and lockout state on Postgres (migration
//! `20261124000000_users.sql`). Every query filters by the clinic.

use super::device_lock::{lock_live_device, Lock};
use super::is_violation_of;
use crate::db::Device;
use crate::error::ServerError;
use crate::secrets::SecretHash;
use crate::users::{LockoutEntry, User};
use base64::Engine as _;
use chrono::{DateTime, Utc};
use outpost_domain::credentials::{Lockout, PasswordVerifier};
use outpost_domain::ids::{ClinicId, DeviceId, UserId};
use outpost_domain::protocol::users::{ReportedAttempt, UserSigningKey};
use outpost_domain::roles::Role;
use outpost_domain::signature::WrappedSigningKey;
use sqlx::postgres::{PgPool, PgRow};
use sqlx::{Postgres, Row, Transaction};

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

/// The columns [`user_from`] reads, for `concat!` into static SQL.
macro_rules! user_columns {
    () => {
        "clinic_id, user_id, username, full_name, role, verifier, created_at, disabled_at, \
         signing_public_key, signing_key_wrapped"
    };
}

fn user_from(row: &PgRow) -> Result<User, ServerError> {
    let verifier: String = row.try_get("verifier")?;
    let role: String = row.try_get("role")?;
    Ok(User {
        clinic_id: ClinicId(row.try_get("clinic_id")?),
        id: UserId(row.try_get("user_id")?),
        username: row.try_get("username")?,
        full_name: row.try_get("full_name")?,
        role: stored_role(&role)?,
        verifier: PasswordVerifier::from_phc(&verifier)
            .map_err(|e| ServerError::Inconsistent(format!("users.verifier: {e}")))?,
        created_at: row.try_get("created_at")?,
        disabled_at: row.try_get("disabled_at")?,
        signing_key: signing_key_from(row)?,
    })
}

/// The user's signing key, when one was made (both columns set).
fn signing_key_from(row: &PgRow) -> Result<Option<UserSigningKey>, ServerError> {
    let public: Option<Vec<u8>> = row.try_get("signing_public_key")?;
    let wrapped: Option<String> = row.try_get("signing_key_wrapped")?;
    let (Some(public), Some(wrapped)) = (public, wrapped) else {
        return Ok(None);
    };
    let wrapped = WrappedSigningKey::from_json(&wrapped)
        .map_err(|e| ServerError::Inconsistent(format!("users.signing_key_wrapped: {e}")))?;
    Ok(Some(UserSigningKey {
        public_key: base64::engine::general_purpose::STANDARD.encode(public),
        wrapped,
    }))
}

/// Stores a user's new signing key (made when their password was set).
#[tracing::instrument(skip_all)]
pub(super) async fn set_signing_key(
    pool: &PgPool,
    clinic: ClinicId,
    user: UserId,
    public_key: &[u8],
    wrapped: &WrappedSigningKey,
) -> Result<bool, ServerError> {
    let done = sqlx::query(
        "UPDATE users SET signing_public_key = $3, signing_key_wrapped = $4, updated_at = now() \
         WHERE clinic_id = $1 AND user_id = $2",
    )
    .bind(clinic.0)
    .bind(user.0)
    .bind(public_key)
    .bind(wrapped.to_json())
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A user's public signing key (32 bytes), if the user exists and has one.
pub(super) async fn public_key(
    pool: &PgPool,
    clinic: ClinicId,
    user: UserId,
) -> Result<Option<Vec<u8>>, ServerError> {
    let key: Option<Option<Vec<u8>>> = sqlx::query_scalar(
        "SELECT signing_public_key FROM users WHERE clinic_id = $1 AND user_id = $2",
    )
    .bind(clinic.0)
    .bind(user.0)
    .fetch_optional(pool)
    .await?;
    Ok(key.flatten())
}

#[tracing::instrument(skip_all)]
pub(super) async fn add(
    pool: &PgPool,
    clinic: ClinicId,
    id: UserId,
    username: &str,
    full_name: &str,
    role: Role,
    verifier: &PasswordVerifier,
) -> Result<User, ServerError> {
    let row = sqlx::query(concat!(
        "INSERT INTO users (clinic_id, user_id, username, full_name, role, verifier) \
         SELECT clinic_id, $2, $3, $4, $5, $6 FROM clinics WHERE clinic_id = $1 \
         RETURNING ",
        user_columns!()
    ))
    .bind(clinic.0)
    .bind(id.0)
    .bind(username)
    .bind(full_name)
    .bind(role.as_str())
    .bind(verifier.as_phc())
    .fetch_optional(pool)
    .await
    .map_err(|e| {
        if is_violation_of(&e, "users_username") {
            ServerError::invalid(
                "username_taken",
                format!(
                    "clinic {clinic} already has a user \"{username}\"; choose another username"
                ),
            )
        } else {
            ServerError::Database(e)
        }
    })?
    .ok_or_else(|| {
        ServerError::NotFound(format!(
            "there is no clinic {clinic}; list clinics with `outpost-server clinic list`"
        ))
    })?;
    user_from(&row)
}

pub(super) async fn list(pool: &PgPool, clinic: ClinicId) -> Result<Vec<User>, ServerError> {
    let rows = sqlx::query(concat!(
        "SELECT ",
        user_columns!(),
        " FROM users WHERE clinic_id = $1 ORDER BY username"
    ))
    .bind(clinic.0)
    .fetch_all(pool)
    .await?;
    // A row whose verifier does not read back cannot sign anyone in; it must not stop
    // the rest of the clinic from signing in offline.
    Ok(rows
        .iter()
        .filter_map(|row| match user_from(row) {
            Ok(u) => Some(u),
            Err(e) => {
                let id: Option<uuid::Uuid> = row.try_get("user_id").ok();
                tracing::error!(user = ?id, error = %e, "skipping a user that does not read back; reset its password");
                None
            }
        })
        .collect())
}

#[tracing::instrument(skip_all)]
pub(super) async fn disable(
    pool: &PgPool,
    clinic: ClinicId,
    username: &str,
) -> Result<bool, ServerError> {
    let mut tx = pool.begin().await?;
    let user: Option<uuid::Uuid> = sqlx::query_scalar(
        "UPDATE users SET disabled_at = COALESCE(disabled_at, now()), updated_at = now() \
         WHERE clinic_id = $1 AND username = $2 RETURNING user_id",
    )
    .bind(clinic.0)
    .bind(username)
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(user) = user {
        // A disabled user's sessions end with the account.
        sqlx::query("DELETE FROM sessions WHERE clinic_id = $1 AND user_id = $2")
            .bind(clinic.0)
            .bind(user)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(user.is_some())
}

/// The user and its lockout state, by (canonical) username.
pub(super) async fn login_state(
    pool: &PgPool,
    clinic: ClinicId,
    username: &str,
) -> Result<Option<(User, Lockout)>, ServerError> {
    let sql = concat!(
        "SELECT ",
        user_columns!(),
        ", \
           (SELECT failures FROM login_lockouts l \
             WHERE l.clinic_id = users.clinic_id AND l.user_id = users.user_id) AS failures, \
           (SELECT last_failure_at FROM login_lockouts l \
             WHERE l.clinic_id = users.clinic_id AND l.user_id = users.user_id) AS last_failure_at \
         FROM users WHERE clinic_id = $1 AND username = $2"
    );
    let Some(row) = sqlx::query(sql)
        .bind(clinic.0)
        .bind(username)
        .fetch_optional(pool)
        .await?
    else {
        return Ok(None);
    };
    let failures: Option<i32> = row.try_get("failures")?;
    let lockout = Lockout {
        failures: failures.and_then(|f| u32::try_from(f).ok()).unwrap_or(0),
        last_failure_at: row.try_get("last_failure_at")?,
    };
    Ok(Some((user_from(&row)?, lockout)))
}

/// Counts a failed attempt against the account (at most 100 an hour), idempotent per
/// attempt id. `false` if the clinic has no such user.
#[tracing::instrument(skip_all)]
pub(super) async fn record_failure(
    pool: &PgPool,
    device: &Device,
    attempt: &ReportedAttempt,
    online: bool,
) -> Result<bool, ServerError> {
    let clinic = device.clinic_id.0;
    let mut tx = pool.begin().await?;
    lock_live_device(&mut tx, device, Lock::Share).await?;
    if !user_exists(&mut tx, clinic, attempt.user_id).await? {
        return Ok(false);
    }
    // One row per account, locked, so concurrent failures count one after the other.
    sqlx::query(
        "INSERT INTO login_lockouts (clinic_id, user_id, failures) VALUES ($1, $2, 0) \
         ON CONFLICT (clinic_id, user_id) DO NOTHING",
    )
    .bind(clinic)
    .bind(attempt.user_id.0)
    .execute(&mut *tx)
    .await?;
    let row = sqlx::query(
        "SELECT failures, last_failure_at FROM login_lockouts \
         WHERE clinic_id = $1 AND user_id = $2 FOR UPDATE",
    )
    .bind(clinic)
    .bind(attempt.user_id.0)
    .fetch_one(&mut *tx)
    .await?;
    let seen: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM login_failures WHERE clinic_id = $1 AND failure_id = $2)",
    )
    .bind(clinic)
    .bind(attempt.id)
    .fetch_one(&mut *tx)
    .await?;
    if seen {
        return Ok(true);
    }
    let counted_last_hour: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM login_failures WHERE clinic_id = $1 AND user_id = $2 \
           AND at > $3 - interval '1 hour' AND at <= $3",
    )
    .bind(clinic)
    .bind(attempt.user_id.0)
    .bind(attempt.at)
    .fetch_one(&mut *tx)
    .await?;
    let failures: i32 = row.try_get("failures")?;
    let mut lockout = Lockout {
        failures: u32::try_from(failures).unwrap_or(0),
        last_failure_at: row.try_get("last_failure_at")?,
    };
    let counted = lockout.record_failure(
        attempt.at,
        u32::try_from(counted_last_hour).unwrap_or(u32::MAX),
    );
    if counted {
        sqlx::query(
            "INSERT INTO login_failures (clinic_id, failure_id, user_id, device_id, at, online) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(clinic)
        .bind(attempt.id)
        .bind(attempt.user_id.0)
        .bind(device.id.0)
        .bind(attempt.at)
        .bind(online)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE login_lockouts SET failures = $3, last_failure_at = $4 \
             WHERE clinic_id = $1 AND user_id = $2",
        )
        .bind(clinic)
        .bind(attempt.user_id.0)
        .bind(i32::try_from(lockout.failures).unwrap_or(i32::MAX))
        .bind(lockout.last_failure_at)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(true)
}

async fn user_exists(
    tx: &mut Transaction<'_, Postgres>,
    clinic: uuid::Uuid,
    user: UserId,
) -> Result<bool, ServerError> {
    Ok(sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM users WHERE clinic_id = $1 AND user_id = $2)",
    )
    .bind(clinic)
    .bind(user.0)
    .fetch_one(&mut **tx)
    .await?)
}

/// Records a sign-in on the device (online when it comes with a session) and resets the
/// account's failures that came before it. Idempotent per attempt id; `false` if the
/// clinic has no such user.
#[tracing::instrument(skip_all)]
pub(super) async fn record_sign_in(
    pool: &PgPool,
    device: &Device,
    attempt: &ReportedAttempt,
    session: Option<(SecretHash, DateTime<Utc>)>,
) -> Result<bool, ServerError> {
    let clinic = device.clinic_id.0;
    let mut tx = pool.begin().await?;
    lock_live_device(&mut tx, device, Lock::Share).await?;
    if !user_exists(&mut tx, clinic, attempt.user_id).await? {
        return Ok(false);
    }
    let inserted = sqlx::query(
        "INSERT INTO sign_ins (clinic_id, sign_in_id, device_id, user_id, at, online) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (clinic_id, sign_in_id) DO NOTHING",
    )
    .bind(clinic)
    .bind(attempt.id)
    .bind(device.id.0)
    .bind(attempt.user_id.0)
    .bind(attempt.at)
    .bind(session.is_some())
    .execute(&mut *tx)
    .await?;
    if inserted.rows_affected() == 1 {
        sqlx::query(
            "UPDATE login_lockouts SET failures = 0 \
             WHERE clinic_id = $1 AND user_id = $2 \
               AND (last_failure_at IS NULL OR last_failure_at <= $3)",
        )
        .bind(clinic)
        .bind(attempt.user_id.0)
        .bind(attempt.at)
        .execute(&mut *tx)
        .await?;
    }
    if let Some((hash, expires_at)) = session {
        sqlx::query(
            "INSERT INTO sessions (clinic_id, token_hash, device_id, user_id, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(clinic)
        .bind(hash.0.as_slice())
        .bind(device.id.0)
        .bind(attempt.user_id.0)
        .bind(expires_at)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(true)
}

/// Accounts with failures since their last sign-in, most recent failure first.
pub(super) async fn lockouts(
    pool: &PgPool,
    clinic: ClinicId,
    now: DateTime<Utc>,
) -> Result<Vec<LockoutEntry>, ServerError> {
    let rows = sqlx::query(
        "SELECT u.username, u.full_name, l.failures, l.last_failure_at, \
           (SELECT count(*) FROM login_failures f WHERE f.clinic_id = l.clinic_id \
              AND f.user_id = l.user_id AND f.at > $2 - interval '24 hours') AS last_24h \
         FROM login_lockouts l JOIN users u \
           ON u.clinic_id = l.clinic_id AND u.user_id = l.user_id \
         WHERE l.clinic_id = $1 AND l.failures > 0 \
         ORDER BY l.last_failure_at DESC NULLS LAST, u.username",
    )
    .bind(clinic.0)
    .bind(now)
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|row| {
            let failures: i32 = row.try_get("failures")?;
            let last_24h: i64 = row.try_get("last_24h")?;
            let lockout = Lockout {
                failures: u32::try_from(failures).unwrap_or(0),
                last_failure_at: row.try_get("last_failure_at")?,
            };
            Ok(LockoutEntry {
                username: row.try_get("username")?,
                full_name: row.try_get("full_name")?,
                failures: lockout.failures,
                last_failure_at: lockout.last_failure_at,
                locked_for_seconds: lockout.retry_after(now),
                failures_last_24h: u32::try_from(last_24h).unwrap_or(u32::MAX),
            })
        })
        .collect()
}
