//! Documents in and out of the `documents` table, and everything derived from a document,
//! rebuilt in the same transaction that changes it: its projection row (one table per
//! kind, see `kinds`) and its open conflicts. Queries read the projections; the documents
//! stay the truth, so projections can always be rebuilt from them
//! ([`rebuild_if_stale`]).
//!
//! Deriving is split from writing ([`Stored::of`], then [`Stored::write`]): the first reads
//! the document and needs no database, so a pulled page derives its documents in
//! parallel and then writes them all in its one transaction.

mod kinds;

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
/// rebuilt by itself the first time it is read ([`healing`]).
pub(crate) const PROJECTION_VERSION: i64 = 1;

/// Saves a document and rebuilds what is derived from it.
pub(crate) fn save(conn: &Connection, doc: &Document) -> Result<(), ReplicaError> {
    Stored::of(doc, doc.save(), false)?.write(conn)
}

/// Everything derived from one document (its projection row and its open conflicts),
/// computed without the database, so a pulled page derives its documents in parallel.
#[derive(Debug)]
pub(crate) struct Derived {
    id: String,
    kind: DocKind,
    row: kinds::Row,
    conflicts: Vec<(String, String)>,
}

impl Derived {
    pub(crate) fn of(doc: &Document) -> Result<Self, ReplicaError> {
        Ok(Self {
            id: doc.id.to_string(),
            kind: doc.kind,
            row: kinds::row(doc)?,
            conflicts: crate::conflicts::rows(doc)?,
        })
    }

    /// Replaces the stored projection row and open conflicts. `fresh`: nothing was stored
    /// for this document before.
    fn write(&self, conn: &Connection, fresh: bool) -> Result<(), ReplicaError> {
        self.row.write(conn)?;
        crate::conflicts::store(conn, &self.id, self.kind, &self.conflicts, fresh)
    }
}

/// A document ready to be written: the bytes to store, its heads and what is derived
/// from it.
#[derive(Debug)]
pub(crate) struct Stored {
    bytes: Vec<u8>,
    heads: String,
    derived: Derived,
    fresh: bool,
}

impl Stored {
    /// `doc` to be stored as `bytes` (which `Document::load` must read back to `doc`);
    /// `fresh` when the document is not stored yet.
    pub(crate) fn of(doc: &Document, bytes: Vec<u8>, fresh: bool) -> Result<Self, ReplicaError> {
        let heads = serde_json::to_string(&doc.heads())
            .map_err(|e| ReplicaError::Corrupt(format!("document heads: {e}")))?;
        Ok(Self {
            bytes,
            heads,
            derived: Derived::of(doc)?,
            fresh,
        })
    }

    /// A new document read from its one change without the engine
    /// ([`FreshDocument`]), stored as that change. It has no open conflicts: one change
    /// cannot hold concurrent values.
    pub(crate) fn of_fresh(doc: &FreshDocument) -> Result<Self, ReplicaError> {
        let heads = serde_json::to_string(&doc.heads())
            .map_err(|e| ReplicaError::Corrupt(format!("document heads: {e}")))?;
        Ok(Self {
            bytes: doc.bytes().to_vec(),
            heads,
            derived: Derived {
                id: doc.id.to_string(),
                kind: doc.kind,
                row: kinds::row(doc)?,
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
        conn.prepare_cached(
            "INSERT INTO documents (id, kind, bytes, heads) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (id) DO UPDATE SET bytes = excluded.bytes, heads = excluded.heads",
        )?
        .execute(params![
            self.derived.id,
            self.derived.kind.as_str(),
            self.bytes,
            self.heads
        ])?;
        self.derived.write(conn, self.fresh)
    }
}

/// The stored kind and bytes of document `id`, if it is stored.
pub(crate) fn stored(
    conn: &Connection,
    id: DocId,
) -> Result<Option<(DocKind, Vec<u8>)>, ReplicaError> {
    let row: Option<(String, Vec<u8>)> = conn
        .prepare_cached("SELECT kind, bytes FROM documents WHERE id = ?1")?
        .query_row([id.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    row.map(|(kind, bytes)| Ok((DocKind::parse(&kind)?, bytes)))
        .transpose()
}

/// Loads a stored document with the kind it was stored as.
pub(crate) fn load(conn: &Connection, id: DocId) -> Result<Option<Document>, ReplicaError> {
    stored(conn, id)?
        .map(|(kind, bytes)| Ok(Document::load(id, kind, &bytes)?))
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
