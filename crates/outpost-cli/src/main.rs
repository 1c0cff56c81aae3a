//! `outpost`: the headless command line of a workstation replica. Thin glue over the
//! `outpost-replica` library (the same calls the desktop app makes): parse arguments,
//! open the replica, call one function, print the result. Errors go to stderr with what
//! to do; validation errors print one line per field and exit with status 2.

mod args;
mod output;
mod records;
mod remote;

use anyhow::{Context, Result};
use args::{Cli, Command};
use clap::Parser;
use outpost_replica::outpost_domain::FieldError;
use outpost_replica::ReplicaError;
use std::path::PathBuf;
use std::process::ExitCode;

/// Exit status for refused input (same as clap's usage errors).
const EXIT_INVALID: u8 = 2;

fn main() -> ExitCode {
    init_tracing();
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => report(&e),
    }
}

fn run(cli: Cli) -> Result<()> {
    let data_dir = data_dir(cli.data_dir)?;
    let user = cli.user;
    match cli.command {
        Command::Enroll { server, code } => remote::enroll(&data_dir, &server, &code),
        Command::Patient(cmd) => records::patient(&data_dir, user, cmd),
        Command::Vitals(cmd) => records::vitals(&data_dir, user, cmd),
        Command::Sync { json } => remote::sync(&data_dir, json),
        Command::Status { json } => remote::status(&data_dir, json),
    }
}

fn data_dir(given: Option<PathBuf>) -> Result<PathBuf> {
    match given {
        Some(dir) => Ok(dir),
        None => dirs::data_dir()
            .map(|d| d.join("outpost"))
            .context("this system has no standard data directory; pass --data-dir DIR or set OUTPOST_DATA_DIR"),
    }
}

/// The acting user: `--as` / `OUTPOST_USER`, else the login name.
pub(crate) fn acting_user(given: Option<String>) -> Result<String> {
    given
        .or_else(|| std::env::var("USER").ok())
        .or_else(|| std::env::var("LOGNAME").ok())
        .filter(|u| !u.trim().is_empty())
        .context("cannot tell who you are; pass --as USER or set OUTPOST_USER")
}

/// Prints the error and picks the exit status.
fn report(e: &anyhow::Error) -> ExitCode {
    if let Some(fields) = field_errors(e) {
        // Contexts above the validation error (e.g. "line 3") prefix every field line.
        let prefix: Vec<String> = e
            .chain()
            .take_while(|c| c.downcast_ref::<ReplicaError>().is_none())
            .map(ToString::to_string)
            .collect();
        let in_input = !prefix.is_empty();
        for f in fields {
            let mut line = prefix.join(": ");
            if in_input {
                line.push_str(": ");
            }
            line.push_str(&f.field);
            if let Some(flag) = output::flag_for(&f.field).filter(|_| !in_input) {
                line.push_str(&format!(" ({flag})"));
            }
            eprintln!("error: {line}: {}", f.message);
        }
        return ExitCode::from(EXIT_INVALID);
    }
    eprintln!("error: {e:#}");
    if e.chain().any(|c| c.is::<records::BadInput>()) {
        return ExitCode::from(EXIT_INVALID);
    }
    ExitCode::FAILURE
}

fn field_errors(e: &anyhow::Error) -> Option<&[FieldError]> {
    e.chain()
        .find_map(|c| c.downcast_ref::<ReplicaError>())
        .map(ReplicaError::field_errors)
        .filter(|f| !f.is_empty())
}

/// Logs go to stderr, `OUTPOST_LOG` sets the filter (default: errors only, so normal
/// output stays clean).
fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("OUTPOST_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("error"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}
