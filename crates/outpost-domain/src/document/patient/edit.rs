//! Edit operations on a patient record: pure functions the caller runs inside
//! `Document::edit::<PatientRecord>`. Each validates its whole input first and reports every
//! bad field at once; on error the record is left unchanged, so nothing is stored.

use super::inputs::{
    AllergyInput, DemographicsUpdate, EmergencyContactInput, MedicationInput, ProblemInput,
};
use super::registration::{check_date_of_birth, check_mrn, check_name, field};
use super::{
    Allergy, AllergyStatus, EmergencyContact, Medication, MedicationStatus, PatientRecord, Problem,
};
use crate::document::values::{optional_text, past_date, short_text};
use crate::document::SCHEMA_VERSION;
use crate::error::{DomainError, FieldError};
use crate::ids::EntryId;
use chrono::NaiveDate;

/// Applies a demographics update checked against `today`.
pub fn update_demographics(
    rec: &mut PatientRecord,
    update: &DemographicsUpdate,
    today: NaiveDate,
) -> Result<(), DomainError> {
    let mut errors = Vec::new();
    let name = update.name.as_deref().map(|n| check_name(&mut errors, n));
    let dob = update
        .date_of_birth
        .as_deref()
        .map(|d| check_date_of_birth(&mut errors, d, today));
    let mrn = update.mrn.as_deref().map(|m| check_mrn(&mut errors, m));
    let phone = update
        .phone
        .as_deref()
        .map(|p| check_phone(&mut errors, "phone", p));
    let address = update
        .address
        .as_deref()
        .map(|a| optional_text(&mut errors, "address", Some(a)));
    let contact = update
        .emergency_contact
        .as_ref()
        .map(|c| check_contact(&mut errors, c));
    done(errors)?;
    touch(rec);
    if let Some(name) = name {
        rec.name = name;
    }
    if let Some(Some(dob)) = dob {
        rec.date_of_birth = dob;
    }
    if let Some(sex) = update.sex {
        rec.sex = sex;
    }
    if let Some(mrn) = mrn {
        rec.provisional &= mrn == rec.mrn;
        rec.mrn = mrn;
    }
    if let Some(phone) = phone {
        rec.phone = phone;
    }
    if let Some(address) = address {
        rec.address = address;
    }
    if let Some(contact) = contact {
        rec.emergency_contact = contact;
    }
    Ok(())
}

/// Adds an allergy under a new entry id.
pub fn add_allergy(
    rec: &mut PatientRecord,
    id: EntryId,
    input: &AllergyInput,
) -> Result<(), DomainError> {
    let allergy = check_allergy(input)?;
    insert_new(&mut rec.allergies, "allergy", id, allergy)?;
    touch(rec);
    Ok(())
}

/// Replaces an allergy's fields; only the fields that differ are written.
pub fn update_allergy(
    rec: &mut PatientRecord,
    id: EntryId,
    input: &AllergyInput,
) -> Result<(), DomainError> {
    let allergy = check_allergy(input)?;
    *existing(&mut rec.allergies, "allergy", id)? = allergy;
    touch(rec);
    Ok(())
}

/// Marks an allergy as known not to exist. It stays listed, with that status.
pub fn refute_allergy(rec: &mut PatientRecord, id: EntryId) -> Result<(), DomainError> {
    existing(&mut rec.allergies, "allergy", id)?.status = AllergyStatus::Refuted;
    touch(rec);
    Ok(())
}

pub fn add_medication(
    rec: &mut PatientRecord,
    id: EntryId,
    input: &MedicationInput,
    today: NaiveDate,
) -> Result<(), DomainError> {
    let medication = check_medication(input, today)?;
    insert_new(&mut rec.medications, "medication", id, medication)?;
    touch(rec);
    Ok(())
}

pub fn update_medication(
    rec: &mut PatientRecord,
    id: EntryId,
    input: &MedicationInput,
    today: NaiveDate,
) -> Result<(), DomainError> {
    let medication = check_medication(input, today)?;
    *existing(&mut rec.medications, "medication", id)? = medication;
    touch(rec);
    Ok(())
}

/// Stops a medication on `stop` (an ISO date, not before its start nor after `today`).
pub fn stop_medication(
    rec: &mut PatientRecord,
    id: EntryId,
    stop: &str,
    today: NaiveDate,
) -> Result<(), DomainError> {
    let medication = existing(&mut rec.medications, "medication", id)?;
    let mut errors = Vec::new();
    let stop = past_date(&mut errors, "stop", stop, today);
    if let (Some(start), Some(stop)) = (medication.start, stop) {
        if stop < start {
            errors.push(field("stop", "the stop date is before the start date"));
        }
    }
    done(errors)?;
    medication.stop = stop;
    medication.status = MedicationStatus::Stopped;
    touch(rec);
    Ok(())
}

pub fn add_problem(
    rec: &mut PatientRecord,
    id: EntryId,
    input: &ProblemInput,
    today: NaiveDate,
) -> Result<(), DomainError> {
    let problem = check_problem(input, today)?;
    insert_new(&mut rec.problems, "problem", id, problem)?;
    touch(rec);
    Ok(())
}

pub fn update_problem(
    rec: &mut PatientRecord,
    id: EntryId,
    input: &ProblemInput,
    today: NaiveDate,
) -> Result<(), DomainError> {
    let problem = check_problem(input, today)?;
    *existing(&mut rec.problems, "problem", id)? = problem;
    touch(rec);
    Ok(())
}

/// Whether `code` has the shape of an ICD-10 code: a letter, two characters (digits, or a
/// digit and a letter), then optionally a dot and one to four letters or digits.
pub fn is_icd10(code: &str) -> bool {
    let b = code.as_bytes();
    let head = b.len() >= 3
        && b[0].is_ascii_uppercase()
        && b[1].is_ascii_digit()
        && (b[2].is_ascii_digit() || b[2].is_ascii_uppercase());
    let tail = &b[3.min(b.len())..];
    head && match tail {
        [] => true,
        [b'.', rest @ ..] => {
            (1..=4).contains(&rest.len())
                && rest
                    .iter()
                    .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
        }
        _ => false,
    }
}

/// The record now carries this schema's fields.
fn touch(rec: &mut PatientRecord) {
    rec.schema = rec.schema.max(SCHEMA_VERSION);
}

fn done(errors: Vec<FieldError>) -> Result<(), DomainError> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(DomainError::Invalid(errors))
    }
}

fn insert_new<V>(
    map: &mut std::collections::BTreeMap<String, V>,
    what: &str,
    id: EntryId,
    value: V,
) -> Result<(), DomainError> {
    let key = id.to_string();
    if map.contains_key(&key) {
        return Err(DomainError::invalid(
            "id",
            format!("this patient already has a {what} with id {id}; update it instead"),
        ));
    }
    map.insert(key, value);
    Ok(())
}

fn existing<'m, V>(
    map: &'m mut std::collections::BTreeMap<String, V>,
    what: &str,
    id: EntryId,
) -> Result<&'m mut V, DomainError> {
    map.get_mut(&id.to_string()).ok_or_else(|| {
        DomainError::invalid(
            "id",
            format!("this patient has no {what} with id {id}; list them to find its id"),
        )
    })
}

pub(super) fn check_phone(errors: &mut Vec<FieldError>, name: &str, phone: &str) -> Option<String> {
    let phone = phone.trim();
    if phone.is_empty() {
        return None;
    }
    let allowed = phone
        .chars()
        .all(|c| c.is_ascii_digit() || " +-().".contains(c));
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    if !allowed || !(6..=15).contains(&digits) || phone.len() > 32 {
        errors.push(field(
            name,
            "a phone number is 6 to 15 digits, optionally with +, spaces, dashes or brackets",
        ));
    }
    Some(phone.to_owned())
}

pub(super) fn check_contact(
    errors: &mut Vec<FieldError>,
    c: &EmergencyContactInput,
) -> Option<EmergencyContact> {
    if c.name.trim().is_empty() && c.relationship.trim().is_empty() && c.phone.trim().is_empty() {
        return None;
    }
    Some(EmergencyContact {
        name: short_text(errors, "emergency_contact.name", &c.name, true),
        relationship: short_text(
            errors,
            "emergency_contact.relationship",
            &c.relationship,
            false,
        ),
        phone: check_phone(errors, "emergency_contact.phone", &c.phone).unwrap_or_default(),
    })
}

fn check_allergy(input: &AllergyInput) -> Result<Allergy, DomainError> {
    let mut errors = Vec::new();
    let allergy = Allergy {
        allergen: short_text(&mut errors, "allergen", &input.allergen, true),
        reaction: optional_text(&mut errors, "reaction", input.reaction.as_deref()),
        severity: input.severity,
        status: input.status,
    };
    done(errors).map(|()| allergy)
}

fn check_medication(input: &MedicationInput, today: NaiveDate) -> Result<Medication, DomainError> {
    let mut errors = Vec::new();
    let name = short_text(&mut errors, "name", &input.name, true);
    let dose = optional_text(&mut errors, "dose", input.dose.as_deref());
    let route = optional_text(&mut errors, "route", input.route.as_deref());
    let frequency = optional_text(&mut errors, "frequency", input.frequency.as_deref());
    let mut date = |f: &str, v: &Option<String>| {
        v.as_deref()
            .filter(|s| !s.trim().is_empty())
            .and_then(|s| past_date(&mut errors, f, s, today))
    };
    let (start, stop) = (date("start", &input.start), date("stop", &input.stop));
    if let (Some(a), Some(b)) = (start, stop) {
        if b < a {
            errors.push(field("stop", "the stop date is before the start date"));
        }
    }
    if stop.is_some() && input.status == MedicationStatus::Active {
        errors.push(field(
            "status",
            "a medication with a stop date is stopped, not active",
        ));
    }
    let medication = Medication {
        name,
        dose,
        route,
        frequency,
        start,
        stop,
        status: input.status,
    };
    done(errors).map(|()| medication)
}

fn check_problem(input: &ProblemInput, today: NaiveDate) -> Result<Problem, DomainError> {
    let mut errors = Vec::new();
    let description = short_text(&mut errors, "description", &input.description, true);
    let icd10 = input
        .icd10
        .as_deref()
        .map(|c| c.trim().to_ascii_uppercase())
        .filter(|c| !c.is_empty());
    if let Some(code) = icd10.as_deref().filter(|c| !is_icd10(c)) {
        errors.push(field(
            "icd10",
            format!("\"{code}\" is not an ICD-10 code; codes look like E11 or E11.9"),
        ));
    }
    let onset = input
        .onset
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .and_then(|s| past_date(&mut errors, "onset", s, today));
    let problem = Problem {
        description,
        icd10,
        onset,
        status: input.status,
    };
    done(errors).map(|()| problem)
}
