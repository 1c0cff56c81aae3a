//! `outpost-server`: runs the sync server and does what an admin needs from a shell —
//! migrate the database, create clinics, hand out enrollment codes, list and revoke
//! devices. Configuration: `--config FILE` (TOML, see deploy/outpost-server.example.toml),
//! then `OUTPOST_*` environment variables, then flags. Logs go to stderr (`RUST_LOG`,
//! default `info`; `log_format` json or pretty); results go to stdout, as plain text or
//! `--json` for scripts.

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use outpost_domain::ids::{ClinicId, DeviceId};
use outpost_sync_server::config::{LogFormat, Overrides, ServerConfig, TlsFiles};
use outpost_sync_server::Database as _;
use outpost_sync_server::{admin, PgDatabase};
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

mod oversight_cli;
mod users_cli;

#[derive(Debug, Parser)]
#[command(
    name = "outpost-server",
    version,
    about = "The Outpost clinic sync server and its admin commands"
)]
struct Cli {
    /// Configuration file (TOML); `OUTPOST_*` environment variables and flags override it
    #[arg(long, global = true, env = "OUTPOST_CONFIG")]
    config: Option<PathBuf>,

    /// Postgres URL, e.g. postgres://outpost@127.0.0.1:5432/outpost (or OUTPOST_DATABASE_URL,
    /// or `database_url` in the config file)
    #[arg(long, global = true)]
    database_url: Option<String>,

    /// Log lines as `json` or `pretty` (or OUTPOST_LOG_FORMAT, or `log_format`)
    #[arg(long, global = true, value_parser = ["json", "pretty"])]
    log_format: Option<String>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Bring the database schema up to date
    Migrate,
    /// Run the sync server (migrates first unless `migrate_on_start = false`); prints
    /// `listening on http://ADDR` (or https) once bound
    Serve {
        /// Address to listen on; port 0 picks a free port (default 127.0.0.1:8700)
        #[arg(long)]
        listen: Option<SocketAddr>,
        /// Serve HTTPS with this PEM certificate chain (with --tls-key)
        #[arg(long, requires = "tls_key")]
        tls_cert: Option<PathBuf>,
        /// The PEM private key of --tls-cert
        #[arg(long, requires = "tls_cert")]
        tls_key: Option<PathBuf>,
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
    /// Check and list the audit entries workstations pushed
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Alerts for admins: break-the-glass accesses and blocked signing
    #[command(subcommand)]
    Alerts(oversight_cli::AlertsCommand),
    /// Restrict patients (break-the-glass needed without a care relationship)
    #[command(subcommand)]
    Patient(oversight_cli::PatientCommand),
    /// Accounts with failed sign-ins (and lockouts) since their last success
    Lockouts {
        #[arg(long)]
        clinic: ClinicId,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
enum AuditCommand {
    /// Check one device's stored audit chain from its first entry; names the first entry
    /// that does not hold (exit status 1)
    Verify {
        #[arg(long)]
        clinic: ClinicId,
        #[arg(long)]
        device: DeviceId,
        #[arg(long)]
        json: bool,
    },
    /// List a clinic's audit entries by patient, user and time range, oldest first
    List(oversight_cli::AuditFilter),
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
    let result = load_config(&cli).and_then(|config| {
        init_logging(config.log_format);
        tokio::runtime::Runtime::new()
            .context("could not start the async runtime")
            .and_then(|rt| rt.block_on(run(cli, config)))
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// The file, the environment and the flags, merged.
fn load_config(cli: &Cli) -> Result<ServerConfig> {
    let mut overrides = Overrides {
        database_url: cli.database_url.clone(),
        log_format: match cli.log_format.as_deref() {
            Some("json") => Some(LogFormat::Json),
            Some(_) => Some(LogFormat::Pretty),
            None => None,
        },
        ..Overrides::default()
    };
    if let Command::Serve {
        listen,
        tls_cert,
        tls_key,
    } = &cli.command
    {
        overrides.listen = *listen;
        if let (Some(cert), Some(key)) = (tls_cert, tls_key) {
            overrides.tls = Some(TlsFiles {
                cert: cert.clone(),
                key: key.clone(),
            });
        }
    }
    Ok(ServerConfig::load(cli.config.as_deref(), &overrides)?)
}

/// Log lines to stderr, filtered by `RUST_LOG` (default `info`). Spans carry ids and
/// counts, never patient data or secrets.
fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(filter);
    match format {
        LogFormat::Json => builder.json().flatten_event(true).init(),
        LogFormat::Pretty => builder.init(),
    }
}

async fn database(config: &ServerConfig) -> Result<PgDatabase> {
    let url = config.require_database_url()?;
    PgDatabase::connect_with(url.expose(), &config.pool)
        .await
        .with_context(|| format!("connecting to {url}"))
}

fn print_json(value: &impl serde::Serialize) -> Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

async fn run(cli: Cli, config: ServerConfig) -> Result<()> {
    let db = database(&config).await?;
    match cli.command {
        Command::Migrate => {
            outpost_sync_server::migrate(&db)
                .await
                .context("migrating the database")?;
            println!("database is up to date");
        }
        Command::Serve { .. } => serve(db, &config).await?,
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
        Command::Audit(AuditCommand::Verify {
            clinic,
            device,
            json,
        }) => verify_audit(&db, clinic, device, json).await?,
        Command::Audit(AuditCommand::List(filter)) => {
            oversight_cli::list(&db, filter, false).await?
        }
        Command::Alerts(oversight_cli::AlertsCommand::List(filter)) => {
            oversight_cli::list(&db, filter, true).await?
        }
        Command::Patient(cmd) => oversight_cli::run_patient(&db, cmd).await?,
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

async fn verify_audit(
    db: &PgDatabase,
    clinic: ClinicId,
    device: DeviceId,
    json: bool,
) -> Result<()> {
    let found = db
        .list_devices(clinic)
        .await
        .context("listing the clinic's devices")?
        .into_iter()
        .find(|d| d.id == device)
        .with_context(|| format!("clinic {clinic} has no device {device}; list them with `outpost-server device list`"))?;
    match outpost_sync_server::integrity::verify_device_chain(db, &found)
        .await
        .context("reading the audit chain")?
    {
        Ok(entries) => {
            if json {
                print_json(&serde_json::json!({ "ok": true, "entries": entries }))?;
            } else {
                println!("audit chain of device {device} holds: {entries} entries");
            }
            Ok(())
        }
        Err(broken) => {
            if json {
                print_json(&serde_json::json!({
                    "ok": false, "broken_at": broken.seq, "reason": broken.reason
                }))?;
            }
            anyhow::bail!("device {device}: {broken}")
        }
    }
}

async fn serve(db: PgDatabase, config: &ServerConfig) -> Result<()> {
    let mut printed = Ok(());
    let serving = outpost_sync_server::shutdown::serve_configured(
        db,
        config,
        |bound| {
            println!("listening on {}", bound.url());
            printed = std::io::stdout().flush();
        },
        outpost_sync_server::shutdown::signal(),
    )
    .await;
    printed.context("writing to stdout")?;
    serving.context("serving")?;
    Ok(())
}
