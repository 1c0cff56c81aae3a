//! The canonical content of an encounter: the exact bytes a signature's content hash is
//! taken over, so every workstation and the server compute the same SHA-256 for the same
//! signed version.
//!
//! The content is the encounter record as hydrated at the signed heads, written as
//! compact JSON (serde_json, no whitespace) of [`CanonicalEncounter`]:
//! - a `format` tag (`outpost.encounter.v1`) first, so a later layout hashes differently;
//! - the header in declaration order: id, patient id, provider, date, encounter type,
//!   specialty, template pin (id, version, content hash);
//! - `fields` as a JSON object with keys sorted by byte order (a `BTreeMap`), numbers as
//!   serde_json writes an `f64` (shortest round-trip form);
//! - `notes` as the four narrative texts in a fixed order (chief complaint, history,
//!   assessment, plan), strings exactly as stored (no normalisation).
//!
//! The workflow status is left out: it is not clinical content, and it says "signed"
//! only because of the signature itself.

use crate::document::encounter::{
    EncounterRecord, EncounterType, FieldValue, NoteTexts, TemplatePin,
};
use crate::ids::DocId;
use serde::Serialize;
use std::collections::BTreeMap;

/// The format tag that opens every canonical encounter.
pub const ENCOUNTER_FORMAT: &str = "outpost.encounter.v1";

/// What is hashed of an encounter (see the module doc for the byte layout).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CanonicalEncounter<'a> {
    pub format: &'static str,
    pub id: DocId,
    pub patient_id: DocId,
    pub provider: &'a str,
    pub date: &'a str,
    pub encounter_type: EncounterType,
    pub specialty: &'a str,
    pub template: &'a TemplatePin,
    pub fields: &'a BTreeMap<String, FieldValue>,
    pub notes: NoteTexts,
}

impl<'a> CanonicalEncounter<'a> {
    pub fn of(record: &'a EncounterRecord) -> Self {
        Self {
            format: ENCOUNTER_FORMAT,
            id: record.id,
            patient_id: record.patient_id,
            provider: &record.provider,
            date: &record.date,
            encounter_type: record.encounter_type,
            specialty: &record.specialty,
            template: &record.template,
            fields: &record.fields,
            notes: record.notes.texts(),
        }
    }

    /// The canonical bytes.
    pub fn bytes(&self) -> Vec<u8> {
        // Serializing plain structs, strings, finite numbers and string-keyed maps cannot
        // fail; an empty result would simply never match a signed hash.
        serde_json::to_vec(self).unwrap_or_default()
    }
}

/// SHA-256 of the canonical content of `record`, hex.
pub fn content_sha256(record: &EncounterRecord) -> String {
    hex::encode(ring::digest::digest(
        &ring::digest::SHA256,
        &CanonicalEncounter::of(record).bytes(),
    ))
}
