//! `outpost login`, `outpost logout` and `outpost users`: signing a person in on this
//! workstation (works offline, against the users last synced), and listing the clinic's
//! users. The password is read from stdin, never from the command line. When the server
//! answers, the users are refreshed (earlier sign-ins reported first) and the server
//! signs the user in; otherwise the workstation does, against the users last synced.

use super::{emit, open};
use anyhow::{bail, Context, Result};
use chrono::Utc;
use outpost_replica::outpost_domain::credentials::Password;
use outpost_replica::sync;
use outpost_replica::{CachedUser, SignedInVia};
use std::io::BufRead;
use std::path::Path;
use std::sync::Mutex;

pub(crate) fn read_password() -> Result<Password> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("reading the password from stdin")?;
    let typed = line.trim_end_matches(['\r', '\n']);
    if typed.is_empty() {
        bail!("no password on stdin; type it and press Enter, or pipe it in");
    }
    Ok(Password::new(typed))
}

pub fn login(data_dir: &Path, user: &str) -> Result<()> {
    let password = read_password()?;
    let replica = open(data_dir)?;
    let (me, via) = if replica.enrollment()?.is_some() {
        // Online when the server answers (it judges the password and the lockout and binds
        // a session to this workstation); otherwise against the users last synced here.
        let transport = sync::transport_for(&replica)?;
        let replica = Mutex::new(replica);
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .context("starting the async runtime")?;
        rt.block_on(outpost_replica::login_online_or_offline(
            &replica,
            &transport,
            user,
            &password,
            Utc::now(),
        ))?
    } else {
        let mut replica = replica;
        let me = replica.login(user, &password, Utc::now())?;
        (me, SignedInVia::ThisWorkstation)
    };
    let how = match via {
        SignedInVia::Server => "online",
        SignedInVia::ThisWorkstation => "on this workstation",
    };
    println!(
        "signed in as {} ({}, {}) {how} for {} hours",
        me.username,
        me.full_name,
        me.role,
        outpost_replica::SESSION_HOURS
    );
    Ok(())
}

pub fn logout(data_dir: &Path) -> Result<()> {
    open(data_dir)?.logout()?;
    println!("signed out");
    Ok(())
}

pub fn users(data_dir: &Path, json: bool) -> Result<()> {
    let list = open(data_dir)?.cached_users()?;
    emit(json, &list, |l: &Vec<CachedUser>| {
        if l.is_empty() {
            return vec!["no users yet: run `outpost sync` while the server answers".into()];
        }
        l.iter()
            .map(|u| {
                let state = if u.disabled { "disabled" } else { "active" };
                format!(
                    "{:<20} {:<10} {:<8} {}",
                    u.username, u.role, state, u.full_name
                )
            })
            .collect()
    })
}
