//! Documents in and out of the `documents` table (a compacted save plus the tail of changes
//! appended since, see [`COMPACT_AFTER`]), and everything derived from a document,
//! rebuilt in the same transaction that changes it: its projection row (one table per
//! kind, see `kinds`) and its open conflicts. Queries read the projections; the documents
//! stay the truth, so projections can always be rebuilt from them
//! ([`rebuild_if_stale`]).
//!
//! Deriving is split from writing ([`Stored::of`], then [`Stored::write`]): the first reads
//! the document and needs no database, so a pulled page derives its documents in
//! parallel and then writes them all in its one transaction.

pub(crate) mod encounter_row;
mod kinds;
pub(crate) use kinds::Row;
pub(crate) mod vitals_row;

use crate::duplicates;
use crate::error::ReplicaError;
use chrono::{DateTime, SecondsFormat, Utc};
use outpost_domain::document::{DocKind, Document, FreshDocument};
use outpost_domain::ids::DocId;
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// Version of the projection tables' content. Raising it makes every replica rebuild its
/// projections from its documents the next time it opens. Raise it when a projection is
/// computed differently; a projection whose JSON no longer reads as this build's type is
/// rebuilt by itself the first time it is read ([`healing`]). 2: encounter rows without
/// their notes (`encounter_row`).
pub(crate) const PROJECTION_VERSION: i64 = 2;

/// A document's tail is compacted into its saved bytes once it holds this many changes:
/// long enough that compacting (a full save, which grows with the document) is rare
/// among a note's saves, short enough that loading a document from disk stays quick.
pub(crate) const COMPACT_AFTER: u32 = 128;

/// Saves a new document and rebuilds what is derived from it.
pub(crate) fn save_new(conn: &Connection, doc: &Document) -> Result<(), ReplicaError> {
    Stored::of(doc, doc.save(), true)?.write(conn)
}

/// The projection row after a local edit, as far as the edit knows it.
#[derive(Debug)]
pub(crate) enum RowAfter {
    /// Read from the edited document.
    FromDocument,
    /// Built by the edit from the record it edited.
    Built(Row),
    /// The edit changed nothing the row holds (a narrative note, which rows leave to the
    /// document): the stored row stays. Debug builds check that it is still the row.
    Unchanged,
}

/// Saves a stored document after local `change` (its bytes): the change is appended to the
/// document's tail, or the document is compacted when the tail is full. Rebuilds what is
/// derived from it; the projection row as `row` says.
pub(crate) fn save_edit(
    conn: &Connection,
    doc: &Document,
    change: &[u8],
    row: RowAfter,
) -> Result<(), ReplicaError> {
    let (tail, had_conflicts): (u32, bool) = conn
        .prepare_cached(
            "SELECT tail, EXISTS (SELECT 1 FROM open_conflicts WHERE doc_id = documents.id)
             FROM documents WHERE id = ?1",
        )?
        .query_row([doc.id.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))?;
    // A local change is made on top of every value it replaces, so it can settle open
    // conflicts but never open one: a document that had none has none after it, and the
    // walk over its history for them is skipped.
    let derived = Derived {
        id: doc.id.to_string(),
        kind: doc.kind,
        row: match row {
            RowAfter::Built(row) => Some(row),
            RowAfter::FromDocument => Some(kinds::row(doc)?),
            RowAfter::Unchanged => {
                debug_assert!(
                    kinds::row(doc)?.is_stored(conn)?,
                    "an edit said it left the projection row of {} as it was, but it changed it",
                    doc.id
                );
                None
            }
        },
        conflicts: if had_conflicts {
            crate::conflicts::rows(doc)?
        } else {
            Vec::new()
        },
    };
    Stored::edited_with(doc, tail, vec![change.to_vec()], derived)?.write(conn)
}

/// Everything derived from one document (its projection row and its open conflicts),
/// computed without the database, so a pulled page derives its documents in parallel.
#[derive(Debug)]
pub(crate) struct Derived {
    id: String,
    kind: DocKind,
    /// `None`: the stored row stays as it is.
    row: Option<kinds::Row>,
    conflicts: Vec<(String, String)>,
}

impl Derived {
    pub(crate) fn of(doc: &Document) -> Result<Self, ReplicaError> {
        Ok(Self {
            id: doc.id.to_string(),
            kind: doc.kind,
            row: Some(kinds::row(doc)?),
            conflicts: crate::conflicts::rows(doc)?,
        })
    }

    /// Replaces the stored projection row and open conflicts. `fresh`: nothing was stored
    /// for this document before.
    fn write(&self, conn: &Connection, fresh: bool) -> Result<(), ReplicaError> {
        if let Some(row) = &self.row {
            row.write(conn, fresh)?;
        }
        crate::conflicts::store(conn, &self.id, self.kind, &self.conflicts, fresh)
    }
}

/// How a document's bytes change when it is written.
#[derive(Debug)]
enum Body {
    /// The whole document (a new one, or a compaction): replaces the saved bytes and
    /// empties the tail.
    Whole(Vec<u8>),
    /// Changes appended to the tail, which then has `tail` rows.
    Append { tail: u32, chunks: Vec<Vec<u8>> },
}

/// A document ready to be written: its bytes, its heads and what is derived from it.
#[derive(Debug)]
pub(crate) struct Stored {
    body: Body,
    heads: Vec<u8>,
    derived: Derived,
    fresh: bool,
}

impl Stored {
    /// `doc` to be stored as `bytes` (which `Document::load` must read back to `doc`);
    /// `fresh` when the document is not stored yet.
    pub(crate) fn of(doc: &Document, bytes: Vec<u8>, fresh: bool) -> Result<Self, ReplicaError> {
        Ok(Self {
            body: Body::Whole(bytes),
            heads: heads_bytes(doc)?,
            derived: Derived::of(doc)?,
            fresh,
        })
    }

    /// Stored document `doc`, whose tail held `tail` changes, after `chunks` (the bytes of
    /// the changes just applied to it, in order): appended to the tail, or compacted when
    /// the tail would pass [`COMPACT_AFTER`].
    pub(crate) fn edited(
        doc: &Document,
        tail: u32,
        chunks: Vec<Vec<u8>>,
    ) -> Result<Self, ReplicaError> {
        Self::edited_with(doc, tail, chunks, Derived::of(doc)?)
    }

    /// [`Stored::edited`] with what is derived from `doc` already worked out.
    fn edited_with(
        doc: &Document,
        tail: u32,
        chunks: Vec<Vec<u8>>,
        derived: Derived,
    ) -> Result<Self, ReplicaError> {
        let grown = u32::try_from(chunks.len())
            .ok()
            .and_then(|n| tail.checked_add(n))
            .filter(|&t| t <= COMPACT_AFTER);
        let body = match grown {
            Some(tail) => Body::Append { tail, chunks },
            None => Body::Whole(doc.save()),
        };
        Ok(Self {
            body,
            heads: heads_bytes(doc)?,
            derived,
            fresh: false,
        })
    }

    /// A new document read from its one change without the engine
    /// ([`FreshDocument`]), stored as that change. It has no open conflicts: one change
    /// cannot hold concurrent values.
    pub(crate) fn of_fresh(doc: &FreshDocument) -> Result<Self, ReplicaError> {
        Ok(Self {
            body: Body::Whole(doc.bytes().to_vec()),
            heads: doc.head_bytes().to_vec(),
            derived: Derived {
                id: doc.id.to_string(),
                kind: doc.kind,
                row: Some(kinds::row(doc)?),
                conflicts: Vec::new(),
            },
            fresh: true,
        })
    }

    pub(crate) fn kind(&self) -> DocKind {
        self.derived.kind
    }

    /// Writes the document, its projection row and its open conflicts.
    pub(crate) fn write(&self, conn: &Connection) -> Result<(), ReplicaError> {
        let id = &self.derived.id;
        match &self.body {
            // Nothing stored yet (the caller checked in this transaction): a plain insert,
            // which needs no statement journal (see `kinds::row_sql`).
            Body::Whole(bytes) if self.fresh => {
                conn.prepare_cached(
                    "INSERT INTO documents (id, kind, bytes, heads, tail) VALUES (?1, ?2, ?3, ?4, 0)",
                )?
                .execute(params![id, self.derived.kind.as_str(), bytes, self.heads])?;
            }
            Body::Whole(bytes) => {
                conn.prepare_cached(
                    "INSERT INTO documents (id, kind, bytes, heads, tail) VALUES (?1, ?2, ?3, ?4, 0)
                     ON CONFLICT (id) DO UPDATE
                     SET bytes = excluded.bytes, heads = excluded.heads, tail = 0",
                )?
                .execute(params![id, self.derived.kind.as_str(), bytes, self.heads])?;
                conn.prepare_cached("DELETE FROM document_tail WHERE doc_id = ?1")?
                    .execute([id])?;
            }
            Body::Append { tail, chunks } => {
                let updated = conn
                    .prepare_cached("UPDATE documents SET heads = ?2, tail = ?3 WHERE id = ?1")?
                    .execute(params![id, self.heads, tail])?;
                if updated != 1 {
                    return Err(ReplicaError::Corrupt(format!(
                        "document {id} was to be appended to but is not stored"
                    )));
                }
                let first = tail.saturating_sub(u32::try_from(chunks.len()).unwrap_or(u32::MAX));
                let mut insert = conn.prepare_cached(
                    "INSERT INTO document_tail (doc_id, seq, bytes) VALUES (?1, ?2, ?3)",
                )?;
                for (seq, chunk) in (first + 1..).zip(chunks) {
                    insert.execute(params![id, seq, chunk])?;
                }
            }
        }
        self.derived.write(conn, self.fresh)
    }
}

/// What is stored of a document: its kind, its bytes (the compacted save followed by the
/// tail, which Automerge loads as one document) and how many changes the tail holds.
#[derive(Debug)]
pub(crate) struct StoredDoc {
    pub(crate) kind: DocKind,
    pub(crate) bytes: Vec<u8>,
    pub(crate) tail: u32,
}

/// What is stored of document `id`, if it is stored.
pub(crate) fn stored(conn: &Connection, id: DocId) -> Result<Option<StoredDoc>, ReplicaError> {
    let id = id.to_string();
    let row: Option<(String, Vec<u8>, u32)> = conn
        .prepare_cached("SELECT kind, bytes, tail FROM documents WHERE id = ?1")?
        .query_row([&id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    let Some((kind, mut bytes, tail)) = row else {
        return Ok(None);
    };
    if tail > 0 {
        let mut rows =
            conn.prepare_cached("SELECT bytes FROM document_tail WHERE doc_id = ?1 ORDER BY seq")?;
        let mut chunks = rows.query([&id])?;
        while let Some(row) = chunks.next()? {
            let chunk: Vec<u8> = row.get(0)?;
            bytes.extend_from_slice(&chunk);
        }
    }
    Ok(Some(StoredDoc {
        kind: DocKind::parse(&kind)?,
        bytes,
        tail,
    }))
}

/// The stored heads of document `id` (as the `heads` column keeps them), if it is stored.
pub(crate) fn stored_heads(conn: &Connection, id: DocId) -> Result<Option<Vec<u8>>, ReplicaError> {
    Ok(conn
        .prepare_cached("SELECT heads FROM documents WHERE id = ?1")?
        .query_row([id.to_string()], |r| r.get(0))
        .optional()?)
}

/// A document's heads as the `heads` column keeps them: each change hash's 32 bytes, in
/// the sorted order [`Document::heads`] gives.
pub(crate) fn heads_bytes(doc: &Document) -> Result<Vec<u8>, ReplicaError> {
    bytes_of_heads(&doc.heads())
}

fn bytes_of_heads(heads: &[String]) -> Result<Vec<u8>, ReplicaError> {
    let mut bytes = Vec::with_capacity(heads.len() * HASH_BYTES);
    for head in heads {
        let hash = hex::decode(head)
            .ok()
            .filter(|h| h.len() == HASH_BYTES)
            .ok_or_else(|| {
                ReplicaError::Corrupt(format!("a document head is not a hash: {head}"))
            })?;
        bytes.extend_from_slice(&hash);
    }
    Ok(bytes)
}

/// The hex change hashes of a `heads` column value, in the order kept.
pub(crate) fn heads_of_bytes(bytes: &[u8]) -> Result<Vec<String>, ReplicaError> {
    if bytes.len() % HASH_BYTES != 0 {
        return Err(ReplicaError::Corrupt(format!(
            "document heads of {} bytes are not whole hashes",
            bytes.len()
        )));
    }
    Ok(bytes.chunks(HASH_BYTES).map(hex::encode).collect())
}

/// The length of a change hash (SHA-256).
const HASH_BYTES: usize = 32;

/// Loads a stored document with the kind it was stored as.
pub(crate) fn load(conn: &Connection, id: DocId) -> Result<Option<Document>, ReplicaError> {
    stored(conn, id)?
        .map(|s| Ok(Document::load(id, s.kind, &s.bytes)?))
        .transpose()
}

/// Loads document `id`, which must be of `kind`; otherwise a "not found" or "wrong kind"
/// error that names the id.
pub(crate) fn load_kind(
    conn: &Connection,
    id: DocId,
    kind: DocKind,
) -> Result<Document, ReplicaError> {
    match load(conn, id)? {
        Some(doc) if doc.kind == kind => Ok(doc),
        Some(doc) => Err(ReplicaError::WrongKind {
            id,
            expected: kind.as_str(),
            actual: doc.kind.as_str(),
        }),
        None if kind == DocKind::Patient => Err(ReplicaError::PatientNotFound(id)),
        None => Err(ReplicaError::NotFound {
            kind: kind.as_str(),
            id,
        }),
    }
}

/// Rebuilds every projection from the documents when they were built by an older version
/// of this code (or never, after the migration that introduced them). One transaction.
#[tracing::instrument(skip_all)]
pub(crate) fn rebuild_if_stale(conn: &mut Connection) -> Result<(), ReplicaError> {
    let version: i64 = conn.query_row(
        "SELECT projection_version FROM meta WHERE id = 1",
        [],
        |r| r.get(0),
    )?;
    if version == PROJECTION_VERSION {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    rebuild(&tx)?;
    tx.commit()?;
    Ok(())
}

/// Rebuilds every projection row, open conflict and duplicate candidate from the
/// documents, inside the caller's transaction.
fn rebuild(conn: &Connection) -> Result<(), ReplicaError> {
    for table in kinds::TABLES {
        conn.execute(&format!("DELETE FROM {table}"), [])?;
    }
    conn.execute("DELETE FROM open_conflicts", [])?;
    let ids: Vec<String> = conn
        .prepare("SELECT id FROM documents ORDER BY id")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    for id in &ids {
        if let Some(doc) = load(conn, crate::meta::parse(id, "document id")?)? {
            // Every open conflict was deleted above.
            Derived::of(&doc)?.write(conn, true)?;
        }
    }
    duplicates::recompute(conn)?;
    conn.execute(
        "UPDATE meta SET projection_version = ?1 WHERE id = 1",
        [PROJECTION_VERSION],
    )?;
    tracing::info!(documents = ids.len(), "rebuilt projections");
    Ok(())
}

/// Runs `read`; if a stored projection no longer reads as this build's type (written by a
/// build whose domain projection had another shape), rebuilds every projection from the
/// documents and runs `read` once more. Inside a transaction the rebuild joins it.
pub(crate) fn healing<R>(
    conn: &Connection,
    read: impl Fn(&Connection) -> Result<R, ReplicaError>,
) -> Result<R, ReplicaError> {
    match read(conn) {
        Err(ReplicaError::StaleProjection(why)) => {
            tracing::warn!(%why, "stored projections are out of date; rebuilding them");
            if conn.is_autocommit() {
                let tx = conn.unchecked_transaction()?;
                rebuild(&tx)?;
                tx.commit()?;
            } else {
                rebuild(conn)?;
            }
            read(conn)
        }
        other => other,
    }
}

/// The rows `sql` selects, in its order, each turned into a `T` by `read`; [`healing`] a
/// stale projection. The projection tables' `select`s share it.
pub(crate) fn select_rows<T>(
    conn: &Connection,
    sql: &str,
    params: impl rusqlite::Params + Clone,
    read: impl Fn(&rusqlite::Row<'_>) -> Result<T, ReplicaError>,
) -> Result<Vec<T>, ReplicaError> {
    healing(conn, |conn| {
        let mut stmt = conn.prepare_cached(sql)?;
        let mut rows = stmt.query(params.clone())?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            out.push(read(r)?);
        }
        Ok(out)
    })
}

/// Fixed-width UTC text, so ordering the column orders the times.
pub(crate) fn timestamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Nanos, true)
}

/// A projection as the JSON kept in a `detail` column.
pub(crate) fn to_detail<T: Serialize>(value: &T) -> Result<String, ReplicaError> {
    serde_json::to_string(value).map_err(|e| ReplicaError::Corrupt(format!("projection: {e}")))
}

/// A projection read back from a `detail` column.
pub(crate) fn from_detail<T: DeserializeOwned>(json: &str) -> Result<T, ReplicaError> {
    serde_json::from_str(json).map_err(|e| ReplicaError::StaleProjection(e.to_string()))
}

/// Reads the `detail` column of every row `sql` selects (with `params`), in order.
pub(crate) fn details<T: DeserializeOwned>(
    conn: &Connection,
    sql: &str,
    params: impl rusqlite::Params + Clone,
) -> Result<Vec<T>, ReplicaError> {
    healing(conn, |conn| {
        let rows: Vec<String> = conn
            .prepare(sql)?
            .query_map(params.clone(), |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        rows.iter().map(|json| from_detail(json)).collect()
    })
}

/// The `detail` of the one row `sql` selects, if there is one.
pub(crate) fn detail<T: DeserializeOwned>(
    conn: &Connection,
    sql: &str,
    params: impl rusqlite::Params + Clone,
) -> Result<Option<T>, ReplicaError> {
    healing(conn, |conn| {
        let json: Option<String> = conn
            .query_row(sql, params.clone(), |r| r.get(0))
            .optional()?;
        json.map(|j| from_detail(&j)).transpose()
    })
}

#[cfg(test)]
mod pull_tests;
#[cfg(test)]
mod tail_tests;
