//! Conflicts: one field given different values concurrently on two workstations. Automerge
//! keeps every concurrent value (a multi-value register); this module lists them with who
//! wrote each and when (resolving one is in `resolution.rs`). Nothing is ever settled by
//! wall clock.
//!
//! This is the one generic walk over a document's Automerge tree: it is about registers,
//! not about mapping records (that is autosurgeon's job). Paths are dotted: map keys, and
//! for list items the item's `id` field when it has one (its index otherwise); a `.` or
//! `\` inside a key is escaped with `\`.

use super::{replica_of, ChangeMeta, Document, RESOLUTIONS_KEY};
use crate::ids::ReplicaId;
use automerge::{ActorId, Automerge, ObjId, ObjType, Prop, ReadDoc, ScalarValue, Value, ROOT};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use ts_rs::TS;

/// One field with concurrent different values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct Conflict {
    /// Dotted path of the field, e.g. `phone` or `allergies.<id>.severity`.
    pub path: String,
    /// Every concurrent value, in Automerge's deterministic order (the same on every replica).
    pub values: Vec<ConflictValue>,
}

/// One of the concurrent values and the change that wrote it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct ConflictValue {
    #[ts(type = "unknown")]
    pub value: serde_json::Value,
    /// Author of the change; empty if the change carries no Outpost metadata.
    pub author: String,
    /// The author's wall clock when writing it (ms since the epoch; 0 if unknown).
    #[ts(type = "number")]
    pub wall_ms: i64,
    #[ts(optional)]
    pub replica_id: Option<ReplicaId>,
}

impl Document {
    /// Every open conflict, sorted by path. Concurrent writes of the same value are not
    /// conflicts; narrative text never conflicts (it merges character-wise). A document
    /// whose history is one line has none, and is not walked
    /// ([`Document::has_concurrent_history`]).
    pub fn conflicts(&self) -> Vec<Conflict> {
        if !self.has_concurrent_history() {
            return Vec::new();
        }
        let authors = Authors::of(&self.doc);
        let mut out = Vec::new();
        walk(&self.doc, &ROOT, &mut Vec::new(), &authors, &mut out);
        out.sort_by(|a, b| a.path.cmp(&b.path));
        out
    }
}

/// Which change wrote an operation: changes by actor, with the op counters they cover.
struct Authors(HashMap<ActorId, Vec<(u64, u64, Option<ChangeMeta>)>>);

impl Authors {
    fn of(doc: &Automerge) -> Self {
        let mut map: HashMap<ActorId, Vec<(u64, u64, Option<ChangeMeta>)>> = HashMap::new();
        for c in doc.get_changes_meta(&[]) {
            map.entry(c.actor.into_owned()).or_default().push((
                c.start_op,
                c.max_op + 1,
                c.message.as_deref().and_then(ChangeMeta::of_message),
            ));
        }
        Self(map)
    }

    fn value(&self, op: &ObjId, value: serde_json::Value) -> ConflictValue {
        let (actor, counter) = match op {
            ObjId::Id(counter, actor, _) => (Some(actor), *counter),
            ObjId::Root => (None, 0),
        };
        let meta = actor
            .and_then(|a| self.0.get(a))
            .and_then(|changes| {
                changes
                    .iter()
                    .find(|(start, end, _)| (*start..*end).contains(&counter))
            })
            .and_then(|(_, _, meta)| meta.clone());
        ConflictValue {
            value,
            author: meta.as_ref().map(|m| m.author.clone()).unwrap_or_default(),
            wall_ms: meta.map(|m| m.wall_ms).unwrap_or_default(),
            replica_id: actor.and_then(replica_of),
        }
    }
}

fn walk(
    doc: &Automerge,
    obj: &ObjId,
    path: &mut Vec<String>,
    a: &Authors,
    out: &mut Vec<Conflict>,
) {
    match doc.object_type(obj) {
        Ok(ObjType::Map | ObjType::Table) => {
            for key in doc.keys(obj) {
                if *obj == ROOT && key == RESOLUTIONS_KEY {
                    continue;
                }
                visit(doc, obj, Prop::Map(key.clone()), key, path, a, out);
            }
        }
        Ok(ObjType::List) => {
            for i in 0..doc.length(obj) {
                let component = list_component(doc, obj, i);
                visit(doc, obj, Prop::Seq(i), component, path, a, out);
            }
        }
        Ok(ObjType::Text) | Err(_) => {}
    }
}

fn visit(
    doc: &Automerge,
    obj: &ObjId,
    prop: Prop,
    component: String,
    path: &mut Vec<String>,
    a: &Authors,
    out: &mut Vec<Conflict>,
) {
    path.push(escape(&component));
    let all = doc.get_all(obj, prop).unwrap_or_default();
    if all.len() > 1 {
        let values: Vec<ConflictValue> = all
            .iter()
            .map(|(v, id)| a.value(id, json_of(doc, v, id)))
            .collect();
        if values.iter().any(|v| v.value != values[0].value) {
            out.push(Conflict {
                path: path.join("."),
                values,
            });
        }
    }
    // The value every reader sees is the first of `get_all` (the winner); look inside it.
    if let Some((Value::Object(_), id)) = all.first() {
        walk(doc, id, path, a, out);
    }
    path.pop();
}

/// A list item's path component: its `id` field when it is a record with one.
fn list_component(doc: &Automerge, list: &ObjId, index: usize) -> String {
    if let Ok(Some((Value::Object(ObjType::Map), item))) = doc.get(list, index) {
        if let Ok(Some((Value::Scalar(s), _))) = doc.get(&item, "id") {
            if let ScalarValue::Str(id) = s.as_ref() {
                return id.to_string();
            }
        }
    }
    index.to_string()
}

/// Finds the object and property a conflict path names.
pub(super) fn locate(doc: &Automerge, path: &str) -> Option<(ObjId, Prop)> {
    let parts = split(path);
    let (last, parents) = parts.split_last()?;
    let mut obj = ROOT;
    for part in parents {
        let prop = prop_in(doc, &obj, part)?;
        match doc.get(&obj, prop).ok()?? {
            (Value::Object(_), id) => obj = id,
            _ => return None,
        }
    }
    let prop = prop_in(doc, &obj, last)?;
    Some((obj, prop))
}

fn prop_in(doc: &Automerge, obj: &ObjId, component: &str) -> Option<Prop> {
    match doc.object_type(obj).ok()? {
        ObjType::Map | ObjType::Table => Some(Prop::Map(component.to_owned())),
        ObjType::List => (0..doc.length(obj))
            .find(|i| list_component(doc, obj, *i) == component)
            .map(Prop::Seq),
        ObjType::Text => None,
    }
}

fn escape(component: &str) -> String {
    component.replace('\\', "\\\\").replace('.', "\\.")
}

fn split(path: &str) -> Vec<String> {
    let mut parts = vec![String::new()];
    let mut chars = path.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => parts
                .last_mut()
                .into_iter()
                .for_each(|p| p.extend(chars.next())),
            '.' => parts.push(String::new()),
            c => parts.last_mut().into_iter().for_each(|p| p.push(c)),
        }
    }
    parts
}

fn json_of(doc: &Automerge, value: &Value<'_>, id: &ObjId) -> serde_json::Value {
    match value {
        Value::Scalar(s) => scalar_json(s),
        Value::Object(_) => ReadDoc::hydrate(doc, id, None)
            .map(|v| hydrated_json(&v))
            .unwrap_or(serde_json::Value::Null),
    }
}

fn scalar_json(s: &ScalarValue) -> serde_json::Value {
    use serde_json::Value as J;
    match s {
        ScalarValue::Str(s) => J::String(s.to_string()),
        ScalarValue::Int(i) | ScalarValue::Timestamp(i) => J::from(*i),
        ScalarValue::Uint(u) => J::from(*u),
        ScalarValue::F64(f) => J::from(*f),
        ScalarValue::Counter(c) => J::from(i64::from(c)),
        ScalarValue::Boolean(b) => J::Bool(*b),
        ScalarValue::Bytes(b) => J::String(hex::encode(b)),
        ScalarValue::Unknown { .. } | ScalarValue::Null => J::Null,
    }
}

fn hydrated_json(v: &automerge::hydrate::Value) -> serde_json::Value {
    use automerge::hydrate::Value as H;
    match v {
        H::Scalar(s) => scalar_json(s),
        H::Text(t) => serde_json::Value::String(t.to_string()),
        H::List(l) => l.iter().map(|i| hydrated_json(&i.value)).collect(),
        H::Map(m) => m
            .iter()
            .map(|(k, v)| (k.clone(), hydrated_json(&v.value)))
            .collect::<serde_json::Map<_, _>>()
            .into(),
    }
}

#[cfg(test)]
mod tests {
    use super::{escape, split};

    #[test]
    fn paths_with_dots_in_keys_round_trip() {
        let parts = ["fields", "bp.sys", "a\\b"];
        let path: Vec<String> = parts.iter().map(|p| escape(p)).collect();
        assert_eq!(split(&path.join(".")), parts);
    }
}
