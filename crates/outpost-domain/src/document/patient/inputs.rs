//! What a clinician enters to change a patient record: demographics changes and the
//! allergy, medication and problem forms. Unchecked; the edit operations validate them.

use super::{AllergySeverity, AllergyStatus, MedicationStatus, ProblemStatus, Sex};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Changes to demographics; `None` leaves a field as it is. An empty phone, address or
/// emergency contact clears it. Setting an MRN makes it permanent (no longer provisional).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct DemographicsUpdate {
    #[serde(default)]
    #[ts(optional)]
    pub name: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub date_of_birth: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub sex: Option<Sex>,
    #[serde(default)]
    #[ts(optional)]
    pub mrn: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub phone: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub address: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub emergency_contact: Option<EmergencyContactInput>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct EmergencyContactInput {
    pub name: String,
    pub relationship: String,
    pub phone: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct AllergyInput {
    pub allergen: String,
    #[serde(default)]
    #[ts(optional)]
    pub reaction: Option<String>,
    pub severity: AllergySeverity,
    pub status: AllergyStatus,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct MedicationInput {
    pub name: String,
    #[serde(default)]
    #[ts(optional)]
    pub dose: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub route: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub frequency: Option<String>,
    /// ISO date.
    #[serde(default)]
    #[ts(optional)]
    pub start: Option<String>,
    /// ISO date.
    #[serde(default)]
    #[ts(optional)]
    pub stop: Option<String>,
    pub status: MedicationStatus,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct ProblemInput {
    pub description: String,
    #[serde(default)]
    #[ts(optional)]
    pub icd10: Option<String>,
    /// ISO date.
    #[serde(default)]
    #[ts(optional)]
    pub onset: Option<String>,
    pub status: ProblemStatus,
}
