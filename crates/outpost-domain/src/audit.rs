//! The audit chain (HIPAA §164.312(b)): every PHI read and write, sign-in and sign-out,
//! failed sign-in, signature, export and break-the-glass access on a workstation is one
//! [`AuditEntry`], and each entry's hash covers the previous entry's hash, so editing,
//! deleting or reordering any entry breaks the chain at exactly that entry.
//!
//! An entry's hash is the SHA-256 (hex) of its canonical bytes: the tag
//! `outpost.audit.v1\n` followed by the compact JSON of [`CanonicalEntry`] (seq, at,
//! user, action, detail, record id, previous hash, in that order, then the reason when
//! the entry has one, so entries without a reason hash as they always did). The first
//! entry's previous hash is [`GENESIS`]. Entries name records, never clinical content;
//! the one free text is the reason a user gives for breaking the glass, which the chain
//! covers so nobody can change it afterwards.
//!
//! The workstation writes the chain, the server checks each pushed link with
//! [`verify_chain`] before storing it, and `verify` commands on both sides name the first
//! broken link.

pub mod checkpoint;

pub use checkpoint::AuditCheckpoint;

use crate::error::BrokenLink;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use ts_rs::TS;

/// The previous hash of a chain's first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The tag hashed in front of every entry.
pub const AUDIT_DOMAIN: &str = "outpost.audit.v1\n";

/// What kind of event an entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum AuditAction {
    Read,
    Write,
    SignIn,
    SignOut,
    FailedSignIn,
    Signature,
    Export,
    BreakTheGlass,
}

impl AuditAction {
    pub const ALL: [AuditAction; 8] = [
        Self::Read,
        Self::Write,
        Self::SignIn,
        Self::SignOut,
        Self::FailedSignIn,
        Self::Signature,
        Self::Export,
        Self::BreakTheGlass,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Read => "read",
            Self::Write => "write",
            Self::SignIn => "sign_in",
            Self::SignOut => "sign_out",
            Self::FailedSignIn => "failed_sign_in",
            Self::Signature => "signature",
            Self::Export => "export",
            Self::BreakTheGlass => "break_the_glass",
        }
    }
}

impl fmt::Display for AuditAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for AuditAction {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|a| a.as_str() == s)
            .ok_or_else(|| format!("unknown audit action \"{s}\""))
    }
}

/// One link of the chain, as stored on the workstation and sent to the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/bindings/")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    /// Position in the chain, from 1, without gaps.
    #[ts(type = "number")]
    pub seq: u64,
    /// When, as RFC 3339 UTC text exactly as hashed.
    pub at: String,
    /// Who (the signed-in user's name, or the workstation for its own acts).
    pub user: String,
    pub action: AuditAction,
    /// What precisely, a stable dotted name such as `encounter.edit` (never PHI).
    pub detail: String,
    /// The record concerned, if any.
    #[ts(optional)]
    pub record_id: Option<String>,
    pub prev_hash: String,
    pub hash: String,
    /// Why, in the user's words: only break-the-glass entries carry one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub reason: Option<String>,
}

/// Longest break-the-glass reason, in characters.
pub const MAX_AUDIT_REASON_CHARS: usize = 500;

/// What is hashed of an entry (see the module doc).
#[derive(Serialize)]
struct CanonicalEntry<'a> {
    seq: u64,
    at: &'a str,
    user: &'a str,
    action: AuditAction,
    detail: &'a str,
    record_id: Option<&'a str>,
    prev_hash: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'a str>,
}

/// The hash of an entry with these contents.
fn entry_hash(canonical: &CanonicalEntry<'_>) -> String {
    let json = serde_json::to_vec(canonical).unwrap_or_default();
    let bytes = [AUDIT_DOMAIN.as_bytes(), &json].concat();
    hex::encode(ring::digest::digest(&ring::digest::SHA256, &bytes))
}

impl AuditEntry {
    /// The entry following `prev` (or the first, when `prev` is `None`), hashed.
    pub fn next(
        prev: Option<(u64, &str)>,
        at: String,
        user: String,
        action: AuditAction,
        detail: String,
        record_id: Option<String>,
    ) -> Self {
        let (seq, prev_hash) = match prev {
            Some((seq, hash)) => (seq + 1, hash.to_owned()),
            None => (1, GENESIS.to_owned()),
        };
        let mut entry = Self {
            seq,
            at,
            user,
            action,
            detail,
            record_id,
            prev_hash,
            hash: String::new(),
            reason: None,
        };
        entry.hash = entry.expected_hash();
        entry
    }

    /// The same entry carrying the user's `reason`, hashed again (a break-the-glass
    /// entry, before it is stored).
    pub fn with_reason(mut self, reason: String) -> Self {
        self.reason = Some(reason);
        self.hash = self.expected_hash();
        self
    }

    /// The hash this entry's contents call for.
    pub fn expected_hash(&self) -> String {
        entry_hash(&CanonicalEntry {
            seq: self.seq,
            at: &self.at,
            user: &self.user,
            action: self.action,
            detail: &self.detail,
            record_id: self.record_id.as_deref(),
            prev_hash: &self.prev_hash,
            reason: self.reason.as_deref(),
        })
    }
}

/// Checks `entries` as a stretch of a chain that continues `after` (the seq and hash of
/// the entry before the first one, `None` when the stretch starts the chain): seqs
/// without gaps, each previous hash the hash before it, each hash its contents' hash.
/// Names the first entry at which the chain does not hold.
pub fn verify_chain(after: Option<(u64, &str)>, entries: &[AuditEntry]) -> Result<(), BrokenLink> {
    let (mut seq, mut prev) = match after {
        Some((s, h)) => (s, h.to_owned()),
        None => (0, GENESIS.to_owned()),
    };
    for e in entries {
        let want = seq + 1;
        if e.seq != want {
            return Err(BrokenLink {
                seq: want,
                reason: format!(
                    "expected entry {want} here but found entry {}: an entry was deleted, \
                     inserted or moved",
                    e.seq
                ),
            });
        }
        if e.prev_hash != prev {
            return Err(BrokenLink {
                seq: e.seq,
                reason: "its previous-hash does not match the entry before it: an entry \
                         before it was removed or replaced"
                    .into(),
            });
        }
        if e.expected_hash() != e.hash {
            return Err(BrokenLink {
                seq: e.seq,
                reason: "its hash does not match its contents: the entry was edited".into(),
            });
        }
        seq = e.seq;
        prev = e.hash.clone();
    }
    Ok(())
}

#[cfg(test)]
mod tests;
