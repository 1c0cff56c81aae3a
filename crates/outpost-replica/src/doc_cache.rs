//! Documents this replica changed lately, kept decoded between saves. Loading a document
//! means decoding its whole history, which grows with every save; a clinician typing a
//! note saves the same encounter over and over, so its next save starts from the copy kept
//! here instead. A copy is used only while its heads are the ones stored, so a change
//! written by anyone else (a pull, another process on the same file) makes it a miss, and
//! the document is loaded from disk as before.

use outpost_domain::document::Document;
use outpost_domain::ids::DocId;
use std::collections::VecDeque;

/// How many documents are kept: a few open encounters and the records beside them.
const CAPACITY: usize = 16;

/// Decoded documents with the heads (as the `heads` column keeps them) they had when put.
#[derive(Debug, Default)]
pub(crate) struct DocCache {
    /// Least recently put first.
    entries: VecDeque<(Vec<u8>, Document)>,
}

impl DocCache {
    /// Takes document `id` out of the cache, with its heads, if it is there.
    pub(crate) fn take(&mut self, id: DocId) -> Option<(Vec<u8>, Document)> {
        let at = self.entries.iter().position(|(_, doc)| doc.id == id)?;
        self.entries.remove(at)
    }

    /// Keeps `doc`, whose heads are `heads`, as the most recent entry (dropping the least
    /// recent when full) and lends it back.
    pub(crate) fn put(&mut self, heads: Vec<u8>, doc: Document) -> &Document {
        if let Some(at) = self.entries.iter().position(|(_, d)| d.id == doc.id) {
            self.entries.remove(at);
        }
        if self.entries.len() >= CAPACITY {
            self.entries.pop_front();
        }
        self.entries.push_back((heads, doc));
        let (_, doc) = &self.entries[self.entries.len() - 1];
        doc
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design
mod tests {
    use super::*;
    use outpost_domain::document::DocKind;

    fn doc() -> Document {
        Document::empty(DocId::new(), DocKind::Vitals)
    }

    #[test]
    fn keeps_the_most_recent_documents_and_hands_each_out_once() {
        let mut cache = DocCache::default();
        let first = doc();
        let first_id = first.id;
        cache.put(vec![1; 32], first);
        let mut later = Vec::new();
        for _ in 0..CAPACITY {
            let d = doc();
            later.push(d.id);
            cache.put(Vec::new(), d);
        }
        assert!(
            cache.take(first_id).is_none(),
            "the least recent was dropped"
        );
        let (heads, taken) = cache.take(later[0]).unwrap();
        assert_eq!((heads, taken.id), (Vec::new(), later[0]));
        assert!(cache.take(later[0]).is_none(), "taken out, not copied");
        assert!(cache.take(later[CAPACITY - 1]).is_some());
    }
}
