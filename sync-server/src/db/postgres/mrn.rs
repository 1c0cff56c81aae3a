//! Provisional MRN blocks on Postgres. One transaction: the device row is read `FOR
//! SHARE` (a concurrent revocation waits for us, or we see it), then one `UPDATE ...
//! RETURNING` moves the clinic's counter past the block. That update locks the clinic
//! row, so concurrent allocations of a clinic take turns and their blocks never overlap;
//! other clinics are untouched. The block is recorded in `mrn_blocks` before commit.

use super::device_lock::{lock_live_device, Lock};
use crate::db::Device;
use crate::error::ServerError;
use outpost_domain::protocol::MrnBlock;
use sqlx::postgres::PgPool;
use sqlx::Row;

#[tracing::instrument(skip_all, fields(device = %device.id, size = size))]
pub(super) async fn allocate(
    pool: &PgPool,
    device: &Device,
    size: u32,
) -> Result<MrnBlock, ServerError> {
    let clinic = device.clinic_id.0;
    let mut tx = pool.begin().await?;

    lock_live_device(&mut tx, device, Lock::Share).await?;

    let row = sqlx::query(
        "UPDATE clinics SET mrn_next = mrn_next + $2 WHERE clinic_id = $1 \
         RETURNING mrn_next - $2 AS first_number, mrn_next - 1 AS last_number, mrn_prefix",
    )
    .bind(clinic)
    .bind(i64::from(size))
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| ServerError::NotFound(format!("there is no clinic {}", device.clinic_id)))?;
    let first: i64 = row.try_get("first_number")?;
    let last: i64 = row.try_get("last_number")?;
    let prefix: String = row.try_get("mrn_prefix")?;

    sqlx::query(
        "INSERT INTO mrn_blocks (clinic_id, first_number, last_number, prefix, device_id) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(clinic)
    .bind(first)
    .bind(last)
    .bind(&prefix)
    .bind(device.id.0)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;

    tracing::info!(first, last, "MRN block allocated");
    Ok(MrnBlock {
        prefix,
        first: stored_number(first)?,
        last: stored_number(last)?,
    })
}

/// A number the schema keeps positive, as the wire's `u64`.
fn stored_number(n: i64) -> Result<u64, sqlx::Error> {
    u64::try_from(n).map_err(|e| sqlx::Error::Decode(Box::new(e)))
}
