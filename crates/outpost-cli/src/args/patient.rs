//! `outpost patient …`: registration, demographics, and the allergy, medication and
//! problem lists.

use super::word;
use clap::{Args, Subcommand};
use outpost_replica::outpost_domain::ids::{DocId, EntryId};
use outpost_replica::outpost_domain::patient::{
    AllergySeverity, AllergyStatus, MedicationStatus, ProblemStatus, Sex,
};

#[derive(Debug, Subcommand)]
pub enum PatientCommand {
    /// Register a patient; prints the new id. Without --mrn the patient gets the next
    /// provisional MRN of this workstation's block
    Add {
        /// Full name
        #[arg(long)]
        name: String,
        /// Date of birth, YYYY-MM-DD
        #[arg(long, value_name = "YYYY-MM-DD")]
        dob: String,
        /// female, male, other or unknown
        #[arg(long, value_parser = word(Sex::parse))]
        sex: Sex,
        /// Medical record number [default: the next provisional one]
        #[arg(long, default_value = "")]
        mrn: String,
        #[command(flatten)]
        contact: ContactArgs,
        /// Print the registered patient as JSON instead of the id
        #[arg(long)]
        json: bool,
    },
    /// Change demographics; options left out stay as they are (an empty value clears
    /// phone, address or emergency contact)
    Edit {
        /// Patient id
        #[arg(long, value_name = "ID")]
        id: DocId,
        #[arg(long)]
        name: Option<String>,
        /// YYYY-MM-DD
        #[arg(long, value_name = "YYYY-MM-DD")]
        dob: Option<String>,
        #[arg(long, value_parser = word(Sex::parse))]
        sex: Option<Sex>,
        /// The permanent MRN (clears the provisional flag)
        #[arg(long)]
        mrn: Option<String>,
        #[command(flatten)]
        contact: ContactArgs,
        #[arg(long)]
        json: bool,
    },
    /// List patients by name, with their latest vitals (merged patients under their
    /// survivor)
    List {
        #[arg(long)]
        json: bool,
    },
    /// Show one patient with allergies, medications, problems and merges
    Show {
        #[arg(long, value_name = "ID")]
        id: DocId,
        /// Open a restricted patient's chart without a care relationship, for this
        /// reason: the access is time-limited, audited and reported to the admins
        #[arg(long, value_name = "REASON")]
        break_the_glass: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Register patients from JSON lines on stdin ({"name", "date_of_birth", "sex",
    /// "mrn"}), each in its own transaction; prints each new id as soon as it is stored
    Import,
    /// Allergies: add, edit, refute, list
    #[command(subcommand)]
    Allergy(AllergyCommand),
    /// Medications: add, edit, stop, list
    #[command(subcommand, name = "med")]
    Medication(MedicationCommand),
    /// Problems: add, edit, list
    #[command(subcommand)]
    Problem(ProblemCommand),
}

/// Phone, address and emergency contact.
#[derive(Debug, Args)]
pub struct ContactArgs {
    /// Phone number
    #[arg(long)]
    pub phone: Option<String>,
    /// Postal address
    #[arg(long)]
    pub address: Option<String>,
    /// Emergency contact's name (with --contact-relationship, --contact-phone)
    #[arg(long, value_name = "NAME")]
    pub contact_name: Option<String>,
    #[arg(long, value_name = "RELATIONSHIP")]
    pub contact_relationship: Option<String>,
    #[arg(long, value_name = "PHONE")]
    pub contact_phone: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum AllergyCommand {
    /// Record an allergy; prints its entry id
    Add {
        #[arg(long, value_name = "ID")]
        patient: DocId,
        #[arg(long)]
        allergen: String,
        #[arg(long)]
        reaction: Option<String>,
        /// mild, moderate, severe or unknown
        #[arg(long, value_parser = word(AllergySeverity::parse), default_value = "unknown")]
        severity: AllergySeverity,
        /// active, inactive, resolved or refuted
        #[arg(long, value_parser = word(AllergyStatus::parse), default_value = "active")]
        status: AllergyStatus,
    },
    /// Change an allergy; options left out stay as they are
    Edit {
        #[arg(long, value_name = "ID")]
        patient: DocId,
        #[arg(long, value_name = "ENTRY")]
        entry: EntryId,
        #[arg(long)]
        allergen: Option<String>,
        #[arg(long)]
        reaction: Option<String>,
        #[arg(long, value_parser = word(AllergySeverity::parse))]
        severity: Option<AllergySeverity>,
        #[arg(long, value_parser = word(AllergyStatus::parse))]
        status: Option<AllergyStatus>,
    },
    /// Mark an allergy refuted (known not to exist); it stays listed
    Refute {
        #[arg(long, value_name = "ID")]
        patient: DocId,
        #[arg(long, value_name = "ENTRY")]
        entry: EntryId,
    },
    /// List a patient's allergies, refuted ones included
    List {
        #[arg(long, value_name = "ID")]
        patient: DocId,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Args)]
pub struct MedicationArgs {
    #[arg(long)]
    pub dose: Option<String>,
    /// e.g. oral, IV
    #[arg(long)]
    pub route: Option<String>,
    /// e.g. twice daily
    #[arg(long)]
    pub frequency: Option<String>,
    /// Start date, YYYY-MM-DD
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub start: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum MedicationCommand {
    /// Record a medication; prints its entry id
    Add {
        #[arg(long, value_name = "ID")]
        patient: DocId,
        #[arg(long)]
        name: String,
        #[command(flatten)]
        details: MedicationArgs,
    },
    /// Change a medication; options left out stay as they are
    Edit {
        #[arg(long, value_name = "ID")]
        patient: DocId,
        #[arg(long, value_name = "ENTRY")]
        entry: EntryId,
        #[arg(long)]
        name: Option<String>,
        #[command(flatten)]
        details: MedicationArgs,
        /// active, stopped or entered-in-error
        #[arg(long, value_parser = word(MedicationStatus::parse))]
        status: Option<MedicationStatus>,
    },
    /// Stop a medication
    Stop {
        #[arg(long, value_name = "ID")]
        patient: DocId,
        #[arg(long, value_name = "ENTRY")]
        entry: EntryId,
        /// Stop date, YYYY-MM-DD [default: today]
        #[arg(long, value_name = "YYYY-MM-DD")]
        date: Option<String>,
    },
    /// List a patient's medications
    List {
        #[arg(long, value_name = "ID")]
        patient: DocId,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Args)]
pub struct ProblemArgs {
    /// ICD-10 code, e.g. E11.9
    #[arg(long)]
    pub icd10: Option<String>,
    /// Onset date, YYYY-MM-DD
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub onset: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum ProblemCommand {
    /// Record a problem; prints its entry id
    Add {
        #[arg(long, value_name = "ID")]
        patient: DocId,
        #[arg(long)]
        description: String,
        #[command(flatten)]
        details: ProblemArgs,
        /// active, resolved or inactive
        #[arg(long, value_parser = word(ProblemStatus::parse), default_value = "active")]
        status: ProblemStatus,
    },
    /// Change a problem; options left out stay as they are
    Edit {
        #[arg(long, value_name = "ID")]
        patient: DocId,
        #[arg(long, value_name = "ENTRY")]
        entry: EntryId,
        #[arg(long)]
        description: Option<String>,
        #[command(flatten)]
        details: ProblemArgs,
        #[arg(long, value_parser = word(ProblemStatus::parse))]
        status: Option<ProblemStatus>,
    },
    /// List a patient's problems
    List {
        #[arg(long, value_name = "ID")]
        patient: DocId,
        #[arg(long)]
        json: bool,
    },
}
