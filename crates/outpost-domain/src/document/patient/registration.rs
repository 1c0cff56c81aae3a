//! Registering a patient: the front desk's input, its validation, and the short summary
//! (`Patient`) lists show. A patient registered while offline without an MRN takes the
//! next number of the workstation's provisional block.

use super::edit::{check_contact, check_phone};
use super::inputs::EmergencyContactInput;
use super::PatientRecord;
use crate::document::values::optional_text;
use crate::document::SCHEMA_VERSION;
use crate::error::{DomainError, FieldError};
use crate::ids::DocId;
use autosurgeon::{Hydrate, Reconcile};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use ts_rs::TS;

/// Longest accepted name, in characters; longer input is almost certainly a paste error.
pub const MAX_NAME_CHARS: usize = 200;
/// Longest accepted medical record number.
pub const MAX_MRN_CHARS: usize = 32;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, Reconcile, Hydrate)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub enum Sex {
    #[autosurgeon(rename = "female")]
    Female,
    #[autosurgeon(rename = "male")]
    Male,
    #[autosurgeon(rename = "other")]
    Other,
    #[autosurgeon(rename = "unknown")]
    Unknown,
}

impl Sex {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Female => "female",
            Self::Male => "male",
            Self::Other => "other",
            Self::Unknown => "unknown",
        }
    }

    pub fn parse(s: &str) -> Result<Self, DomainError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "female" | "f" => Ok(Self::Female),
            "male" | "m" => Ok(Self::Male),
            "other" | "o" => Ok(Self::Other),
            "unknown" | "u" => Ok(Self::Unknown),
            _ => Err(DomainError::invalid(
                "sex",
                format!("\"{s}\" is not a sex; use female, male, other or unknown"),
            )),
        }
    }
}

/// What the front desk enters to register a patient.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct NewPatient {
    pub name: String,
    /// ISO date, `YYYY-MM-DD`.
    pub date_of_birth: String,
    pub sex: Sex,
    pub mrn: String,
}

/// A registered patient as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct Patient {
    pub id: DocId,
    pub name: String,
    pub date_of_birth: NaiveDate,
    pub sex: Sex,
    pub mrn: String,
}

impl NewPatient {
    /// Checks every field against `today` (the caller's date) and returns the patient to
    /// store, or every problem at once so a form can mark all offending fields.
    pub fn validate(&self, id: DocId, today: NaiveDate) -> Result<Patient, DomainError> {
        let mut errors = Vec::new();
        let name = check_name(&mut errors, &self.name);
        let dob = check_date_of_birth(&mut errors, &self.date_of_birth, today);
        let mrn = check_mrn(&mut errors, &self.mrn);
        match (errors.is_empty(), dob) {
            (true, Some(date_of_birth)) => Ok(Patient {
                id,
                name,
                date_of_birth,
                sex: self.sex,
                mrn,
            }),
            _ => Err(DomainError::Invalid(errors)),
        }
    }
}

/// Trims a name; records an error when it is empty or too long.
pub(crate) fn check_name(errors: &mut Vec<FieldError>, name: &str) -> String {
    let name = name.trim();
    if name.is_empty() {
        errors.push(field("name", "enter the patient's name"));
    } else if name.chars().count() > MAX_NAME_CHARS {
        errors.push(field(
            "name",
            format!("a name may have at most {MAX_NAME_CHARS} characters"),
        ));
    }
    name.to_owned()
}

/// Parses a date of birth: ISO, not in the future, not before 1880.
pub(crate) fn check_date_of_birth(
    errors: &mut Vec<FieldError>,
    date_of_birth: &str,
    today: NaiveDate,
) -> Option<NaiveDate> {
    match NaiveDate::parse_from_str(date_of_birth.trim(), "%Y-%m-%d") {
        Ok(d) if d > today => {
            errors.push(field("date_of_birth", "the date of birth is in the future"));
            None
        }
        Ok(d) if d < NaiveDate::from_ymd_opt(1880, 1, 1).unwrap_or(NaiveDate::MIN) => {
            errors.push(field("date_of_birth", "the date of birth is before 1880"));
            None
        }
        Ok(d) => Some(d),
        Err(_) => {
            errors.push(field(
                "date_of_birth",
                "enter the date of birth as YYYY-MM-DD, e.g. 1984-03-07",
            ));
            None
        }
    }
}

/// Trims an MRN; records an error unless it is 1 to 32 letters, digits or dashes.
pub(crate) fn check_mrn(errors: &mut Vec<FieldError>, mrn: &str) -> String {
    let mrn = mrn.trim();
    if mrn.is_empty() {
        errors.push(field("mrn", "enter the medical record number"));
    } else if mrn.chars().count() > MAX_MRN_CHARS
        || !mrn.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    {
        errors.push(field(
            "mrn",
            format!("an MRN is 1 to {MAX_MRN_CHARS} letters, digits or dashes"),
        ));
    }
    mrn.to_owned()
}

/// What a registration without an MRN is told when the workstation has no provisional
/// number left.
pub const NO_PROVISIONAL_MRN_LEFT: &str = "no provisional MRN numbers left on this \
    workstation: connect to the server once, or enter the MRN";

/// Registration with every schema-2 field. Without an MRN the patient takes the next
/// provisional MRN of the workstation's block and is marked provisional.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct PatientRegistration {
    pub name: String,
    /// ISO date, `YYYY-MM-DD`.
    pub date_of_birth: String,
    pub sex: Sex,
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

impl PatientRegistration {
    /// Checks every field and returns the record to create. `provisional_mrn` is the next
    /// number of the workstation's block (see [`provisional_mrn`]), used only when no MRN
    /// was entered.
    pub fn validate(
        &self,
        id: DocId,
        today: NaiveDate,
        provisional_mrn: Option<&str>,
    ) -> Result<PatientRecord, DomainError> {
        let mut errors = Vec::new();
        let name = check_name(&mut errors, &self.name);
        let dob = check_date_of_birth(&mut errors, &self.date_of_birth, today);
        let entered = self.mrn.as_deref().map(str::trim).filter(|m| !m.is_empty());
        let (mrn, provisional) = match (entered, provisional_mrn) {
            (Some(m), _) => (check_mrn(&mut errors, m), false),
            (None, Some(p)) => (check_mrn(&mut errors, p), true),
            (None, None) => {
                errors.push(field("mrn", NO_PROVISIONAL_MRN_LEFT));
                (String::new(), false)
            }
        };
        let phone = self
            .phone
            .as_deref()
            .and_then(|p| check_phone(&mut errors, "phone", p));
        let address = optional_text(&mut errors, "address", self.address.as_deref());
        let emergency_contact = self
            .emergency_contact
            .as_ref()
            .and_then(|c| check_contact(&mut errors, c));
        match (errors.is_empty(), dob) {
            (true, Some(date_of_birth)) => Ok(PatientRecord {
                schema: SCHEMA_VERSION,
                id,
                name,
                date_of_birth,
                sex: self.sex,
                mrn,
                provisional,
                phone,
                address,
                emergency_contact,
                allergies: BTreeMap::new(),
                medications: BTreeMap::new(),
                problems: BTreeMap::new(),
            }),
            _ => Err(DomainError::Invalid(errors)),
        }
    }
}

/// The provisional MRN for number `n` of a workstation's block: the block's prefix and the
/// number padded to six digits, e.g. `provisional_mrn("P-", 42) == "P-000042"`.
pub fn provisional_mrn(prefix: &str, n: u64) -> String {
    format!("{prefix}{n:06}")
}

pub(crate) fn field(name: &str, message: impl Into<String>) -> FieldError {
    FieldError {
        field: name.to_owned(),
        message: message.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
    }

    fn input() -> NewPatient {
        NewPatient {
            name: "  Amara Okafor ".into(),
            date_of_birth: "1984-03-07".into(),
            sex: Sex::Female,
            mrn: "MRN-001".into(),
        }
    }

    #[test]
    fn valid_patient_is_trimmed() {
        let p = input().validate(DocId::new(), today()).unwrap();
        assert_eq!(p.name, "Amara Okafor");
        assert_eq!(p.date_of_birth.to_string(), "1984-03-07");
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let bad = NewPatient {
            name: " ".into(),
            date_of_birth: "07/03/1984".into(),
            sex: Sex::Unknown,
            mrn: "no spaces allowed".into(),
        };
        let err = bad.validate(DocId::new(), today()).unwrap_err();
        let fields: Vec<_> = err
            .field_errors()
            .iter()
            .map(|e| e.field.as_str())
            .collect();
        assert_eq!(fields, ["name", "date_of_birth", "mrn"]);
        assert!(err.to_string().contains("YYYY-MM-DD"));
    }

    #[test]
    fn future_birth_date_is_refused() {
        let mut p = input();
        p.date_of_birth = "2030-01-01".into();
        let err = p.validate(DocId::new(), today()).unwrap_err();
        assert!(err.to_string().contains("future"), "{err}");
    }

    #[test]
    fn a_provisional_mrn_is_the_prefix_and_six_digits_and_valid() {
        assert_eq!(provisional_mrn("P-", 42), "P-000042");
        assert_eq!(provisional_mrn("P-", 1_234_567), "P-1234567");
        let mut p = input();
        p.mrn = provisional_mrn("P-", 7);
        assert!(p.validate(DocId::new(), today()).is_ok());
    }

    #[test]
    fn sex_parses_common_spellings() {
        assert_eq!(Sex::parse("F").unwrap(), Sex::Female);
        assert_eq!(Sex::parse("male").unwrap(), Sex::Male);
        assert!(Sex::parse("x")
            .unwrap_err()
            .to_string()
            .contains("female, male"));
    }
}
