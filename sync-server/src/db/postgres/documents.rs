//! The server's copy of each document: loaded (and locked) for a push, saved with its
//! heads after the push's changes were applied (compacted, or as its one change when a
//! push created it with one, see [`Working`]), and looked up across clinics
//! only to refuse a change to another clinic's document.

use crate::error::ServerError;
use crate::validate::{StoredDocs, Working};
use outpost_domain::document::template::TemplateRecord;
use outpost_domain::document::ReadRecord;
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

/// One document to save: as it now stands, whether the push created it on the server, and
/// the arrival position of the latest change applied to it.
pub(super) struct ToSave<'a> {
    pub doc: &'a Working,
    pub created: bool,
    pub seq: i64,
}

/// Saves the documents compacted with their heads: the new ones in one statement, the
/// changed ones in another.
pub(super) async fn save(
    conn: &mut PgConnection,
    clinic: ClinicId,
    docs: &[ToSave<'_>],
) -> Result<(), ServerError> {
    let (created, updated): (Vec<&ToSave>, Vec<&ToSave>) = docs.iter().partition(|d| d.created);
    if !created.is_empty() {
        let rows = Rows::of(&created);
        let inserted = sqlx::query(
            "INSERT INTO documents (clinic_id, doc_id, kind, bytes, heads, created_seq, updated_seq) \
             SELECT $1, u.doc_id, u.kind, u.bytes, \
                    ARRAY(SELECT jsonb_array_elements_text(u.heads)), u.seq, u.seq \
             FROM unnest($2::uuid[], $3::text[], $4::bytea[], $5::jsonb[], $6::bigint[]) \
                  AS u(doc_id, kind, bytes, heads, seq) \
             ON CONFLICT (clinic_id, doc_id) DO NOTHING",
        )
        .bind(clinic.0)
        .bind(&rows.ids)
        .bind(&rows.kinds)
        .bind(&rows.bytes)
        .bind(&rows.heads)
        .bind(&rows.seqs)
        .execute(&mut *conn)
        .await?;
        if inserted.rows_affected() != created.len() as u64 {
            // Another push created one of them meanwhile (it was not there to lock): fail
            // this push whole; the workstation retries and then finds it.
            return Err(ServerError::Busy(
                "a document was created by another push at the same time; retry".into(),
            ));
        }
    }
    if !updated.is_empty() {
        let rows = Rows::of(&updated);
        sqlx::query(
            "UPDATE documents d SET bytes = u.bytes, \
                 heads = ARRAY(SELECT jsonb_array_elements_text(u.heads)), \
                 updated_seq = u.seq, updated_at = now() \
             FROM unnest($2::uuid[], $3::bytea[], $4::jsonb[], $5::bigint[]) \
                  AS u(doc_id, bytes, heads, seq) \
             WHERE d.clinic_id = $1 AND d.doc_id = u.doc_id",
        )
        .bind(clinic.0)
        .bind(&rows.ids)
        .bind(&rows.bytes)
        .bind(&rows.heads)
        .bind(&rows.seqs)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Column arrays for the statements above (heads travel as JSON arrays, since Postgres
/// has no array of arrays of varying length).
struct Rows {
    ids: Vec<uuid::Uuid>,
    kinds: Vec<&'static str>,
    bytes: Vec<Vec<u8>>,
    heads: Vec<serde_json::Value>,
    seqs: Vec<i64>,
}

impl Rows {
    fn of(docs: &[&ToSave<'_>]) -> Self {
        Self {
            ids: docs.iter().map(|d| d.doc.id().0).collect(),
            kinds: docs.iter().map(|d| d.doc.kind().as_str()).collect(),
            bytes: docs.iter().map(|d| d.doc.bytes().into_owned()).collect(),
            heads: docs
                .iter()
                .map(|d| serde_json::json!(d.doc.heads()))
                .collect(),
            seqs: docs.iter().map(|d| d.seq).collect(),
        }
    }
}
