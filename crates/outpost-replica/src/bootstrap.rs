//! Bootstrap of a new workstation (issue 4): instead of replaying the clinic's whole
//! history through pulls, a replica with no documents downloads the server's compacted
//! documents page by page, with the totals known from the first page so the app shows
//! progress, then sets its version vector to what those documents cover and pulls on
//! from there.
//!
//! Each page is applied in one transaction: its documents (stored as served, after
//! checking their heads; a document served as its one change is read from that change
//! without building the engine's document, see `FreshDocument`), their projections, and
//! the `bootstrap` row with the page's cursor and what is done. Reading a page's documents
//! needs no database ([`PreparedPage`]), so a sync round reads the next page while it
//! stores this one, and asks for the one after meanwhile. An interruption anywhere leaves
//! the replica at the end of the last page applied (a page already downloaded and read
//! is stored first), and the next round asks for the rest with the stored cursor, so
//! nothing is downloaded twice. The last page also sets the version vector to `covers`.
//! While more pages follow, the per-patient indexes are set aside and built once by the
//! last page (`deferred_index`).

use crate::error::ReplicaError;
use crate::meta::{to_i64, to_u64};
use crate::projection::{self, Stored, StoredDoc};
use crate::remote::in_parallel;
use crate::replica::Replica;
use crate::{deferred_index, duplicates, peer_clock};
use outpost_domain::document::{DocKind, Document, FreshDocument};
use outpost_domain::ids::DocId;
use outpost_domain::protocol::{BootstrapCursor, BootstrapDocument, BootstrapResponse};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use ts_rs::TS;

/// How far a bootstrap has come: documents and bytes done of the totals the server gave
/// on the first page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct BootstrapProgress {
    #[ts(type = "number")]
    pub done_documents: u64,
    #[ts(type = "number")]
    pub total_documents: u64,
    #[ts(type = "number")]
    pub done_bytes: u64,
    #[ts(type = "number")]
    pub total_bytes: u64,
    /// Every page is applied and the version vector set: pulls take over.
    pub finished: bool,
}

/// Where this replica stands with bootstrapping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BootstrapStage {
    /// It has documents of its own and never started one: it pulls.
    NotNeeded,
    /// No documents and no bootstrap yet: start one.
    Start,
    /// Interrupted: ask for the rest after this cursor.
    Resume(BootstrapCursor),
    /// Done: it pulls.
    Finished,
}

impl Replica {
    /// Whether the next sync round bootstraps, and from where.
    pub fn bootstrap_stage(&self) -> Result<BootstrapStage, ReplicaError> {
        let row: Option<(String, bool)> = self
            .conn
            .query_row(
                "SELECT cursor, finished FROM bootstrap WHERE id = 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        match row {
            Some((_, true)) => Ok(BootstrapStage::Finished),
            Some((cursor, false)) => Ok(BootstrapStage::Resume(
                serde_json::from_str(&cursor)
                    .map_err(|e| ReplicaError::Corrupt(format!("bootstrap cursor: {e}")))?,
            )),
            None => {
                let any: bool =
                    self.conn
                        .query_row("SELECT EXISTS (SELECT 1 FROM documents)", [], |r| r.get(0))?;
                Ok(if any {
                    BootstrapStage::NotNeeded
                } else {
                    BootstrapStage::Start
                })
            }
        }
    }

    /// Every stored document with its heads (hex, sorted): what comparing this replica
    /// with the server's copies needs.
    pub fn document_heads(&self) -> Result<Vec<(DocId, Vec<String>)>, ReplicaError> {
        let rows: Vec<(String, Vec<u8>)> = self
            .conn
            .prepare("SELECT id, heads FROM documents ORDER BY id")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        rows.into_iter()
            .map(|(id, heads)| {
                let heads = projection::heads_of_bytes(&heads)?;
                Ok((crate::meta::parse(&id, "document id")?, heads))
            })
            .collect()
    }

    /// Records that this replica pulls instead of bootstrapping (a small clinic), so
    /// later rounds do not ask again.
    pub fn skip_bootstrap(&mut self) -> Result<(), ReplicaError> {
        self.conn.execute(
            "INSERT OR IGNORE INTO bootstrap (id, cursor, done_documents, done_bytes, finished, skipped)
             VALUES (1, 'null', 0, 0, 1, 1)",
            [],
        )?;
        Ok(())
    }

    /// The progress of the bootstrap this replica started, if it started one.
    pub fn bootstrap_progress(&self) -> Result<Option<BootstrapProgress>, ReplicaError> {
        progress(&self.conn)
    }

    /// Applies one bootstrap page in one transaction (see the module docs) and returns the
    /// progress after it. A document whose bytes do not load, or load to other heads than
    /// the page says, refuses the whole page.
    pub fn apply_bootstrap_page(
        &mut self,
        page: &BootstrapResponse,
    ) -> Result<BootstrapProgress, ReplicaError> {
        let ahead = ReadAhead::of(page);
        self.apply_read_ahead(page, ahead)
    }

    /// [`Replica::apply_bootstrap_page`] with the page's documents already read (off the
    /// replica's lock, while the next page downloads).
    pub fn apply_prepared_bootstrap_page(
        &mut self,
        prepared: PreparedPage,
    ) -> Result<BootstrapProgress, ReplicaError> {
        self.apply_read_ahead(&prepared.page, prepared.ahead)
    }

    #[tracing::instrument(skip_all, fields(documents = page.documents.len(), more = page.more))]
    fn apply_read_ahead(
        &mut self,
        page: &BootstrapResponse,
        ahead: ReadAhead,
    ) -> Result<BootstrapProgress, ReplicaError> {
        deferred_index::widen_cache(&self.conn)?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        if page.more {
            // Built once after the last page instead of rewritten on every page.
            deferred_index::defer(&tx)?;
        }
        let mut patients: BTreeSet<DocId> = BTreeSet::new();
        let mut links_changed = false;
        for (d, read) in page.documents.iter().zip(ahead.0) {
            // Read ahead as new documents; one stored here meanwhile (or before an
            // interruption) is merged with its local copy instead.
            let doc = match projection::stored(&tx, d.doc_id)? {
                None => read?,
                Some(local) => prepare(d, Some(&local))?,
            };
            doc.write(&tx)?;
            match d.kind {
                DocKind::Patient => {
                    patients.insert(d.doc_id);
                }
                DocKind::PatientLink => links_changed = true,
                _ => {}
            }
        }
        if links_changed {
            duplicates::recompute(&tx)?;
        } else if !patients.is_empty() {
            duplicates::recompute_for(&tx, &patients)?;
        }
        let before = progress(&tx)?;
        let bytes: u64 = page.documents.iter().map(|d| d.bytes.0.len() as u64).sum();
        let done_documents = before.map_or(0, |p| p.done_documents) + page.documents.len() as u64;
        let done_bytes = before.map_or(0, |p| p.done_bytes) + bytes;
        let finished = !page.more;
        let cursor = serde_json::to_string(&page.next)
            .map_err(|e| ReplicaError::Corrupt(format!("bootstrap cursor: {e}")))?;
        tx.execute(
            "INSERT INTO bootstrap (id, cursor, done_documents, done_bytes, finished)
             VALUES (1, ?1, ?2, ?3, ?4)
             ON CONFLICT (id) DO UPDATE SET cursor = excluded.cursor,
               done_documents = excluded.done_documents, done_bytes = excluded.done_bytes,
               finished = excluded.finished",
            params![
                cursor,
                to_i64(done_documents)?,
                to_i64(done_bytes)?,
                finished
            ],
        )?;
        if finished {
            deferred_index::restore(&tx)?;
            // The documents hold at least what `covers` says; pulls continue from there.
            let have = peer_clock::load(&tx)?;
            for (replica, counter) in &page.covers.0 {
                if *counter > have.get(replica) {
                    peer_clock::set(&tx, *replica, *counter)?;
                }
            }
        }
        tx.commit()?;
        if finished {
            deferred_index::narrow_cache(&self.conn)?;
        }
        tracing::info!(
            done_documents,
            total_documents = page.total_documents,
            finished,
            "applied a bootstrap page"
        );
        Ok(BootstrapProgress {
            done_documents,
            total_documents: page.total_documents,
            done_bytes,
            total_bytes: page.total_bytes,
            finished,
        })
    }
}

/// A bootstrap page with its documents read (loaded, heads checked, projections built)
/// as documents new to this replica: the CPU-heavy half of applying a page, which needs no
/// database, so a sync round does it on a worker thread while the next page downloads.
/// Applying it ([`Replica::apply_prepared_bootstrap_page`]) stores what was read in one
/// transaction, merging any document the replica holds by then with its local copy.
pub struct PreparedPage {
    page: BootstrapResponse,
    ahead: ReadAhead,
}

impl PreparedPage {
    /// Reads the page's documents, spread over the machine's cores.
    #[tracing::instrument(skip_all, fields(documents = page.documents.len()))]
    pub fn read(page: BootstrapResponse) -> Self {
        let ahead = ReadAhead::of(&page);
        Self { page, ahead }
    }

    /// How many documents the page holds.
    pub fn documents(&self) -> usize {
        self.page.documents.len()
    }
}

impl std::fmt::Debug for PreparedPage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PreparedPage")
            .field("documents", &self.page.documents.len())
            .field("more", &self.page.more)
            .finish_non_exhaustive()
    }
}

/// Each document of a page read as new to this replica, in the page's order; a document
/// that does not read is kept as its error, which refuses the page when applied.
struct ReadAhead(Vec<Result<Stored, ReplicaError>>);

impl ReadAhead {
    fn of(page: &BootstrapResponse) -> Self {
        Self(in_parallel(&page.documents, |d| prepare(d, None)))
    }
}

/// What is stored here of a document: its kind and bytes.
type LocalCopy = StoredDoc;

/// A served document ready to write: loaded, its heads checked, merged into the local
/// copy when there is one. Needs no database.
fn prepare(d: &BootstrapDocument, local: Option<&LocalCopy>) -> Result<Stored, ReplicaError> {
    let bad = |why: String| ReplicaError::BadRemoteChange(format!("document {}: {why}", d.doc_id));
    let mut heads = d.heads.clone();
    heads.sort();
    let wrong_heads = || bad("its bytes do not hold the heads the server named".into());
    if local.is_none() {
        // A document made of one change is served as that change (how the server stores
        // a document a push created): read it without building the engine's document.
        if let Some(fresh) = FreshDocument::from_bytes(d.doc_id, d.kind, &d.bytes.0) {
            if fresh.heads() != heads {
                return Err(wrong_heads());
            }
            return Stored::of_fresh(&fresh);
        }
    }
    let served = Document::load(d.doc_id, d.kind, &d.bytes.0).map_err(|e| bad(e.to_string()))?;
    if served.heads() != heads {
        return Err(wrong_heads());
    }
    match local {
        None => Stored::of(&served, d.bytes.0.clone(), true),
        Some(StoredDoc { kind, bytes, .. }) => {
            if *kind != d.kind {
                return Err(bad(format!(
                    "it is a {} here but arrived as a {}",
                    kind.as_str(),
                    d.kind.as_str()
                )));
            }
            let mut doc = Document::load(d.doc_id, *kind, bytes)?;
            let changes = served.changes();
            doc.apply_remote(changes.iter().map(Vec::as_slice))
                .map_err(|e| bad(e.to_string()))?;
            Stored::of(&doc, doc.save(), false)
        }
    }
}

fn progress(conn: &Connection) -> Result<Option<BootstrapProgress>, ReplicaError> {
    let row: Option<(String, i64, i64, bool)> = conn
        .query_row(
            "SELECT cursor, done_documents, done_bytes, finished FROM bootstrap
             WHERE id = 1 AND skipped = 0",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?;
    row.map(|(cursor, docs, bytes, finished)| {
        let cursor: BootstrapCursor = serde_json::from_str(&cursor)
            .map_err(|e| ReplicaError::Corrupt(format!("bootstrap cursor: {e}")))?;
        Ok(BootstrapProgress {
            done_documents: to_u64(docs)?,
            total_documents: cursor.total_documents,
            done_bytes: to_u64(bytes)?,
            total_bytes: cursor.total_bytes,
            finished,
        })
    })
    .transpose()
}

#[cfg(test)]
mod tests;
