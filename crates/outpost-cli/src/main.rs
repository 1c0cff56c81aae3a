//! `outpost`: the headless command line of a workstation replica. Thin glue over the
//! `outpost-replica` library (the same calls the desktop app makes): parse arguments,
//! open the replica, call one function, print the result. Errors go to stderr with what
//! to do; refused input (validation errors, one line per field; a record id this
//! workstation does not hold) exits with status 2.

mod args;
mod cmd;
mod output;

use anyhow::{Context, Result};
use args::{Cli, Command};
use clap::Parser;
use cmd::{remote, review, Ctx};
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
    if let Some(ca) = &cli.ca_file {
        outpost_replica::sync::trust_ca_file(ca).context("--ca-file")?;
    }
    let ctx = Ctx {
        data_dir: data_dir(cli.data_dir)?,
        user: cli.user,
    };
    match cli.command {
        Command::Enroll { server, code } => remote::enroll(&ctx.data_dir, &server, &code),
        Command::Login { user, .. } => cmd::login::login(&ctx.data_dir, &user),
        Command::Logout => cmd::login::logout(&ctx.data_dir),
        Command::Users { json } => cmd::login::users(&ctx.data_dir, json),
        Command::Patient(c) => cmd::patient::run(&ctx, c),
        Command::Vitals(c) => cmd::vitals::run(&ctx, c),
        Command::Encounter(c) => cmd::encounter::run(&ctx, c),
        Command::Handover(c) => cmd::handover::run(&ctx, c),
        Command::Template(c) => cmd::template::run(&ctx, c),
        Command::Conflicts(c) => review::conflicts(&ctx, c),
        Command::Duplicates(c) => review::duplicates(&ctx, c),
        Command::History { id, json } => review::history(&ctx, id, json),
        Command::Audit(args::AuditCommand::Verify { json }) => cmd::audit::verify(&ctx, json),
        Command::Audit(args::AuditCommand::List {
            patient,
            user,
            since,
            until,
            json,
        }) => cmd::audit::list(
            &ctx,
            &outpost_replica::AuditFilter {
                patient,
                user,
                since,
                until,
            },
            json,
        ),
        Command::Audit(args::AuditCommand::Alerts {
            admin, since, json, ..
        }) => cmd::audit::alerts(&ctx, &admin, since, json),
        Command::Sync { json } => remote::sync(&ctx.data_dir, json),
        Command::Status { json } => remote::status(&ctx.data_dir, json),
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
    let refused = e.chain().any(|c| {
        c.is::<cmd::BadInput>()
            || matches!(
                c.downcast_ref::<ReplicaError>(),
                Some(
                    ReplicaError::PatientNotFound(_)
                        | ReplicaError::NotFound { .. }
                        | ReplicaError::WrongKind { .. }
                )
            )
    });
    if refused {
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
