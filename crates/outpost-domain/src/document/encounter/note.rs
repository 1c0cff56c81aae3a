//! Narrative text (clinical notes, SBAR paragraphs) stored as an Automerge Text object, so
//! two clinicians typing in the same note at the same time both keep their words: the text
//! merges character by character instead of one version replacing the other.
//!
//! Why not `autosurgeon::Text`: its `update` diffs in UTF-8 byte offsets while Automerge
//! indexes text by Unicode code point, so any edit after a non-ASCII character ("38 °C",
//! "Müller") lands in the wrong place. `Note` instead hands the whole new text to
//! Automerge's own `update_text`, which diffs in the document's own indexing and writes only
//! the characters that changed.
//!
//! Typing is the common case, and diffing a long note on every autosave grows with the
//! note. A `Note` read from a document remembers the text it read; when the new text
//! differs from it in one short stretch (characters typed, a word replaced, a selection
//! deleted) that stretch is written as one splice, found by comparing the two ends, which
//! is what the diff would write. Anything larger goes through `update_text`.

use autosurgeon::reconcile::{NoKey, TextReconciler};
use autosurgeon::{Hydrate, HydrateError, ReadDoc, Reconcile, Reconciler};
use serde::{Deserialize, Serialize};

/// Longest stretch, in characters, that a splice may delete while also inserting; past it
/// the change is diffed, so a large rewrite keeps every unchanged character in between
/// (and with it any concurrent edit anchored there).
const SPLICE_REPLACES_AT_MOST: usize = 64;

/// A narrative text field. Setting it to a new value writes the smallest character-wise
/// difference, never the whole text, so concurrent edits to different parts both survive.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Note {
    text: String,
    /// The text as read from a document's Text object, when this note was read from one:
    /// what the next reconcile into that document differs from.
    #[serde(skip)]
    read_as: Option<String>,
}

impl PartialEq for Note {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl Eq for Note {}

impl Note {
    pub fn new(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            read_as: None,
        }
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Replaces the text; the next reconcile writes only the characters that differ.
    pub fn set(&mut self, text: impl Into<String>) {
        self.text = text.into();
    }

    /// The text was just written to the document (reconciled and committed): the next
    /// reconcile into that document is a splice against it.
    pub(crate) fn written(&mut self) {
        self.read_as = Some(self.text.clone());
    }
}

impl From<&str> for Note {
    fn from(s: &str) -> Self {
        Self::new(s)
    }
}

/// `new` as `old` with one stretch replaced, when that is small enough to write as one
/// splice: (position, characters deleted, text inserted), positions in Unicode code
/// points as Automerge indexes text. `Some((_, 0, ""))` when nothing differs.
fn one_splice<'a>(old: &str, new: &'a str) -> Option<(usize, usize, &'a str)> {
    let (mut prefix_chars, mut prefix_bytes) = (0, 0);
    for (a, b) in old.chars().zip(new.chars()) {
        if a != b {
            break;
        }
        prefix_chars += 1;
        prefix_bytes += a.len_utf8();
    }
    let (old_rest, new_rest) = (&old[prefix_bytes..], &new[prefix_bytes..]);
    let mut suffix_bytes = 0;
    for (a, b) in old_rest.chars().rev().zip(new_rest.chars().rev()) {
        if a != b {
            break;
        }
        suffix_bytes += a.len_utf8();
    }
    let deleted = old_rest[..old_rest.len() - suffix_bytes].chars().count();
    let inserted = &new_rest[..new_rest.len() - suffix_bytes];
    if deleted > SPLICE_REPLACES_AT_MOST && !inserted.is_empty() {
        return None;
    }
    Some((prefix_chars, deleted, inserted))
}

impl Reconcile for Note {
    type Key<'a> = NoKey;

    fn reconcile<R: Reconciler>(&self, mut reconciler: R) -> Result<(), R::Error> {
        let mut text = reconciler.text()?;
        match self
            .read_as
            .as_deref()
            .and_then(|old| one_splice(old, &self.text))
        {
            Some((_, 0, "")) => Ok(()),
            Some((at, deleted, inserted)) => {
                // At most the note's length, which fits: a String is at most isize::MAX bytes.
                let deleted = isize::try_from(deleted).unwrap_or(isize::MAX);
                text.splice(at, deleted, inserted)
            }
            None => text.update(&self.text),
        }
    }
}

impl Hydrate for Note {
    fn hydrate_text<D: ReadDoc>(doc: &D, obj: &automerge::ObjId) -> Result<Self, HydrateError> {
        let text = doc.text(obj)?;
        Ok(Self {
            read_as: Some(text.clone()),
            text,
        })
    }

    /// A plain string is accepted too, so a note written as a scalar still reads. It is
    /// rewritten as Text when reconciled, so it remembers nothing to splice into.
    fn hydrate_string(s: &str) -> Result<Self, HydrateError> {
        Ok(Self::new(s))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design
mod tests {
    use super::*;

    #[test]
    fn one_splice_finds_the_stretch_typing_changed() {
        assert_eq!(one_splice("Fever 38", "Fever 38 °C"), Some((8, 0, " °C")));
        assert_eq!(one_splice("38 °C today", "38 °C"), Some((5, 6, "")));
        assert_eq!(
            one_splice("Müller left", "Müller right"),
            Some((7, 3, "righ"))
        );
        assert_eq!(one_splice("same", "same"), Some((4, 0, "")));
        assert_eq!(one_splice("", "new"), Some((0, 0, "new")));
        // Repeated characters: the prefix takes what it can, the suffix the rest.
        assert_eq!(one_splice("aaa", "aaaa"), Some((3, 0, "a")));
        let long = "x".repeat(SPLICE_REPLACES_AT_MOST + 1);
        assert_eq!(
            one_splice(&format!("a{long}b"), "aYb"),
            None,
            "a rewrite is diffed"
        );
        assert_eq!(
            one_splice(&format!("a{long}b"), "ab"),
            Some((1, SPLICE_REPLACES_AT_MOST + 1, ""))
        );
    }
}
