//! The server's judgement of a pushed batch, as a pure function (compute, then apply):
//! each new change is applied to the server's copy of its document and the record is
//! checked (tenant, author and role, schema and value ranges) before the change may be
//! acknowledged as applied. A change that fails is quarantined with its reason.
//!
//! Counters stay contiguous: a quarantined change still takes its counter (received, not
//! applied). Pull can only serve each replica's counters without gaps (a workstation
//! refuses a gap), so from its first quarantined change on, a replica's later changes are
//! held in quarantine too: `depends_on_quarantined` when they touch a document a
//! quarantined change touched (they could not apply anyway), `follows_quarantined`
//! otherwise. See docs/design-notes.md.

mod records;
mod working;

pub use records::{Read, TemplateLookup};
pub use working::Working;

use crate::push::CheckedChange;
use automerge::Change;
use chrono::{DateTime, Utc};
use outpost_domain::document::template::TemplateRecord;
use outpost_domain::document::{ChangeMeta, DocKind, Document, FreshDocument, ReadRecord};
use outpost_domain::ids::DocId;
use outpost_domain::protocol::WireChange;
use std::collections::{BTreeSet, HashMap, HashSet};

/// Why a change was not applied: a stable code and a sentence for an admin. Reasons name
/// fields, kinds, users and ids, never a record's content beyond the refused value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub code: &'static str,
    pub reason: String,
}

impl Refusal {
    pub fn new(code: &'static str, reason: impl Into<String>) -> Self {
        Self {
            code,
            reason: reason.into(),
        }
    }
}

/// Whether an author may make a change: a user of the device's clinic who signed in on
/// the device, whose role permits creating (the change makes the document) or editing
/// records of `kind`.
pub trait Authority: Sync + std::fmt::Debug {
    fn check(&self, author: &str, kind: DocKind, creating: bool) -> Result<(), Refusal>;
}

/// What the server held of the batch's documents before it, by id: kind and saved bytes.
pub type StoredDocs = HashMap<DocId, (DocKind, Vec<u8>)>;

/// The replica's quarantine before this batch: the first quarantined counter and the
/// documents its quarantined changes touched.
#[derive(Debug, Clone, Default)]
pub struct Held {
    pub since: Option<u64>,
    pub docs: HashSet<DocId>,
}

/// Everything the judgement reads.
#[derive(Debug)]
pub struct Inputs<'a> {
    pub stored: &'a StoredDocs,
    /// Ids of the batch's documents that exist in another clinic.
    pub foreign: &'a HashSet<DocId>,
    pub authority: &'a dyn Authority,
    /// Templates the caller loaded for encounters (by id; absent = the server has none).
    pub templates: &'a HashMap<DocId, TemplateRecord>,
    /// Template ids the caller already looked for (found or not).
    pub looked_for: &'a HashSet<DocId>,
    pub held: &'a Held,
    pub now: DateTime<Utc>,
}

/// The judgement of a batch.
#[derive(Debug)]
pub struct Judged {
    /// One per change of the batch: `None` = applied.
    pub verdicts: Vec<Option<Refusal>>,
    /// The documents the applied changes changed, as they now stand.
    pub changed: Vec<Working>,
    /// Of those, the ones the batch created on the server.
    pub created: HashSet<DocId>,
    /// The records the judgement read of those documents, as they now stand.
    pub read: HashMap<DocId, Read>,
}

/// The judgement needs templates the caller has not looked for yet: look for them (in
/// the device's clinic), add them to `looked_for`, and judge again.
#[derive(Debug)]
pub struct NeedTemplates(pub BTreeSet<DocId>);

/// Judges `batch` (new changes, counter order). See the module docs.
pub fn judge(batch: &[CheckedChange], input: &Inputs<'_>) -> Result<Judged, NeedTemplates> {
    let mut working: HashMap<DocId, Working> = HashMap::new();
    let mut accepted: HashMap<DocId, Vec<Change>> = HashMap::new();
    let mut quarantined_docs = input.held.docs.clone();
    let mut first_quarantined = input.held.since;
    let mut verdicts = Vec::with_capacity(batch.len());
    let mut order: Vec<DocId> = Vec::new();
    let mut created = HashSet::new();
    let mut need = BTreeSet::new();
    let mut read = HashMap::new();

    for c in batch {
        let verdict = match first_quarantined {
            Some(since) => Err(held_back(&c.wire, since, &quarantined_docs)),
            None => apply_one(c, input, &mut working, &mut accepted, &mut need),
        };
        match verdict {
            Ok((made, record)) => {
                read.insert(c.wire.doc_id, record);
                if !order.contains(&c.wire.doc_id) {
                    order.push(c.wire.doc_id);
                }
                if made {
                    created.insert(c.wire.doc_id);
                }
                verdicts.push(None);
            }
            Err(refusal) => {
                first_quarantined.get_or_insert(c.wire.counter);
                quarantined_docs.insert(c.wire.doc_id);
                verdicts.push(Some(refusal));
            }
        }
    }
    if !need.is_empty() {
        return Err(NeedTemplates(need));
    }
    let changed = order
        .into_iter()
        .filter_map(|id| working.remove(&id))
        .collect();
    Ok(Judged {
        verdicts,
        changed,
        created,
        read,
    })
}

fn held_back(c: &WireChange, since: u64, quarantined_docs: &HashSet<DocId>) -> Refusal {
    if quarantined_docs.contains(&c.doc_id) {
        Refusal::new(
            "depends_on_quarantined",
            format!(
                "depends on a quarantined change: change {since} of this device, or a \
                 later one to document {}, is in quarantine",
                c.doc_id
            ),
        )
    } else {
        Refusal::new(
            "follows_quarantined",
            format!(
                "held: change {since} of this device is in quarantine, and its later \
                 changes wait until an admin settles it"
            ),
        )
    }
}

/// Applies one change to its document in `working` and checks the record; `Ok` says
/// whether the change created the document on the server, with the record read.
fn apply_one(
    checked: &CheckedChange,
    input: &Inputs<'_>,
    working: &mut HashMap<DocId, Working>,
    accepted: &mut HashMap<DocId, Vec<Change>>,
    need: &mut BTreeSet<DocId>,
) -> Result<(bool, Read), Refusal> {
    let c = &checked.wire;
    if input.foreign.contains(&c.doc_id) {
        return Err(Refusal::new(
            "tenant",
            format!(
                "document {} belongs to another clinic; a device may change only its own \
                 clinic's documents",
                c.doc_id
            ),
        ));
    }
    let Some(meta) = checked.meta.as_ref() else {
        return Err(Refusal::new(
            "unknown_author",
            "the change does not say who made it (no Outpost change metadata)",
        ));
    };
    let change = checked.change.clone();
    let mut doc = match working.remove(&c.doc_id) {
        Some(Working::Engine(doc)) => *doc,
        Some(Working::Fresh(fresh)) => {
            // Changed again in the same batch: the engine takes over from its first change.
            let first = accepted.get(&c.doc_id).cloned().unwrap_or_default();
            match fresh.into_document() {
                Ok(doc) => doc,
                Err(e) => {
                    // Keep the accepted document as it was; refuse this change.
                    if let Some(Ok(again)) = first
                        .into_iter()
                        .next()
                        .map(|ch| FreshDocument::of(c.doc_id, c.kind, ch))
                    {
                        working.insert(c.doc_id, Working::Fresh(Box::new(again)));
                    }
                    return Err(cannot_apply(e));
                }
            }
        }
        None if !input.stored.contains_key(&c.doc_id) => {
            // A new document: read it from its one change when the fast path can.
            input.authority.check(&meta.author, c.kind, true)?;
            match FreshDocument::of(c.doc_id, c.kind, change) {
                Ok(fresh) => {
                    let fresh = Working::Fresh(Box::new(fresh));
                    let record = check_record(&fresh, None, input, working, need)?;
                    accepted
                        .entry(c.doc_id)
                        .or_default()
                        .push(checked.change.clone());
                    working.insert(c.doc_id, fresh);
                    return Ok((true, record));
                }
                Err(change) => {
                    let mut doc = Document::empty(c.doc_id, c.kind);
                    let outcome =
                        apply_checked(c, *change, meta, &mut doc, input, working, accepted, need);
                    working.insert(c.doc_id, Working::Engine(Box::new(doc)));
                    return outcome;
                }
            }
        }
        None => load(c, input.stored)?,
    };
    let outcome = apply_checked(c, change, meta, &mut doc, input, working, accepted, need);
    working.insert(c.doc_id, Working::Engine(Box::new(doc)));
    outcome
}

fn cannot_apply(e: outpost_domain::DomainError) -> Refusal {
    Refusal::new(
        "cannot_apply",
        format!("the change does not apply to the server's copy of the document: {e}"),
    )
}

#[allow(clippy::too_many_arguments)]
fn apply_checked(
    c: &WireChange,
    change: Change,
    meta: &ChangeMeta,
    doc: &mut Document,
    input: &Inputs<'_>,
    working: &HashMap<DocId, Working>,
    accepted: &mut HashMap<DocId, Vec<Change>>,
    need: &mut BTreeSet<DocId>,
) -> Result<(bool, Read), Refusal> {
    if doc.kind != c.kind {
        return Err(Refusal::new(
            "wrong_kind",
            format!(
                "document {} is a {} record; the change calls it {}",
                c.doc_id,
                doc.kind.as_str(),
                c.kind.as_str()
            ),
        ));
    }
    let creating = doc.is_empty() && !input.stored.contains_key(&c.doc_id);
    input.authority.check(&meta.author, c.kind, creating)?;
    let before = records::vitals_before(doc);
    doc.apply_remote_parsed(vec![change.clone()])
        .map_err(cannot_apply)?;
    match check_record(doc, before.as_ref(), input, working, need) {
        Ok(record) => {
            accepted.entry(c.doc_id).or_default().push(change);
            Ok((creating, record))
        }
        Err(refusal) => {
            // Put the document back as it was before this change: the stored copy plus
            // the batch's accepted changes (rare, so nothing is copied in the common case).
            *doc = rebuild(c, input.stored, accepted.get(&c.doc_id))?;
            Err(refusal)
        }
    }
}

/// Checks the record `doc` now holds, noting the templates it needs that the caller has
/// not looked for yet.
fn check_record(
    doc: &impl ReadRecord,
    before: Option<&records::VitalsRecord>,
    input: &Inputs<'_>,
    working: &HashMap<DocId, Working>,
    need: &mut BTreeSet<DocId>,
) -> Result<Read, Refusal> {
    let need_cell = std::cell::RefCell::new(BTreeSet::new());
    let checked = {
        let lookup_cell = |id: DocId| -> Option<TemplateRecord> {
            let found = lookup_inner(id, working, input);
            if found.is_none() && !input.looked_for.contains(&id) {
                need_cell.borrow_mut().insert(id);
            }
            found
        };
        records::check(doc, before, &lookup_cell, input.now)
    };
    need.extend(need_cell.into_inner());
    checked
}

fn lookup_inner(
    id: DocId,
    working: &HashMap<DocId, Working>,
    input: &Inputs<'_>,
) -> Option<TemplateRecord> {
    match working.get(&id) {
        Some(t) if t.kind() == DocKind::Template => t.read::<TemplateRecord>().ok(),
        Some(_) => None,
        None => input.templates.get(&id).cloned(),
    }
}

/// The server's copy of the change's document (it holds one).
fn load(c: &WireChange, stored: &StoredDocs) -> Result<Document, Refusal> {
    match stored.get(&c.doc_id) {
        Some((kind, bytes)) => Document::load(c.doc_id, *kind, bytes).map_err(|e| {
            Refusal::new(
                "cannot_apply",
                format!(
                    "the server's copy of document {} does not load: {e}",
                    c.doc_id
                ),
            )
        }),
        None => Ok(Document::empty(c.doc_id, c.kind)),
    }
}

/// The document as the stored copy plus the changes already accepted from this batch.
fn rebuild(
    c: &WireChange,
    stored: &StoredDocs,
    accepted: Option<&Vec<Change>>,
) -> Result<Document, Refusal> {
    let mut doc = load(c, stored)?;
    if let Some(changes) = accepted {
        doc.apply_remote_parsed(changes.clone()).map_err(|e| {
            Refusal::new(
                "cannot_apply",
                format!("document {} could not be rebuilt: {e}", c.doc_id),
            )
        })?;
    }
    Ok(doc)
}

#[cfg(test)]
mod tests;
