//! Records as Automerge documents. Each record is its own small document whose root map is
//! written and read through autosurgeon, so the Rust types are the schema. A local edit
//! produces exactly one Automerge change; its bytes are what the replica logs and syncs.

use crate::clock::Hlc;
use crate::error::DomainError;
use crate::ids::{DocId, ReplicaId};
use crate::patient::{Patient, Sex};
use crate::vitals::{Observation, VitalsSet, VitalsStatus};
use automerge::transaction::CommitOptions;
use automerge::{Automerge, Change, ChangeHash, ReadDoc};
use autosurgeon::{hydrate, reconcile, Hydrate, Reconcile};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Version of the document layout written by this code. Older documents still load.
pub const SCHEMA_VERSION: u64 = 1;

/// The record kinds Outpost stores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub enum DocKind {
    Patient,
    Vitals,
}

impl DocKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Patient => "patient",
            Self::Vitals => "vitals",
        }
    }

    pub fn parse(s: &str) -> Result<Self, DomainError> {
        match s {
            "patient" => Ok(Self::Patient),
            "vitals" => Ok(Self::Vitals),
            other => Err(DomainError::invalid(
                "kind",
                format!("unknown record kind \"{other}\"; known kinds: patient, vitals"),
            )),
        }
    }
}

/// Who made a change and when, carried inside the Automerge change itself (its message),
/// so the document history is the edit audit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeMeta {
    pub author: String,
    pub wall_ms: i64,
    pub hlc: Hlc,
}

impl ChangeMeta {
    fn options(&self) -> CommitOptions {
        let message = serde_json::to_string(self).unwrap_or_default();
        CommitOptions::default()
            .with_message(message)
            .with_time(self.wall_ms / 1000)
    }

    /// Reads the metadata back from a change's message, if it was written by Outpost.
    pub fn of_change(change: &Change) -> Option<ChangeMeta> {
        change.message().and_then(|m| serde_json::from_str(m).ok())
    }
}

/// A change made locally: its bytes for the log and the wire, and its digest.
#[derive(Debug, Clone)]
pub struct LocalChange {
    pub bytes: Vec<u8>,
    pub digest: String,
}

/// SHA-256 of change bytes, hex encoded: the identity the server checks for a
/// `(replica, counter)` that is sent twice.
pub fn digest(bytes: &[u8]) -> String {
    hex::encode(ring::digest::digest(&ring::digest::SHA256, bytes))
}

#[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
struct PatientDoc {
    schema: u64,
    id: String,
    name: String,
    date_of_birth: String,
    sex: String,
    mrn: String,
}

#[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
struct ObservationDoc {
    field: String,
    loinc: String,
    ucum: String,
    value: f64,
}

#[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
struct VitalsDoc {
    schema: u64,
    id: String,
    patient_id: String,
    taken_at: String,
    taken_by: String,
    status: String,
    observations: Vec<ObservationDoc>,
}

/// One record document.
#[derive(Debug, Clone)]
pub struct Document {
    pub id: DocId,
    pub kind: DocKind,
    doc: Automerge,
}

impl Document {
    /// A new patient document; returns it with the change that created it.
    pub fn create_patient(
        actor: ReplicaId,
        patient: &Patient,
        meta: &ChangeMeta,
    ) -> Result<(Self, LocalChange), DomainError> {
        let value = PatientDoc {
            schema: SCHEMA_VERSION,
            id: patient.id.to_string(),
            name: patient.name.clone(),
            date_of_birth: patient.date_of_birth.format("%Y-%m-%d").to_string(),
            sex: patient.sex.as_str().to_owned(),
            mrn: patient.mrn.clone(),
        };
        Self::create(actor, patient.id, DocKind::Patient, &value, meta)
    }

    /// A new vitals-set document; returns it with the change that created it.
    pub fn create_vitals(
        actor: ReplicaId,
        vitals: &VitalsSet,
        meta: &ChangeMeta,
    ) -> Result<(Self, LocalChange), DomainError> {
        let value = VitalsDoc {
            schema: SCHEMA_VERSION,
            id: vitals.id.to_string(),
            patient_id: vitals.patient_id.to_string(),
            taken_at: vitals.taken_at.to_rfc3339(),
            taken_by: vitals.taken_by.clone(),
            status: match vitals.status {
                VitalsStatus::Final => "final",
                VitalsStatus::EnteredInError => "entered-in-error",
            }
            .to_owned(),
            observations: vitals
                .observations
                .iter()
                .map(|o| ObservationDoc {
                    field: o.field.clone(),
                    loinc: o.loinc.clone(),
                    ucum: o.ucum.clone(),
                    value: o.value,
                })
                .collect(),
        };
        Self::create(actor, vitals.id, DocKind::Vitals, &value, meta)
    }

    fn create<T: Reconcile>(
        actor: ReplicaId,
        id: DocId,
        kind: DocKind,
        value: &T,
        meta: &ChangeMeta,
    ) -> Result<(Self, LocalChange), DomainError> {
        let mut doc = Automerge::new().with_actor(actor.actor());
        let mut tx = doc.transaction();
        reconcile(&mut tx, value)?;
        let (hash, _) = tx.commit_with(meta.options());
        let change = local_change(&doc, hash)?;
        Ok((Self { id, kind, doc }, change))
    }

    /// An empty document that remote changes will fill.
    pub fn empty(id: DocId, kind: DocKind) -> Self {
        Self {
            id,
            kind,
            doc: Automerge::new(),
        }
    }

    /// Loads a saved document.
    pub fn load(id: DocId, kind: DocKind, bytes: &[u8]) -> Result<Self, DomainError> {
        Ok(Self {
            id,
            kind,
            doc: Automerge::load(bytes)?,
        })
    }

    /// Compact bytes for storage.
    pub fn save(&self) -> Vec<u8> {
        self.doc.save()
    }

    /// Heads as hex strings (what a signature or a projection refers to).
    pub fn heads(&self) -> Vec<String> {
        self.doc
            .get_heads()
            .iter()
            .map(ChangeHash::to_string)
            .collect()
    }

    /// Applies changes from other replicas. Applying a change already held does nothing.
    /// A change whose dependencies are missing is refused rather than parked, so the
    /// caller never records as held a change the document does not contain.
    pub fn apply_remote<'a>(
        &mut self,
        changes: impl IntoIterator<Item = &'a [u8]>,
    ) -> Result<(), DomainError> {
        let mut parsed = Vec::new();
        for bytes in changes {
            parsed.push(
                Change::from_bytes(bytes.to_vec())
                    .map_err(|e| DomainError::MalformedChange(e.to_string()))?,
            );
        }
        let mut trial = self.doc.clone();
        trial.apply_changes(parsed)?;
        if !trial.get_missing_deps(&[]).is_empty() {
            return Err(DomainError::MalformedChange(
                "it depends on changes this replica does not have yet".into(),
            ));
        }
        self.doc = trial;
        Ok(())
    }

    /// The patient this document holds.
    pub fn patient(&self) -> Result<Patient, DomainError> {
        let d: PatientDoc = hydrate(&self.doc)?;
        let bad = |reason: String| DomainError::MalformedDocument {
            kind: "patient",
            reason,
        };
        Ok(Patient {
            id: d.id.parse().map_err(|e| bad(format!("id: {e}")))?,
            name: d.name,
            date_of_birth: d
                .date_of_birth
                .parse()
                .map_err(|e| bad(format!("date_of_birth: {e}")))?,
            sex: Sex::parse(&d.sex).map_err(|e| bad(e.to_string()))?,
            mrn: d.mrn,
        })
    }

    /// The vitals set this document holds.
    pub fn vitals(&self) -> Result<VitalsSet, DomainError> {
        let d: VitalsDoc = hydrate(&self.doc)?;
        let bad = |reason: String| DomainError::MalformedDocument {
            kind: "vitals",
            reason,
        };
        Ok(VitalsSet {
            id: d.id.parse().map_err(|e| bad(format!("id: {e}")))?,
            patient_id: d
                .patient_id
                .parse()
                .map_err(|e| bad(format!("patient_id: {e}")))?,
            taken_at: chrono::DateTime::parse_from_rfc3339(&d.taken_at)
                .map_err(|e| bad(format!("taken_at: {e}")))?
                .with_timezone(&chrono::Utc),
            taken_by: d.taken_by,
            status: match d.status.as_str() {
                "entered-in-error" => VitalsStatus::EnteredInError,
                _ => VitalsStatus::Final,
            },
            observations: d
                .observations
                .into_iter()
                .map(|o| Observation {
                    field: o.field,
                    loinc: o.loinc,
                    ucum: o.ucum,
                    value: o.value,
                })
                .collect(),
        })
    }

    /// Whether the document has any content yet (an empty one awaits its first change).
    pub fn is_empty(&self) -> bool {
        self.doc.get_heads().is_empty()
    }
}

fn local_change(doc: &Automerge, hash: Option<ChangeHash>) -> Result<LocalChange, DomainError> {
    let change = hash
        .and_then(|h| doc.get_change_by_hash(&h))
        .ok_or_else(|| DomainError::MalformedChange("the edit changed nothing".into()))?;
    let bytes = change.raw_bytes().to_vec();
    Ok(LocalChange {
        digest: digest(&bytes),
        bytes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::patient::NewPatient;
    use chrono::NaiveDate;

    fn meta() -> ChangeMeta {
        ChangeMeta {
            author: "nurse.kim".into(),
            wall_ms: 1_763_800_000_000,
            hlc: Hlc::default(),
        }
    }

    fn patient() -> Patient {
        NewPatient {
            name: "Amara Okafor".into(),
            date_of_birth: "1984-03-07".into(),
            sex: Sex::Female,
            mrn: "MRN-1".into(),
        }
        .validate(DocId::new(), NaiveDate::from_ymd_opt(2026, 1, 1).unwrap())
        .unwrap()
    }

    #[test]
    fn a_patient_round_trips_through_a_change_on_another_replica() {
        let p = patient();
        let (doc, change) = Document::create_patient(ReplicaId::new(), &p, &meta()).unwrap();
        assert_eq!(doc.patient().unwrap(), p);
        let mut other = Document::empty(p.id, DocKind::Patient);
        other.apply_remote([change.bytes.as_slice()]).unwrap();
        other.apply_remote([change.bytes.as_slice()]).unwrap();
        assert_eq!(other.patient().unwrap(), p);
        assert_eq!(other.heads(), doc.heads());
        let reloaded = Document::load(p.id, DocKind::Patient, &other.save()).unwrap();
        assert_eq!(reloaded.patient().unwrap(), p);
    }

    #[test]
    fn the_change_carries_author_and_clock() {
        let (doc, change) =
            Document::create_patient(ReplicaId::new(), &patient(), &meta()).unwrap();
        let parsed = Change::from_bytes(change.bytes.clone()).unwrap();
        assert_eq!(ChangeMeta::of_change(&parsed), Some(meta()));
        assert_eq!(change.digest, digest(&change.bytes));
        assert!(!doc.is_empty());
    }

    #[test]
    fn garbage_bytes_are_refused_and_the_document_is_unchanged() {
        let p = patient();
        let (mut doc, _) = Document::create_patient(ReplicaId::new(), &p, &meta()).unwrap();
        let before = doc.heads();
        assert!(doc.apply_remote([b"not a change".as_slice()]).is_err());
        assert_eq!(doc.heads(), before);
    }
}
