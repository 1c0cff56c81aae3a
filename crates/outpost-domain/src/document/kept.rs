//! The record a document's last edit left, kept beside the document so that the next edit
//! starts from it instead of reading the record out of the document again.
//!
//! Why: reading an encounter turns each note into a string, one Automerge operation per
//! character, and a clinician's autosaves come every few words. With a 12,000-character
//! note, reading was ~290 µs of a ~480 µs save (`--example encounter_edit` in
//! outpost-bench), and it grew with every word typed.
//!
//! Why it is safe: a kept record is used only while the document's heads are the ones it
//! was kept at, so nothing (a pulled change, a conflict resolution, another edit) changed
//! the document since. The edit that left it reconciled exactly that record into the
//! document, and [`Keep::written`] then made it equal to what reading the document gives.
//! A copy of a [`Document`](super::Document) keeps nothing: it reads afresh.

use automerge::ChangeHash;
use autosurgeon::{Hydrate, Reconcile};
use std::any::Any;

/// A record worth keeping between edits or reads of its document: one with long notes, or
/// one read at every save of another record (a template).
pub trait Keep: Hydrate + Reconcile + Clone + Send + Sync + 'static {
    /// Called once this record was reconciled into the document and committed: makes it
    /// equal to what reading the document would now give (a [`Note`](super::encounter::Note)
    /// remembers the text it holds now, which its next edit is a splice against).
    fn written(&mut self);

    /// Writes into `doc` what this record changed against `before`, the record as the
    /// document holds it. By default the whole record is reconciled (autosurgeon reads
    /// every field back to compare it); a record with long parts writes only the parts
    /// that differ.
    fn reconcile_since<D: autosurgeon::Doc>(
        &self,
        _before: &Self,
        doc: &mut D,
    ) -> Result<(), autosurgeon::ReconcileError> {
        autosurgeon::reconcile(doc, self)
    }
}

/// At most one kept record, with the heads it is valid at.
#[derive(Default)]
pub(super) struct Kept(Option<(Vec<ChangeHash>, Box<dyn Any + Send + Sync>)>);

impl Kept {
    /// The record kept at `heads`, if it is a `T`; whatever was kept is gone either way.
    pub(super) fn take<T: Keep>(&mut self, heads: &[ChangeHash]) -> Option<T> {
        let (at, record) = self.0.take()?;
        if at != heads {
            return None;
        }
        record.downcast::<T>().ok().map(|r| *r)
    }

    pub(super) fn put<T: Keep>(&mut self, heads: Vec<ChangeHash>, record: T) {
        self.0 = Some((heads, Box::new(record)));
    }
}

impl Clone for Kept {
    /// A copy of a document reads its record afresh.
    fn clone(&self) -> Self {
        Self(None)
    }
}

impl std::fmt::Debug for Kept {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() {
            "Kept(a record)"
        } else {
            "Kept(none)"
        })
    }
}
