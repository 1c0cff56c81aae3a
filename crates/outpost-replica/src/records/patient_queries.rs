//! Reads for the screens and the CLI, answered from the projection tables.

use crate::error::ReplicaError;
use crate::projection::{PatientRow, VitalsRow, PATIENT_COLUMNS, VITALS_COLUMNS};
use crate::replica::Replica;
use outpost_domain::ids::DocId;
use outpost_domain::patient::Patient;
use outpost_domain::vitals::VitalsSet;
use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A row of the patient list: the patient and their most recent valid vitals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct PatientSummary {
    #[serde(flatten)]
    pub patient: Patient,
    pub latest_vitals: Option<VitalsSet>,
}

impl Replica {
    /// Every patient, sorted by name, each with their latest vitals (entered-in-error sets
    /// are skipped).
    #[tracing::instrument(skip_all)]
    pub fn list_patients(&self) -> Result<Vec<PatientSummary>, ReplicaError> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {PATIENT_COLUMNS} FROM patients ORDER BY name COLLATE NOCASE, id"
        ))?;
        let rows: Vec<PatientRow> = stmt
            .query_map([], PatientRow::read)?
            .collect::<Result<_, _>>()?;
        let mut latest = self.conn.prepare(&format!(
            "SELECT {VITALS_COLUMNS} FROM vitals
             WHERE patient_id = ?1 AND status <> 'entered-in-error'
             ORDER BY taken_at DESC, id DESC LIMIT 1"
        ))?;
        rows.into_iter()
            .map(|row| {
                let patient = row.into_patient()?;
                let latest_vitals = latest
                    .query_row([patient.id.to_string()], VitalsRow::read)
                    .optional()?
                    .map(VitalsRow::into_vitals)
                    .transpose()?;
                Ok(PatientSummary {
                    patient,
                    latest_vitals,
                })
            })
            .collect()
    }

    /// One patient.
    #[tracing::instrument(skip_all)]
    pub fn patient(&self, id: DocId) -> Result<Patient, ReplicaError> {
        self.conn
            .query_row(
                &format!("SELECT {PATIENT_COLUMNS} FROM patients WHERE id = ?1"),
                [id.to_string()],
                PatientRow::read,
            )
            .optional()?
            .ok_or(ReplicaError::PatientNotFound(id))?
            .into_patient()
    }

    /// A patient's vitals sets, the most recently taken first.
    #[tracing::instrument(skip_all)]
    pub fn list_vitals(&self, patient_id: DocId) -> Result<Vec<VitalsSet>, ReplicaError> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {VITALS_COLUMNS} FROM vitals WHERE patient_id = ?1
             ORDER BY taken_at DESC, id DESC"
        ))?;
        let rows: Vec<VitalsRow> = stmt
            .query_map([patient_id.to_string()], VitalsRow::read)?
            .collect::<Result<_, _>>()?;
        rows.into_iter().map(VitalsRow::into_vitals).collect()
    }
}
