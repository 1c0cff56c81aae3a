//! A document as the judgement of a push holds it. How nearly every record reaches the
//! server is one push that creates it with one change depending on nothing; such a
//! document is read straight from that change ([`FreshDocument`]) and stored as the
//! change's bytes, which `Document::load` reads back to the same document, so the engine's
//! op set is never built and no compacted save is made. Every other document —
//! one the server held, one whose first change the fast path does not describe, one the
//! same batch changes again — is built by the engine ([`Document`]).

use outpost_domain::document::{DocKind, Document, FreshDocument, ReadRecord};
use outpost_domain::ids::DocId;
use outpost_domain::DomainError;
use std::borrow::Cow;

/// One document of a batch, however it was built.
#[derive(Debug)]
pub enum Working {
    /// Created by the batch's one change, read without the engine.
    Fresh(Box<FreshDocument>),
    /// Built by the engine.
    Engine(Box<Document>),
}

impl Working {
    pub fn id(&self) -> DocId {
        match self {
            Self::Fresh(d) => d.id,
            Self::Engine(d) => d.id,
        }
    }

    /// Heads as hex strings, sorted.
    pub fn heads(&self) -> Vec<String> {
        match self {
            Self::Fresh(d) => d.heads(),
            Self::Engine(d) => d.heads(),
        }
    }

    /// The bytes to store: a fresh document's one change (a workstation reads a record
    /// fastest from it, without the engine: an encounter with a 300-character note 85 µs
    /// against 255 µs from a compacted save, `cargo run --release -p outpost-bench
    /// --example encounter_read`), a compacted save otherwise. A bootstrap serves what is
    /// stored.
    pub fn bytes(&self) -> Result<Cow<'_, [u8]>, DomainError> {
        match self {
            Self::Fresh(d) => Ok(Cow::Borrowed(d.bytes())),
            Self::Engine(d) => Ok(Cow::Owned(d.save())),
        }
    }

    /// The document built by the engine (for a fresh one: from its change).
    pub fn into_engine(self) -> Result<Document, DomainError> {
        match self {
            Self::Fresh(d) => (*d).into_document(),
            Self::Engine(d) => Ok(*d),
        }
    }

    /// The record it holds.
    pub fn read<T: autosurgeon::Hydrate>(&self) -> Result<T, DomainError> {
        self.read_record()
    }
}

impl ReadRecord for Working {
    fn kind(&self) -> DocKind {
        match self {
            Self::Fresh(d) => d.kind,
            Self::Engine(d) => d.kind,
        }
    }

    fn read_record<T: autosurgeon::Hydrate>(&self) -> Result<T, DomainError> {
        match self {
            Self::Fresh(d) => d.read(),
            Self::Engine(d) => d.read(),
        }
    }
}
