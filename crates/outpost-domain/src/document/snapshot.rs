//! Reading a record out of a document costs autosurgeon one engine lookup per field, and in
//! Automerge 0.12 each lookup costs about a microsecond and a half, while reading all of an
//! object's entries in one pass costs little more than one lookup. [`Snapshot`] is the
//! document as autosurgeon reads it ([`autosurgeon::ReadDoc`]), answering lookups from
//! each object's entries, read in one pass the first time the object is asked about: the
//! typed mapping stays autosurgeon's, only the reads are batched.
//!
//! Every answer is the engine's own: a map entry or list item is what the engine's range
//! iteration reports for it, which is what the engine's lookup reports (the winning value of
//! concurrent ones, with its object id). Whatever is not a map or list entry (text, lengths
//! of anything but lists, parents, ranges) is asked of the engine directly.

use automerge::iter::{ListRange, MapRange};
use automerge::{AutomergeError, ChangeHash, ObjId, ObjType, Parents, Prop, Value};
use autosurgeon::ReadDoc;
use std::cell::RefCell;
use std::collections::HashMap;
use std::ops::RangeBounds;

/// The entries of one object, as read in one pass.
enum Entries {
    Map(HashMap<String, (Value<'static>, ObjId)>),
    List(Vec<(Value<'static>, ObjId)>),
    /// Text, tables, unknown ids: asked of the engine each time.
    Engine,
}

/// A read-only view of a document for one read (see the module docs).
pub(crate) struct Snapshot<'a> {
    doc: &'a automerge::Automerge,
    objects: RefCell<HashMap<ObjId, Entries>>,
}

impl<'a> Snapshot<'a> {
    pub(crate) fn of(doc: &'a automerge::Automerge) -> Self {
        Self {
            doc,
            objects: RefCell::new(HashMap::new()),
        }
    }

    fn read(&self, obj: &ObjId) -> Entries {
        use automerge::ReadDoc as Engine;
        match Engine::object_type(self.doc, obj) {
            Ok(ObjType::Map) => Entries::Map(
                Engine::map_range(self.doc, obj, ..)
                    .map(|item| {
                        let id = item.id();
                        (item.key.into_owned(), (item.value.into(), id))
                    })
                    .collect(),
            ),
            Ok(ObjType::List) => Entries::List(
                Engine::list_range(self.doc, obj, ..)
                    .map(|item| {
                        let id = item.id();
                        (item.value.into(), id)
                    })
                    .collect(),
            ),
            Ok(ObjType::Table | ObjType::Text) | Err(_) => Entries::Engine,
        }
    }

    /// Runs `answer` on the entries of `obj`, reading them first if needed.
    fn with<R>(&self, obj: &ObjId, answer: impl FnOnce(&Entries) -> R) -> R {
        if let Some(entries) = self.objects.borrow().get(obj) {
            return answer(entries);
        }
        let entries = self.read(obj);
        let out = answer(&entries);
        self.objects.borrow_mut().insert(obj.clone(), entries);
        out
    }
}

/// What the snapshot answers by itself, `None` when the engine must be asked.
type Answer = Option<Option<(Value<'static>, ObjId)>>;

impl ReadDoc for Snapshot<'_> {
    type Parents<'b>
        = Parents<'b>
    where
        Self: 'b;

    fn get_heads(&self) -> Vec<ChangeHash> {
        self.doc.get_heads()
    }

    fn get<P: Into<Prop>>(
        &self,
        obj: &ObjId,
        prop: P,
    ) -> Result<Option<(Value<'_>, ObjId)>, AutomergeError> {
        let prop = prop.into();
        let answer: Answer = self.with(obj, |entries| match (entries, &prop) {
            (Entries::Map(map), Prop::Map(key)) => Some(map.get(key.as_str()).cloned()),
            (Entries::List(list), Prop::Seq(index)) => Some(list.get(*index).cloned()),
            _ => None,
        });
        match answer {
            Some(found) => Ok(found),
            None => automerge::ReadDoc::get(self.doc, obj, prop),
        }
    }

    fn object_type<O: AsRef<ObjId>>(&self, obj: O) -> Option<ObjType> {
        ReadDoc::object_type(self.doc, obj)
    }

    fn map_range<'b, O, R>(&'b self, obj: O, range: R) -> MapRange<'b>
    where
        R: RangeBounds<String> + 'b,
        O: AsRef<ObjId>,
    {
        ReadDoc::map_range(self.doc, obj, range)
    }

    fn list_range<O: AsRef<ObjId>, R: RangeBounds<usize>>(
        &self,
        obj: O,
        range: R,
    ) -> ListRange<'_> {
        ReadDoc::list_range(self.doc, obj, range)
    }

    fn length<O: AsRef<ObjId>>(&self, obj: O) -> usize {
        let obj = obj.as_ref();
        match self.with(obj, |entries| match entries {
            Entries::List(list) => Some(list.len()),
            Entries::Map(_) | Entries::Engine => None,
        }) {
            Some(len) => len,
            None => ReadDoc::length(self.doc, obj),
        }
    }

    fn text<O: AsRef<ObjId>>(&self, obj: O) -> Result<String, AutomergeError> {
        ReadDoc::text(self.doc, obj)
    }

    fn parents<O: AsRef<ObjId>>(&self, obj: O) -> Result<Self::Parents<'_>, AutomergeError> {
        ReadDoc::parents(self.doc, obj)
    }

    fn is_empty(&self) -> bool {
        ReadDoc::is_empty(self.doc)
    }
}

#[cfg(test)]
mod tests {
    use super::Snapshot;
    use automerge::transaction::Transactable;
    use automerge::{ActorId, Automerge, ObjId, ObjType, Prop, ReadDoc as Engine, ROOT};
    use autosurgeon::ReadDoc;

    /// A document with every shape the records use, including values written concurrently
    /// on two actors: map keys and list items in conflict, a list item deleted, and a map
    /// replaced by a scalar on one side and by a new map on the other.
    fn tangled() -> Automerge {
        let mut a = Automerge::new().with_actor(ActorId::from(b"a".as_slice()));
        let mut tx = a.transaction();
        tx.put(ROOT, "name", "Amara").unwrap();
        tx.put(ROOT, "age", 41_i64).unwrap();
        let list = tx.put_object(ROOT, "items", ObjType::List).unwrap();
        for i in 0..4_i64 {
            let item = tx.insert_object(&list, i as usize, ObjType::Map).unwrap();
            tx.put(&item, "id", format!("item-{i}")).unwrap();
            tx.put(&item, "value", i as f64 / 2.0).unwrap();
        }
        let note = tx.put_object(ROOT, "note", ObjType::Text).unwrap();
        tx.splice_text(&note, 0, 0, "38 °C, Müller").unwrap();
        tx.put_object(ROOT, "nested", ObjType::Map).unwrap();
        tx.commit();
        let mut b = a.fork().with_actor(ActorId::from(b"b".as_slice()));
        let mut tx = a.transaction();
        tx.put(ROOT, "name", "Amara O.").unwrap();
        tx.put(&list, 1, 7_i64).unwrap();
        tx.put(ROOT, "nested", "flat now").unwrap();
        tx.commit();
        let mut tx = b.transaction();
        tx.put(ROOT, "name", "A. Okafor").unwrap();
        let (_, list_b) = Engine::get(&tx, ROOT, "items").unwrap().unwrap();
        tx.put(&list_b, 1, "seven").unwrap();
        tx.delete(&list_b, 3).unwrap();
        let nested = tx.put_object(ROOT, "nested", ObjType::Map).unwrap();
        tx.put(&nested, "id", "from b").unwrap();
        tx.commit();
        a.merge(&mut b).unwrap();
        a
    }

    fn objects(doc: &Automerge) -> Vec<ObjId> {
        let mut out = vec![ROOT];
        let mut at = 0;
        while at < out.len() {
            let obj = out[at].clone();
            at += 1;
            let props: Vec<Prop> = match Engine::object_type(doc, &obj) {
                Ok(ObjType::List) => (0..Engine::length(doc, &obj)).map(Prop::Seq).collect(),
                Ok(ObjType::Map) => Engine::keys(doc, &obj).map(Prop::Map).collect(),
                _ => Vec::new(),
            };
            for prop in props {
                for (value, id) in Engine::get_all(doc, &obj, prop).unwrap() {
                    if let automerge::Value::Object(_) = value {
                        out.push(id);
                    }
                }
            }
        }
        out
    }

    #[test]
    fn every_answer_is_the_engines() {
        let doc = tangled();
        assert!(Engine::get_all(&doc, ROOT, "name").unwrap().len() > 1);
        let snap = Snapshot::of(&doc);
        let all = objects(&doc);
        assert_eq!(all.len(), 6, "{all:?}");
        for obj in &all {
            let mut props: Vec<Prop> = Engine::keys(&doc, obj).map(Prop::Map).collect();
            props.extend((0..=Engine::length(&doc, obj) + 1).map(Prop::Seq));
            props.extend(["missing", "id", "value"].map(|k| Prop::Map(k.into())));
            for prop in props {
                // Twice: the first read fills the snapshot, the second is answered from it.
                for _ in 0..2 {
                    let ours = ReadDoc::get(&snap, obj, prop.clone()).map_err(|e| e.to_string());
                    let engine = Engine::get(&doc, obj, prop.clone()).map_err(|e| e.to_string());
                    assert_eq!(ours, engine, "{obj:?} {prop:?}");
                }
            }
            assert_eq!(ReadDoc::length(&snap, obj), Engine::length(&doc, obj));
            assert_eq!(
                ReadDoc::object_type(&snap, obj),
                Engine::object_type(&doc, obj).ok()
            );
        }
        let (_, note) = Engine::get(&doc, ROOT, "note").unwrap().unwrap();
        assert_eq!(ReadDoc::text(&snap, &note).unwrap(), "38 °C, Müller");
    }
}
