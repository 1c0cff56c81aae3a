//! Conflicts: one field given different values on two workstations at once. The domain
//! finds them in a document (`Document::conflicts`); this file keeps the `open_conflicts`
//! table current (refreshed whenever a document is saved, locally or by a pull) so listing
//! them is one query, and resolves one like any other local write, so the resolution (who
//! chose which value) syncs with the record.

use crate::audit::Action;
use crate::error::ReplicaError;
use crate::projection::{self, details, to_detail};
use crate::replica::Replica;
use outpost_domain::document::{Conflict, DocKind, Document, HistoryEntry, Resolution};
use outpost_domain::ids::DocId;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// An open conflict and the record it is in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct OpenConflict {
    pub doc_id: DocId,
    pub kind: DocKind,
    #[serde(flatten)]
    pub conflict: Conflict,
}

/// The open conflicts a document holds now, as rows to store: path and the conflict as
/// JSON. Computed without the database, so a pulled page computes them in parallel.
pub(crate) fn rows(doc: &Document) -> Result<Vec<(String, String)>, ReplicaError> {
    doc.conflicts()
        .iter()
        .map(|c| Ok((c.path.clone(), to_detail(c)?)))
        .collect()
}

/// Replaces the stored open conflicts of document `id` with `rows`. A document stored for
/// the first time (`fresh`) has none to remove.
pub(crate) fn store(
    conn: &Connection,
    id: &str,
    kind: DocKind,
    rows: &[(String, String)],
    fresh: bool,
) -> Result<(), ReplicaError> {
    if !fresh {
        conn.prepare_cached("DELETE FROM open_conflicts WHERE doc_id = ?1")?
            .execute([id])?;
    }
    if rows.is_empty() {
        return Ok(());
    }
    let mut insert = conn.prepare_cached(
        "INSERT INTO open_conflicts (doc_id, kind, path, detail) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for (path, detail) in rows {
        insert.execute(params![id, kind.as_str(), path, detail])?;
    }
    Ok(())
}

impl Replica {
    /// The open conflicts of one record, by path, each with every value, its author and
    /// time. Empty when the record has none (or is not on this workstation).
    pub fn list_conflicts(&self, doc_id: DocId) -> Result<Vec<Conflict>, ReplicaError> {
        details(
            &self.conn,
            "SELECT detail FROM open_conflicts WHERE doc_id = ?1 ORDER BY path",
            [doc_id.to_string()],
        )
    }

    /// Every open conflict on this workstation, by record and path.
    pub fn list_open_conflicts(&self) -> Result<Vec<OpenConflict>, ReplicaError> {
        projection::healing(&self.conn, |conn| {
            let rows: Vec<(String, String, String)> = conn
                .prepare("SELECT doc_id, kind, detail FROM open_conflicts ORDER BY doc_id, path")?
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect::<Result<_, _>>()?;
            rows.into_iter()
                .map(|(id, kind, detail)| {
                    Ok(OpenConflict {
                        doc_id: crate::meta::parse(&id, "document id")?,
                        kind: DocKind::parse(&kind)?,
                        conflict: projection::from_detail(&detail)?,
                    })
                })
                .collect()
        })
    }

    /// Settles the conflict at `path` of record `doc_id` by keeping `chosen` (one of the
    /// values in conflict, as listed). The resolution is stored in the record and syncs.
    #[tracing::instrument(skip_all)]
    pub fn resolve_conflict(
        &mut self,
        doc_id: DocId,
        path: &str,
        chosen: &serde_json::Value,
        by: &str,
    ) -> Result<(), ReplicaError> {
        let kind = self.document_kind(doc_id)?.ok_or(ReplicaError::NotFound {
            kind: "record",
            id: doc_id,
        })?;
        self.commit_change(
            doc_id,
            kind,
            by,
            Action::RESOLVE_CONFLICT,
            |_, doc, actor, meta| {
                Ok(Some(doc.resolve(
                    actor,
                    meta,
                    path,
                    chosen,
                    meta.author.as_str(),
                )?))
            },
        )?;
        tracing::info!(%doc_id, "resolved a conflict");
        Ok(())
    }

    /// Every resolution recorded in a record, oldest first: who chose what, when.
    pub fn resolutions(&self, doc_id: DocId) -> Result<Vec<Resolution>, ReplicaError> {
        Ok(self.document(doc_id)?.resolutions()?)
    }

    /// Every change of a record with its author and clocks: the edit audit.
    pub fn history(&self, doc_id: DocId) -> Result<Vec<HistoryEntry>, ReplicaError> {
        Ok(self.document(doc_id)?.history())
    }

    /// The kind of record `doc_id` is, if this workstation holds it.
    pub fn document_kind(&self, doc_id: DocId) -> Result<Option<DocKind>, ReplicaError> {
        let kind: Option<String> = self
            .conn
            .query_row(
                "SELECT kind FROM documents WHERE id = ?1",
                [doc_id.to_string()],
                |r| r.get(0),
            )
            .optional()?;
        Ok(kind.map(|k| DocKind::parse(&k)).transpose()?)
    }

    fn document(&self, doc_id: DocId) -> Result<Document, ReplicaError> {
        projection::load(&self.conn, doc_id)?.ok_or(ReplicaError::NotFound {
            kind: "record",
            id: doc_id,
        })
    }
}
