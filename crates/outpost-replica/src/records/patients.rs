//! Patient writes: registration (with a provisional MRN when none is given), demographics,
//! and the allergy, medication and problem lists. Each is one local write; the domain's
//! pure edit functions validate the whole input first, so a refused edit stores nothing.

use super::today;
use crate::audit::Action;
use crate::error::ReplicaError;
use crate::mrn;
use crate::replica::Replica;
use outpost_domain::document::{DocKind, Document};
use outpost_domain::ids::{DocId, EntryId};
use outpost_domain::patient::{
    self as p, AllergyInput, DemographicsUpdate, EmergencyContactInput, MedicationInput,
    NewPatient, Patient, PatientProjection, PatientRecord, PatientRegistration, ProblemInput,
};
use outpost_domain::DomainError;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Contact details given at registration (all optional).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct ContactDetails {
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

impl Replica {
    /// Registers a patient; `author` is the user doing it. With an empty MRN the patient
    /// gets the next provisional MRN of this workstation's block (and `provisional: true`);
    /// with none left, the registration is refused on field `mrn`.
    #[tracing::instrument(skip_all)]
    pub fn register_patient(
        &mut self,
        input: &NewPatient,
        author: &str,
    ) -> Result<Patient, ReplicaError> {
        let p = self.register_patient_with_details(input, &ContactDetails::default(), author)?;
        Ok(summary(&p))
    }

    /// Registers a patient with contact details; see [`Replica::register_patient`].
    #[tracing::instrument(skip_all)]
    pub fn register_patient_with_details(
        &mut self,
        input: &NewPatient,
        contact: &ContactDetails,
        author: &str,
    ) -> Result<PatientProjection, ReplicaError> {
        let registration = PatientRegistration {
            name: input.name.clone(),
            date_of_birth: input.date_of_birth.clone(),
            sex: input.sex,
            mrn: Some(input.mrn.clone()),
            phone: contact.phone.clone(),
            address: contact.address.clone(),
            emergency_contact: contact.emergency_contact.clone(),
        };
        let provisional = input.mrn.trim().is_empty();
        let doc = self.commit_new(author, Action::REGISTER_PATIENT, |conn, actor, meta| {
            // A number is taken only when none was entered; a refused registration rolls
            // the transaction back, so the number is not used up.
            let next = if provisional {
                match mrn::take_next(conn) {
                    Ok(number) => Some(number),
                    Err(ReplicaError::Invalid(_)) => None,
                    Err(e) => return Err(e),
                }
            } else {
                None
            };
            let record = registration.validate(DocId::new(), today(), next.as_deref())?;
            Ok(Document::create_patient_record(actor, &record, meta)?)
        })?;
        tracing::info!(doc_id = %doc.id, provisional, "registered patient");
        Ok(PatientProjection::of(&doc.patient_record()?))
    }

    /// Changes demographics (name, date of birth, sex, MRN, phone, address, emergency
    /// contact); fields left `None` stay. Entering an MRN makes it permanent.
    #[tracing::instrument(skip_all)]
    pub fn edit_patient(
        &mut self,
        id: DocId,
        update: &DemographicsUpdate,
        author: &str,
    ) -> Result<PatientProjection, ReplicaError> {
        let today = today();
        self.patient_edit(id, author, Action::EDIT_PATIENT, |r| {
            p::update_demographics(r, update, today)
        })
    }

    /// Adds an allergy; returns its entry id.
    #[tracing::instrument(skip_all)]
    pub fn add_allergy(
        &mut self,
        patient: DocId,
        input: &AllergyInput,
        author: &str,
    ) -> Result<EntryId, ReplicaError> {
        let entry = EntryId::new();
        self.patient_edit(patient, author, Action::ALLERGY, |r| {
            p::add_allergy(r, entry, input)
        })?;
        Ok(entry)
    }

    /// Replaces an allergy's fields (only those that differ are written).
    #[tracing::instrument(skip_all)]
    pub fn update_allergy(
        &mut self,
        patient: DocId,
        entry: EntryId,
        input: &AllergyInput,
        author: &str,
    ) -> Result<PatientProjection, ReplicaError> {
        self.patient_edit(patient, author, Action::ALLERGY, |r| {
            p::update_allergy(r, entry, input)
        })
    }

    /// Marks an allergy refuted (known not to exist). It stays listed, with that status.
    #[tracing::instrument(skip_all)]
    pub fn refute_allergy(
        &mut self,
        patient: DocId,
        entry: EntryId,
        author: &str,
    ) -> Result<PatientProjection, ReplicaError> {
        self.patient_edit(patient, author, Action::ALLERGY, |r| {
            p::refute_allergy(r, entry)
        })
    }

    /// Adds a medication; returns its entry id.
    #[tracing::instrument(skip_all)]
    pub fn add_medication(
        &mut self,
        patient: DocId,
        input: &MedicationInput,
        author: &str,
    ) -> Result<EntryId, ReplicaError> {
        let (entry, today) = (EntryId::new(), today());
        self.patient_edit(patient, author, Action::MEDICATION, |r| {
            p::add_medication(r, entry, input, today)
        })?;
        Ok(entry)
    }

    #[tracing::instrument(skip_all)]
    pub fn update_medication(
        &mut self,
        patient: DocId,
        entry: EntryId,
        input: &MedicationInput,
        author: &str,
    ) -> Result<PatientProjection, ReplicaError> {
        let today = today();
        self.patient_edit(patient, author, Action::MEDICATION, |r| {
            p::update_medication(r, entry, input, today)
        })
    }

    /// Stops a medication on `stop` (`YYYY-MM-DD`, not in the future).
    #[tracing::instrument(skip_all)]
    pub fn stop_medication(
        &mut self,
        patient: DocId,
        entry: EntryId,
        stop: &str,
        author: &str,
    ) -> Result<PatientProjection, ReplicaError> {
        let today = today();
        self.patient_edit(patient, author, Action::MEDICATION, |r| {
            p::stop_medication(r, entry, stop, today)
        })
    }

    /// Adds a problem; returns its entry id.
    #[tracing::instrument(skip_all)]
    pub fn add_problem(
        &mut self,
        patient: DocId,
        input: &ProblemInput,
        author: &str,
    ) -> Result<EntryId, ReplicaError> {
        let (entry, today) = (EntryId::new(), today());
        self.patient_edit(patient, author, Action::PROBLEM, |r| {
            p::add_problem(r, entry, input, today)
        })?;
        Ok(entry)
    }

    #[tracing::instrument(skip_all)]
    pub fn update_problem(
        &mut self,
        patient: DocId,
        entry: EntryId,
        input: &ProblemInput,
        author: &str,
    ) -> Result<PatientProjection, ReplicaError> {
        let today = today();
        self.patient_edit(patient, author, Action::PROBLEM, |r| {
            p::update_problem(r, entry, input, today)
        })
    }

    fn patient_edit(
        &mut self,
        id: DocId,
        author: &str,
        action: Action,
        edit: impl FnOnce(&mut PatientRecord) -> Result<(), DomainError>,
    ) -> Result<PatientProjection, ReplicaError> {
        let doc = self.edit_record(id, DocKind::Patient, author, action, edit)?;
        Ok(PatientProjection::of(&doc.patient_record()?))
    }
}

/// The short summary of a projection.
pub(crate) fn summary(p: &PatientProjection) -> Patient {
    Patient {
        id: p.id,
        name: p.name.clone(),
        date_of_birth: p.date_of_birth,
        sex: p.sex,
        mrn: p.mrn.clone(),
    }
}
