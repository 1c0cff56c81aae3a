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
use outpost_domain::DomainError;
use sqlx::{PgConnection, Row};
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

fn uuids(ids: &[DocId]) -> Vec<uuid::Uuid> {
    ids.iter().map(|d| d.0).collect()
}

/// The clinic's copies of `ids`, locked until the transaction ends so concurrent pushes
/// to the same document take turns (locked in the order of `ids`, which the caller sorts,
/// so they cannot deadlock), and which of `ids` exist in a clinic other than `clinic` (the
/// tenant check of a push), in one statement. Each id is looked up by key (a lateral
/// lookup per id): filtering the clinic's documents by `doc_id = ANY(..)` let the planner,
/// with stale statistics, scan every document of the clinic and of the others per push.
pub(super) async fn lock(
    conn: &mut PgConnection,
    clinic: ClinicId,
    ids: &[DocId],
) -> Result<(StoredDocs, HashSet<DocId>), ServerError> {
    let rows = sqlx::query(
        "WITH mine AS ( \
           SELECT d.doc_id, d.kind, d.bytes FROM unnest($2::uuid[]) AS i(doc_id) \
           CROSS JOIN LATERAL ( \
             SELECT doc_id, kind, bytes FROM documents \
             WHERE clinic_id = $1 AND doc_id = i.doc_id FOR UPDATE \
           ) d \
         ), theirs AS ( \
           SELECT i.doc_id FROM unnest($2::uuid[]) AS i(doc_id) \
           CROSS JOIN LATERAL ( \
             SELECT 1 FROM documents WHERE doc_id = i.doc_id AND clinic_id <> $1 LIMIT 1 \
           ) t \
         ) \
         SELECT doc_id, kind, bytes, true AS mine FROM mine \
         UNION ALL SELECT doc_id, NULL, NULL, false FROM theirs",
    )
    .bind(clinic.0)
    .bind(uuids(ids))
    .fetch_all(conn)
    .await?;
    let mut mine = HashMap::with_capacity(rows.len());
    let mut theirs = HashSet::new();
    for r in rows {
        let id = DocId(r.try_get("doc_id")?);
        if !r.try_get::<bool, _>("mine")? {
            theirs.insert(id);
            continue;
        }
        let kind: String = r.try_get("kind")?;
        let kind = DocKind::parse(&kind).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
        mine.insert(id, (kind, r.try_get("bytes")?));
    }
    Ok((mine, theirs))
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

/// The common table expressions that create the documents a push created, for `concat!`
/// after a CTE `ch` that inserted the push's changes (`RETURNING doc_id, server_seq,
/// bytes`). Parameters: `$1` the clinic, `$9..$12` the columns of [`Rows::created`].
/// `latest` holds every changed document with the arrival position and bytes of its
/// latest change; a document stored as its one change (bytes `NULL` in the parameters)
/// takes that change's bytes, so they cross the connection once, not twice. `created`
/// inserts them plainly: one another push created meanwhile (it was not there to lock)
/// violates `documents_pkey` and fails the statement, which the caller turns into a retry.
/// (`ON CONFLICT DO NOTHING` would cost every insert a speculative insertion: an index
/// probe before it and a WAL record after it.)
macro_rules! create_ctes {
    () => {
        "latest AS ( \
           SELECT DISTINCT ON (doc_id) doc_id, server_seq AS seq, bytes FROM ch \
           ORDER BY doc_id, server_seq DESC \
         ), \
         created AS ( \
           INSERT INTO documents (clinic_id, doc_id, kind, bytes, heads, created_seq, updated_seq) \
           SELECT $1, d.doc_id, d.kind, COALESCE(d.bytes, l.bytes), \
                  string_to_array(d.heads, ','), l.seq, l.seq \
           FROM unnest($9::uuid[], $10::text[], $11::bytea[], $12::text[]) \
                AS d(doc_id, kind, bytes, heads) \
           JOIN latest l ON l.doc_id = d.doc_id \
         )"
    };
}
pub(super) use create_ctes;

/// Saves the documents a push changed that the server held before, each with the arrival
/// position of its latest change (`seqs`), in one statement.
pub(super) async fn update(
    conn: &mut PgConnection,
    clinic: ClinicId,
    docs: &[&Working],
    seqs: &HashMap<DocId, i64>,
) -> Result<(), ServerError> {
    if docs.is_empty() {
        return Ok(());
    }
    let rows = Rows::of(docs)?;
    let seqs: Vec<i64> = docs
        .iter()
        .map(|d| seqs.get(&d.id()).copied().unwrap_or_default())
        .collect();
    sqlx::query(
        "UPDATE documents d SET bytes = u.bytes, heads = string_to_array(u.heads, ','), \
             updated_seq = u.seq, updated_at = now() \
         FROM unnest($2::uuid[], $3::bytea[], $4::text[], $5::bigint[]) \
              AS u(doc_id, bytes, heads, seq) \
         WHERE d.clinic_id = $1 AND d.doc_id = u.doc_id",
    )
    .bind(clinic.0)
    .bind(&rows.ids)
    .bind(rows.byte_slices())
    .bind(&rows.heads)
    .bind(&seqs)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Column arrays of documents to save (heads joined with commas: they are hex hashes).
/// `bytes` is `None` for a document stored as the one change that created it in this
/// push (see [`create_ctes`]).
pub(super) struct Rows<'a> {
    pub ids: Vec<uuid::Uuid>,
    pub kinds: Vec<&'static str>,
    pub bytes: Vec<Option<Cow<'a, [u8]>>>,
    pub heads: Vec<String>,
}

impl<'a> Rows<'a> {
    /// Documents a push changed that the server held before: each with its saved bytes.
    pub fn of(docs: &[&'a Working]) -> Result<Self, ServerError> {
        Self::build(docs, |d| d.bytes().map(Some))
    }

    /// Documents a push created: one read from its one change goes without bytes, which
    /// the insert takes from that change's row.
    pub fn created(docs: &[&'a Working]) -> Result<Self, ServerError> {
        Self::build(docs, |d| match d {
            Working::Fresh(_) => Ok(None),
            Working::Engine(_) => d.bytes().map(Some),
        })
    }

    /// `bytes` as Postgres binds them (`NULL` for a document stored as its change).
    pub fn byte_slices(&self) -> Vec<Option<&[u8]>> {
        self.bytes.iter().map(Option::as_deref).collect()
    }

    fn build(
        docs: &[&'a Working],
        bytes: impl Fn(&'a Working) -> Result<Option<Cow<'a, [u8]>>, DomainError>,
    ) -> Result<Self, ServerError> {
        let bytes = docs
            .iter()
            .map(|d| bytes(d))
            .collect::<Result<_, _>>()
            .map_err(|e| {
                ServerError::Inconsistent(format!("a judged document does not save: {e}"))
            })?;
        Ok(Self {
            ids: docs.iter().map(|d| d.id().0).collect(),
            kinds: docs.iter().map(|d| d.kind().as_str()).collect(),
            bytes,
            heads: docs.iter().map(|d| d.heads().join(",")).collect(),
        })
    }
}
