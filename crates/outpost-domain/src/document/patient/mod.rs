//! The patient record as a document (schema 2): demographics at the root (where schema 1
//! wrote name, date of birth, sex and MRN, so those documents still load), and allergies,
//! medications and problems as keyed maps (entry id → entry). Entries are never deleted:
//! a wrong allergy is `refuted`, a medication `stopped` or `entered-in-error`, so adding is
//! always safe to merge (add-wins) and concurrent edits of one entry merge field by field.
//!
//! Schema-1 documents gain a new field only when an edit sets it (an edit never writes an
//! empty map or an absent optional field), so two workstations' first edits do not race
//! to create the same map. Documents created by schema 2 hold every map from their first
//! change, so concurrent additions always land in the same map.

mod edit;
mod inputs;
mod projection;
mod registration;
mod words;

pub use edit::*;
pub use inputs::*;
pub use projection::*;
pub use registration::*;
pub use words::*;

use crate::document::values::{iso_date, keyed_map, opt_iso_date};
use crate::document::{ChangeMeta, DocKind, Document, LocalChange, SCHEMA_VERSION};
use crate::error::DomainError;
use crate::ids::{DocId, ReplicaId};
use autosurgeon::{Hydrate, Reconcile};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use ts_rs::TS;

/// A patient document's root.
#[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
pub struct PatientRecord {
    pub schema: u64,
    pub id: DocId,
    pub name: String,
    #[autosurgeon(with = "iso_date")]
    pub date_of_birth: NaiveDate,
    pub sex: Sex,
    pub mrn: String,
    /// The MRN came from the workstation's provisional block and awaits a permanent one.
    #[autosurgeon(missing = "Default::default")]
    pub provisional: bool,
    #[autosurgeon(missing = "Default::default")]
    pub phone: Option<String>,
    #[autosurgeon(missing = "Default::default")]
    pub address: Option<String>,
    #[autosurgeon(missing = "Default::default")]
    pub emergency_contact: Option<EmergencyContact>,
    #[autosurgeon(with = "keyed_map", missing = "Default::default")]
    pub allergies: BTreeMap<String, Allergy>,
    #[autosurgeon(with = "keyed_map", missing = "Default::default")]
    pub medications: BTreeMap<String, Medication>,
    #[autosurgeon(with = "keyed_map", missing = "Default::default")]
    pub problems: BTreeMap<String, Problem>,
}

impl PatientRecord {
    /// A schema-2 record holding what a schema-1 registration knew.
    pub fn from_patient(p: &Patient) -> Self {
        Self {
            schema: SCHEMA_VERSION,
            id: p.id,
            name: p.name.clone(),
            date_of_birth: p.date_of_birth,
            sex: p.sex,
            mrn: p.mrn.clone(),
            provisional: false,
            phone: None,
            address: None,
            emergency_contact: None,
            allergies: BTreeMap::new(),
            medications: BTreeMap::new(),
            problems: BTreeMap::new(),
        }
    }

    /// The short summary lists show.
    pub fn summary(&self) -> Patient {
        Patient {
            id: self.id,
            name: self.name.clone(),
            date_of_birth: self.date_of_birth,
            sex: self.sex,
            mrn: self.mrn.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct EmergencyContact {
    pub name: String,
    pub relationship: String,
    pub phone: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct Allergy {
    pub allergen: String,
    #[ts(optional)]
    #[autosurgeon(missing = "Default::default")]
    pub reaction: Option<String>,
    pub severity: AllergySeverity,
    pub status: AllergyStatus,
}

#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct Medication {
    pub name: String,
    #[ts(optional)]
    #[autosurgeon(missing = "Default::default")]
    pub dose: Option<String>,
    #[ts(optional)]
    #[autosurgeon(missing = "Default::default")]
    pub route: Option<String>,
    #[ts(optional)]
    #[autosurgeon(missing = "Default::default")]
    pub frequency: Option<String>,
    #[autosurgeon(with = "opt_iso_date", missing = "Default::default")]
    #[ts(optional)]
    pub start: Option<NaiveDate>,
    #[autosurgeon(with = "opt_iso_date", missing = "Default::default")]
    #[ts(optional)]
    pub stop: Option<NaiveDate>,
    pub status: MedicationStatus,
}

#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct Problem {
    pub description: String,
    /// ICD-10 code, upper case, e.g. `E11.9`.
    #[ts(optional)]
    #[autosurgeon(missing = "Default::default")]
    pub icd10: Option<String>,
    #[autosurgeon(with = "opt_iso_date", missing = "Default::default")]
    #[ts(optional)]
    pub onset: Option<NaiveDate>,
    pub status: ProblemStatus,
}

impl Document {
    /// A new patient document for a registered record.
    pub fn create_patient_record(
        actor: ReplicaId,
        record: &PatientRecord,
        meta: &ChangeMeta,
    ) -> Result<(Self, LocalChange), DomainError> {
        Self::create(actor, record.id, DocKind::Patient, record, meta)
    }

    /// A new patient document from a schema-1 registration (no contact details yet).
    pub fn create_patient(
        actor: ReplicaId,
        patient: &Patient,
        meta: &ChangeMeta,
    ) -> Result<(Self, LocalChange), DomainError> {
        Self::create_patient_record(actor, &PatientRecord::from_patient(patient), meta)
    }

    /// The patient record this document holds.
    pub fn patient_record(&self) -> Result<PatientRecord, DomainError> {
        self.read()
    }

    /// The summary of the patient this document holds.
    pub fn patient(&self) -> Result<Patient, DomainError> {
        Ok(self.patient_record()?.summary())
    }
}
