//! The chunk reader against the engine's own parse and decode (`Change::decode()`): the
//! same header and operations for random changes over maps, lists and text with every
//! scalar type; on damaged bytes no panic, nothing read that the engine refuses, and never
//! a different answer; and `None` for what the fast path leaves to the engine (other
//! actors, compressed columns, marks, counters).

use super::{read, Action, ChangeOps, Chunk, Op, OpKey};
use automerge::legacy::{ElementId, Key, ObjectId, OpType};
use automerge::marks::{ExpandMark, Mark};
use automerge::transaction::Transactable;
use automerge::{ActorId, AutoCommit, Change, ObjId, ObjType, ReadDoc, ScalarValue, ROOT};
use proptest::prelude::*;

/// The engine's decode of `change`, in the reader's terms; `None` when an operation is not
/// one the reader describes.
fn engine_ops(change: &Change) -> Option<Vec<(Op<'static>, Vec<u64>)>> {
    let actor = change.actor_id();
    let counter = |id: &automerge::legacy::OpId| (id.actor() == actor).then_some(id.counter());
    let leaked = |s: &str| -> &'static str { Box::leak(s.to_owned().into_boxed_str()) };
    change
        .decode()
        .operations
        .iter()
        .map(|op| {
            let obj = match &op.obj {
                ObjectId::Root => 0,
                ObjectId::Id(id) => counter(id)?,
            };
            let key = match &op.key {
                Key::Map(k) => OpKey::Map(leaked(k)),
                Key::Seq(ElementId::Head) => OpKey::Seq(0),
                Key::Seq(ElementId::Id(id)) => OpKey::Seq(counter(id)?),
            };
            let action = match &op.action {
                OpType::Make(ty) => Action::Make(*ty),
                OpType::Put(v) => Action::Put(v.clone()),
                OpType::Delete => Action::Delete,
                _ => return None,
            };
            let preds = op.pred.iter().map(counter).collect::<Option<Vec<_>>>()?;
            let op = Op {
                obj,
                key,
                insert: op.insert,
                action,
                preds: 0..0,
            };
            Some((op, preds))
        })
        .collect()
}

fn same_header(read: &Chunk<'_>, change: &Change) {
    assert_eq!(read.deps, change.deps().len());
    assert_eq!(read.actor, change.actor_id().to_bytes());
    assert_eq!(read.start_op, change.start_op().get());
    assert_eq!(read.message, change.message().unwrap_or(""));
}

fn ours(read: &ChangeOps<'_>) -> Vec<(Op<'static>, Vec<u64>)> {
    read.ops
        .iter()
        .map(|op| {
            let key = match op.key {
                OpKey::Map(k) => OpKey::Map(&*Box::leak(k.to_owned().into_boxed_str())),
                OpKey::Seq(c) => OpKey::Seq(c),
            };
            let preds = read.preds[op.preds.clone()].to_vec();
            let op = Op {
                obj: op.obj,
                key,
                insert: op.insert,
                action: op.action.clone(),
                preds: 0..0,
            };
            (op, preds)
        })
        .collect()
}

/// One edit of a random document.
#[derive(Debug, Clone)]
enum Edit {
    Put(String, ScalarValue),
    MakeMap(String),
    MakeList(String),
    Push(ScalarValue),
    InsertAt(usize, ScalarValue),
    DeleteAt(usize),
    Splice(usize, usize, String),
    NestedPut(String, ScalarValue),
    Remove(String),
}

fn scalar() -> impl Strategy<Value = ScalarValue> {
    prop_oneof![
        Just(ScalarValue::Null),
        any::<bool>().prop_map(ScalarValue::Boolean),
        any::<u64>().prop_map(ScalarValue::Uint),
        any::<i64>().prop_map(ScalarValue::Int),
        any::<f64>()
            .prop_filter("NaN never equals itself", |f| !f.is_nan())
            .prop_map(ScalarValue::F64),
        "\\PC{0,40}".prop_map(|s| ScalarValue::Str(s.into())),
        proptest::collection::vec(any::<u8>(), 0..40).prop_map(ScalarValue::Bytes),
        any::<i64>().prop_map(ScalarValue::Timestamp),
    ]
}

fn edit() -> impl Strategy<Value = Edit> {
    let key = "[a-z_]{1,6}|\\PC{1,4}";
    prop_oneof![
        (key, scalar()).prop_map(|(k, v)| Edit::Put(k, v)),
        key.prop_map(Edit::MakeMap),
        key.prop_map(Edit::MakeList),
        scalar().prop_map(Edit::Push),
        (0usize..8, scalar()).prop_map(|(i, v)| Edit::InsertAt(i, v)),
        (0usize..8).prop_map(Edit::DeleteAt),
        (0usize..40, 0usize..6, "\\PC{0,30}").prop_map(|(i, d, s)| Edit::Splice(i, d, s)),
        (key, scalar()).prop_map(|(k, v)| Edit::NestedPut(k, v)),
        key.prop_map(Edit::Remove),
    ]
}

/// The change a fresh document makes from `edits`: a root map with a list, a nested map
/// and a text object, edited in one transaction as a record's creation is.
fn change_of(edits: &[Edit]) -> Change {
    let mut doc = AutoCommit::new().with_actor(ActorId::random());
    let list = doc.put_object(ROOT, "list", ObjType::List).unwrap();
    let mut map = doc.put_object(ROOT, "map", ObjType::Map).unwrap();
    let text = doc.put_object(ROOT, "text", ObjType::Text).unwrap();
    for e in edits {
        let _ = match e {
            Edit::Put(k, v) => doc.put(ROOT, k.as_str(), v.clone()),
            Edit::MakeMap(k) => doc
                .put_object(&map, k.as_str(), ObjType::Map)
                .map(|m| map = m),
            Edit::MakeList(k) => doc.put_object(ROOT, k.as_str(), ObjType::List).map(|_| ()),
            Edit::Push(v) => doc.insert(&list, doc.length(&list), v.clone()),
            Edit::InsertAt(i, v) => doc.insert(&list, (*i).min(doc.length(&list)), v.clone()),
            Edit::DeleteAt(i) if *i < doc.length(&list) => doc.delete(&list, *i),
            Edit::DeleteAt(_) => Ok(()),
            Edit::Splice(i, d, s) => {
                let len = doc.length(&text);
                let at = (*i).min(len);
                doc.splice_text(&text, at, (*d).min(len - at) as isize, s)
            }
            Edit::NestedPut(k, v) => doc.put(&map, k.as_str(), v.clone()),
            Edit::Remove(k) => doc.delete(&map, k.as_str()),
        };
    }
    doc.commit();
    doc.get_last_local_change().unwrap().clone()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn the_reader_gives_the_engines_operations(edits in proptest::collection::vec(edit(), 0..40)) {
        let change = change_of(&edits);
        let read = read(change.raw_bytes()).expect("a one-actor change of maps, lists and text is read");
        same_header(&read, &change);
        prop_assert_eq!(ours(&read.ops), engine_ops(&change).unwrap());
    }

    #[test]
    fn damaged_bytes_never_read_differently_from_the_engine(
        edits in proptest::collection::vec(edit(), 1..20),
        damage in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..3), 1..4),
    ) {
        let mut bytes = change_of(&edits).raw_bytes().to_vec();
        for (at, byte, how) in damage {
            let i = at.index(bytes.len());
            match how {
                0 => bytes[i] = byte,
                1 => { bytes.remove(i); }
                _ => bytes.insert(i, byte),
            }
        }
        // Never panics; reads nothing the engine refuses; and reads what the engine reads.
        if let Some(ours_read) = read(&bytes) {
            let change = Change::try_from(&bytes[..]);
            prop_assert!(change.is_ok(), "read bytes the engine refuses: {:?}", change.err());
            let change = change.unwrap();
            same_header(&ours_read, &change);
            prop_assert_eq!(Some(ours(&ours_read.ops)), engine_ops(&change));
        }
    }
}

#[test]
fn a_change_with_another_actors_operations_is_left_to_the_engine() {
    let mut a = AutoCommit::new();
    let list = a.put_object(ROOT, "list", ObjType::List).unwrap();
    a.insert(&list, 0, "first").unwrap();
    a.commit();
    let mut b = a.fork();
    b.insert(&list, 1, "second").unwrap();
    b.put(ROOT, "list", "overwritten").unwrap();
    b.commit();
    let change = b.get_last_local_change().unwrap();
    assert!(!change.other_actor_ids().is_empty());
    assert!(read(change.raw_bytes()).is_none());
}

#[test]
fn compressed_columns_are_left_to_the_engine() {
    let mut doc = AutoCommit::new();
    let text = doc.put_object(ROOT, "note", ObjType::Text).unwrap();
    doc.splice_text(&text, 0, 0, &"Chest pain on exertion. ".repeat(40))
        .unwrap();
    doc.commit();
    let mut change = doc.get_last_local_change().unwrap().clone();
    assert!(
        read(change.raw_bytes()).is_some(),
        "uncompressed, it is read"
    );
    let compressed = change.bytes().into_owned();
    assert!(compressed.len() < change.raw_bytes().len());
    assert!(read(&compressed).is_none());
}

#[test]
fn marks_and_counters_are_left_to_the_engine() {
    let mut marked = AutoCommit::new();
    let text = marked.put_object(ROOT, "note", ObjType::Text).unwrap();
    marked
        .splice_text(&text, 0, 0, "allergic to penicillin")
        .unwrap();
    marked
        .mark(
            &text,
            Mark::new("bold".into(), true, 12, 22),
            ExpandMark::After,
        )
        .unwrap();
    marked.commit();
    assert!(read(marked.get_last_local_change().unwrap().raw_bytes()).is_none());

    let mut counted = AutoCommit::new();
    counted
        .put(ROOT, "visits", ScalarValue::counter(1))
        .unwrap();
    counted.commit();
    assert!(read(counted.get_last_local_change().unwrap().raw_bytes()).is_none());

    let mut incremented = AutoCommit::new();
    incremented
        .put(ROOT, "visits", ScalarValue::counter(1))
        .unwrap();
    incremented.increment(ROOT, "visits", 2).unwrap();
    incremented.commit();
    assert!(read(incremented.get_last_local_change().unwrap().raw_bytes()).is_none());
}

#[test]
fn an_object_id_is_its_counter_and_the_root_is_zero() {
    let mut doc = AutoCommit::new();
    let map: ObjId = doc.put_object(ROOT, "vitals", ObjType::Map).unwrap();
    doc.put(&map, "hr", 72u64).unwrap();
    doc.commit();
    let change = doc.get_last_local_change().unwrap();
    let read = read(change.raw_bytes()).unwrap().ops;
    assert_eq!(read.ops.len(), 2);
    assert_eq!(read.ops[0].obj, 0);
    assert_eq!(read.ops[0].key, OpKey::Map("vitals"));
    assert_eq!(read.ops[0].action, Action::Make(ObjType::Map));
    assert_eq!(read.ops[1].obj, change.start_op().get());
    assert_eq!(read.ops[1].action, Action::Put(ScalarValue::Uint(72)));
}

/// The count taken before the operations are read (so each column is allocated once) is
/// the number of entries the column holds: a repeated run, literal values, a run of nulls;
/// a run past the limit is refused, not allocated.
#[test]
fn a_columns_entries_are_counted_as_the_reader_reads_them() {
    use super::{rle_entries, rle_uints};
    // 3 × 7; literals 1, 2; 4 nulls; 2 × 300 (a two-byte LEB128 value).
    let column = [3, 7, 0x7e, 1, 2, 0, 4, 2, 0xac, 0x02];
    assert_eq!(rle_entries(&column), Some(11));
    assert_eq!(rle_uints(&column, 0).map(|v| v.len()), Some(11));
    assert_eq!(rle_entries(&[]), Some(0));
    // A run of 2^28 nulls.
    assert_eq!(rle_entries(&[0, 0x80, 0x80, 0x80, 0x80, 0x01]), None);
    // Cut off inside a literal run.
    assert_eq!(rle_entries(&[0x7e, 1]), None);
}

/// `bytes` (an uncompressed change) with the data of its column `column` replaced by
/// `data`, the column lengths and the chunk length written again to match.
fn with_column(bytes: &[u8], column: u32, data: &[u8]) -> Vec<u8> {
    use super::Reader;
    fn uleb(mut n: u64, out: &mut Vec<u8>) {
        loop {
            let byte = (n & 0x7f) as u8;
            n >>= 7;
            if n == 0 {
                out.push(byte);
                return;
            }
            out.push(byte | 0x80);
        }
    }
    let mut r = Reader::new(&bytes[9..]);
    let len = r.len().unwrap();
    let body = r.take(len).unwrap();
    let mut r = Reader::new(body);
    let deps = r.len().unwrap();
    r.take(deps * 32).unwrap();
    let actor = r.len().unwrap();
    r.take(actor).unwrap();
    r.uleb().unwrap();
    r.uleb().unwrap();
    r.sleb().unwrap();
    let message = r.len().unwrap();
    r.take(message).unwrap();
    assert_eq!(r.uleb(), Some(0), "no other actors");
    let prefix = &body[..body.len() - r.bytes.len()];
    let columns = r.len().unwrap();
    let specs: Vec<(u32, usize)> = (0..columns)
        .map(|_| (r.uleb().unwrap() as u32, r.len().unwrap()))
        .collect();
    let mut new_body = prefix.to_vec();
    uleb(columns as u64, &mut new_body);
    let mut columns_data = Vec::new();
    for (spec, len) in specs {
        let old = r.take(len).unwrap();
        let new = if spec == column { data } else { old };
        uleb(u64::from(spec), &mut new_body);
        uleb(new.len() as u64, &mut new_body);
        columns_data.extend_from_slice(new);
    }
    new_body.extend_from_slice(&columns_data);
    new_body.extend_from_slice(r.bytes);
    let mut out = bytes[..9].to_vec();
    uleb(new_body.len() as u64, &mut out);
    out.extend_from_slice(&new_body);
    out
}

/// Found by `damaged_bytes_never_read_differently_from_the_engine`: an insert column with
/// fewer flags than the change has operations was read as "no insert" for the rest, where
/// the engine refuses the change (it reads one flag per operation).
#[test]
fn an_insert_column_shorter_than_the_operations_is_not_read() {
    let mut doc = AutoCommit::new();
    let list = doc.put_object(ROOT, "allergies", ObjType::List).unwrap();
    doc.insert(&list, 0, "penicillin").unwrap();
    doc.insert(&list, 1, "latex").unwrap();
    doc.commit();
    let bytes = doc.get_last_local_change().unwrap().raw_bytes().to_vec();
    // One false (the list's creation), then two inserts.
    let whole = with_column(&bytes, super::INSERT, &[1, 2]);
    assert_eq!(whole, bytes, "the rewrite alone changes nothing");
    assert!(read(&whole).is_some());

    let short = with_column(&bytes, super::INSERT, &[1, 1]);
    let refused = Change::try_from(&short[..]).unwrap_err();
    assert!(
        format!("{refused:?}").contains("UnexpectedNull"),
        "the engine refuses it for a missing flag: {refused:?}"
    );
    assert!(read(&short).is_none());
}

/// The same class of damage in the predecessor counts: a count column that runs out, or a
/// null count, was read as "no predecessors" where the engine refuses the change.
#[test]
fn a_predecessor_count_missing_or_null_is_not_read() {
    let mut doc = AutoCommit::new();
    doc.put(ROOT, "phone", "555-0100").unwrap();
    doc.put(ROOT, "phone", "555-0199").unwrap();
    doc.commit();
    let bytes = doc.get_last_local_change().unwrap().raw_bytes().to_vec();
    // Two operations: none before the first, the first before the second (literals 0, 1).
    let whole = with_column(&bytes, super::PRED_GROUP, &[0x7e, 0, 1]);
    assert_eq!(whole, bytes, "the rewrite alone changes nothing");
    assert!(read(&whole).is_some());

    // One count for two operations, then a null count in place of the first.
    for damaged in [&[0x7f, 0][..], &[0, 1, 0x7f, 1][..]] {
        let damaged = with_column(&bytes, super::PRED_GROUP, damaged);
        assert!(Change::try_from(&damaged[..]).is_err());
        assert!(read(&damaged).is_none(), "{damaged:?}");
    }
}
