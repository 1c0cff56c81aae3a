//! The command line as clap types: global options (data dir, acting user) and one
//! subcommand per task, one file per record kind. Parsing only; the commands live in
//! `cmd`.

mod charting;
mod handover;
mod patient;
mod review;
mod template;

pub use charting::{EncounterCommand, VitalsAdd, VitalsCommand};
pub use handover::HandoverCommand;
pub use patient::{
    AllergyCommand, ContactArgs, MedicationArgs, MedicationCommand, PatientCommand, ProblemArgs,
    ProblemCommand,
};
pub use review::{ConflictsCommand, DuplicatesCommand};
pub use template::{FieldArgs, FieldTypeArg, GridArgs, ScopeArg, TemplateCommand};

use chrono::{DateTime, Utc};
use clap::{Parser, Subcommand};
use outpost_replica::outpost_domain::document::DocKind;
use outpost_replica::outpost_domain::ids::DocId;
use std::path::PathBuf;

/// Outpost workstation replica, headless: enroll, chart patients, vitals, encounters and
/// handovers, design templates, review conflicts and duplicates, sync.
#[derive(Debug, Parser)]
#[command(name = "outpost", version)]
pub struct Cli {
    /// Directory holding the replica (replica.sqlite3) [default: the platform data dir,
    /// e.g. ~/.local/share/outpost]
    #[arg(long, env = "OUTPOST_DATA_DIR", global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    /// Also trust the CA certificates in this PEM file for the sync server's HTTPS (a
    /// clinic's own CA); public CAs stay trusted
    #[arg(long, env = "OUTPOST_CA_FILE", global = true, value_name = "PEM")]
    pub ca_file: Option<PathBuf>,

    /// Refuse to write unless USER is the one signed in on this workstation (`outpost
    /// login`); what you enter is always recorded as the signed-in user's
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
    /// Sign a user in on this workstation (works offline); the password is read from stdin
    Login {
        /// Username, as an admin created it
        #[arg(long, value_name = "NAME")]
        user: String,
        /// Read the password from stdin (the only way; accepted for scripts that say so)
        #[arg(long)]
        password_stdin: bool,
    },
    /// Sign the current user out of this workstation
    Logout,
    /// List the clinic's users as this workstation last synced them
    Users {
        /// Print as JSON
        #[arg(long)]
        json: bool,
    },
    /// Register, edit, list, show and import patients; allergies, medications, problems
    #[command(subcommand)]
    Patient(PatientCommand),
    /// Record, list and correct vital signs
    #[command(subcommand)]
    Vitals(VitalsCommand),
    /// Chart encounters on a published template version
    #[command(subcommand)]
    Encounter(EncounterCommand),
    /// Shift handovers: open, add items, acknowledge
    #[command(subcommand)]
    Handover(HandoverCommand),
    /// Design layout templates and publish versions
    #[command(subcommand)]
    Template(TemplateCommand),
    /// List and resolve conflicting values entered on two workstations
    #[command(subcommand)]
    Conflicts(ConflictsCommand),
    /// Review possible duplicate patients; merge and unmerge
    #[command(subcommand)]
    Duplicates(DuplicatesCommand),
    /// Show every change of a record: who, when (the edit audit)
    History {
        /// Record id
        #[arg(long, value_name = "ID")]
        id: DocId,
        /// Print as JSON
        #[arg(long)]
        json: bool,
    },
    /// The audit log of this workstation
    #[command(subcommand)]
    Audit(AuditCommand),
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
pub enum AuditCommand {
    /// Check the hash chain from its first entry; names the first entry that does not
    /// hold (exit status 1)
    Verify {
        /// Print the result as JSON
        #[arg(long)]
        json: bool,
    },
    /// List this workstation's own audit entries, oldest first; all filters given must
    /// hold (the clinic-wide listing is `outpost-server audit list`)
    List {
        /// Entries about this patient, their encounters and vitals sets
        #[arg(long, value_name = "ID")]
        patient: Option<DocId>,
        /// Entries by this username
        #[arg(long)]
        user: Option<String>,
        /// Entries at or after this time (RFC 3339, e.g. 2026-12-03T08:00:00Z)
        #[arg(long)]
        since: Option<DateTime<Utc>>,
        /// Entries before this time (RFC 3339)
        #[arg(long)]
        until: Option<DateTime<Utc>>,
        /// Print as JSON
        #[arg(long)]
        json: bool,
    },
    /// The clinic's alerts from the server (break-the-glass accesses with their reason,
    /// signing blocked after wrong signing passwords); signs ADMIN in online, password
    /// from stdin
    Alerts {
        /// An admin's username
        #[arg(long)]
        admin: String,
        /// Read the password from stdin (the only way; accepted for scripts that say so)
        #[arg(long)]
        password_stdin: bool,
        /// Alerts at or after this time (RFC 3339)
        #[arg(long)]
        since: Option<DateTime<Utc>>,
        /// Print as JSON
        #[arg(long)]
        json: bool,
    },
}

/// A record kind, refused with the list of known kinds.
pub fn parse_kind(s: &str) -> Result<DocKind, String> {
    DocKind::parse(s).map_err(|e| {
        e.field_errors()
            .first()
            .map_or_else(|| e.to_string(), |f| f.message.clone())
    })
}

pub fn parse_time(s: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| format!("write the time as RFC 3339, e.g. 2026-11-22T09:30:00Z ({e})"))
}

/// A value given as JSON (`72.5`, `true`, `"text"`, `["a","b"]`); anything that is not
/// JSON is taken as plain text.
pub fn parse_value(s: &str) -> Result<serde_json::Value, String> {
    Ok(serde_json::from_str(s).unwrap_or_else(|_| serde_json::Value::String(s.to_owned())))
}

/// Adapts a domain word parser (`AllergySeverity::parse`, ...) for clap.
pub fn word<T>(
    parse: fn(&str) -> Result<T, outpost_replica::outpost_domain::DomainError>,
) -> impl Fn(&str) -> Result<T, String> + Clone {
    move |s| {
        parse(s).map_err(|e| {
            e.field_errors()
                .first()
                .map_or_else(|| e.to_string(), |f| f.message.clone())
        })
    }
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
    fn values_are_json_or_else_text_and_kinds_are_checked() {
        assert_eq!(parse_value("72.5").unwrap(), serde_json::json!(72.5));
        assert_eq!(parse_value("[\"a\"]").unwrap(), serde_json::json!(["a"]));
        assert_eq!(parse_value("warm").unwrap(), serde_json::json!("warm"));
        assert_eq!(parse_kind("patient_link").unwrap(), DocKind::PatientLink);
        let err = parse_kind("lab_result").unwrap_err();
        assert!(err.contains("unknown record kind \"lab_result\""), "{err}");
        assert!(err.contains("patient, vitals, encounter"), "{err}");
    }
}
