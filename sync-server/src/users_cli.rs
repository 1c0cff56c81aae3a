//! The `user` and `lockouts` admin commands of `outpost-server`: add, list and disable a
//! clinic's users, and list the accounts with failed sign-ins. A password is read from
//! stdin, never from the command line (argv is visible to every process).

use anyhow::{bail, Context, Result};
use clap::Subcommand;
use outpost_domain::credentials::Password;
use outpost_domain::ids::ClinicId;
use outpost_domain::roles::Role;
use outpost_sync_server::{users, Database};
use std::io::BufRead;

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a user; the password is read from the first line of stdin
    Add {
        #[arg(long)]
        clinic: ClinicId,
        /// 1-64 of a-z 0-9 . _ - (stored lowercase)
        #[arg(long)]
        username: String,
        #[arg(long)]
        full_name: String,
        /// admin, doctor, surgeon, nurse, front_desk or lab
        #[arg(long)]
        role: Role,
        /// Read the password from stdin (the only way; accepted for scripts that say so)
        #[arg(long)]
        password_stdin: bool,
        #[arg(long)]
        json: bool,
    },
    /// List a clinic's users (never their verifiers)
    List {
        #[arg(long)]
        clinic: ClinicId,
        #[arg(long)]
        json: bool,
    },
    /// Disable a user: no new sign-ins, sessions end, workstations learn it on their next sync
    Disable {
        #[arg(long)]
        clinic: ClinicId,
        #[arg(long)]
        username: String,
    },
}

fn read_password() -> Result<Password> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("reading the password from stdin")?;
    let typed = line.trim_end_matches(['\r', '\n']);
    if typed.is_empty() {
        bail!("no password on stdin; pipe it in, e.g. `printf '%s\\n' \"$PW\" | outpost-server user add ...`");
    }
    Ok(Password::new(typed))
}

pub async fn run_user(db: &dyn Database, cmd: UserCommand) -> Result<()> {
    match cmd {
        UserCommand::Add {
            clinic,
            username,
            full_name,
            role,
            password_stdin: _,
            json,
        } => {
            let password = read_password()?;
            let user = users::add_user(db, clinic, &username, &full_name, role, &password)
                .await
                .context("adding the user")?;
            if json {
                crate::print_json(&user)?;
            } else {
                println!(
                    "{}  {}  {}  {}",
                    user.id, user.username, user.role, user.full_name
                );
            }
        }
        UserCommand::List { clinic, json } => {
            let users = db.list_users(clinic).await.context("listing users")?;
            if json {
                crate::print_json(&users)?;
            } else {
                for u in users {
                    let state = if u.disabled_at.is_some() {
                        "disabled"
                    } else {
                        "active"
                    };
                    println!(
                        "{}  {:<20} {:<10} {:<8} {}",
                        u.id, u.username, u.role, state, u.full_name
                    );
                }
            }
        }
        UserCommand::Disable { clinic, username } => {
            let username = username.trim().to_lowercase();
            if !db
                .disable_user(clinic, &username)
                .await
                .context("disabling the user")?
            {
                bail!(
                    "clinic {clinic} has no user \"{username}\"; list them with \
                     `outpost-server user list --clinic {clinic}`"
                );
            }
            println!("disabled user {username}");
        }
    }
    Ok(())
}

/// `lockouts --clinic ID`: accounts with failed sign-ins since their last success.
pub async fn run_lockouts(db: &dyn Database, clinic: ClinicId, json: bool) -> Result<()> {
    let entries = db
        .list_lockouts(clinic, chrono::Utc::now())
        .await
        .context("listing lockouts")?;
    if json {
        return crate::print_json(&entries);
    }
    if entries.is_empty() {
        println!("no failed sign-ins since the last successful one for any user");
    }
    for e in entries {
        let locked = e
            .locked_for_seconds
            .map_or("not locked".to_owned(), |s| format!("LOCKED for {s} s"));
        let last = e
            .last_failure_at
            .map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
            .unwrap_or_default();
        println!(
            "{:<20} {} failures (last {last}), {} in 24 h, {locked}  {}",
            e.username, e.failures, e.failures_last_24h, e.full_name
        );
    }
    Ok(())
}
