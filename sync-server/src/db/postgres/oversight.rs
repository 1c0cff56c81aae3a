//! Admin oversight in Postgres: searching the clinic's audit entries (keyset pages over
//! the entry's own time, device and seq), admin sessions, restricted patients.

use crate::db::Device;
use crate::error::ServerError;
use crate::oversight::{AuditSearch, Cursor};
use crate::secrets::SecretHash;
use chrono::{DateTime, Utc};
use outpost_domain::ids::{ClinicId, DeviceId, DocId};
use outpost_domain::protocol::admin::{AuditRecord, SIGNING_BLOCKED_DETAIL};
use sqlx::postgres::PgPool;
use sqlx::{QueryBuilder, Row};

/// The entries of `clinic` matching `search`, each with its cursor. An entry's time is
/// the workstation's own (`at`, RFC 3339 text as hashed), compared as a timestamp.
pub(super) async fn search_audit(
    pool: &PgPool,
    clinic: ClinicId,
    search: &AuditSearch,
) -> Result<Vec<(AuditRecord, Cursor)>, ServerError> {
    let mut q = QueryBuilder::new(
        "SELECT device_id, seq, at, at::timestamptz AS at_time, user_name, action, detail, \
                record_id, reason \
         FROM audit_entries WHERE clinic_id = ",
    );
    q.push_bind(clinic.0);
    if let Some(patient) = search.patient {
        let id = patient.0.to_string();
        q.push(" AND (record_id = ")
            .push_bind(id.clone())
            .push(" OR record_id IN (SELECT encounter_id::text FROM report_encounters WHERE clinic_id = ")
            .push_bind(clinic.0)
            .push(" AND patient_id = ")
            .push_bind(patient.0)
            .push(" UNION ALL SELECT vitals_id::text FROM report_vitals WHERE clinic_id = ")
            .push_bind(clinic.0)
            .push(" AND patient_id = ")
            .push_bind(patient.0)
            .push("))");
    }
    if let Some(user) = &search.user {
        q.push(" AND user_name = ").push_bind(user.clone());
    }
    if let Some(since) = search.since {
        q.push(" AND at::timestamptz >= ").push_bind(since);
    }
    if let Some(until) = search.until {
        q.push(" AND at::timestamptz < ").push_bind(until);
    }
    if search.alerts_only {
        q.push(" AND (action = 'break_the_glass' OR detail = ")
            .push_bind(SIGNING_BLOCKED_DETAIL)
            .push(")");
    }
    if let Some(after) = search.after {
        q.push(" AND (at::timestamptz, device_id, seq) > (")
            .push_bind(after.at)
            .push(", ")
            .push_bind(after.device.0)
            .push(", ")
            .push_bind(i64::try_from(after.seq).unwrap_or(i64::MAX))
            .push(")");
    }
    q.push(" ORDER BY at::timestamptz, device_id, seq LIMIT ")
        .push_bind(i64::from(search.limit));
    let rows = q.build().fetch_all(pool).await?;
    rows.iter()
        .map(|r| {
            let seq: i64 = r.try_get("seq")?;
            let seq = u64::try_from(seq)
                .map_err(|_| ServerError::Inconsistent(format!("audit seq {seq} is negative")))?;
            let device = DeviceId(r.try_get("device_id")?);
            let action: String = r.try_get("action")?;
            let action = action.parse().map_err(|e: String| {
                ServerError::Inconsistent(format!("audit_entries.action: {e}"))
            })?;
            let at_time: DateTime<Utc> = r.try_get("at_time")?;
            Ok((
                AuditRecord {
                    device_id: device,
                    seq,
                    at: r.try_get("at")?,
                    user: r.try_get("user_name")?,
                    action,
                    detail: r.try_get("detail")?,
                    record_id: r.try_get("record_id")?,
                    reason: r.try_get("reason")?,
                },
                Cursor {
                    at: at_time,
                    device,
                    seq,
                },
            ))
        })
        .collect()
}

/// The username of the active admin whose unexpired session on `device` this is.
pub(super) async fn admin_session(
    pool: &PgPool,
    device: &Device,
    token_hash: SecretHash,
    now: DateTime<Utc>,
) -> Result<Option<String>, ServerError> {
    let name: Option<String> = sqlx::query_scalar(
        "SELECT u.username FROM sessions s \
         JOIN users u ON u.clinic_id = s.clinic_id AND u.user_id = s.user_id \
         WHERE s.clinic_id = $1 AND s.token_hash = $2 AND s.device_id = $3 \
           AND s.expires_at > $4 AND u.disabled_at IS NULL AND u.role = 'admin'",
    )
    .bind(device.clinic_id.0)
    .bind(&token_hash.0[..])
    .bind(device.id.0)
    .bind(now)
    .fetch_optional(pool)
    .await?;
    Ok(name)
}

pub(super) async fn set_restricted(
    pool: &PgPool,
    clinic: ClinicId,
    patient: DocId,
    restricted: bool,
) -> Result<bool, ServerError> {
    let known: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM documents \
                        WHERE clinic_id = $1 AND doc_id = $2 AND kind = 'patient')",
    )
    .bind(clinic.0)
    .bind(patient.0)
    .fetch_one(pool)
    .await?;
    if !known {
        return Ok(false);
    }
    let sql = if restricted {
        "INSERT INTO restricted_patients (clinic_id, patient_id) VALUES ($1, $2) \
         ON CONFLICT DO NOTHING"
    } else {
        "DELETE FROM restricted_patients WHERE clinic_id = $1 AND patient_id = $2"
    };
    sqlx::query(sql)
        .bind(clinic.0)
        .bind(patient.0)
        .execute(pool)
        .await?;
    Ok(true)
}

pub(super) async fn restricted_patients(
    pool: &PgPool,
    clinic: ClinicId,
) -> Result<Vec<DocId>, ServerError> {
    let ids: Vec<uuid::Uuid> = sqlx::query_scalar(
        "SELECT patient_id FROM restricted_patients WHERE clinic_id = $1 ORDER BY patient_id",
    )
    .bind(clinic.0)
    .fetch_all(pool)
    .await?;
    Ok(ids.into_iter().map(DocId).collect())
}

pub(super) async fn signers_of(
    pool: &PgPool,
    clinic: ClinicId,
    encounter: DocId,
) -> Result<Vec<outpost_domain::ids::UserId>, ServerError> {
    let ids: Vec<uuid::Uuid> = sqlx::query_scalar(
        "SELECT DISTINCT signer_id FROM signatures WHERE clinic_id = $1 AND encounter_id = $2",
    )
    .bind(clinic.0)
    .bind(encounter.0)
    .fetch_all(pool)
    .await?;
    Ok(ids.into_iter().map(outpost_domain::ids::UserId).collect())
}
