//! A document as it was at given heads, and its change graph: what a signature refers to.
//! A signed encounter is shown exactly as it was at the heads the signature names (read
//! from a fork of the document at those heads), and the changes outside those heads are
//! found by walking the graph (see [`crate::signature::lock`]).

use super::{replica_of, snapshot, ChangeMeta, Document};
use crate::error::DomainError;
use crate::ids::ReplicaId;
use automerge::{ChangeHash, ReadDoc};
use autosurgeon::{hydrate, Hydrate};
use std::str::FromStr;

/// One change of a document with the changes it depends on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeNode {
    /// The change hash, hex.
    pub hash: String,
    /// Hashes of the changes it was made on top of.
    pub deps: Vec<String>,
    /// The workstation that made it, when its actor is a replica id.
    pub replica_id: Option<ReplicaId>,
    /// Author and clocks, when written by Outpost.
    pub meta: Option<ChangeMeta>,
}

/// Parses hex change hashes; an unreadable one is named.
pub(crate) fn parse_heads(heads: &[String]) -> Result<Vec<ChangeHash>, DomainError> {
    heads
        .iter()
        .map(|h| {
            ChangeHash::from_str(h)
                .map_err(|_| DomainError::invalid("heads", format!("\"{h}\" is not a change hash")))
        })
        .collect()
}

impl Document {
    /// Whether the document holds the change `hash` (hex).
    pub fn has_change(&self, hash: &str) -> bool {
        ChangeHash::from_str(hash)
            .ok()
            .is_some_and(|h| self.doc.get_change_by_hash(&h).is_some())
    }

    /// The first of `heads` this document does not hold, if any.
    pub fn missing_head<'a>(&self, heads: &'a [String]) -> Option<&'a str> {
        heads
            .iter()
            .find(|h| !self.has_change(h))
            .map(String::as_str)
    }

    /// The record as it was at `heads` (every head must be held).
    pub fn read_at<T: Hydrate>(&self, heads: &[String]) -> Result<T, DomainError> {
        let parsed = parse_heads(heads)?;
        if parsed.is_empty() {
            return Err(self.no_content());
        }
        let past = self.doc.fork_at(&parsed)?;
        Ok(hydrate(&snapshot::Snapshot::of(&past))?)
    }

    /// Every change with its dependencies, dependencies first.
    pub fn change_graph(&self) -> Vec<ChangeNode> {
        self.doc
            .get_changes_meta(&[])
            .iter()
            .map(|c| ChangeNode {
                hash: c.hash.to_string(),
                deps: c.deps.iter().map(ChangeHash::to_string).collect(),
                replica_id: replica_of(&c.actor),
                meta: c.message.as_deref().and_then(ChangeMeta::of_message),
            })
            .collect()
    }
}
