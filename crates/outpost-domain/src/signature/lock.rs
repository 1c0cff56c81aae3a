//! The locking rule: once an encounter is signed, the signed heads are its locked version,
//! and every change they do not cover is an addendum attributed to its author. A change
//! made on top of the signed version (it descends from every signed head) is an
//! amendment made after the signature; any other (made on a workstation that had not
//! seen the signature, so it does not descend from the signed heads) is flagged
//! "concurrent with signature". Either needs its own signature: an addendum counts as
//! signed once a later signature's heads cover it.
//!
//! Pure: it takes the document's change graph ([`crate::document::ChangeNode`]) and the
//! signatures' heads, so the replica and the server classify identically.

use crate::document::ChangeNode;
use crate::ids::ReplicaId;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use ts_rs::TS;

/// How an addendum relates to the signature it follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub enum AddendumTiming {
    /// Made without having seen the signature (does not descend from the signed heads).
    ConcurrentWithSignature,
    /// Made on top of the signed version: an amendment.
    AfterSignature,
}

/// One change outside the locked version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct Addendum {
    /// The change hash, hex.
    pub change: String,
    /// Who made it (the change's author), when written by Outpost.
    #[ts(optional)]
    pub author: Option<String>,
    #[ts(optional)]
    pub replica_id: Option<ReplicaId>,
    /// The author's wall clock, milliseconds since the epoch.
    #[ts(optional, type = "number")]
    pub wall_ms: Option<i64>,
    pub timing: AddendumTiming,
    /// Whether a later signature covers it.
    pub signed: bool,
}

/// Every change the graph reaches from `heads` (the heads included). Unknown hashes are
/// simply not expanded.
pub fn covered(graph: &[ChangeNode], heads: &[String]) -> HashSet<String> {
    let deps: HashMap<&str, &[String]> = graph
        .iter()
        .map(|c| (c.hash.as_str(), c.deps.as_slice()))
        .collect();
    let mut seen = HashSet::new();
    let mut stack: Vec<&str> = heads.iter().map(String::as_str).collect();
    while let Some(h) = stack.pop() {
        if !seen.insert(h.to_owned()) {
            continue;
        }
        if let Some(ds) = deps.get(h) {
            stack.extend(ds.iter().map(String::as_str));
        }
    }
    seen
}

/// The addenda of a document signed at `signed_heads`, in the graph's order
/// (dependencies first). `later_heads` are the heads of later signatures of the same
/// document; an addendum they cover is marked signed.
pub fn addenda(
    graph: &[ChangeNode],
    signed_heads: &[String],
    later_heads: &[Vec<String>],
) -> Vec<Addendum> {
    let locked = covered(graph, signed_heads);
    let signed_later: HashSet<String> =
        later_heads.iter().flat_map(|h| covered(graph, h)).collect();
    graph
        .iter()
        .filter(|c| !locked.contains(&c.hash))
        .map(|c| {
            let ancestors = covered(graph, std::slice::from_ref(&c.hash));
            let descends = signed_heads.iter().all(|h| ancestors.contains(h));
            Addendum {
                change: c.hash.clone(),
                author: c.meta.as_ref().map(|m| m.author.clone()),
                replica_id: c.replica_id,
                wall_ms: c.meta.as_ref().map(|m| m.wall_ms),
                timing: if descends {
                    AddendumTiming::AfterSignature
                } else {
                    AddendumTiming::ConcurrentWithSignature
                },
                signed: signed_later.contains(&c.hash),
            }
        })
        .collect()
}
