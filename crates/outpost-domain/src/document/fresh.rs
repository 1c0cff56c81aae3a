//! A document that did not exist here and arrives as one change with no dependencies (how
//! every record starts: `Document::create` makes one change) is read without building the
//! engine's op set. Applying such a change to an empty Automerge document costs about 60 us
//! and reading the record from it another 25 us, while the state of a document made of one
//! change is exactly that change's operations: [`FreshDocument`] reads them once, straight
//! from the change's columns ([`ops`]), into each object's visible entries; a workstation
//! reads them from the bytes alone ([`FreshDocument::from_bytes`]), without the engine
//! parsing the change either. It answers autosurgeon's reads
//! ([`autosurgeon::ReadDoc`]) from those, so the record types stay the schema.
//!
//! This is a guarded fast path with the engine as the reference, not a second engine:
//! - only a change the rules below fully describe qualifies ([`FreshDocument::of`] and
//!   [`FreshDocument::from_bytes`] say no otherwise, and the caller applies it with the engine): no dependencies, one
//!   actor, only map/list/text objects, plain puts, inserts and deletes, each superseding
//!   only operations of this change at the same place, and at most one value left at any
//!   map key or list element (one change cannot hold concurrent values);
//! - autosurgeon lists a map's keys only through `map_range`, whose iterator only an engine
//!   document can make, and then reads each key's value with `get`; so a map's keys are
//!   also kept as a small key index (a document holding just those keys, made the first
//!   time the map is listed), which answers `map_range` for the keys alone: its values
//!   and ids are not the document's, and nothing here reads them (autosurgeon does not;
//!   a test checks the keys against the engine's). An encounter's answered fields, a
//!   template's pages and a handover's items are maps with entries, which is why records
//!   of those kinds read without the engine too;
//! - what the view does not answer from the operations (list ranges, parents, lengths of
//!   text, anything about an object it does not know) is asked of the engine, built from
//!   the change the first time it is needed;
//! - the document is stored as the change's bytes, which `Document::load` reads back to
//!   the document the engine would build (same heads); a property test checks, for random
//!   records of every kind, that the record read here equals the engine's read.

use super::{parse_change, ChangeMeta, DocKind, Document};
use crate::error::DomainError;
use crate::ids::DocId;
use automerge::iter::{ListRange, MapRange};
use automerge::{
    ActorId, Automerge, AutomergeError, Change, ChangeHash, ObjId, ObjType, Parents, Prop, Value,
    ROOT as ENGINE_ROOT,
};
use autosurgeon::{hydrate, Hydrate, ReadDoc};
use foldhash::fast::RandomState;
use foldhash::{HashMap, HashMapExt};
use hashbrown::hash_table::{Entry as TableEntry, HashTable};
use std::borrow::Cow;
use std::hash::BuildHasher;
use std::ops::{Range, RangeBounds};
use std::sync::OnceLock;

mod key_index;
mod ops;
use key_index::KeyIndex;
use ops::{Action, ChangeOps, OpKey};

/// A value and the counter of the operation that wrote it (its id, as the engine reports).
type Entry = (Value<'static>, u64);

/// The counter standing for the root map (operation counters start at 1).
const ROOT: u64 = 0;

/// One object's entries: the value at each place, if any. Built while reading the
/// operations, then kept as they are once only visible entries are left (`finish`). One
/// change cannot hold concurrent values, so a second value at a place its operation does
/// not supersede makes the view give up (the engine then reads the change).
enum Object {
    Map(MapEntries),
    /// A list or a text object's elements in order: (the inserting operation's counter,
    /// the value at the element).
    Seq(ObjType, Vec<(u64, Option<Entry>)>),
}

/// A map's entries by key. A key is kept as where its text lies in the change's bytes and
/// hashed by that text, so reading a change copies no key out of it.
struct MapEntries {
    table: HashTable<(Range<u32>, Option<Entry>)>,
    /// The map's key index, once the map has been listed ([`key_index`]).
    keys: OnceLock<Option<KeyIndex>>,
}

impl MapEntries {
    /// Room for `entries` keys (the operations that write to the map: at least its keys),
    /// so reading the change never grows the table.
    fn with_capacity(entries: usize) -> Self {
        Self {
            table: HashTable::with_capacity(entries),
            keys: OnceLock::new(),
        }
    }
}

/// The text of a map key kept as `at` in `bytes` (empty if it is not there).
fn key_at<'b>(bytes: &'b [u8], at: &Range<u32>) -> &'b [u8] {
    let range = at.start as usize..at.end as usize;
    bytes.get(range).unwrap_or_default()
}

/// A brand-new document made of one change, read without the engine (see module docs).
pub struct FreshDocument {
    pub id: DocId,
    pub kind: DocKind,
    /// The change's bytes, as stored.
    bytes: Vec<u8>,
    hash: ChangeHash,
    actor: ActorId,
    /// Where the change's message (Outpost's author and clocks) lies in `bytes`.
    message: Range<usize>,
    objects: HashMap<u64, Object>,
    /// Hashes the maps' keys (see [`MapEntries`]).
    keys: RandomState,
    /// The change as the engine parses it: given, or parsed the first time it is needed.
    change: OnceLock<Result<Change, String>>,
    engine: OnceLock<Result<Automerge, String>>,
}

impl std::fmt::Debug for FreshDocument {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FreshDocument")
            .field("id", &self.id)
            .field("kind", &self.kind)
            .field("hash", &self.hash)
            .finish_non_exhaustive()
    }
}

impl FreshDocument {
    /// The document `change` alone makes, when it qualifies for reading without the
    /// engine (see the module docs); otherwise the change back, for the engine to apply.
    pub fn of(id: DocId, kind: DocKind, change: Change) -> Result<Self, Box<Change>> {
        match Self::build(id, kind, change.raw_bytes().to_vec(), Some(change.hash())) {
            Some(fresh) => {
                let _ = fresh.change.set(Ok(change));
                Ok(fresh)
            }
            None => Err(Box::new(change)),
        }
    }

    /// The document the change `bytes` alone makes, read without the engine parsing the
    /// change first: for a workstation reading what the server (which has the engine parse
    /// and judge every change) sends. `None` when the change does not qualify (see the
    /// module docs) or its checksum does not match; the caller then parses it with the
    /// engine ([`super::parse_change`]) and takes [`FreshDocument::of`] or the engine.
    pub fn from_bytes(id: DocId, kind: DocKind, bytes: &[u8]) -> Option<Self> {
        Self::build(id, kind, bytes.to_vec(), None)
    }

    fn build(id: DocId, kind: DocKind, bytes: Vec<u8>, hash: Option<ChangeHash>) -> Option<Self> {
        let chunk = ops::read(&bytes)?;
        if chunk.deps != 0 {
            return None;
        }
        let hash = match hash {
            Some(hash) => hash,
            None => {
                // The hash covers the chunk after its magic bytes and checksum; the checksum
                // is the hash's first four bytes.
                let digest = ring::digest::digest(&ring::digest::SHA256, bytes.get(8..)?);
                let hash = ChangeHash::try_from(digest.as_ref()).ok()?;
                (bytes.get(4..8)? == &hash.0[..4]).then_some(hash)?
            }
        };
        let actor = ActorId::from(chunk.actor);
        let at = chunk.message.as_ptr() as usize - bytes.as_ptr() as usize;
        let message = at..at + chunk.message.len();
        let keys = RandomState::default();
        let objects = visible_objects(&bytes, &keys, chunk.ops, chunk.start_op)?;
        Some(Self {
            id,
            kind,
            bytes,
            hash,
            actor,
            message,
            objects,
            keys,
            change: OnceLock::new(),
            engine: OnceLock::new(),
        })
    }

    /// The record this document holds, read as [`Document::read`] reads it.
    pub fn read<T: Hydrate>(&self) -> Result<T, DomainError> {
        let record = hydrate(self);
        if let Some(Err(why)) = self.engine.get() {
            return Err(DomainError::MalformedChange(why.clone()));
        }
        Ok(record?)
    }

    /// Heads as [`Document::heads`] reports them: the change's hash.
    pub fn heads(&self) -> Vec<String> {
        vec![self.hash.to_string()]
    }

    /// The one head's hash as bytes (what [`FreshDocument::heads`] spells in hex).
    pub fn head_bytes(&self) -> [u8; 32] {
        self.hash.0
    }

    /// The author and clocks the change carries, as [`ChangeMeta::of_change`] reads them.
    pub fn meta(&self) -> Option<ChangeMeta> {
        let message = std::str::from_utf8(self.bytes.get(self.message.clone())?).ok()?;
        ChangeMeta::of_message(message)
    }

    /// The bytes to store the document as: the change itself, which `Document::load` reads.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The same document built by the engine, for anything beyond reading the record.
    pub fn into_document(self) -> Result<Document, DomainError> {
        let change = match self.change.into_inner() {
            Some(Ok(change)) => change,
            _ => parse_change(&self.bytes)?,
        };
        Ok(Document::from_remote(self.id, self.kind, vec![change])?.0)
    }

    fn engine(&self) -> &Automerge {
        static EMPTY: OnceLock<Automerge> = OnceLock::new();
        let built = self.engine.get_or_init(|| {
            let change = self
                .change
                .get_or_init(|| parse_change(&self.bytes).map_err(|e| e.to_string()))
                .clone()?;
            let mut doc = Automerge::new();
            doc.apply_changes([change])
                .map(|()| doc)
                .map_err(|e| e.to_string())
        });
        match built {
            Ok(doc) => doc,
            // The error is reported by `read`; meanwhile nothing is there.
            Err(_) => EMPTY.get_or_init(Automerge::new),
        }
    }

    /// The object `obj` names, if the view knows it.
    fn object(&self, obj: &ObjId) -> Option<&Object> {
        match obj {
            ObjId::Root => self.objects.get(&ROOT),
            ObjId::Id(counter, actor, _) if *actor == self.actor => self.objects.get(counter),
            ObjId::Id(..) => None,
        }
    }

    fn exported(&self, (value, counter): &Entry) -> (Value<'static>, ObjId) {
        (value.clone(), ObjId::Id(*counter, self.actor.clone(), 0))
    }
}

/// Every object's visible entries after the change's operations (read from `bytes`,
/// whose map keys are hashed with `keys`), or `None` when an operation is beyond what the
/// view describes (the engine then applies the change).
fn visible_objects(
    bytes: &[u8],
    keys: &RandomState,
    read: ChangeOps<'_>,
    start: u64,
) -> Option<HashMap<u64, Object>> {
    let base = bytes.as_ptr() as usize;
    // How many operations write to each object (the root, then each operation's counter
    // less `start`), and how many objects there are, so each table is allocated once.
    let mut writes = vec![0usize; read.ops.len() + 1];
    let mut object_count = 1;
    for op in &read.ops {
        let slot = match op.obj {
            ROOT => 0,
            obj => usize::try_from(obj.checked_sub(start)?.checked_add(1)?).ok()?,
        };
        *writes.get_mut(slot)? += 1;
        object_count += usize::from(matches!(op.action, Action::Make(_)));
    }
    let mut objects: HashMap<u64, Object> = HashMap::with_capacity(object_count);
    objects.insert(ROOT, Object::Map(MapEntries::with_capacity(writes[0])));
    for (i, op) in read.ops.into_iter().enumerate() {
        let counter = start + i as u64;
        let value = match op.action {
            Action::Make(ty) => Some(Value::Object(ty)),
            Action::Put(scalar) => Some(Value::Scalar(Cow::Owned(scalar))),
            Action::Delete => None,
        };
        let preds = read.preds.get(op.preds)?;
        let slot: &mut Option<Entry> = match (objects.get_mut(&op.obj)?, op.key) {
            (Object::Map(map), OpKey::Map(key)) if !op.insert => {
                // The key is text of the change's bytes: kept as where it lies.
                let from = (key.as_ptr() as usize).checked_sub(base)?;
                let to = from.checked_add(key.len())?;
                if to > bytes.len() {
                    return None;
                }
                let at = u32::try_from(from).ok()?..u32::try_from(to).ok()?;
                let text = key.as_bytes();
                let entry = map.table.entry(
                    keys.hash_one(text),
                    |(k, _)| key_at(bytes, k) == text,
                    |(k, _)| keys.hash_one(key_at(bytes, k)),
                );
                match entry {
                    TableEntry::Occupied(found) => &mut found.into_mut().1,
                    TableEntry::Vacant(free) => &mut free.insert((at, None)).into_mut().1,
                }
            }
            (Object::Seq(_, items), OpKey::Seq(after)) if op.insert => {
                if !preds.is_empty() || value.is_none() {
                    return None;
                }
                // In one change every element inserted before has a lower counter, so the
                // new one goes right after the element it names.
                let at = match after {
                    0 => 0,
                    after => items.iter().rposition(|(c, _)| *c == after)? + 1,
                };
                items.insert(at, (counter, None));
                &mut items[at].1
            }
            (Object::Seq(_, items), OpKey::Seq(at)) if !op.insert && at != 0 => {
                let at = items.iter().rposition(|(c, _)| *c == at)?;
                &mut items[at].1
            }
            _ => return None,
        };
        for pred in preds {
            match slot {
                Some((_, c)) if c == pred => *slot = None,
                _ => return None,
            }
        }
        if let Some(value) = value {
            if slot.is_some() {
                return None;
            }
            let entries = writes.get(i + 1).copied().unwrap_or(0);
            let made = match &value {
                Value::Object(ObjType::Map) => {
                    Some(Object::Map(MapEntries::with_capacity(entries)))
                }
                Value::Object(ty) => Some(Object::Seq(*ty, Vec::with_capacity(entries))),
                Value::Scalar(_) => None,
            };
            *slot = Some((value, counter));
            if let Some(made) = made {
                if objects.insert(counter, made).is_some() {
                    return None;
                }
            }
        }
    }
    for object in objects.values_mut() {
        finish(object)?;
    }
    Some(objects)
}

/// Keeps only an object's visible entries; `None` for text holding anything but strings.
fn finish(object: &mut Object) -> Option<()> {
    match object {
        Object::Map(map) => map.table.retain(|(_, entry)| entry.is_some()),
        Object::Seq(ty, items) => {
            items.retain(|(_, entry)| entry.is_some());
            let text_of_strings = items
                .iter()
                .all(|(_, entry)| matches!(entry, Some((Value::Scalar(s), _)) if s.is_str()));
            if *ty == ObjType::Text && !text_of_strings {
                return None;
            }
        }
    }
    Some(())
}

/// A record read out of a document, whichever way it was built: the engine's
/// ([`Document`]) or the fast path's ([`FreshDocument`]).
pub trait ReadRecord {
    fn kind(&self) -> DocKind;
    fn read_record<T: Hydrate>(&self) -> Result<T, DomainError>;
}

impl ReadRecord for Document {
    fn kind(&self) -> DocKind {
        self.kind
    }
    fn read_record<T: Hydrate>(&self) -> Result<T, DomainError> {
        self.read()
    }
}

impl ReadRecord for FreshDocument {
    fn kind(&self) -> DocKind {
        self.kind
    }
    fn read_record<T: Hydrate>(&self) -> Result<T, DomainError> {
        self.read()
    }
}

impl ReadDoc for FreshDocument {
    type Parents<'b>
        = Parents<'b>
    where
        Self: 'b;

    fn get_heads(&self) -> Vec<ChangeHash> {
        vec![self.hash]
    }

    fn get<P: Into<Prop>>(
        &self,
        obj: &ObjId,
        prop: P,
    ) -> Result<Option<(Value<'_>, ObjId)>, AutomergeError> {
        let prop = prop.into();
        match (self.object(obj), &prop) {
            (Some(Object::Map(map)), Prop::Map(key)) => {
                let text = key.as_bytes();
                let found = map.table.find(self.keys.hash_one(text), |(k, _)| {
                    key_at(&self.bytes, k) == text
                });
                Ok(found
                    .and_then(|(_, entry)| entry.as_ref())
                    .map(|e| self.exported(e)))
            }
            (Some(Object::Seq(ObjType::List, items)), Prop::Seq(index)) => Ok(items
                .get(*index)
                .and_then(|(_, entry)| entry.as_ref())
                .map(|e| self.exported(e))),
            _ => automerge::ReadDoc::get(self.engine(), obj, prop),
        }
    }

    fn object_type<O: AsRef<ObjId>>(&self, obj: O) -> Option<ObjType> {
        match self.object(obj.as_ref()) {
            Some(Object::Map(..)) => Some(ObjType::Map),
            Some(Object::Seq(ty, _)) => Some(*ty),
            None => automerge::ReadDoc::object_type(self.engine(), obj).ok(),
        }
    }

    /// For a map the view holds: its keys, in the engine's order, from the map's key index
    /// (see the module docs: only the keys are the document's).
    fn map_range<'b, O, R>(&'b self, obj: O, range: R) -> MapRange<'b>
    where
        R: RangeBounds<String> + 'b,
        O: AsRef<ObjId>,
    {
        if let Some(Object::Map(map)) = self.object(obj.as_ref()) {
            let index = map.keys.get_or_init(|| {
                let keys: Option<Vec<&str>> = map
                    .table
                    .iter()
                    .map(|(k, _)| std::str::from_utf8(key_at(&self.bytes, k)).ok())
                    .collect();
                key_index::of(keys?.into_iter())
            });
            if let Some(index) = index {
                return automerge::ReadDoc::map_range(&**index, ENGINE_ROOT, range);
            }
        }
        automerge::ReadDoc::map_range(self.engine(), obj, range)
    }

    fn list_range<O: AsRef<ObjId>, R: RangeBounds<usize>>(
        &self,
        obj: O,
        range: R,
    ) -> ListRange<'_> {
        automerge::ReadDoc::list_range(self.engine(), obj, range)
    }

    fn length<O: AsRef<ObjId>>(&self, obj: O) -> usize {
        match self.object(obj.as_ref()) {
            Some(Object::Seq(ObjType::List, items)) => items.len(),
            Some(Object::Map(map)) => map.table.len(),
            _ => automerge::ReadDoc::length(self.engine(), obj),
        }
    }

    fn text<O: AsRef<ObjId>>(&self, obj: O) -> Result<String, AutomergeError> {
        match self.object(obj.as_ref()) {
            Some(Object::Seq(ObjType::Text, items)) => Ok(items
                .iter()
                .filter_map(|(_, entry)| entry.as_ref().and_then(|(value, _)| value.as_str()))
                .collect()),
            _ => automerge::ReadDoc::text(self.engine(), obj),
        }
    }

    fn parents<O: AsRef<ObjId>>(&self, obj: O) -> Result<Self::Parents<'_>, AutomergeError> {
        automerge::ReadDoc::parents(self.engine(), obj)
    }

    fn is_empty(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests;
