//! The server's copy of each document: loaded (and locked) for a push, saved compacted
//! with its heads after the push's changes were applied, and looked up across clinics
//! only to refuse a change to another clinic's document.

use crate::error::ServerError;
use crate::validate::StoredDocs;
use outpost_domain::document::template::TemplateRecord;
use outpost_domain::document::{DocKind, Document};
use outpost_domain::ids::{ClinicId, DocId};
use sqlx::{PgConnection, Row};
use std::collections::{HashMap, HashSet};

fn uuids(ids: &[DocId]) -> Vec<uuid::Uuid> {
    ids.iter().map(|d| d.0).collect()
}

/// The clinic's copies of `ids`, locked until the transaction ends so concurrent pushes
/// to the same document take turns (locked in id order, so they cannot deadlock).
pub(super) async fn lock(
    conn: &mut PgConnection,
    clinic: ClinicId,
    ids: &[DocId],
) -> Result<StoredDocs, ServerError> {
    let rows = sqlx::query(
        "SELECT doc_id, kind, bytes FROM documents \
         WHERE clinic_id = $1 AND doc_id = ANY($2) ORDER BY doc_id FOR UPDATE",
    )
    .bind(clinic.0)
    .bind(uuids(ids))
    .fetch_all(conn)
    .await?;
    let mut out = HashMap::with_capacity(rows.len());
    for r in rows {
        let kind: String = r.try_get("kind")?;
        let kind = DocKind::parse(&kind).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
        out.insert(DocId(r.try_get("doc_id")?), (kind, r.try_get("bytes")?));
    }
    Ok(out)
}

/// Which of `ids` exist in a clinic other than `clinic` (the tenant check of a push).
pub(super) async fn foreign(
    conn: &mut PgConnection,
    clinic: ClinicId,
    ids: &[DocId],
) -> Result<HashSet<DocId>, ServerError> {
    let found: Vec<uuid::Uuid> = sqlx::query_scalar(
        "SELECT DISTINCT doc_id FROM documents WHERE doc_id = ANY($2) AND clinic_id <> $1",
    )
    .bind(clinic.0)
    .bind(uuids(ids))
    .fetch_all(conn)
    .await?;
    Ok(found.into_iter().map(DocId).collect())
}

/// The clinic's template records among `ids` (ids that are no template are left out).
pub(super) async fn templates(
    conn: &mut PgConnection,
    clinic: ClinicId,
    ids: &[DocId],
) -> Result<HashMap<DocId, TemplateRecord>, ServerError> {
    let rows = sqlx::query(
        "SELECT doc_id, bytes FROM documents \
         WHERE clinic_id = $1 AND doc_id = ANY($2) AND kind = 'template'",
    )
    .bind(clinic.0)
    .bind(uuids(ids))
    .fetch_all(conn)
    .await?;
    let mut out = HashMap::with_capacity(rows.len());
    for r in rows {
        let id = DocId(r.try_get("doc_id")?);
        let bytes: Vec<u8> = r.try_get("bytes")?;
        let record =
            Document::load(id, DocKind::Template, &bytes).and_then(|d| d.read::<TemplateRecord>());
        match record {
            Ok(t) => {
                out.insert(id, t);
            }
            Err(e) => tracing::warn!(template = %id, error = %e, "stored template does not read"),
        }
    }
    Ok(out)
}

/// Saves `doc` compacted with its heads; `seq` is the arrival position of the latest
/// change applied to it, also its creation position when `created`.
pub(super) async fn save(
    conn: &mut PgConnection,
    clinic: ClinicId,
    doc: &Document,
    created: bool,
    seq: i64,
) -> Result<(), ServerError> {
    let bytes = doc.save();
    let heads = doc.heads();
    if created {
        let inserted = sqlx::query(
            "INSERT INTO documents (clinic_id, doc_id, kind, bytes, heads, created_seq, updated_seq) \
             VALUES ($1, $2, $3, $4, $5, $6, $6) ON CONFLICT (clinic_id, doc_id) DO NOTHING",
        )
        .bind(clinic.0)
        .bind(doc.id.0)
        .bind(doc.kind.as_str())
        .bind(&bytes)
        .bind(&heads)
        .bind(seq)
        .execute(conn)
        .await?;
        if inserted.rows_affected() == 0 {
            // Another push created the same document meanwhile (it was not there to lock):
            // fail this push whole; the workstation retries and then finds it.
            return Err(ServerError::Busy(format!(
                "document {} was created by another push at the same time; retry",
                doc.id
            )));
        }
    } else {
        sqlx::query(
            "UPDATE documents SET bytes = $3, heads = $4, updated_seq = $5, updated_at = now() \
             WHERE clinic_id = $1 AND doc_id = $2",
        )
        .bind(clinic.0)
        .bind(doc.id.0)
        .bind(&bytes)
        .bind(&heads)
        .bind(seq)
        .execute(conn)
        .await?;
    }
    Ok(())
}
