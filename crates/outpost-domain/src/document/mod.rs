//! Records as Automerge documents: one small document per record, whose root map is
//! written and read through autosurgeon, so the Rust record types are the schema.
//!
//! # How to use it
//!
//! - [`Document::create`] writes a new record (`T: Reconcile`) into a fresh document and
//!   returns it with the one change that created it. The actor is the replica id, so the
//!   change names the workstation that made it.
//! - [`Document::read`] hydrates the record (`T: Hydrate`). Fields added in a later schema
//!   carry `#[autosurgeon(missing = "...")]` or are `Option`, so older documents still load.
//! - [`Document::edit`] is the only way to change a record: it hydrates `T`, runs a pure
//!   edit function on it, reconciles the result in one transaction and commits one change
//!   carrying the [`ChangeMeta`] (author, wall clock, HLC). Only fields whose value changed
//!   are written, so concurrent edits to different fields merge, and a field whose
//!   concurrent values are in conflict stays in conflict unless the edit sets it anew.
//!   Nothing is written when nothing changed (`Ok(None)`); nothing is written when the edit
//!   function refuses (`Err`).
//!   [`Document::edit_kept`] does the same for records with long notes ([`Keep`]), starting
//!   from the record its previous edit left while nothing else changed the document.
//! - [`Document::apply_remote`] applies changes made elsewhere. It is idempotent and
//!   refuses, leaving the document untouched, a batch holding a change whose dependencies
//!   it lacks; the caller keeps such a change and retries once the dependencies arrived.
//!   A caller that already parsed the changes uses [`Document::apply_remote_parsed`], and
//!   one that receives a document it did not have uses [`Document::from_remote`] (both in
//!   `remote.rs`).
//! - [`Document::history`] lists every change with its author and clocks: the edit audit.
//! - [`Document::conflicts`], [`Document::resolve`] and [`Document::resolutions`] (in
//!   [`conflict`]) expose concurrent values of one field and record who settled them.
//!
//! Record kinds and their edit operations, validation and projections live beside this
//! file, one module per kind.

mod at;
mod careful;
pub mod conflict;
pub mod encounter;
mod fresh;
pub mod handover;
mod kept;
pub mod link;
pub mod patient;
mod remote;
mod resolution;
mod snapshot;
pub mod template;
pub mod values;
pub mod vitals;

use crate::clock::Hlc;
use crate::error::DomainError;
use crate::ids::{DocId, ReplicaId};
use automerge::transaction::{CommitOptions, Transactable};
use automerge::{Automerge, Change, ChangeHash, ObjType, ReadDoc, ROOT};
use autosurgeon::{hydrate, reconcile, Hydrate, Reconcile};
use careful::Careful;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use at::ChangeNode;
pub use conflict::{Conflict, ConflictValue};
pub use fresh::{FreshDocument, ReadRecord};
pub use kept::Keep;
use kept::Kept;
pub use remote::parse_change;
pub use resolution::Resolution;

/// Version of the document layout written by this code. Older documents still load.
pub const SCHEMA_VERSION: u64 = 2;

/// The root key under which resolved conflicts are recorded; records never use it.
pub(crate) const RESOLUTIONS_KEY: &str = "resolutions";

/// The record kinds Outpost stores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum DocKind {
    Patient,
    Vitals,
    Encounter,
    Handover,
    Template,
    PatientLink,
    /// A section an admin saved to the clinic's section library.
    LibrarySection,
}

impl DocKind {
    /// Every kind, in a stable order.
    pub const ALL: [DocKind; 7] = [
        Self::Patient,
        Self::Vitals,
        Self::Encounter,
        Self::Handover,
        Self::Template,
        Self::PatientLink,
        Self::LibrarySection,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Patient => "patient",
            Self::Vitals => "vitals",
            Self::Encounter => "encounter",
            Self::Handover => "handover",
            Self::Template => "template",
            Self::PatientLink => "patient_link",
            Self::LibrarySection => "library_section",
        }
    }

    /// Root maps of this kind that records write only once they hold an entry; every new
    /// document gets them empty with its first change.
    fn keyed_maps(self) -> &'static [&'static str] {
        match self {
            Self::Patient => &["allergies", "medications", "problems"],
            _ => &[],
        }
    }

    pub fn parse(s: &str) -> Result<Self, DomainError> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| {
                let known: Vec<&str> = Self::ALL.iter().map(|k| k.as_str()).collect();
                DomainError::invalid(
                    "kind",
                    format!(
                        "unknown record kind \"{s}\"; known kinds: {}",
                        known.join(", ")
                    ),
                )
            })
    }
}

/// Who made a change and when, carried inside the Automerge change itself (its message),
/// so the document history is the edit audit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct ChangeMeta {
    pub author: String,
    #[ts(type = "number")]
    pub wall_ms: i64,
    pub hlc: Hlc,
}

impl ChangeMeta {
    fn options(&self) -> CommitOptions {
        let message = serde_json::to_string(self).unwrap_or_default();
        CommitOptions::default()
            .with_message(message)
            .with_time(self.wall_ms / 1000)
    }

    /// Reads the metadata back from a change's message, if it was written by Outpost.
    pub fn of_change(change: &Change) -> Option<ChangeMeta> {
        change.message().and_then(Self::of_message)
    }

    pub(crate) fn of_message(message: &str) -> Option<ChangeMeta> {
        serde_json::from_str(message).ok()
    }
}

/// A change made locally: its bytes for the log and the wire, and its digest.
#[derive(Debug, Clone)]
pub struct LocalChange {
    pub bytes: Vec<u8>,
    pub digest: String,
}

/// One change in a document's history: the edit audit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct HistoryEntry {
    /// The change hash, hex.
    pub hash: String,
    /// The workstation that made it (its Automerge actor), if the actor is a replica id.
    #[ts(optional)]
    pub replica_id: Option<ReplicaId>,
    /// Author and clocks; `None` only for a change not written by Outpost.
    #[ts(optional)]
    pub meta: Option<ChangeMeta>,
}

/// SHA-256 of change bytes, hex encoded: the identity the server checks for a
/// `(replica, counter)` that is sent twice.
pub fn digest(bytes: &[u8]) -> String {
    hex::encode(ring::digest::digest(&ring::digest::SHA256, bytes))
}

/// The replica id an Automerge actor stands for, when it is one.
pub(crate) fn replica_of(actor: &automerge::ActorId) -> Option<ReplicaId> {
    uuid::Uuid::from_slice(actor.to_bytes()).ok().map(ReplicaId)
}

/// One record document.
#[derive(Debug, Clone)]
pub struct Document {
    pub id: DocId,
    pub kind: DocKind,
    doc: Automerge,
    /// The record the last [`Document::edit_kept`] left.
    kept: Kept,
}

impl Document {
    /// A new document holding `value`; returns it with the change that created it.
    pub fn create<T: Reconcile>(
        actor: ReplicaId,
        id: DocId,
        kind: DocKind,
        value: &T,
        meta: &ChangeMeta,
    ) -> Result<(Self, LocalChange), DomainError> {
        let mut doc = Automerge::new().with_actor(actor.actor());
        let mut tx = doc.transaction();
        reconcile(&mut tx, value)?;
        // Created with the record, so every replica adds to the same maps instead of
        // racing to create them.
        for key in std::iter::once(RESOLUTIONS_KEY).chain(kind.keyed_maps().iter().copied()) {
            if tx.get(ROOT, key)?.is_none() {
                tx.put_object(ROOT, key, ObjType::Map)?;
            }
        }
        let (hash, _) = tx.commit_with(meta.options());
        let change = local_change(&doc, hash)?
            .ok_or_else(|| DomainError::MalformedChange("the new record is empty".into()))?;
        Ok((
            Self {
                id,
                kind,
                doc,
                kept: Kept::default(),
            },
            change,
        ))
    }

    /// An empty document that remote changes will fill.
    pub fn empty(id: DocId, kind: DocKind) -> Self {
        Self {
            id,
            kind,
            doc: Automerge::new(),
            kept: Kept::default(),
        }
    }

    /// Loads a saved document.
    pub fn load(id: DocId, kind: DocKind, bytes: &[u8]) -> Result<Self, DomainError> {
        Ok(Self {
            id,
            kind,
            doc: Automerge::load(bytes)?,
            kept: Kept::default(),
        })
    }

    /// Compact bytes for storage.
    pub fn save(&self) -> Vec<u8> {
        self.doc.save()
    }

    /// Heads as hex strings, sorted (what a signature or a projection refers to).
    pub fn heads(&self) -> Vec<String> {
        let mut heads: Vec<String> = self
            .doc
            .get_heads()
            .iter()
            .map(ChangeHash::to_string)
            .collect();
        heads.sort();
        heads
    }

    /// Every change of the document, dependencies first, as bytes for the wire.
    pub fn changes(&self) -> Vec<Vec<u8>> {
        self.doc
            .get_changes(&[])
            .into_iter()
            .map(|c| c.raw_bytes().to_vec())
            .collect()
    }

    /// The record this document holds.
    pub fn read<T: Hydrate>(&self) -> Result<T, DomainError> {
        if self.is_empty() {
            return Err(self.no_content());
        }
        Ok(hydrate(&snapshot::Snapshot::of(&self.doc))?)
    }

    /// [`Document::read`] for a record kept between reads ([`Keep`]): a copy of the record
    /// the previous `read_keeping` or [`Document::edit_kept`] left, while nothing changed
    /// the document since; else read, and kept.
    pub fn read_keeping<T: Keep>(&mut self) -> Result<T, DomainError> {
        let heads = self.doc.get_heads();
        let record = match self.kept.take::<T>(&heads) {
            Some(record) => record,
            None => self.read()?,
        };
        self.kept.put(heads, record.clone());
        Ok(record)
    }

    /// Changes the record: hydrates it, lets `edit` change it, writes what differs as one
    /// change made by `actor` with `meta`. `Ok(None)` when nothing differed; on `Err` the
    /// document is unchanged.
    pub fn edit<T: Hydrate + Reconcile>(
        &mut self,
        actor: ReplicaId,
        meta: &ChangeMeta,
        edit: impl FnOnce(&mut T) -> Result<(), DomainError>,
    ) -> Result<Option<LocalChange>, DomainError> {
        Ok(self
            .edit_keeping(actor, meta, edit)?
            .map(|(change, _)| change))
    }

    /// [`Document::edit`], handing back the edited record with the change: what reading
    /// the document again would give, without reading it again (a long note is read
    /// once per save instead of twice).
    pub fn edit_keeping<T: Hydrate + Reconcile>(
        &mut self,
        actor: ReplicaId,
        meta: &ChangeMeta,
        edit: impl FnOnce(&mut T) -> Result<(), DomainError>,
    ) -> Result<Option<(LocalChange, T)>, DomainError> {
        let (change, record) = self.edit_from(actor, meta, None, edit, |doc, record: &T| {
            reconcile(doc, record)
        })?;
        Ok(change.map(|change| (change, record)))
    }

    /// [`Document::edit_keeping`] for a record kept between edits ([`Keep`]): starts from
    /// the record the previous `edit_kept` left, while nothing else changed the document
    /// since, instead of reading it again (see [`Keep`]).
    pub fn edit_kept<T: Keep>(
        &mut self,
        actor: ReplicaId,
        meta: &ChangeMeta,
        edit: impl FnOnce(&mut T) -> Result<(), DomainError>,
    ) -> Result<Option<(LocalChange, T)>, DomainError> {
        let start = self.kept.take::<T>(&self.doc.get_heads());
        // The record as the document holds it, which the edit's writes are compared with.
        let before = start.clone();
        let (change, mut record) =
            self.edit_from(actor, meta, start, edit, |doc, record: &T| match &before {
                Some(before) => record.reconcile_since(before, doc),
                None => reconcile(doc, record),
            })?;
        record.written();
        let heads = self.doc.get_heads();
        Ok(match change {
            None => {
                self.kept.put(heads, record);
                None
            }
            Some(change) => {
                self.kept.put(heads, record.clone());
                Some((change, record))
            }
        })
    }

    /// Edits `start`, or the record read from the document when there is none, and
    /// writes what differs (through `write`) as one change; the record as edited either
    /// way. On `Err` the document is unchanged.
    fn edit_from<T: Hydrate>(
        &mut self,
        actor: ReplicaId,
        meta: &ChangeMeta,
        start: Option<T>,
        edit: impl FnOnce(&mut T) -> Result<(), DomainError>,
        write: impl FnOnce(&mut Careful<'_, '_>, &T) -> Result<(), autosurgeon::ReconcileError>,
    ) -> Result<(Option<LocalChange>, T), DomainError> {
        if self.is_empty() {
            return Err(self.no_content());
        }
        self.doc.set_actor(actor.actor());
        let mut tx = self.doc.transaction();
        let mut record: T = match start {
            Some(record) => record,
            None => hydrate(&tx)?,
        };
        edit(&mut record)?;
        write(&mut Careful(&mut tx), &record)?;
        if tx.pending_ops() == 0 {
            tx.rollback();
            return Ok((None, record));
        }
        let (hash, _) = tx.commit_with(meta.options());
        Ok((local_change(&self.doc, hash)?, record))
    }

    /// Every change with its author and clocks, dependencies first: the edit audit.
    pub fn history(&self) -> Vec<HistoryEntry> {
        self.doc
            .get_changes_meta(&[])
            .iter()
            .map(|c| HistoryEntry {
                hash: c.hash.to_string(),
                replica_id: replica_of(&c.actor),
                meta: c.message.as_deref().and_then(ChangeMeta::of_message),
            })
            .collect()
    }

    /// Whether the document has any content yet (an empty one awaits its first change).
    pub fn is_empty(&self) -> bool {
        self.doc.get_heads().is_empty()
    }

    fn no_content(&self) -> DomainError {
        DomainError::MalformedDocument {
            kind: self.kind.as_str(),
            reason: "it has no content yet; apply the change that created it first".into(),
        }
    }
}

fn local_change(
    doc: &Automerge,
    hash: Option<ChangeHash>,
) -> Result<Option<LocalChange>, DomainError> {
    let Some(hash) = hash else { return Ok(None) };
    let change = doc
        .get_change_by_hash(&hash)
        .ok_or_else(|| DomainError::MalformedChange("the committed change is missing".into()))?;
    let bytes = change.raw_bytes().to_vec();
    Ok(Some(LocalChange {
        digest: digest(&bytes),
        bytes,
    }))
}

#[cfg(test)]
mod tests;
