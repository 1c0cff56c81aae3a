//! Resolving a conflict: a clinician keeps one of the concurrent values, and a
//! `Resolution` (which value was kept, which were rejected, by whom, when) is recorded in
//! the document's `resolutions` map, so it travels with the record to every replica.

use super::conflict::{locate, ConflictValue};
use super::{ChangeMeta, Document, LocalChange, RESOLUTIONS_KEY};
use crate::error::DomainError;
use crate::ids::ReplicaId;
use automerge::transaction::Transactable;
use automerge::{ObjType, ReadDoc, ScalarValue, Value, ROOT};
use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use ts_rs::TS;

/// A settled conflict: which value was kept, which were rejected, by whom, when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct Resolution {
    pub path: String,
    pub chosen: ConflictValue,
    pub rejected: Vec<ConflictValue>,
    pub by: String,
    #[ts(type = "number")]
    pub at_ms: i64,
}

impl Document {
    /// Settles the conflict at `path` by keeping `chosen` (one of its values) and records
    /// the resolution in the document. To enter a value nobody wrote, edit the field instead.
    pub fn resolve(
        &mut self,
        actor: ReplicaId,
        meta: &ChangeMeta,
        path: &str,
        chosen: &serde_json::Value,
        by: &str,
    ) -> Result<LocalChange, DomainError> {
        let conflict = self
            .conflicts()
            .into_iter()
            .find(|c| c.path == path)
            .ok_or_else(|| {
                DomainError::invalid("path", format!("there is no open conflict at \"{path}\""))
            })?;
        let pick = conflict
            .values
            .iter()
            .position(|v| &v.value == chosen)
            .ok_or_else(|| {
                DomainError::invalid(
                    "chosen",
                    "choose one of the values in conflict; to enter another value, edit the field",
                )
            })?;
        let (obj, prop) = locate(&self.doc, path).ok_or_else(|| {
            DomainError::invalid("path", format!("\"{path}\" is not a field of this record"))
        })?;
        let keep = match self.doc.get_all(&obj, prop.clone())?.get(pick) {
            Some((Value::Scalar(s), _)) => Keep::Scalar(s.clone().into_owned()),
            Some((Value::Object(_), id)) => Keep::Object(ReadDoc::hydrate(&self.doc, id, None)?),
            None => {
                return Err(DomainError::invalid(
                    "path",
                    "the conflict changed; list it again",
                ))
            }
        };
        let mut rejected = conflict.values.clone();
        let chosen_value = rejected.remove(pick);
        let record = ResolutionDoc {
            path: path.to_owned(),
            chosen: StoredValue::from(&chosen_value),
            rejected: rejected.iter().map(StoredValue::from).collect(),
            by: by.to_owned(),
            at_ms: meta.wall_ms,
        };
        self.doc.set_actor(actor.actor());
        let mut tx = self.doc.transaction();
        match keep {
            Keep::Scalar(s) => tx.put(&obj, prop, s)?,
            Keep::Object(v) => {
                tx.batch_create_object(&obj, prop, &v, false)?;
            }
        }
        let resolutions = match tx.get(ROOT, RESOLUTIONS_KEY)? {
            Some((Value::Object(ObjType::Map), id)) => id,
            _ => tx.put_object(ROOT, RESOLUTIONS_KEY, ObjType::Map)?,
        };
        let key = uuid::Uuid::now_v7().to_string();
        autosurgeon::reconcile_prop(&mut tx, &resolutions, key.as_str(), &record)?;
        let (hash, _) = tx.commit_with(meta.options());
        super::local_change(&self.doc, hash)?
            .ok_or_else(|| DomainError::MalformedChange("the resolution changed nothing".into()))
    }

    /// Every recorded resolution, oldest first.
    pub fn resolutions(&self) -> Result<Vec<Resolution>, DomainError> {
        let mut all: BTreeMap<(i64, String), Resolution> = BTreeMap::new();
        // Documents of schema 1 have no resolutions map until the first resolution; two
        // workstations may create it concurrently, so read every concurrent map.
        for (value, id) in self.doc.get_all(ROOT, RESOLUTIONS_KEY)? {
            if value != Value::Object(ObjType::Map) {
                continue;
            }
            let stored: BTreeMap<String, ResolutionDoc> =
                Hydrate::hydrate_map(&self.doc, &id).map_err(DomainError::from)?;
            for (key, r) in stored {
                all.insert((r.at_ms, key), r.into_resolution()?);
            }
        }
        Ok(all.into_values().collect())
    }
}

enum Keep {
    Scalar(ScalarValue),
    Object(automerge::hydrate::Value),
}

#[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
struct StoredValue {
    /// The value as JSON text.
    value: String,
    author: String,
    wall_ms: i64,
    #[autosurgeon(missing = "Default::default")]
    replica_id: Option<String>,
}

impl From<&ConflictValue> for StoredValue {
    fn from(v: &ConflictValue) -> Self {
        Self {
            value: v.value.to_string(),
            author: v.author.clone(),
            wall_ms: v.wall_ms,
            replica_id: v.replica_id.map(|r| r.to_string()),
        }
    }
}

impl StoredValue {
    fn into_value(self) -> Result<ConflictValue, DomainError> {
        let bad = |reason: String| DomainError::MalformedDocument {
            kind: "resolution",
            reason,
        };
        Ok(ConflictValue {
            value: serde_json::from_str(&self.value).map_err(|e| bad(e.to_string()))?,
            author: self.author,
            wall_ms: self.wall_ms,
            replica_id: self
                .replica_id
                .map(|r| r.parse().map_err(|e: uuid::Error| bad(e.to_string())))
                .transpose()?,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
struct ResolutionDoc {
    path: String,
    chosen: StoredValue,
    rejected: Vec<StoredValue>,
    by: String,
    at_ms: i64,
}

impl ResolutionDoc {
    fn into_resolution(self) -> Result<Resolution, DomainError> {
        Ok(Resolution {
            path: self.path,
            chosen: self.chosen.into_value()?,
            rejected: self
                .rejected
                .into_iter()
                .map(StoredValue::into_value)
                .collect::<Result<_, _>>()?,
            by: self.by,
            at_ms: self.at_ms,
        })
    }
}
