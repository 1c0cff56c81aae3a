//! A small network of replicas for the convergence property test: each holds its own
//! copies of record documents and exchanges changes like the real sync does — in any
//! order, duplicated, in batches. `Document::apply_remote` refuses a change whose
//! dependencies are missing, so a receiver keeps such a change and retries it once more
//! changes have arrived.

pub mod charting;
pub mod ops;

use outpost_domain::clock::Hlc;
use outpost_domain::document::{ChangeMeta, DocKind, Document};
use outpost_domain::ids::{DocId, ReplicaId};
use std::collections::BTreeMap;

/// A change as it travels: which document, which kind, the bytes.
#[derive(Debug, Clone)]
pub struct Held {
    pub doc: DocId,
    pub kind: DocKind,
    pub bytes: Vec<u8>,
}

#[derive(Debug)]
pub struct Replica {
    pub id: ReplicaId,
    pub docs: BTreeMap<DocId, Document>,
    /// Received but not yet applicable (dependencies missing).
    pub waiting: Vec<Held>,
    clock: i64,
}

impl Replica {
    pub fn new(n: u128) -> Self {
        Self {
            id: ReplicaId(uuid::Uuid::from_u128(0xA000 + n)),
            docs: BTreeMap::new(),
            waiting: Vec::new(),
            clock: 0,
        }
    }

    /// Metadata for the next local change: author and clocks that move forward.
    pub fn meta(&mut self) -> ChangeMeta {
        self.clock += 1_000;
        ChangeMeta {
            author: format!("user-{}", self.id.0.as_u128() - 0xA000),
            wall_ms: 1_763_800_000_000 + self.clock,
            hlc: Hlc {
                wall_ms: 1_763_800_000_000 + self.clock,
                logical: 0,
            },
        }
    }

    /// Every change this replica holds, document by document.
    pub fn held(&self) -> Vec<Held> {
        self.docs
            .values()
            .flat_map(|d| {
                d.changes().into_iter().map(|bytes| Held {
                    doc: d.id,
                    kind: d.kind,
                    bytes,
                })
            })
            .collect()
    }

    /// Takes `changes` in the order given and applies what it can in batches of up to
    /// `batch` changes of one document; the rest waits for its dependencies.
    pub fn receive(&mut self, changes: Vec<Held>, batch: usize) {
        self.waiting.extend(changes);
        loop {
            let before = self.waiting.len();
            let pending = std::mem::take(&mut self.waiting);
            let mut i = 0;
            while i < pending.len() {
                let doc = pending[i].doc;
                let run = pending[i..]
                    .iter()
                    .take(batch.max(1))
                    .take_while(|h| h.doc == doc)
                    .count();
                self.apply_run(&pending[i..i + run]);
                i += run;
            }
            if self.waiting.is_empty() || self.waiting.len() == before {
                return;
            }
        }
    }

    /// Applies a run of changes of one document as one batch; if the batch is refused,
    /// one by one, keeping the refused ones.
    fn apply_run(&mut self, run: &[Held]) {
        let first = &run[0];
        let mut doc = self
            .docs
            .remove(&first.doc)
            .unwrap_or_else(|| Document::empty(first.doc, first.kind));
        if doc
            .apply_remote(run.iter().map(|h| h.bytes.as_slice()))
            .is_err()
        {
            for h in run {
                let before = doc.heads();
                if doc.apply_remote([h.bytes.as_slice()]).is_err() {
                    assert_eq!(doc.heads(), before, "a refused change leaves no trace");
                    self.waiting.push(h.clone());
                }
            }
        }
        if !doc.is_empty() {
            self.docs.insert(doc.id, doc);
        }
    }
}
