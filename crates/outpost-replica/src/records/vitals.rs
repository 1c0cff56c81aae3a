//! Vitals: recording a set (immutable once written) and the one correction allowed,
//! marking it entered-in-error with a reason. A set in error stays readable, values
//! included, and is shown struck through; it is skipped as a patient's "latest vitals".

use crate::audit::Action;
use crate::error::ReplicaError;
use crate::projection::vitals_row;
use crate::replica::Replica;
use chrono::Utc;
use outpost_domain::document::{DocKind, Document};
use outpost_domain::ids::DocId;
use outpost_domain::vitals::{NewVitals, VitalsProjection, VitalsRecord, VitalsSet};
use rusqlite::Connection;

impl Replica {
    /// Records a vitals set for a patient this replica holds; `author` took the values.
    #[tracing::instrument(skip_all)]
    pub fn record_vitals(
        &mut self,
        input: &NewVitals,
        author: &str,
    ) -> Result<VitalsSet, ReplicaError> {
        Ok(set_of(
            &self.record_vitals_with_notes(input, None, None, author)?,
        ))
    }

    /// Records a vitals set with the patient's position (sitting, standing, lying) and a
    /// note, both optional short texts.
    #[tracing::instrument(skip_all)]
    pub fn record_vitals_with_notes(
        &mut self,
        input: &NewVitals,
        position: Option<&str>,
        notes: Option<&str>,
        author: &str,
    ) -> Result<VitalsProjection, ReplicaError> {
        let author = crate::commit::checked_author(author)?.to_owned();
        self.check_chart_access(input.patient_id)?;
        let set = input.validate(DocId::new(), &author, Utc::now())?;
        let record = VitalsRecord::new(&set, position, notes)?;
        let doc = self.commit_new(&author, Action::RECORD_VITALS, |conn, actor, meta| {
            known_patient(conn, input.patient_id)?;
            Ok(Document::create_vitals_record(actor, &record, meta)?)
        })?;
        tracing::info!(doc_id = %doc.id, "recorded vitals");
        Ok(VitalsProjection::from(doc.vitals_record()?))
    }

    /// Marks a vitals set entered-in-error with `reason`. The values stay readable.
    #[tracing::instrument(skip_all)]
    pub fn mark_vitals_entered_in_error(
        &mut self,
        id: DocId,
        reason: &str,
        author: &str,
    ) -> Result<VitalsProjection, ReplicaError> {
        let doc = self.commit_change(
            id,
            DocKind::Vitals,
            author,
            Action::VITALS_IN_ERROR,
            |_, doc, actor, meta| Ok(Some(doc.mark_vitals_entered_in_error(actor, meta, reason)?)),
        )?;
        tracing::info!(doc_id = %id, "marked vitals entered in error");
        Ok(VitalsProjection::from(doc.vitals_record()?))
    }

    /// A patient's vitals sets, the most recently taken first (entered-in-error included,
    /// with their status).
    #[tracing::instrument(skip_all)]
    pub fn list_vitals(&self, patient_id: DocId) -> Result<Vec<VitalsSet>, ReplicaError> {
        Ok(self
            .vitals_history(patient_id)?
            .iter()
            .map(set_of)
            .collect())
    }

    /// Like [`Replica::list_vitals`], with position, notes and the entered-in-error reason.
    /// A restricted patient's vitals are part of their chart: refused as opening the chart
    /// is ([`ReplicaError::Restricted`]).
    #[tracing::instrument(skip_all)]
    pub fn vitals_history(&self, patient_id: DocId) -> Result<Vec<VitalsProjection>, ReplicaError> {
        self.check_chart_access(patient_id)?;
        vitals_row::select(
            &self.conn,
            "WHERE patient_id = ?1 ORDER BY taken_at DESC, id DESC",
            [patient_id.to_string()],
        )
    }

    /// One vitals set; refused as its patient's chart is when that is restricted.
    pub fn vitals(&self, id: DocId) -> Result<VitalsProjection, ReplicaError> {
        let set = vitals_row::select(&self.conn, "WHERE id = ?1", [id.to_string()])?
            .pop()
            .ok_or(ReplicaError::NotFound {
                kind: "vitals set",
                id,
            })?;
        self.check_chart_access(set.patient_id)?;
        Ok(set)
    }
}

/// The set as schema 1 knew it.
pub(crate) fn set_of(v: &VitalsProjection) -> VitalsSet {
    VitalsSet {
        id: v.id,
        patient_id: v.patient_id,
        taken_at: v.taken_at,
        taken_by: v.taken_by.clone(),
        status: v.status,
        observations: v.observations.clone(),
    }
}

/// Refuses a record for a patient this workstation does not hold, on field `patient_id`.
pub(crate) fn known_patient(conn: &Connection, id: DocId) -> Result<(), ReplicaError> {
    let known: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM patients WHERE id = ?1)",
        [id.to_string()],
        |r| r.get(0),
    )?;
    if known {
        Ok(())
    } else {
        Err(ReplicaError::invalid(
            "patient_id",
            format!(
                "no patient with id {id} on this workstation; register the patient or sync first"
            ),
        ))
    }
}
