//! The CPU half of applying a pulled page, done before its transaction and without the
//! database: each change's digest checked, and each document the page brings as one
//! change that depends on nothing (how every record arrives first) read as a new
//! document from its bytes, without the engine (`FreshDocument`; the server had the engine
//! parse and judge it), on every core. A sync round reads the next page this way while the current
//! one is stored ([`PreparedPull`]), so on a long catch-up the reading overlaps the
//! writing instead of following it.
//!
//! What is read ahead is a guess that the document is new here: applying the page checks
//! that in its transaction, and a document stored by then is applied from its change as
//! usual (the read-ahead is dropped).

use super::{in_parallel, Applied};
use crate::error::ReplicaError;
use crate::projection::Stored;
use outpost_domain::document::{digest, FreshDocument};
use outpost_domain::ids::DocId;
use outpost_domain::protocol::WireChange;
use std::collections::HashMap;

/// What was worked out ahead for each change of a page, by its position in the page.
pub(super) struct ReadAhead {
    digest_ok: Vec<bool>,
    fresh: Vec<Option<Result<Applied, ReplicaError>>>,
}

impl ReadAhead {
    /// Checks every change's digest and reads each document the page brings as one
    /// change that depends on nothing, spread over the machine's cores.
    pub(super) fn of(changes: &[WireChange]) -> Self {
        let mut per_doc: HashMap<DocId, u32> = HashMap::with_capacity(changes.len());
        for c in changes {
            *per_doc.entry(c.doc_id).or_default() += 1;
        }
        let alone: Vec<(usize, bool)> = changes
            .iter()
            .enumerate()
            .map(|(i, c)| (i, per_doc.get(&c.doc_id) == Some(&1)))
            .collect();
        let read = in_parallel(&alone, |&(index, alone)| {
            let Some(c) = changes.get(index) else {
                return (false, None);
            };
            let digest_ok = digest(&c.bytes.0) == c.digest;
            let fresh = (digest_ok && alone)
                .then(|| FreshDocument::from_bytes(c.doc_id, c.kind, &c.bytes.0))
                .flatten()
                .map(|doc| {
                    let hlcs = doc.meta().map(|m| (index, m.hlc)).into_iter().collect();
                    Stored::of_fresh(&doc).map(|stored| Applied { stored, hlcs })
                });
            (digest_ok, fresh)
        });
        let (digest_ok, fresh) = read.into_iter().unzip();
        Self { digest_ok, fresh }
    }

    /// Whether the change at `index` matches its digest.
    pub(super) fn digest_ok(&self, index: usize) -> bool {
        self.digest_ok.get(index).copied().unwrap_or(false)
    }

    /// The document the change at `index` makes alone, if it was read ahead (taken: asked
    /// again, it is `None`).
    pub(super) fn take_fresh(&mut self, index: usize) -> Result<Option<Applied>, ReplicaError> {
        self.fresh.get_mut(index).and_then(Option::take).transpose()
    }
}

/// A pulled page with its CPU half done ([`ReadAhead`]): a sync round reads page N+1 this
/// way on worker threads while page N is stored, then applies it with
/// [`crate::Replica::apply_prepared_pull`].
pub struct PreparedPull {
    pub(super) changes: Vec<WireChange>,
    pub(super) ahead: ReadAhead,
}

impl PreparedPull {
    /// Reads the page's changes ahead, spread over the machine's cores.
    #[tracing::instrument(skip_all, fields(changes = changes.len()))]
    pub fn read(changes: Vec<WireChange>) -> Self {
        let ahead = ReadAhead::of(&changes);
        Self { changes, ahead }
    }

    /// How many changes the page holds.
    pub fn len(&self) -> usize {
        self.changes.len()
    }

    /// Whether the page holds no change.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }
}

impl std::fmt::Debug for PreparedPull {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PreparedPull")
            .field("changes", &self.changes.len())
            .finish_non_exhaustive()
    }
}
