//! The oversight commands of `outpost-server`: `audit list` (a clinic's pushed audit
//! entries by patient, user and time), `alerts list` (break-the-glass accesses and
//! signing blocks) and `patient restrict` / `patient unrestrict`.

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use clap::{Args, Subcommand};
use outpost_domain::ids::{ClinicId, DocId};
use outpost_domain::protocol::admin::AuditQuery;
use outpost_sync_server::oversight::{self, AuditSearch};
use outpost_sync_server::PgDatabase;

/// Which entries: all given filters must hold.
#[derive(Debug, Args)]
pub struct AuditFilter {
    #[arg(long)]
    pub clinic: ClinicId,
    /// Entries about this patient, their encounters and vitals sets
    #[arg(long)]
    pub patient: Option<DocId>,
    /// Entries by this username
    #[arg(long)]
    pub user: Option<String>,
    /// Entries at or after this time (RFC 3339, e.g. 2026-12-03T08:00:00Z)
    #[arg(long)]
    pub since: Option<DateTime<Utc>>,
    /// Entries before this time (RFC 3339)
    #[arg(long)]
    pub until: Option<DateTime<Utc>>,
    /// Print JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum AlertsCommand {
    /// Break-the-glass accesses and signing blocked after wrong signing passwords,
    /// oldest first, as pushed by the clinic's workstations
    List(AuditFilter),
}

#[derive(Debug, Subcommand)]
pub enum PatientCommand {
    /// Mark a patient restricted: opening their chart without a care relationship needs
    /// a reason (break the glass); workstations learn it at their next sync
    Restrict {
        #[arg(long)]
        clinic: ClinicId,
        #[arg(long)]
        patient: DocId,
    },
    /// Lift a patient's restriction
    Unrestrict {
        #[arg(long)]
        clinic: ClinicId,
        #[arg(long)]
        patient: DocId,
    },
    /// List the clinic's restricted patients
    Restricted {
        #[arg(long)]
        clinic: ClinicId,
    },
}

/// Prints every entry matching `filter` (only alerts when `alerts_only`).
pub async fn list(db: &PgDatabase, filter: AuditFilter, alerts_only: bool) -> Result<()> {
    let query = AuditQuery {
        patient: filter.patient,
        user: filter.user,
        since: filter.since,
        until: filter.until,
        after: None,
        limit: None,
    };
    let search = AuditSearch::new(&query, alerts_only)?;
    let entries = oversight::list_all(db, filter.clinic, search)
        .await
        .context("listing audit entries")?;
    if filter.json {
        println!("{}", serde_json::to_string_pretty(&entries)?);
    } else if entries.is_empty() {
        println!("no entries match");
    } else {
        for e in entries {
            println!("{e}");
        }
    }
    Ok(())
}

pub async fn run_patient(db: &PgDatabase, cmd: PatientCommand) -> Result<()> {
    match cmd {
        PatientCommand::Restrict { clinic, patient } => {
            oversight::set_restricted(db, clinic, patient, true)
                .await
                .context("restricting the patient")?;
            println!("patient {patient} is restricted");
        }
        PatientCommand::Unrestrict { clinic, patient } => {
            oversight::set_restricted(db, clinic, patient, false)
                .await
                .context("lifting the restriction")?;
            println!("patient {patient} is no longer restricted");
        }
        PatientCommand::Restricted { clinic } => {
            let ids = outpost_sync_server::Database::restricted_patients(db, clinic)
                .await
                .context("listing restricted patients")?;
            for id in ids {
                println!("{id}");
            }
        }
    }
    Ok(())
}
