//! `outpost vitals …` and `outpost encounter …`: what is charted about a visit.

use super::{parse_time, parse_value};
use chrono::{DateTime, Utc};
use clap::{Args, Subcommand, ValueEnum};
use outpost_replica::outpost_domain::document::encounter::{
    EncounterStatus, EncounterType, NoteKind,
};
use outpost_replica::outpost_domain::ids::DocId;
use outpost_replica::outpost_domain::signature::SignatureMeaning;

#[derive(Debug, Subcommand)]
pub enum VitalsCommand {
    /// Record a vitals set; prints the new id
    Add(VitalsAdd),
    /// List a patient's vitals, the most recent first (sets in error marked, with reason)
    List {
        /// Patient id
        #[arg(long, value_name = "ID")]
        patient: DocId,
        #[arg(long)]
        json: bool,
    },
    /// Show one vitals set
    Show {
        #[arg(long, value_name = "ID")]
        id: DocId,
        #[arg(long)]
        json: bool,
    },
    /// Mark a vitals set entered in error (the values stay readable, struck through)
    Error {
        /// Vitals set id
        #[arg(long, value_name = "ID")]
        id: DocId,
        /// Why the values are wrong
        #[arg(long)]
        reason: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Args)]
pub struct VitalsAdd {
    /// Patient id
    #[arg(long, value_name = "ID")]
    pub patient: DocId,
    /// Weight in kg
    #[arg(long, value_name = "KG")]
    pub weight: Option<f64>,
    /// Height in cm
    #[arg(long, value_name = "CM")]
    pub height: Option<f64>,
    /// Temperature in °C
    #[arg(long, value_name = "C")]
    pub temp: Option<f64>,
    /// Blood pressure as SYSTOLIC/DIASTOLIC mmHg, e.g. 120/80
    #[arg(long, value_name = "SYS/DIA", value_parser = parse_bp)]
    pub bp: Option<(f64, f64)>,
    /// Heart rate per minute
    #[arg(long, value_name = "N")]
    pub hr: Option<f64>,
    /// Respiratory rate per minute
    #[arg(long, value_name = "N")]
    pub rr: Option<f64>,
    /// Oxygen saturation in %
    #[arg(long, value_name = "N")]
    pub spo2: Option<f64>,
    /// When the values were measured (RFC 3339, e.g. 2026-11-22T09:30:00Z) [default: now]
    #[arg(long, value_name = "RFC3339", value_parser = parse_time)]
    pub taken_at: Option<DateTime<Utc>>,
    /// The patient's position, e.g. sitting
    #[arg(long)]
    pub position: Option<String>,
    /// A short note
    #[arg(long)]
    pub notes: Option<String>,
    /// Print the recorded set as JSON instead of the id
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum EncounterCommand {
    /// Open an encounter on a published template version; prints the new id
    New {
        /// Patient id
        #[arg(long, value_name = "ID")]
        patient: DocId,
        /// Template id
        #[arg(long, value_name = "ID")]
        template: DocId,
        /// Published version to chart on [default: the latest]
        #[arg(long, value_name = "N")]
        version: Option<u64>,
        /// Visit date, YYYY-MM-DD [default: today]
        #[arg(long, value_name = "YYYY-MM-DD")]
        date: Option<String>,
        #[arg(long = "type", value_enum, value_name = "TYPE")]
        encounter_type: TypeArg,
        #[arg(long)]
        specialty: String,
        /// Responsible clinician [default: the acting user]
        #[arg(long)]
        provider: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Set one structured field by its template field id
    Set {
        /// Encounter id
        #[arg(long, value_name = "ID")]
        id: DocId,
        /// Template field id
        #[arg(long)]
        field: String,
        /// The value as JSON (72.5, true, "text", ["a","b"]); other input is taken as text
        #[arg(long, value_parser = parse_value)]
        value: serde_json::Value,
    },
    /// Replace a narrative note's text (concurrent edits elsewhere in it are kept)
    Note {
        #[arg(long, value_name = "ID")]
        id: DocId,
        #[arg(long, value_enum)]
        which: NoteArg,
        #[arg(long)]
        text: String,
    },
    /// Move the encounter between draft and in_progress
    Status {
        #[arg(long, value_name = "ID")]
        id: DocId,
        #[arg(long, value_enum)]
        status: StatusArg,
    },
    /// Sign the encounter as it is now, as the signed-in physician; the password is read
    /// from stdin. Once signed it is locked: later changes are addenda or amendments.
    Sign {
        #[arg(long, value_name = "ID")]
        id: DocId,
        #[arg(long, value_enum, default_value = "authorship")]
        meaning: MeaningArg,
        #[arg(long)]
        json: bool,
    },
    /// Show an encounter laid out on the template version it was charted on; a signed one
    /// with its signatures (printed name, time, meaning, content hash) and addenda
    Show {
        #[arg(long, value_name = "ID")]
        id: DocId,
        #[arg(long)]
        json: bool,
    },
    /// List encounters, newest first
    List {
        /// Only this patient's
        #[arg(long, value_name = "ID")]
        patient: Option<DocId>,
        #[arg(long)]
        json: bool,
    },
}

/// What a signature means.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum MeaningArg {
    Authorship,
    Review,
    Approval,
}

impl From<MeaningArg> for SignatureMeaning {
    fn from(m: MeaningArg) -> Self {
        match m {
            MeaningArg::Authorship => Self::Authorship,
            MeaningArg::Review => Self::Review,
            MeaningArg::Approval => Self::Approval,
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
#[value(rename_all = "snake_case")]
pub enum TypeArg {
    NewPatient,
    FollowUp,
    PreOp,
    Operative,
    PostOp,
}

impl From<TypeArg> for EncounterType {
    fn from(t: TypeArg) -> Self {
        match t {
            TypeArg::NewPatient => Self::NewPatient,
            TypeArg::FollowUp => Self::FollowUp,
            TypeArg::PreOp => Self::PreOp,
            TypeArg::Operative => Self::Operative,
            TypeArg::PostOp => Self::PostOp,
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
#[value(rename_all = "snake_case")]
pub enum NoteArg {
    ChiefComplaint,
    History,
    Assessment,
    Plan,
}

impl From<NoteArg> for NoteKind {
    fn from(n: NoteArg) -> Self {
        match n {
            NoteArg::ChiefComplaint => Self::ChiefComplaint,
            NoteArg::History => Self::History,
            NoteArg::Assessment => Self::Assessment,
            NoteArg::Plan => Self::Plan,
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
#[value(rename_all = "snake_case")]
pub enum StatusArg {
    Draft,
    InProgress,
}

impl From<StatusArg> for EncounterStatus {
    fn from(s: StatusArg) -> Self {
        match s {
            StatusArg::Draft => Self::Draft,
            StatusArg::InProgress => Self::InProgress,
        }
    }
}

fn parse_bp(s: &str) -> Result<(f64, f64), String> {
    let bad = || format!("write blood pressure as SYSTOLIC/DIASTOLIC, e.g. 120/80 (got \"{s}\")");
    let (sys, dia) = s.split_once('/').ok_or_else(bad)?;
    Ok((
        sys.trim().parse().map_err(|_| bad())?,
        dia.trim().parse().map_err(|_| bad())?,
    ))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests fail loudly by design
mod tests {
    use super::*;

    #[test]
    fn blood_pressure_parses_only_as_two_numbers() {
        assert_eq!(parse_bp("120/80").unwrap(), (120.0, 80.0));
        assert!(parse_bp("120-80")
            .unwrap_err()
            .contains("SYSTOLIC/DIASTOLIC"));
        assert!(parse_bp("high/80").is_err());
    }
}
