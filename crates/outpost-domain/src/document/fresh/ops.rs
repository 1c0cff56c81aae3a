//! The operations of one change read straight from its columns, for [`super::FreshDocument`].
//!
//! Automerge 0.12 hands a change's operations out only as `Change::decode()`, which
//! expands every operation into owned legacy types (an allocated key, value and
//! predecessor list per operation, one per character of a note): for a vitals set that
//! was about 18 us of the 60 us a pulled record cost, and for an encounter most of it.
//! Its own column iterator (`iter_ops`) is crate-private. This reader walks the change
//! chunk's columns as the binary format lays them out (uLEB/sLEB run-length, delta and
//! boolean columns, value metadata) into flat vectors, borrowing map keys from the bytes.
//!
//! It reads the chunk's header too, so a workstation can read a pulled record without
//! the engine parsing the change first (the server, which judges every change, still has
//! the engine parse it). It is strict: compressed columns, columns it does not know or out
//! of order, other actors, marks, counters, LEB128 numbers longer than needed and anything
//! malformed give `None`, and the caller falls back to the engine. Tests check it against
//! the engine's parse and `Change::decode()` on random changes, and that on damaged bytes
//! it never reads what the engine refuses or reads differently.

use automerge::{ObjType, ScalarValue};
use std::ops::Range;

/// Where an operation writes: a map key, or a list element named by the counter of the
/// operation that inserted it (0 for the head of the list).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum OpKey<'a> {
    Map(&'a str),
    Seq(u64),
}

/// What an operation does, for the actions a record's change uses.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Action {
    Make(ObjType),
    Put(ScalarValue),
    Delete,
}

/// One operation; actors are all the change's own (others make the reader give up).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Op<'a> {
    /// The counter of the object written to; 0 for the root map.
    pub(super) obj: u64,
    pub(super) key: OpKey<'a>,
    pub(super) insert: bool,
    pub(super) action: Action,
    /// This operation's predecessors: a range of [`ChangeOps::preds`] (their counters).
    pub(super) preds: Range<usize>,
}

/// Every operation of a change, in order.
#[derive(Debug, Default)]
pub(super) struct ChangeOps<'a> {
    pub(super) ops: Vec<Op<'a>>,
    pub(super) preds: Vec<u64>,
}

/// No change a record makes comes near this many entries in one column; a run claiming
/// more is malformed (and would otherwise ask for that much memory).
const MAX_ENTRIES: usize = 1 << 22;

const MAGIC: [u8; 4] = [0x85, 0x6f, 0x4a, 0x83];
const CHUNK_CHANGE: u8 = 1;
const DEFLATE: u32 = 0b1000;

// Column specifications of a change's operations: (column id << 4) | column type.
const OBJ_ACTOR: u32 = 0x01;
const OBJ_CTR: u32 = 0x02;
const KEY_ACTOR: u32 = 0x11;
const KEY_CTR: u32 = 0x13;
const KEY_STR: u32 = 0x15;
const INSERT: u32 = 0x34;
const ACTION: u32 = 0x42;
const VALUE_META: u32 = 0x56;
const VALUE: u32 = 0x57;
const PRED_GROUP: u32 = 0x70;
const PRED_ACTOR: u32 = 0x71;
const PRED_CTR: u32 = 0x73;
const EXPAND: u32 = 0x94;
const MARK_NAME: u32 = 0xa5;

/// A change chunk as the fast path reads it: its header fields and its operations.
#[derive(Debug)]
pub(super) struct Chunk<'a> {
    /// How many changes it depends on.
    pub(super) deps: usize,
    pub(super) actor: &'a [u8],
    pub(super) start_op: u64,
    pub(super) message: &'a str,
    pub(super) ops: ChangeOps<'a>,
}

/// The uncompressed change chunk `bytes` (nothing after it), or `None` (see module docs).
pub(super) fn read(bytes: &[u8]) -> Option<Chunk<'_>> {
    let mut r = Reader::new(bytes);
    if r.take(4)? != MAGIC {
        return None;
    }
    r.take(4)?; // checksum: the caller compares it with the hash it computes
    if r.byte()? != CHUNK_CHANGE {
        return None;
    }
    let len = r.len()?;
    let mut r = Reader::new(r.rest_exactly(len)?);
    let deps = r.len()?;
    r.take(deps.checked_mul(32)?)?;
    let actor_len = r.len()?;
    let actor = r.take(actor_len)?;
    r.uleb()?; // seq
    let start_op = r.uleb().filter(|op| *op > 0)?;
    r.sleb()?; // time
    let message_len = r.len()?;
    let message = std::str::from_utf8(r.take(message_len)?).ok()?;
    if r.uleb()? != 0 {
        return None; // other actors
    }
    let columns = r.len()?;
    let mut specs = Vec::with_capacity(columns.min(16));
    for _ in 0..columns {
        let spec = u32::try_from(r.uleb()?).ok()?;
        let len = r.len()?;
        // Each column once, in the order of their specifications, as the engine writes them.
        if specs.last().is_some_and(|(last, _)| *last >= spec) {
            return None;
        }
        specs.push((spec, len));
    }
    let mut cols = Columns::default();
    for (spec, len) in specs {
        let data = r.take(len)?;
        if spec & DEFLATE != 0 {
            return None;
        }
        let slot = match spec {
            OBJ_ACTOR => &mut cols.obj_actor,
            OBJ_CTR => &mut cols.obj_ctr,
            KEY_ACTOR => &mut cols.key_actor,
            KEY_CTR => &mut cols.key_ctr,
            KEY_STR => &mut cols.key_str,
            INSERT => &mut cols.insert,
            ACTION => &mut cols.action,
            VALUE_META => &mut cols.value_meta,
            VALUE => &mut cols.value,
            PRED_GROUP => &mut cols.pred_group,
            PRED_ACTOR => &mut cols.pred_actor,
            PRED_CTR => &mut cols.pred_ctr,
            EXPAND => &mut cols.expand,
            MARK_NAME => &mut cols.mark_name,
            _ => return None,
        };
        *slot = data;
    }
    // What is left is the change's extra bytes (Outpost writes none; the engine keeps them).
    Some(Chunk {
        deps,
        actor,
        start_op,
        message,
        ops: cols.ops()?,
    })
}

/// The raw bytes of each column (empty when the change leaves a column out).
#[derive(Default)]
struct Columns<'a> {
    obj_actor: &'a [u8],
    obj_ctr: &'a [u8],
    key_actor: &'a [u8],
    key_ctr: &'a [u8],
    key_str: &'a [u8],
    insert: &'a [u8],
    action: &'a [u8],
    value_meta: &'a [u8],
    value: &'a [u8],
    pred_group: &'a [u8],
    pred_actor: &'a [u8],
    pred_ctr: &'a [u8],
    expand: &'a [u8],
    mark_name: &'a [u8],
}

impl<'a> Columns<'a> {
    fn ops(&self) -> Option<ChangeOps<'a>> {
        // Counted first, so every column below is allocated once at its size.
        let actions = rle_uints(self.action, rle_entries(self.action)?)?;
        let n = actions.len();
        let obj_actor = rle_uints(self.obj_actor, n)?;
        let obj_ctr = rle_uints(self.obj_ctr, n)?;
        let key_actor = rle_uints(self.key_actor, n)?;
        let key_ctr = delta(self.key_ctr, n)?;
        let key_str = rle_strs(self.key_str, n)?;
        // The engine reads one insert flag per operation and refuses a column that runs
        // out (`UnexpectedNull`), so a shorter one is not read as "no insert".
        let insert = booleans(self.insert, n)?;
        if insert.len() != n {
            return None;
        }
        let value_meta = rle_uints(self.value_meta, n)?;
        let pred_group = rle_uints(self.pred_group, n)?;
        let pred_actor = rle_uints(self.pred_actor, n)?;
        let pred_ctr = delta(self.pred_ctr, n)?;
        // Marks are not a record's: any expand flag or mark name and the engine decides.
        if booleans(self.expand, 0)?.iter().any(|e| *e)
            || rle_strs(self.mark_name, 0)?.iter().any(Option::is_some)
        {
            return None;
        }
        let at = |v: &[Option<u64>], i: usize| v.get(i).copied().flatten();
        let mut values = Reader::new(self.value);
        let mut preds = Vec::with_capacity(pred_ctr.len());
        let mut ops = Vec::with_capacity(n);
        let mut pred_at = 0usize;
        for (i, action) in actions.iter().enumerate() {
            let obj = match (at(&obj_actor, i), at(&obj_ctr, i)) {
                (None, None) => 0,
                (Some(0), Some(ctr)) if ctr > 0 => ctr,
                _ => return None,
            };
            let key = match (
                at(&key_actor, i),
                key_ctr.get(i).copied().flatten(),
                key_str.get(i).copied().flatten(),
            ) {
                (None, None, Some(key)) => OpKey::Map(key),
                (None, Some(0), None) => OpKey::Seq(0),
                (Some(0), Some(ctr), None) if ctr > 0 => OpKey::Seq(u64::try_from(ctr).ok()?),
                _ => return None,
            };
            let value = scalar(value_meta.get(i).copied().flatten()?, &mut values)?;
            let action = match (*action)? {
                0 => Action::Make(ObjType::Map),
                1 if !matches!(value, ScalarValue::Counter(_)) => Action::Put(value),
                2 => Action::Make(ObjType::List),
                3 => Action::Delete,
                4 => Action::Make(ObjType::Text),
                _ => return None,
            };
            // The engine reads each operation's predecessor count and refuses a null or a
            // column that runs out, so neither is read as "no predecessors".
            let count = usize::try_from(at(&pred_group, i)?).ok()?;
            let start = preds.len();
            for _ in 0..count {
                match (
                    at(&pred_actor, pred_at),
                    pred_ctr.get(pred_at).copied().flatten(),
                ) {
                    (Some(0), Some(ctr)) if ctr > 0 => preds.push(u64::try_from(ctr).ok()?),
                    _ => return None,
                }
                pred_at += 1;
            }
            ops.push(Op {
                obj,
                key,
                insert: *insert.get(i)?,
                action,
                preds: start..preds.len(),
            });
        }
        // Entries left over in any column mean the columns disagree on the operations.
        let longer = |len: usize| len > n;
        if longer(obj_actor.len())
            || longer(obj_ctr.len())
            || longer(key_actor.len())
            || longer(key_ctr.len())
            || longer(key_str.len())
            || longer(value_meta.len())
            || longer(pred_group.len())
            || pred_actor.len() != pred_at
            || pred_ctr.len() != pred_at
            || !values.is_empty()
        {
            return None;
        }
        Some(ChangeOps { ops, preds })
    }
}

/// The value one value-metadata entry describes (its type in the low 4 bits, its length in
/// bytes above them), read from the value column.
fn scalar(meta: u64, values: &mut Reader<'_>) -> Option<ScalarValue> {
    let len = usize::try_from(meta >> 4).ok()?;
    let raw = values.take(len)?;
    Some(match meta & 0b1111 {
        0 if len == 0 => ScalarValue::Null,
        1 if len == 0 => ScalarValue::Boolean(false),
        2 if len == 0 => ScalarValue::Boolean(true),
        3 => ScalarValue::Uint(whole(raw, Reader::uleb)?),
        4 => ScalarValue::Int(whole(raw, Reader::sleb)?),
        5 => ScalarValue::F64(f64::from_le_bytes(raw.try_into().ok()?)),
        6 => ScalarValue::Str(std::str::from_utf8(raw).ok()?.into()),
        7 => ScalarValue::Bytes(raw.to_vec()),
        9 => ScalarValue::Timestamp(whole(raw, Reader::sleb)?),
        _ => return None,
    })
}

/// The one number `raw` holds, all of it.
fn whole<'a, T>(raw: &'a [u8], read: impl Fn(&mut Reader<'a>) -> Option<T>) -> Option<T> {
    let mut r = Reader::new(raw);
    let n = read(&mut r)?;
    r.is_empty().then_some(n)
}

/// A run-length column of unsigned integers; `None` entries are nulls. Each column reader
/// takes the number of entries expected (the operations), to allocate once.
fn rle_uints(bytes: &[u8], expected: usize) -> Option<Vec<Option<u64>>> {
    rle(bytes, expected, Reader::uleb)
}

/// A run-length column of strings, borrowed from the change.
fn rle_strs(bytes: &[u8], expected: usize) -> Option<Vec<Option<&str>>> {
    rle(bytes, expected, |r| {
        let len = r.len()?;
        std::str::from_utf8(r.take(len)?).ok()
    })
}

/// A delta column: run-length signed differences, each entry the running sum.
fn delta(bytes: &[u8], expected: usize) -> Option<Vec<Option<i64>>> {
    let mut sum = 0i64;
    rle(bytes, expected, Reader::sleb)?
        .into_iter()
        .map(|d| match d {
            Some(d) => {
                sum = sum.checked_add(d)?;
                Some(Some(sum))
            }
            None => Some(None),
        })
        .collect()
}

/// A boolean column: alternating run lengths, starting with a run of `false`.
fn booleans(bytes: &[u8], expected: usize) -> Option<Vec<bool>> {
    let mut r = Reader::new(bytes);
    let mut out = Vec::with_capacity(expected);
    let mut value = false;
    while !r.is_empty() {
        let run = r.len()?;
        if out.len() + run > MAX_ENTRIES {
            return None;
        }
        out.resize(out.len() + run, value);
        value = !value;
    }
    Some(out)
}

/// How many entries a run-length column of unsigned integers holds: the column read by
/// [`rle`] keeping only whether each entry is there (a byte each, where the numbers take
/// sixteen).
fn rle_entries(bytes: &[u8]) -> Option<usize> {
    rle(bytes, bytes.len(), |r| r.uleb().map(drop)).map(|entries| entries.len())
}

/// A run-length column: a positive count and one value repeated, a negative count and
/// that many values, or zero and a count of nulls.
fn rle<'a, T: Copy>(
    bytes: &'a [u8],
    expected: usize,
    value: impl Fn(&mut Reader<'a>) -> Option<T>,
) -> Option<Vec<Option<T>>> {
    let mut r = Reader::new(bytes);
    let mut out = Vec::with_capacity(expected);
    while !r.is_empty() {
        let count = r.sleb()?;
        let run = usize::try_from(count.unsigned_abs()).ok()?;
        let run = if count == 0 { r.len()? } else { run };
        if out.len() + run > MAX_ENTRIES {
            return None;
        }
        match count {
            0 => out.resize(out.len() + run, None),
            c if c > 0 => {
                let v = value(&mut r)?;
                out.resize(out.len() + run, Some(v));
            }
            _ => {
                for _ in 0..run {
                    out.push(Some(value(&mut r)?));
                }
            }
        }
    }
    Some(out)
}

/// Reads LEB128 numbers and byte runs off a slice; every read says `None` past its end.
struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Self { bytes }
    }

    fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    fn byte(&mut self) -> Option<u8> {
        let (first, rest) = self.bytes.split_first()?;
        self.bytes = rest;
        Some(*first)
    }

    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if n > self.bytes.len() {
            return None;
        }
        let (head, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        Some(head)
    }

    /// All that is left, when it is exactly `n` bytes.
    fn rest_exactly(&mut self, n: usize) -> Option<&'a [u8]> {
        (self.bytes.len() == n).then(|| std::mem::take(&mut self.bytes))
    }

    /// An unsigned LEB128 number, refused when it is longer than it needs to be or does
    /// not fit 64 bits (as the engine's parser refuses it).
    fn uleb(&mut self) -> Option<u64> {
        let mut value = 0u64;
        let mut shift = 0u32;
        loop {
            let byte = self.byte()?;
            if shift == 63 && byte > 1 {
                return None;
            }
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return (shift == 0 || byte != 0).then_some(value);
            }
            shift += 7;
            if shift > 63 {
                return None;
            }
        }
    }

    /// A signed LEB128 number, refused when it is longer than it needs to be or does not
    /// fit 64 bits.
    fn sleb(&mut self) -> Option<i64> {
        let mut value = 0i64;
        let mut shift = 0u32;
        let mut prev = 0u8;
        loop {
            let byte = self.byte()?;
            if shift == 63 && byte != 0 && byte != 0x7f {
                return None;
            }
            value |= i64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                let overlong = shift > 0
                    && ((byte == 0 && prev & 0x40 == 0) || (byte == 0x7f && prev & 0x40 != 0));
                if overlong {
                    return None;
                }
                if shift + 7 < 64 && byte & 0x40 != 0 {
                    value |= -1i64 << (shift + 7);
                }
                return Some(value);
            }
            prev = byte;
            shift += 7;
            if shift > 63 {
                return None;
            }
        }
    }

    /// A uLEB128 length or count.
    fn len(&mut self) -> Option<usize> {
        usize::try_from(self.uleb()?).ok()
    }
}

#[cfg(test)]
mod tests;
