//! Local writes. Input is validated before anything is touched; then one SQLite
//! transaction holds the whole write: the document, its projection rows (and open
//! conflicts, and duplicate candidates when a patient or link changed), the change-log row
//! (the outbox), the advanced counter and clock (the counter is also this replica's own
//! entry of its version vector, see `peer_clock`), and the audit row. A crash at any point
//! leaves either all of it or none of it; a refused write leaves nothing.
//!
//! Creating a record and editing one go through the same [`Replica::commit`]: an edit
//! takes the document (from the replica's cache of recently changed documents when its
//! heads are still the stored ones, else from disk) inside the transaction, changes it
//! through `Document::edit` with this replica as the Automerge actor, and appends the
//! change to the stored document (see `projection::save_edit`). Neither step grows with
//! the document's history, so the thousandth save of a note costs what the first did.

use crate::audit::{self, Action};
use crate::error::ReplicaError;
use crate::meta::{self, to_i64, Clock};
use crate::projection::RowAfter;
use crate::replica::Replica;
use crate::{duplicates, projection};
use chrono::Utc;
use outpost_domain::document::{ChangeMeta, DocKind, Document, Keep, LocalChange};
use outpost_domain::ids::{DocId, ReplicaId};
use outpost_domain::DomainError;
use rusqlite::{params, Connection, TransactionBehavior};

/// What an edit hands back: the change it made (`None` when nothing differed; then nothing
/// is stored), with what it knows of the document's projection row.
pub(crate) type Edited = Option<(LocalChange, RowAfter)>;

/// What a write function hands back: the document as it now is, and what the edit made.
pub(crate) type Written = (Document, Edited);

impl Replica {
    /// Makes one local change durable: document + projections + change log + clock +
    /// audit, in one IMMEDIATE transaction (so a concurrent writer waits instead of failing
    /// late). `write` runs inside the transaction with this replica's id and the change's
    /// metadata; its error, or a `None` change, leaves the store untouched.
    fn commit(
        &mut self,
        author: &str,
        action: Action,
        new: bool,
        write: impl FnOnce(&Connection, ReplicaId, &ChangeMeta) -> Result<Written, ReplicaError>,
    ) -> Result<Document, ReplicaError> {
        let author = checked_author(author)?;
        let now = Utc::now();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let before = meta::clock(&tx)?;
        let wall_ms = now.timestamp_millis();
        let clock = Clock {
            counter: before.counter + 1,
            hlc: before.hlc.tick(wall_ms),
        };
        let change_meta = ChangeMeta {
            author: author.to_owned(),
            wall_ms,
            hlc: clock.hlc,
        };
        let (doc, change) = write(&tx, self.id, &change_meta)?;
        let Some((change, row)) = change else {
            // Nothing differed: dropping the transaction rolls back whatever `write` did.
            return Ok(doc);
        };
        if new {
            projection::save_new(&tx, &doc)?;
        } else {
            projection::save_edit(&tx, &doc, &change.bytes, row)?;
        }
        if matches!(doc.kind, DocKind::Patient | DocKind::PatientLink) {
            duplicates::recompute(&tx)?;
        }
        tx.prepare_cached(
            "INSERT INTO changes (replica_id, counter, doc_id, kind, bytes, digest, author,
                                  hlc_wall_ms, hlc_logical, wall_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )?
        .execute(params![
            self.id.to_string(),
            to_i64(clock.counter)?,
            doc.id.to_string(),
            doc.kind.as_str(),
            change.bytes,
            change.digest,
            author,
            clock.hlc.wall_ms,
            clock.hlc.logical,
            wall_ms,
        ])?;
        meta::set_clock(&tx, clock)?;
        audit::append(&tx, now, author, action, doc.id)?;
        tx.commit()?;
        Ok(doc)
    }

    /// Creates a new document: `make` builds it (with the change that created it).
    pub(crate) fn commit_new(
        &mut self,
        author: &str,
        action: Action,
        make: impl FnOnce(
            &Connection,
            ReplicaId,
            &ChangeMeta,
        ) -> Result<(Document, LocalChange), ReplicaError>,
    ) -> Result<Document, ReplicaError> {
        self.commit(author, action, true, |conn, actor, meta| {
            let (doc, change) = make(conn, actor, meta)?;
            Ok((doc, Some((change, RowAfter::FromDocument))))
        })
    }

    /// Changes the stored document `id` of `kind`: `change` gets the document, this
    /// replica's id and the change metadata, and returns the change it made, if any. The
    /// document as it now is stays in the replica's cache and is lent back.
    pub(crate) fn commit_change(
        &mut self,
        id: DocId,
        kind: DocKind,
        author: &str,
        action: Action,
        change: impl FnOnce(
            &Connection,
            &mut Document,
            ReplicaId,
            &ChangeMeta,
        ) -> Result<Option<LocalChange>, ReplicaError>,
    ) -> Result<&Document, ReplicaError> {
        self.commit_edit(id, kind, author, action, |conn, doc, actor, meta| {
            Ok(change(conn, doc, actor, meta)?.map(|c| (c, RowAfter::FromDocument)))
        })
    }

    /// [`Replica::commit_change`] whose `change` also says what it knows of the document's
    /// projection row: built from the record it edited, or left as it was.
    pub(crate) fn commit_edit(
        &mut self,
        id: DocId,
        kind: DocKind,
        author: &str,
        action: Action,
        change: impl FnOnce(
            &Connection,
            &mut Document,
            ReplicaId,
            &ChangeMeta,
        ) -> Result<Edited, ReplicaError>,
    ) -> Result<&Document, ReplicaError> {
        self.check_record_access(id, kind)?;
        // Taken out while it changes: a failed write drops it, half-changed, and the next
        // change loads the stored document again.
        let cached = self.docs.take(id);
        let doc = self.commit(author, action, false, |conn, actor, meta| {
            let mut doc = current(conn, id, kind, cached)?;
            let made = change(conn, &mut doc, actor, meta)?;
            Ok((doc, made))
        })?;
        let heads = projection::heads_bytes(&doc)?;
        Ok(self.docs.put(heads, doc))
    }

    /// The record `T` that stored document `id` of `kind` holds, from the kept copy of the
    /// document when its heads are still the stored ones (a template read at every save of
    /// an encounter, say), else loaded and kept; the record itself is kept with it.
    pub(crate) fn read_kept<T: Keep>(
        &mut self,
        id: DocId,
        kind: DocKind,
    ) -> Result<T, ReplicaError> {
        let mut doc = current(&self.conn, id, kind, self.docs.take(id))?;
        let record = doc.read_keeping()?;
        self.docs.put(projection::heads_bytes(&doc)?, doc);
        Ok(record)
    }

    /// Edits the record `T` held by document `id` of `kind` through `Document::edit`.
    pub(crate) fn edit_record<T>(
        &mut self,
        id: DocId,
        kind: DocKind,
        author: &str,
        action: Action,
        edit: impl FnOnce(&mut T) -> Result<(), DomainError>,
    ) -> Result<&Document, ReplicaError>
    where
        T: autosurgeon::Hydrate + autosurgeon::Reconcile,
    {
        self.commit_change(id, kind, author, action, |_, doc, actor, meta| {
            Ok(doc.edit(actor, meta, edit)?)
        })
    }
}

/// The acting user, trimmed; refused when blank.
pub(crate) fn checked_author(author: &str) -> Result<&str, ReplicaError> {
    let author = author.trim();
    if author.is_empty() {
        Err(ReplicaError::invalid(
            "author",
            "say who is making this entry (the signed-in user)",
        ))
    } else {
        Ok(author)
    }
}

/// Document `id` of `kind` as stored now: `kept` (taken from the replica's cache) while its
/// heads are still the stored ones, else loaded from disk.
fn current(
    conn: &Connection,
    id: DocId,
    kind: DocKind,
    kept: Option<(Vec<u8>, Document)>,
) -> Result<Document, ReplicaError> {
    match kept {
        Some((heads, doc))
            if doc.kind == kind && projection::stored_heads(conn, id)?.as_ref() == Some(&heads) =>
        {
            Ok(doc)
        }
        _ => projection::load_kind(conn, id, kind),
    }
}
