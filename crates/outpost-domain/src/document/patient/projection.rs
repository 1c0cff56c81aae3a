//! What lists and screens show of a patient, computed purely from the record so every
//! replica that holds the same document shows the same thing (the property test compares
//! these), and the replica only maps it to rows.

use super::{Allergy, AllergyStatus, EmergencyContact, Medication, PatientRecord, Problem, Sex};
use crate::document::link::duplicate_key;
use crate::ids::DocId;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct PatientProjection {
    pub id: DocId,
    pub name: String,
    pub date_of_birth: NaiveDate,
    pub sex: Sex,
    pub mrn: String,
    pub provisional: bool,
    #[ts(optional)]
    pub phone: Option<String>,
    #[ts(optional)]
    pub address: Option<String>,
    #[ts(optional)]
    pub emergency_contact: Option<EmergencyContact>,
    /// Every allergy ever recorded, refuted ones included (shown struck through).
    pub allergies: Vec<Entry<Allergy>>,
    pub medications: Vec<Entry<Medication>>,
    pub problems: Vec<Entry<Problem>>,
    /// Allergens of allergies that are active, for the banner.
    pub active_allergens: Vec<String>,
    /// Normalized name + date of birth + phone, for duplicate detection.
    #[ts(optional)]
    pub duplicate_key: Option<String>,
}

/// One entry of a keyed map with its id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct Entry<T> {
    pub id: String,
    #[serde(flatten)]
    #[ts(flatten)]
    pub entry: T,
}

impl PatientProjection {
    pub fn of(rec: &PatientRecord) -> Self {
        Self {
            id: rec.id,
            name: rec.name.clone(),
            date_of_birth: rec.date_of_birth,
            sex: rec.sex,
            mrn: rec.mrn.clone(),
            provisional: rec.provisional,
            phone: rec.phone.clone(),
            address: rec.address.clone(),
            emergency_contact: rec.emergency_contact.clone(),
            allergies: entries(&rec.allergies),
            medications: entries(&rec.medications),
            problems: entries(&rec.problems),
            active_allergens: rec
                .allergies
                .values()
                .filter(|a| a.status == AllergyStatus::Active)
                .map(|a| a.allergen.clone())
                .collect(),
            duplicate_key: duplicate_key(rec),
        }
    }
}

fn entries<T: Clone>(map: &std::collections::BTreeMap<String, T>) -> Vec<Entry<T>> {
    map.iter()
        .map(|(id, entry)| Entry {
            id: id.clone(),
            entry: entry.clone(),
        })
        .collect()
}
