//! Changes made elsewhere, applied to a document. A pulled change is parsed once
//! ([`parse_change`]): the caller reads its metadata from the parsed change
//! ([`ChangeMeta::of_change`](super::ChangeMeta::of_change)) and hands the same parsed change
//! to [`Document::apply_remote_parsed`], instead of paying for the parse twice.
//!
//! A document that did not exist here before is made with [`Document::from_remote`], which
//! also returns bytes to store it: the changes themselves, one after another. That is a
//! format [`Document::load`] reads like a saved document, and it costs nothing to make,
//! while a compact save costs about as much as applying the change; the next save of the
//! document (a local edit, or a later pull) stores it compactly.

use super::{DocKind, Document};
use crate::error::DomainError;
use crate::ids::DocId;
use automerge::{Automerge, Change, ReadDoc};

/// Reads one change as it came over the wire.
pub fn parse_change(bytes: &[u8]) -> Result<Change, DomainError> {
    Change::from_bytes(bytes.to_vec()).map_err(|e| DomainError::MalformedChange(e.to_string()))
}

impl Document {
    /// Applies changes from other replicas. Applying a change already held does nothing.
    /// A change whose dependencies are missing is refused rather than parked, so the
    /// caller never records as held a change the document does not contain.
    pub fn apply_remote<'a>(
        &mut self,
        changes: impl IntoIterator<Item = &'a [u8]>,
    ) -> Result<(), DomainError> {
        let parsed = changes
            .into_iter()
            .map(parse_change)
            .collect::<Result<Vec<_>, _>>()?;
        self.apply_remote_parsed(parsed)
    }

    /// [`Document::apply_remote`] for changes the caller already parsed with
    /// [`parse_change`]. The same rules: idempotent, and a batch that cannot be applied
    /// whole (a missing dependency, an invalid change) leaves the document as it was.
    pub fn apply_remote_parsed(&mut self, changes: Vec<Change>) -> Result<(), DomainError> {
        if self.is_empty() {
            // Nothing to protect: a refused batch leaves an empty document again, without
            // the cost of applying to a copy.
            let applied = apply_whole(&mut self.doc, changes);
            if applied.is_err() {
                self.doc = Automerge::new();
            }
            return applied;
        }
        let mut trial = self.doc.clone();
        apply_whole(&mut trial, changes)?;
        self.doc = trial;
        Ok(())
    }

    /// A document that did not exist here, made of `changes` from elsewhere, with the bytes
    /// to store it (see the module docs); [`Document::load`] reads those bytes back to the
    /// same document.
    pub fn from_remote(
        id: DocId,
        kind: DocKind,
        changes: Vec<Change>,
    ) -> Result<(Self, Vec<u8>), DomainError> {
        let mut bytes = Vec::with_capacity(changes.iter().map(|c| c.raw_bytes().len()).sum());
        for c in &changes {
            bytes.extend_from_slice(c.raw_bytes());
        }
        let mut doc = Self::empty(id, kind);
        doc.apply_remote_parsed(changes)?;
        Ok((doc, bytes))
    }

    /// Whether any two changes of the document were made without one seeing the other.
    /// Only then can a field hold concurrent values. The history is one line when each
    /// change, taken dependencies first, builds on the change before it; a change's
    /// dependencies may name more (Automerge also names the author's own previous
    /// change), which does not make a fork. The check never calls a fork a line: a chain
    /// of "builds on the one before" through every change orders them all.
    pub fn has_concurrent_history(&self) -> bool {
        self.doc
            .get_changes_meta(&[])
            .windows(2)
            .any(|pair| !pair[1].deps.contains(&pair[0].hash))
    }
}

/// Applies `changes` to `doc`; an error when any of them could not be applied because a
/// dependency is missing (the engine would otherwise keep it queued, unseen).
fn apply_whole(doc: &mut Automerge, changes: Vec<Change>) -> Result<(), DomainError> {
    doc.apply_changes(changes)?;
    if !doc.get_missing_deps(&[]).is_empty() {
        return Err(DomainError::MalformedChange(
            "it depends on changes this replica does not have yet".into(),
        ));
    }
    Ok(())
}
