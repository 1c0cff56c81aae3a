//! The quarantine table: where refused changes are stored, with the device flagged, and
//! what admin listings read. (What a push reads of it before judging a batch is in
//! `changes/received.rs`.)

use super::device_from;
use crate::db::Device;
use crate::error::ServerError;
use crate::push::CheckedChange;
use crate::quarantine::QuarantineEntry;
use crate::validate::Refusal;
use outpost_domain::document::DocKind;
use outpost_domain::ids::{ClinicId, DeviceId, DocId, ReplicaId};
use sqlx::postgres::PgPool;
use sqlx::{PgConnection, Row};

fn to_u64(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// Stores the refused changes of a push and flags the device with the first reason.
pub(super) async fn put(
    conn: &mut PgConnection,
    device: &Device,
    refused: &[(&CheckedChange, &Refusal)],
) -> Result<(), ServerError> {
    let Some((first, why)) = refused.first() else {
        return Ok(());
    };
    let clinic = device.clinic_id.0;
    for (checked, r) in refused {
        let c = &checked.wire;
        let author = checked.meta.as_ref().map(|m| m.author.clone());
        sqlx::query(
            "INSERT INTO quarantine (clinic_id, device_id, replica_id, counter, doc_id, kind, \
                 author, digest, bytes, reason_code, reason) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(clinic)
        .bind(device.id.0)
        .bind(device.replica_id.0)
        .bind(to_i64(c.counter))
        .bind(c.doc_id.0)
        .bind(c.kind.as_str())
        .bind(author)
        .bind(&c.digest)
        .bind(c.bytes.0.as_slice())
        .bind(r.code)
        .bind(&r.reason)
        .execute(&mut *conn)
        .await?;
    }
    tracing::warn!(
        device = %device.id,
        quarantined = refused.len(),
        first_counter = first.wire.counter,
        code = why.code,
        "changes quarantined; flagging the device"
    );
    sqlx::query(
        "UPDATE devices SET flagged_at = COALESCE(flagged_at, now()), \
             flag_reason = COALESCE(flag_reason, $3) \
         WHERE clinic_id = $1 AND device_id = $2",
    )
    .bind(clinic)
    .bind(device.id.0)
    .bind(format!(
        "change {} quarantined ({}): {}",
        first.wire.counter, why.code, why.reason
    ))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The clinic's quarantined changes, oldest first.
pub(super) async fn list(
    pool: &PgPool,
    clinic: ClinicId,
) -> Result<Vec<QuarantineEntry>, ServerError> {
    let rows = sqlx::query(
        "SELECT clinic_id, device_id, replica_id, counter, doc_id, kind, author, digest, \
             reason_code, reason, received_at \
         FROM quarantine WHERE clinic_id = $1 ORDER BY id",
    )
    .bind(clinic.0)
    .fetch_all(pool)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let kind: String = r.try_get("kind")?;
        out.push(QuarantineEntry {
            clinic_id: ClinicId(r.try_get("clinic_id")?),
            device_id: DeviceId(r.try_get("device_id")?),
            replica_id: ReplicaId(r.try_get("replica_id")?),
            counter: to_u64(r.try_get("counter")?),
            doc_id: DocId(r.try_get("doc_id")?),
            kind: DocKind::parse(&kind).map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
            author: r.try_get("author")?,
            digest: r.try_get("digest")?,
            reason_code: r.try_get("reason_code")?,
            reason: r.try_get("reason")?,
            received_at: r.try_get("received_at")?,
        });
    }
    Ok(out)
}

/// The clinic's flagged devices, earliest flag first.
pub(super) async fn flagged_devices(
    pool: &PgPool,
    clinic: ClinicId,
) -> Result<Vec<Device>, ServerError> {
    let rows = sqlx::query(
        "SELECT clinic_id, device_id, name, replica_id, enrolled_at, revoked_at, flagged_at, \
             flag_reason \
         FROM devices WHERE clinic_id = $1 AND flagged_at IS NOT NULL \
         ORDER BY flagged_at, device_id",
    )
    .bind(clinic.0)
    .fetch_all(pool)
    .await?;
    Ok(rows.iter().map(device_from).collect::<Result<_, _>>()?)
}
