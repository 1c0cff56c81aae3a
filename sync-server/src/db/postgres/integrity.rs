//! Signatures and audit chains in Postgres: both tables are append-only (triggers and
//! revoked privileges, see the migration), so this module only inserts and reads.

use crate::error::ServerError;
use outpost_domain::audit::AuditEntry;
use outpost_domain::document::DocKind;
use outpost_domain::ids::{ClinicId, DeviceId, DocId};
use outpost_domain::signature::{SignatureManifest, SignedManifest};
use sqlx::postgres::PgPool;
use sqlx::Row;

fn to_i64(n: u64, what: &str) -> Result<i64, ServerError> {
    i64::try_from(n).map_err(|_| ServerError::invalid("audit", format!("{what} {n} is too large")))
}

fn to_u64(n: i64, what: &str) -> Result<u64, ServerError> {
    u64::try_from(n).map_err(|_| ServerError::Inconsistent(format!("{what} {n} is negative")))
}

/// The server's copy of a document of the clinic: its kind and bytes.
pub(super) async fn document(
    pool: &PgPool,
    clinic: ClinicId,
    id: DocId,
) -> Result<Option<(DocKind, Vec<u8>)>, ServerError> {
    let row = sqlx::query("SELECT kind, bytes FROM documents WHERE clinic_id = $1 AND doc_id = $2")
        .bind(clinic.0)
        .bind(id.0)
        .fetch_optional(pool)
        .await?;
    row.map(|r| {
        let kind: String = r.try_get("kind")?;
        let kind = DocKind::parse(&kind)
            .map_err(|e| ServerError::Inconsistent(format!("documents.kind: {e}")))?;
        Ok((kind, r.try_get("bytes")?))
    })
    .transpose()
}

/// Stores checked signatures; one already held is left as it is.
pub(super) async fn store_signatures(
    pool: &PgPool,
    clinic: ClinicId,
    device: DeviceId,
    signatures: &[(SignedManifest, SignatureManifest)],
) -> Result<(), ServerError> {
    let mut tx = pool.begin().await?;
    for (signed, m) in signatures {
        sqlx::query(
            "INSERT INTO signatures (clinic_id, signature_id, encounter_id, signer_id, device_id, \
                                     signed_at, manifest, signature) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             ON CONFLICT (clinic_id, signature_id) DO NOTHING",
        )
        .bind(clinic.0)
        .bind(signed.id())
        .bind(m.encounter_id.0)
        .bind(m.signer_id.0)
        .bind(device.0)
        .bind(m.signed_at)
        .bind(&signed.manifest)
        .bind(&signed.signature)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The clinic's signatures after `after` (server order), at most `limit`, with the seq
/// of the last one returned.
pub(super) async fn signatures_after(
    pool: &PgPool,
    clinic: ClinicId,
    after: u64,
    limit: usize,
) -> Result<(Vec<SignedManifest>, u64), ServerError> {
    let rows = sqlx::query(
        "SELECT seq, manifest, signature FROM signatures \
         WHERE clinic_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
    )
    .bind(clinic.0)
    .bind(to_i64(after, "signature cursor")?)
    .bind(i64::try_from(limit).unwrap_or(i64::MAX))
    .fetch_all(pool)
    .await?;
    let mut last = after;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        last = to_u64(r.try_get("seq")?, "signatures.seq")?;
        out.push(SignedManifest {
            manifest: r.try_get("manifest")?,
            signature: r.try_get("signature")?,
        });
    }
    Ok((out, last))
}

/// The seq and hash of the last audit entry held for `device`.
pub(super) async fn audit_tail(
    pool: &PgPool,
    clinic: ClinicId,
    device: DeviceId,
) -> Result<Option<(u64, String)>, ServerError> {
    let row = sqlx::query(
        "SELECT seq, hash FROM audit_entries WHERE clinic_id = $1 AND device_id = $2 \
         ORDER BY seq DESC LIMIT 1",
    )
    .bind(clinic.0)
    .bind(device.0)
    .fetch_optional(pool)
    .await?;
    row.map(|r| {
        Ok((
            to_u64(r.try_get("seq")?, "audit_entries.seq")?,
            r.try_get("hash")?,
        ))
    })
    .transpose()
}

/// Appends checked entries to `device`'s chain in one statement. A concurrent request
/// that stored the same seqs first makes this fail on the primary key (retry).
pub(super) async fn append_audit(
    pool: &PgPool,
    clinic: ClinicId,
    device: DeviceId,
    entries: &[AuditEntry],
) -> Result<(), ServerError> {
    if entries.is_empty() {
        return Ok(());
    }
    let seqs = entries
        .iter()
        .map(|e| to_i64(e.seq, "audit seq"))
        .collect::<Result<Vec<_>, _>>()?;
    let col = |f: fn(&AuditEntry) -> String| entries.iter().map(f).collect::<Vec<String>>();
    let record_ids: Vec<Option<String>> = entries.iter().map(|e| e.record_id.clone()).collect();
    let reasons: Vec<Option<String>> = entries.iter().map(|e| e.reason.clone()).collect();
    sqlx::query(
        "INSERT INTO audit_entries (clinic_id, device_id, seq, at, user_name, action, detail, \
                                    record_id, prev_hash, hash, reason) \
         SELECT $1, $2, * FROM UNNEST($3::bigint[], $4::text[], $5::text[], $6::text[], \
                                      $7::text[], $8::text[], $9::text[], $10::text[], \
                                      $11::text[])",
    )
    .bind(clinic.0)
    .bind(device.0)
    .bind(seqs)
    .bind(col(|e| e.at.clone()))
    .bind(col(|e| e.user.clone()))
    .bind(col(|e| e.action.as_str().to_owned()))
    .bind(col(|e| e.detail.clone()))
    .bind(record_ids)
    .bind(col(|e| e.prev_hash.clone()))
    .bind(col(|e| e.hash.clone()))
    .bind(reasons)
    .execute(pool)
    .await
    .map_err(|e| {
        if super::is_violation_of(&e, "audit_entries_pkey") {
            ServerError::Busy("another request stored these audit entries first; retry".into())
        } else {
            ServerError::Database(e)
        }
    })?;
    Ok(())
}

/// `device`'s whole chain as stored, in seq order. An entry whose action the server
/// does not know is returned with its text so the check names it.
pub(super) async fn audit_chain(
    pool: &PgPool,
    clinic: ClinicId,
    device: DeviceId,
) -> Result<Vec<Result<AuditEntry, (u64, String)>>, ServerError> {
    let rows = sqlx::query(
        "SELECT seq, at, user_name, action, detail, record_id, prev_hash, hash, reason \
         FROM audit_entries WHERE clinic_id = $1 AND device_id = $2 ORDER BY seq",
    )
    .bind(clinic.0)
    .bind(device.0)
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|r| {
            let seq = to_u64(r.try_get("seq")?, "audit_entries.seq")?;
            let action: String = r.try_get("action")?;
            let Ok(action) = action.parse() else {
                return Ok(Err((seq, action)));
            };
            Ok(Ok(AuditEntry {
                seq,
                at: r.try_get("at")?,
                user: r.try_get("user_name")?,
                action,
                detail: r.try_get("detail")?,
                record_id: r.try_get("record_id")?,
                prev_hash: r.try_get("prev_hash")?,
                hash: r.try_get("hash")?,
                reason: r.try_get("reason")?,
            }))
        })
        .collect()
}

/// The clinic's checkpoint key (PKCS#8, public key): the stored one, or `fresh` stored
/// now when the clinic has none (a concurrent first request keeps whichever came first).
pub(super) async fn checkpoint_key(
    pool: &PgPool,
    clinic: ClinicId,
    fresh: (&[u8], &[u8]),
) -> Result<(Vec<u8>, Vec<u8>), ServerError> {
    sqlx::query(
        "INSERT INTO audit_checkpoint_keys (clinic_id, private_key, public_key) \
         VALUES ($1, $2, $3) ON CONFLICT (clinic_id) DO NOTHING",
    )
    .bind(clinic.0)
    .bind(fresh.0)
    .bind(fresh.1)
    .execute(pool)
    .await?;
    let row = sqlx::query(
        "SELECT private_key, public_key FROM audit_checkpoint_keys WHERE clinic_id = $1",
    )
    .bind(clinic.0)
    .fetch_one(pool)
    .await?;
    Ok((row.try_get("private_key")?, row.try_get("public_key")?))
}
