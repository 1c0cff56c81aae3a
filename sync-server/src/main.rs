//! `outpost-server`: runs the sync server and does what an admin needs from a shell —
//! migrate the database, create clinics, hand out enrollment codes, list and revoke
//! devices. Logs go to stderr (`RUST_LOG`, default `info`); results go to stdout, as
//! plain text or `--json` for scripts.

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use outpost_domain::ids::{ClinicId, DeviceId};
use outpost_sync_server::settings::{DatabaseUrl, DEFAULT_LISTEN};
use outpost_sync_server::{admin, AppState, PgDatabase};
use std::io::Write;
use std::net::SocketAddr;
use std::process::ExitCode;

mod users_cli;

#[derive(Debug, Parser)]
#[command(
    name = "outpost-server",
    version,
    about = "The Outpost clinic sync server and its admin commands"
)]
struct Cli {
    /// Postgres URL, e.g. postgres://outpost@127.0.0.1:5432/outpost
    #[arg(
        long,
        env = "OUTPOST_DATABASE_URL",
        global = true,
        hide_env_values = true
    )]
    database_url: Option<String>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Bring the database schema up to date
    Migrate,
    /// Run the sync server (migrates first); prints `listening on http://ADDR` once bound
    Serve {
        /// Address to listen on; port 0 picks a free port
        #[arg(long, default_value = DEFAULT_LISTEN)]
        listen: SocketAddr,
    },
    /// Create and list clinics
    #[command(subcommand)]
    Clinic(ClinicCommand),
    /// Enroll, list and revoke workstations
    #[command(subcommand)]
    Device(DeviceCommand),
    /// Pushed changes the server refused to apply, with the reason
    #[command(subcommand)]
    Quarantine(QuarantineCommand),
    /// Add, list and disable a clinic's users
    #[command(subcommand)]
    User(users_cli::UserCommand),
    /// Accounts with failed sign-ins (and lockouts) since their last success
    Lockouts {
        #[arg(long)]
        clinic: ClinicId,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
enum QuarantineCommand {
    /// List a clinic's quarantined changes, oldest first
    List {
        #[arg(long)]
        clinic: ClinicId,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
enum ClinicCommand {
    /// Create a clinic and print its id
    Create {
        #[arg(long)]
        name: String,
        /// Print {"id": ..., "name": ...}
        #[arg(long)]
        json: bool,
    },
    /// List all clinics with their provisional MRN prefix
    List {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
enum DeviceCommand {
    /// Create a one-time enrollment code for a new workstation and print it
    Enroll {
        #[arg(long)]
        clinic: ClinicId,
        /// A name for the workstation, e.g. "Ward 3 nurses' station"
        #[arg(long)]
        name: String,
        /// How long the code stays valid
        #[arg(long, default_value_t = 24, value_parser = clap::value_parser!(u32).range(1..=720))]
        valid_hours: u32,
        /// Print {"code": ..., "clinic_id": ..., "device_name": ..., "valid_hours": ...}
        #[arg(long)]
        json: bool,
    },
    /// List a clinic's devices, with revoked and flagged ones marked
    List {
        #[arg(long)]
        clinic: ClinicId,
        #[arg(long)]
        json: bool,
    },
    /// List a clinic's flagged devices (a change quarantined or a counter reused)
    Flagged {
        #[arg(long)]
        clinic: ClinicId,
        #[arg(long)]
        json: bool,
    },
    /// Revoke a device: its token stops working at once
    Revoke {
        #[arg(long)]
        clinic: ClinicId,
        #[arg(long)]
        device: DeviceId,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let result = tokio::runtime::Runtime::new()
        .context("could not start the async runtime")
        .and_then(|rt| rt.block_on(run(cli)));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn database(url: Option<&str>) -> Result<PgDatabase> {
    let url = DatabaseUrl::new(url.context(
        "no database given: pass --database-url postgres://USER@HOST:PORT/DB or set OUTPOST_DATABASE_URL",
    )?);
    outpost_sync_server::connect(url.expose())
        .await
        .with_context(|| format!("connecting to {url}"))
}

fn print_json(value: &impl serde::Serialize) -> Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

async fn run(cli: Cli) -> Result<()> {
    let db = database(cli.database_url.as_deref()).await?;
    match cli.command {
        Command::Migrate => {
            outpost_sync_server::migrate(&db)
                .await
                .context("migrating the database")?;
            println!("database is up to date");
        }
        Command::Serve { listen } => serve(db, listen).await?,
        Command::Clinic(ClinicCommand::Create { name, json }) => {
            let id = admin::create_clinic(&db, &name)
                .await
                .context("creating the clinic")?;
            if json {
                print_json(&serde_json::json!({ "id": id, "name": name.trim() }))?;
            } else {
                println!("{id}");
            }
        }
        Command::Clinic(ClinicCommand::List { json }) => {
            let clinics = admin::list_clinics(&db).await.context("listing clinics")?;
            if json {
                print_json(&clinics)?;
            } else {
                for c in clinics {
                    println!(
                        "{}  {}  MRN prefix {}  {}",
                        c.id,
                        c.created_at.format("%Y-%m-%d %H:%M"),
                        c.mrn_prefix,
                        c.name
                    );
                }
            }
        }
        Command::Device(DeviceCommand::Enroll {
            clinic,
            name,
            valid_hours,
            json,
        }) => {
            let valid_for = chrono::Duration::hours(i64::from(valid_hours));
            let code = admin::create_enrollment_code(&db, clinic, &name, valid_for)
                .await
                .context("creating the enrollment code")?;
            if json {
                print_json(&serde_json::json!({
                    "code": code, "clinic_id": clinic, "device_name": name.trim(),
                    "valid_hours": valid_hours,
                }))?;
            } else {
                println!("{code}");
                eprintln!(
                    "one-time code, valid for {valid_hours} h; on the workstation run: \
                     outpost enroll --server URL --code {code}"
                );
            }
        }
        Command::Device(DeviceCommand::List { clinic, json }) => {
            let devices = admin::list_devices(&db, clinic)
                .await
                .context("listing devices")?;
            if json {
                print_json(&devices)?;
            } else {
                for d in devices {
                    let state = match (&d.revoked_at, &d.flag_reason) {
                        (Some(_), _) => "revoked".to_owned(),
                        (None, Some(reason)) => format!("FLAGGED: {reason}"),
                        (None, None) => "active".to_owned(),
                    };
                    println!("{}  {}  {}  {state}", d.id, d.replica_id, d.name);
                }
            }
        }
        Command::Device(DeviceCommand::Flagged { clinic, json }) => {
            let devices = outpost_sync_server::quarantine::flagged_devices(&db, clinic)
                .await
                .context("listing flagged devices")?;
            if json {
                print_json(&devices)?;
            } else {
                for d in devices {
                    let at = d.flagged_at.map(|t| t.format("%Y-%m-%d %H:%M").to_string());
                    println!(
                        "{}  {}  {}  flagged {}: {}",
                        d.id,
                        d.replica_id,
                        d.name,
                        at.unwrap_or_default(),
                        d.flag_reason.unwrap_or_default()
                    );
                }
            }
        }
        Command::Quarantine(QuarantineCommand::List { clinic, json }) => {
            let entries = outpost_sync_server::quarantine::list(&db, clinic)
                .await
                .context("listing quarantined changes")?;
            if json {
                print_json(&entries)?;
            } else {
                for q in entries {
                    println!(
                        "{}  device {}  change {} of {}  {} {}  by {}  {}: {}",
                        q.received_at.format("%Y-%m-%d %H:%M"),
                        q.device_id,
                        q.counter,
                        q.replica_id,
                        q.kind.as_str(),
                        q.doc_id,
                        q.author.as_deref().unwrap_or("?"),
                        q.reason_code,
                        q.reason
                    );
                }
            }
        }
        Command::User(cmd) => users_cli::run_user(&db, cmd).await?,
        Command::Lockouts { clinic, json } => users_cli::run_lockouts(&db, clinic, json).await?,
        Command::Device(DeviceCommand::Revoke { clinic, device }) => {
            admin::revoke_device(&db, clinic, device)
                .await
                .context("revoking the device")?;
            println!("revoked device {device}");
        }
    }
    Ok(())
}

async fn serve(db: PgDatabase, listen: SocketAddr) -> Result<()> {
    outpost_sync_server::migrate(&db)
        .await
        .context("migrating the database")?;
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("could not listen on {listen}; is another server using it?"))?;
    let addr = listener.local_addr().context("reading the bound address")?;
    println!("listening on http://{addr}");
    std::io::stdout().flush().context("writing to stdout")?;
    tracing::info!(%addr, "outpost-server ready");
    outpost_sync_server::serve(listener, AppState::new(db), shutdown_signal())
        .await
        .context("serving")?;
    tracing::info!("outpost-server stopped");
    Ok(())
}

/// Completes on SIGINT or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
