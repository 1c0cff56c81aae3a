//! Patient reads for the screens and the CLI, answered from the projection tables. The
//! patient list hides patients merged into another and shows them under their survivor.
//! A restricted patient stays listed (to be found, and the glass broken), but a row the
//! signed-in user may not open carries no allergens and no vitals: those are the chart's.

use crate::duplicates::{merged_under, survivors};
use crate::error::ReplicaError;
use crate::glass::any_restricted;
use crate::projection::{detail, details, vitals_row};
use crate::records::patients::summary;
use crate::records::vitals::set_of;
use crate::replica::Replica;
use outpost_domain::ids::DocId;
use outpost_domain::link::PatientLink;
use outpost_domain::patient::{Patient, PatientProjection};
use outpost_domain::vitals::VitalsSet;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use ts_rs::TS;

/// A row of the patient list: the patient and their most recent valid vitals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct PatientSummary {
    #[serde(flatten)]
    pub patient: Patient,
    /// The MRN is provisional (from this workstation's block) and awaits a permanent one.
    pub provisional: bool,
    /// Allergens of active allergies, for the banner.
    pub active_allergens: Vec<String>,
    /// Patients merged into this one (hidden from the list themselves).
    pub merged: Vec<DocId>,
    pub latest_vitals: Option<VitalsSet>,
    /// Restricted, and the signed-in user may not open the chart now: `active_allergens`
    /// and `latest_vitals` are left empty until they break the glass.
    #[serde(default)]
    pub restricted: bool,
}

/// Everything about one patient.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct PatientDetails {
    #[serde(flatten)]
    pub patient: PatientProjection,
    /// The survivor this patient is merged into, if it is.
    #[ts(optional)]
    pub merged_into: Option<DocId>,
    /// Patients merged into this one.
    pub merged: Vec<DocId>,
    /// Merges that name this patient, active and undone.
    pub links: Vec<PatientLink>,
}

impl Replica {
    /// Every live patient, sorted by name, each with their latest vitals (entered-in-error
    /// sets are skipped). Patients merged into another are listed under it (`merged`).
    #[tracing::instrument(skip_all)]
    pub fn list_patients(&self) -> Result<Vec<PatientSummary>, ReplicaError> {
        let all: Vec<PatientProjection> = details(
            &self.conn,
            "SELECT detail FROM patients ORDER BY name COLLATE NOCASE, id",
            [],
        )?;
        let into = survivors(&self.conn)?;
        let under = merged_under(&into);
        let rows = SummaryRows::new(self, &under)?;
        all.into_iter()
            .filter(|p| !into.contains_key(&p.id))
            .map(|p| rows.of(&p))
            .collect()
    }

    /// One patient (merged or not).
    #[tracing::instrument(skip_all)]
    pub fn patient(&self, id: DocId) -> Result<Patient, ReplicaError> {
        Ok(summary(&self.patient_projection(id)?))
    }

    /// One patient with allergies, medications, problems, contact details and merges:
    /// opening the chart, so the read is audited (and refused for a restricted patient
    /// without a care relationship or break-the-glass access).
    #[tracing::instrument(skip_all)]
    pub fn patient_details(&self, id: DocId) -> Result<PatientDetails, ReplicaError> {
        let patient = self.patient_projection(id)?;
        self.check_chart_access(id)?;
        let into = survivors(&self.conn)?;
        self.audit_read(crate::audit::Action::READ_PATIENT, id)?;
        Ok(PatientDetails {
            merged_into: into.get(&id).copied(),
            merged: merged_under(&into)
                .get(&id)
                .map(|s| s.iter().copied().collect())
                .unwrap_or_default(),
            links: self.patient_links(id)?,
            patient,
        })
    }

    fn patient_projection(&self, id: DocId) -> Result<PatientProjection, ReplicaError> {
        detail(
            &self.conn,
            "SELECT detail FROM patients WHERE id = ?1",
            [id.to_string()],
        )?
        .ok_or(ReplicaError::PatientNotFound(id))
    }
}

/// Builds the list's rows: each patient's own, and what a row of a chart closed to the
/// signed-in user leaves out (see the module docs).
pub(crate) struct SummaryRows<'a> {
    replica: &'a Replica,
    under: &'a BTreeMap<DocId, BTreeSet<DocId>>,
    /// Whether any patient is restricted here; most clinics have none, and then no row
    /// asks.
    any_restricted: bool,
}

impl<'a> SummaryRows<'a> {
    pub(crate) fn new(
        replica: &'a Replica,
        under: &'a BTreeMap<DocId, BTreeSet<DocId>>,
    ) -> Result<Self, ReplicaError> {
        Ok(Self {
            replica,
            under,
            any_restricted: any_restricted(&replica.conn)?,
        })
    }

    pub(crate) fn of(&self, p: &PatientProjection) -> Result<PatientSummary, ReplicaError> {
        let closed = self.any_restricted && !self.replica.may_open_chart(p.id)?;
        let (active_allergens, latest) = if closed {
            (Vec::new(), None)
        } else {
            (
                p.active_allergens.clone(),
                vitals_row::latest_final(&self.replica.conn, p.id)?,
            )
        };
        Ok(PatientSummary {
            patient: summary(p),
            provisional: p.provisional,
            active_allergens,
            merged: self
                .under
                .get(&p.id)
                .map(|s| s.iter().copied().collect())
                .unwrap_or_default(),
            latest_vitals: latest.as_ref().map(set_of),
            restricted: closed,
        })
    }
}
