//! The command line as clap types: global options (data dir, acting user) and one
//! subcommand per task. Parsing only; the commands live in their own modules.

use chrono::{DateTime, Utc};
use clap::{Args, Parser, Subcommand, ValueEnum};
use outpost_replica::outpost_domain::ids::DocId;
use outpost_replica::outpost_domain::patient::Sex;
use std::path::PathBuf;

/// Outpost workstation replica, headless: enroll, chart patients and vitals, sync.
#[derive(Debug, Parser)]
#[command(name = "outpost", version)]
pub struct Cli {
    /// Directory holding the replica (replica.sqlite3) [default: the platform data dir,
    /// e.g. ~/.local/share/outpost]
    #[arg(long, env = "OUTPOST_DATA_DIR", global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    /// User recorded as author / taken-by of what you enter [default: your login name]
    #[arg(long = "as", env = "OUTPOST_USER", global = true, value_name = "USER")]
    pub user: Option<String>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create this workstation's replica and enroll it with a clinic's sync server
    Enroll {
        /// Sync server URL, e.g. https://sync.example.org
        #[arg(long, value_name = "URL")]
        server: String,
        /// One-time enrollment code from an administrator
        #[arg(long, value_name = "CODE")]
        code: String,
    },
    /// Register, list and import patients
    #[command(subcommand)]
    Patient(PatientCommand),
    /// Record and list vital signs
    #[command(subcommand)]
    Vitals(VitalsCommand),
    /// Run one sync round now (push local changes, pull the clinic's)
    Sync {
        /// Print the counts as JSON
        #[arg(long)]
        json: bool,
    },
    /// Show the replica, its enrollment, pending changes, last sync and whether the server
    /// answers
    Status {
        /// Print as JSON
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum PatientCommand {
    /// Register a patient; prints the new id
    Add {
        /// Full name
        #[arg(long)]
        name: String,
        /// Date of birth, YYYY-MM-DD
        #[arg(long, value_name = "YYYY-MM-DD")]
        dob: String,
        #[arg(long, value_enum)]
        sex: SexArg,
        /// Medical record number
        #[arg(long)]
        mrn: String,
        /// Print the registered patient as JSON instead of the id
        #[arg(long)]
        json: bool,
    },
    /// List patients by name, with their latest vitals
    List {
        /// Print as JSON
        #[arg(long)]
        json: bool,
    },
    /// Register patients from JSON lines on stdin ({"name", "date_of_birth", "sex",
    /// "mrn"}), each in its own transaction; prints each new id as soon as it is stored
    Import,
}

#[derive(Debug, Subcommand)]
pub enum VitalsCommand {
    /// Record a vitals set; prints the new id
    Add(VitalsAdd),
    /// List a patient's vitals, the most recent first
    List {
        /// Patient id
        #[arg(long, value_name = "ID")]
        patient: DocId,
        /// Print as JSON
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
    /// Print the recorded set as JSON instead of the id
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SexArg {
    Female,
    Male,
    Other,
    Unknown,
}

impl From<SexArg> for Sex {
    fn from(s: SexArg) -> Sex {
        match s {
            SexArg::Female => Sex::Female,
            SexArg::Male => Sex::Male,
            SexArg::Other => Sex::Other,
            SexArg::Unknown => Sex::Unknown,
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

fn parse_time(s: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| format!("write the time as RFC 3339, e.g. 2026-11-22T09:30:00Z ({e})"))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests fail loudly by design
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn blood_pressure_parses_only_as_two_numbers() {
        assert_eq!(parse_bp("120/80").unwrap(), (120.0, 80.0));
        assert!(parse_bp("120-80")
            .unwrap_err()
            .contains("SYSTOLIC/DIASTOLIC"));
        assert!(parse_bp("high/80").is_err());
    }
}
