//! The locking rule: once an encounter is signed, the signed heads are its locked version,
//! and every change they do not cover is an addendum attributed to its author.
//!
//! Which addenda are amendments: an honest workstation that holds a signature refuses
//! ordinary edits to the encounter and changes it only by amending, which writes one change
//! and, in the same transaction, a new signature carrying the reason, whose heads then
//! include that change. So a change is "after signature" exactly when it is a head of a
//! later signature that carries a reason (and descends from the signed version). Every
//! other change outside the signed heads was made by a workstation that had not seen the
//! signature — whether it forked before the signed version or was made on top of it — and
//! is flagged "concurrent with signature". Either needs its own signature: an addendum
//! counts as signed once a later signature's heads cover it. (The change graph alone
//! cannot tell these apart: an edit made on top of the signed version by a workstation
//! that never saw the signature looks like any later edit.)
//!
//! Pure: it takes the document's change graph ([`crate::document::ChangeNode`]) and the
//! signatures, so the replica and the server classify identically.

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
    /// Made by a workstation that had not seen the signature.
    ConcurrentWithSignature,
    /// An amendment: made on top of the signed version and signed with a reason.
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

/// A signature made after the one that locked the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LaterSignature {
    pub heads: Vec<String>,
    /// Whether it signs an amendment (it carries a reason).
    pub amendment: bool,
}

/// The addenda of a document signed at `signed_heads`, in the graph's order
/// (dependencies first), given the signatures made after that one.
pub fn addenda(
    graph: &[ChangeNode],
    signed_heads: &[String],
    later: &[LaterSignature],
) -> Vec<Addendum> {
    let locked = covered(graph, signed_heads);
    let signed_later: HashSet<String> = later
        .iter()
        .flat_map(|s| covered(graph, &s.heads))
        .collect();
    let amendments: HashSet<&str> = later
        .iter()
        .filter(|s| s.amendment)
        .flat_map(|s| s.heads.iter().map(String::as_str))
        .collect();
    graph
        .iter()
        .filter(|c| !locked.contains(&c.hash))
        .map(|c| {
            let after = amendments.contains(c.hash.as_str()) && {
                let ancestors = covered(graph, std::slice::from_ref(&c.hash));
                signed_heads.iter().all(|h| ancestors.contains(h))
            };
            Addendum {
                change: c.hash.clone(),
                author: c.meta.as_ref().map(|m| m.author.clone()),
                replica_id: c.replica_id,
                wall_ms: c.meta.as_ref().map(|m| m.wall_ms),
                timing: if after {
                    AddendumTiming::AfterSignature
                } else {
                    AddendumTiming::ConcurrentWithSignature
                },
                signed: signed_later.contains(&c.hash),
            }
        })
        .collect()
}
