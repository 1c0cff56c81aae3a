//! Narrative text (clinical notes, SBAR paragraphs) stored as an Automerge Text object, so
//! two clinicians typing in the same note at the same time both keep their words: the text
//! merges character by character instead of one version replacing the other.
//!
//! Why not `autosurgeon::Text`: its `update` diffs in UTF-8 byte offsets while Automerge
//! indexes text by Unicode code point, so any edit after a non-ASCII character ("38 °C",
//! "Müller") lands in the wrong place. `Note` instead hands the whole new text to
//! Automerge's own `update_text`, which diffs in the document's own indexing and writes only
//! the characters that changed.

use autosurgeon::reconcile::{NoKey, TextReconciler};
use autosurgeon::{Hydrate, HydrateError, ReadDoc, Reconcile, Reconciler};
use serde::{Deserialize, Serialize};

/// A narrative text field. Setting it to a new value writes the smallest character-wise
/// difference, never the whole text, so concurrent edits to different parts both survive.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Note(String);

impl Note {
    pub fn new(text: impl Into<String>) -> Self {
        Self(text.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Replaces the text; the next reconcile writes only the characters that differ.
    pub fn set(&mut self, text: impl Into<String>) {
        self.0 = text.into();
    }
}

impl From<&str> for Note {
    fn from(s: &str) -> Self {
        Self::new(s)
    }
}

impl Reconcile for Note {
    type Key<'a> = NoKey;

    fn reconcile<R: Reconciler>(&self, mut reconciler: R) -> Result<(), R::Error> {
        let mut text = reconciler.text()?;
        text.update(&self.0)
    }
}

impl Hydrate for Note {
    fn hydrate_text<D: ReadDoc>(doc: &D, obj: &automerge::ObjId) -> Result<Self, HydrateError> {
        Ok(Self(doc.text(obj)?))
    }

    /// A plain string is accepted too, so a note written as a scalar still reads.
    fn hydrate_string(s: &str) -> Result<Self, HydrateError> {
        Ok(Self(s.to_owned()))
    }
}
