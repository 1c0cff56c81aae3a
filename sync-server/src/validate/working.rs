//! A document as the judgement of a push holds it. How nearly every record reaches the
//! server is one push that creates it with one change depending on nothing; such a
//! document is read straight from that change ([`FreshDocument`]) and, for the kinds a
//! workstation also reads that way, stored as the change's bytes, which `Document::load`
//! reads back to the same document, so the engine's op set is never built and no
//! compacted save is made. Every other document —
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

    /// The bytes to store: the one change of a fresh patient, vitals set or patient link
    /// (a workstation reads those from the change fastest), a compacted save otherwise.
    /// Encounters, templates and handovers read from their change without the engine too,
    /// but a workstation loads their compacted save a little faster (a 300-character note:
    /// 217 against 238 µs, `cargo run --release -p outpost-bench --example
    /// encounter_read`), and a bootstrap serves what is stored.
    pub fn bytes(&self) -> Result<Cow<'_, [u8]>, DomainError> {
        match self {
            Self::Fresh(d) if stored_as_change(d.kind) => Ok(Cow::Borrowed(d.bytes())),
            Self::Fresh(d) => Ok(Cow::Owned(Document::load(d.id, d.kind, d.bytes())?.save())),
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

/// Kinds a workstation reads faster from their one change than from a compacted save.
fn stored_as_change(kind: DocKind) -> bool {
    matches!(
        kind,
        DocKind::Patient | DocKind::Vitals | DocKind::PatientLink
    )
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
