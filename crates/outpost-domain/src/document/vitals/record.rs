//! The vitals set as a document (schema 2). A vitals set is an immutable observation: its
//! values never change after it is written. The only permitted edit is marking it
//! entered-in-error with a reason, which keeps the values readable (shown struck
//! through). The record's fields are private so no other edit can be written through
//! `Document::edit`, and [`check_vitals_change`] lets a receiver verify that a change
//! from elsewhere kept to that rule.

use super::{Observation, VitalsSet, VitalsStatus};
use crate::document::values::{optional_text, rfc3339, SHORT_TEXT_MAX};
use crate::document::{ChangeMeta, DocKind, Document, LocalChange, SCHEMA_VERSION};
use crate::error::DomainError;
use crate::ids::{DocId, ReplicaId};
use autosurgeon::{Hydrate, Reconcile};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A vitals document's root.
#[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
pub struct VitalsRecord {
    schema: u64,
    id: DocId,
    patient_id: DocId,
    #[autosurgeon(with = "rfc3339")]
    taken_at: DateTime<Utc>,
    taken_by: String,
    status: VitalsStatus,
    observations: Vec<Observation>,
    /// e.g. sitting, standing, lying.
    #[autosurgeon(missing = "Default::default")]
    position: Option<String>,
    #[autosurgeon(missing = "Default::default")]
    notes: Option<String>,
    #[autosurgeon(missing = "Default::default")]
    entered_in_error_reason: Option<String>,
}

impl VitalsRecord {
    /// A record for a validated set, with optional position and notes.
    pub fn new(
        set: &VitalsSet,
        position: Option<&str>,
        notes: Option<&str>,
    ) -> Result<Self, DomainError> {
        let mut errors = Vec::new();
        let position = optional_text(&mut errors, "position", position);
        let notes = optional_text(&mut errors, "notes", notes);
        if !errors.is_empty() {
            return Err(DomainError::Invalid(errors));
        }
        Ok(Self {
            schema: SCHEMA_VERSION,
            id: set.id,
            patient_id: set.patient_id,
            taken_at: set.taken_at,
            taken_by: set.taken_by.clone(),
            status: set.status,
            observations: set.observations.clone(),
            position,
            notes,
            entered_in_error_reason: None,
        })
    }

    /// Marks the set as entered in error. The values stay as they were.
    pub fn mark_entered_in_error(&mut self, reason: &str) -> Result<(), DomainError> {
        if self.status == VitalsStatus::EnteredInError {
            return Err(DomainError::invalid(
                "status",
                "these vitals are already marked entered-in-error",
            ));
        }
        let reason = reason.trim();
        if reason.is_empty() || reason.chars().count() > SHORT_TEXT_MAX {
            return Err(DomainError::invalid(
                "reason",
                format!("say why the vitals are wrong, in 1 to {SHORT_TEXT_MAX} characters"),
            ));
        }
        self.status = VitalsStatus::EnteredInError;
        self.entered_in_error_reason = Some(reason.to_owned());
        self.schema = self.schema.max(SCHEMA_VERSION);
        Ok(())
    }

    pub fn id(&self) -> DocId {
        self.id
    }

    pub fn status(&self) -> VitalsStatus {
        self.status
    }

    pub fn entered_in_error_reason(&self) -> Option<&str> {
        self.entered_in_error_reason.as_deref()
    }

    /// The set as schema 1 knew it.
    pub fn set(&self) -> VitalsSet {
        VitalsSet {
            id: self.id,
            patient_id: self.patient_id,
            taken_at: self.taken_at,
            taken_by: self.taken_by.clone(),
            status: self.status,
            observations: self.observations.clone(),
        }
    }

    /// Everything that must never change once written.
    #[allow(clippy::type_complexity)]
    fn fixed(
        &self,
    ) -> (
        DocId,
        DocId,
        DateTime<Utc>,
        &String,
        &Vec<Observation>,
        &Option<String>,
        &Option<String>,
    ) {
        (
            self.id,
            self.patient_id,
            self.taken_at,
            &self.taken_by,
            &self.observations,
            &self.position,
            &self.notes,
        )
    }
}

/// Checks that going from `before` to `after` only marked the set entered-in-error (or
/// changed nothing): what a receiver verifies for a vitals change made elsewhere.
pub fn check_vitals_change(before: &VitalsRecord, after: &VitalsRecord) -> Result<(), DomainError> {
    if before.fixed() != after.fixed() {
        return Err(DomainError::invalid(
            "vitals",
            "vitals values are immutable; mark the set entered-in-error and record a new one",
        ));
    }
    match (before.status, after.status) {
        (VitalsStatus::EnteredInError, VitalsStatus::Final) => Err(DomainError::invalid(
            "status",
            "vitals entered in error cannot be made final again; record a new set",
        )),
        (_, VitalsStatus::EnteredInError) if after.entered_in_error_reason.is_none() => Err(
            DomainError::invalid("reason", "vitals entered in error need a reason"),
        ),
        _ => Ok(()),
    }
}

/// What screens show of a vitals set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct VitalsProjection {
    pub id: DocId,
    pub patient_id: DocId,
    pub taken_at: DateTime<Utc>,
    pub taken_by: String,
    pub status: VitalsStatus,
    pub observations: Vec<Observation>,
    #[ts(optional)]
    pub position: Option<String>,
    #[ts(optional)]
    pub notes: Option<String>,
    #[ts(optional)]
    pub entered_in_error_reason: Option<String>,
}

impl From<VitalsRecord> for VitalsProjection {
    /// The projection of a record read for it alone: its values move, none is copied.
    fn from(r: VitalsRecord) -> Self {
        Self {
            id: r.id,
            patient_id: r.patient_id,
            taken_at: r.taken_at,
            taken_by: r.taken_by,
            status: r.status,
            observations: r.observations,
            position: r.position,
            notes: r.notes,
            entered_in_error_reason: r.entered_in_error_reason,
        }
    }
}

impl VitalsProjection {
    pub fn of(r: &VitalsRecord) -> Self {
        Self {
            id: r.id,
            patient_id: r.patient_id,
            taken_at: r.taken_at,
            taken_by: r.taken_by.clone(),
            status: r.status,
            observations: r.observations.clone(),
            position: r.position.clone(),
            notes: r.notes.clone(),
            entered_in_error_reason: r.entered_in_error_reason.clone(),
        }
    }
}

impl Document {
    /// A new vitals document for a record.
    pub fn create_vitals_record(
        actor: ReplicaId,
        record: &VitalsRecord,
        meta: &ChangeMeta,
    ) -> Result<(Self, LocalChange), DomainError> {
        Self::create(actor, record.id, DocKind::Vitals, record, meta)
    }

    /// A new vitals document from a validated set (no position or notes).
    pub fn create_vitals(
        actor: ReplicaId,
        vitals: &VitalsSet,
        meta: &ChangeMeta,
    ) -> Result<(Self, LocalChange), DomainError> {
        Self::create_vitals_record(actor, &VitalsRecord::new(vitals, None, None)?, meta)
    }

    pub fn vitals_record(&self) -> Result<VitalsRecord, DomainError> {
        self.read()
    }

    /// The vitals set this document holds.
    pub fn vitals(&self) -> Result<VitalsSet, DomainError> {
        Ok(self.vitals_record()?.set())
    }

    /// Marks the vitals entered in error: the only edit a vitals set allows.
    pub fn mark_vitals_entered_in_error(
        &mut self,
        actor: ReplicaId,
        meta: &ChangeMeta,
        reason: &str,
    ) -> Result<LocalChange, DomainError> {
        self.edit(actor, meta, |v: &mut VitalsRecord| {
            v.mark_entered_in_error(reason)
        })?
        .ok_or_else(|| DomainError::invalid("status", "nothing to change"))
    }
}
