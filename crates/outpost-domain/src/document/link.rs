//! Patient links and duplicate detection. Two registrations of one person (typically made
//! offline on two workstations) are found by a duplicate key and, after human review,
//! linked: a small `patient_link` document says which record survives and which is merged
//! into it, who decided and why. Neither patient document is rewritten, and undoing the
//! link (again with who, when and why) restores both.

use crate::document::patient::{PatientProjection, PatientRecord};
use crate::document::values::{opt_rfc3339, rfc3339, short_text};
use crate::document::{ChangeMeta, DocKind, Document, LocalChange, SCHEMA_VERSION};
use crate::error::DomainError;
use crate::ids::{DocId, ReplicaId};
use autosurgeon::{Hydrate, Reconcile};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use ts_rs::TS;
use unicode_normalization::{char::is_combining_mark, UnicodeNormalization};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Reconcile, Hydrate, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub enum LinkStatus {
    #[autosurgeon(rename = "active")]
    Active,
    #[autosurgeon(rename = "undone")]
    Undone,
}

/// A patient link document's root: `merged` is the same person as `survivor`.
#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct PatientLink {
    pub schema: u64,
    pub id: DocId,
    pub survivor: DocId,
    pub merged: DocId,
    pub reason: String,
    pub linked_by: String,
    #[autosurgeon(with = "rfc3339")]
    pub linked_at: DateTime<Utc>,
    pub status: LinkStatus,
    #[ts(optional)]
    #[autosurgeon(missing = "Default::default")]
    pub undone_by: Option<String>,
    #[autosurgeon(with = "opt_rfc3339", missing = "Default::default")]
    #[ts(optional)]
    pub undone_at: Option<DateTime<Utc>>,
    #[ts(optional)]
    #[autosurgeon(missing = "Default::default")]
    pub undo_reason: Option<String>,
}

impl PatientLink {
    /// A new active link, checked: two different patients, a reason and who decided.
    pub fn new(
        id: DocId,
        survivor: DocId,
        merged: DocId,
        reason: &str,
        linked_by: &str,
        linked_at: DateTime<Utc>,
    ) -> Result<Self, DomainError> {
        let mut errors = Vec::new();
        if survivor == merged {
            errors.push(crate::patient::field(
                "merged",
                "a patient cannot be merged into itself; choose two different patients",
            ));
        }
        let reason = short_text(&mut errors, "reason", reason, true);
        let linked_by = short_text(&mut errors, "linked_by", linked_by, true);
        if !errors.is_empty() {
            return Err(DomainError::Invalid(errors));
        }
        Ok(Self {
            schema: SCHEMA_VERSION,
            id,
            survivor,
            merged,
            reason,
            linked_by,
            linked_at,
            status: LinkStatus::Active,
            undone_by: None,
            undone_at: None,
            undo_reason: None,
        })
    }

    /// Undoes the link: both patients are separate again. The link stays, as history.
    pub fn undo(&mut self, by: &str, at: DateTime<Utc>, reason: &str) -> Result<(), DomainError> {
        if self.status == LinkStatus::Undone {
            return Err(DomainError::invalid(
                "status",
                "this merge is already undone",
            ));
        }
        let mut errors = Vec::new();
        let reason = short_text(&mut errors, "reason", reason, true);
        let by = short_text(&mut errors, "undone_by", by, true);
        if !errors.is_empty() {
            return Err(DomainError::Invalid(errors));
        }
        self.status = LinkStatus::Undone;
        self.undone_by = Some(by);
        self.undone_at = Some(at);
        self.undo_reason = Some(reason);
        Ok(())
    }
}

impl Document {
    pub fn create_patient_link(
        actor: ReplicaId,
        link: &PatientLink,
        meta: &ChangeMeta,
    ) -> Result<(Self, LocalChange), DomainError> {
        Self::create(actor, link.id, DocKind::PatientLink, link, meta)
    }

    pub fn patient_link(&self) -> Result<PatientLink, DomainError> {
        self.read()
    }
}

/// The key two registrations of one person share: the name lower-cased, without
/// diacritics, letters only, its words sorted; the date of birth; the last nine digits of
/// the phone. `None` when the name has no letters or there is no phone number.
pub fn duplicate_key(p: &PatientRecord) -> Option<String> {
    duplicate_key_of(&p.name, p.date_of_birth, p.phone.as_deref())
}

/// [`duplicate_key`] from its parts.
pub fn duplicate_key_of(
    name: &str,
    date_of_birth: NaiveDate,
    phone: Option<&str>,
) -> Option<String> {
    let folded: String = name
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .map(|c| if c.is_alphabetic() { c } else { ' ' })
        .collect();
    let mut words: Vec<&str> = folded.split_whitespace().collect();
    words.sort_unstable();
    let digits: Vec<char> = phone?.chars().filter(char::is_ascii_digit).collect();
    let phone: String = digits[digits.len().saturating_sub(9)..].iter().collect();
    if words.is_empty() || phone.is_empty() {
        return None;
    }
    Some(format!("{}|{date_of_birth}|{phone}", words.join(" ")))
}

/// Patients merged into another by an active link: no longer live.
pub fn merged_patients(links: &[PatientLink]) -> BTreeSet<DocId> {
    links
        .iter()
        .filter(|l| l.status == LinkStatus::Active)
        .map(|l| l.merged)
        .collect()
}

/// Groups of two or more live patients sharing a duplicate key, to flag for review. Each
/// group and the list are sorted, so every replica reports the same groups.
pub fn possible_duplicates(
    patients: &[PatientProjection],
    links: &[PatientLink],
) -> Vec<Vec<DocId>> {
    let merged = merged_patients(links);
    let mut by_key: BTreeMap<&str, BTreeSet<DocId>> = BTreeMap::new();
    for p in patients.iter().filter(|p| !merged.contains(&p.id)) {
        if let Some(key) = p.duplicate_key.as_deref() {
            by_key.entry(key).or_default().insert(p.id);
        }
    }
    by_key
        .into_values()
        .filter(|ids| ids.len() > 1)
        .map(|ids| ids.into_iter().collect())
        .collect()
}
