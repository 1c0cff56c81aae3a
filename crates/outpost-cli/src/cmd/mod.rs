//! The commands: each opens the replica, makes one library call (the same the desktop
//! app makes) and prints the result, as plain lines or, with `--json`, as JSON. One file
//! per record kind.

pub mod audit;
pub mod encounter;
pub mod handover;
pub mod login;
pub mod patient;
pub mod patient_lists;
pub mod remote;
pub mod review;
pub mod template;
pub mod vitals;

use crate::output::print_json;
use anyhow::{bail, Context, Result};
use chrono::Utc;
use outpost_replica::outpost_domain::document::DocKind;
use outpost_replica::outpost_domain::roles::Action;
use outpost_replica::Replica;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// Input that is not even shaped like a record (e.g. a line that is not JSON); reported
/// like a validation error, with exit status 2.
#[derive(Debug)]
pub struct BadInput(pub String);

impl std::fmt::Display for BadInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BadInput {}

/// Where the replica is and whom `--as` expects to be signed in.
#[derive(Debug)]
pub struct Ctx {
    pub data_dir: PathBuf,
    pub user: Option<String>,
}

impl Ctx {
    pub fn open(&self) -> Result<Replica> {
        open(&self.data_dir)
    }

    /// The replica, opened for a write of `action` on a `kind` record, and the author:
    /// the user signed in on this workstation (`outpost login`), if their role allows it.
    /// `--as` / `OUTPOST_USER`, when given, must name that same user.
    pub fn for_write(&self, kind: DocKind, action: Action) -> Result<(Replica, String)> {
        let replica = self.open()?;
        let user = replica.author_for(kind, action, Utc::now())?;
        self.check_as(&user.username)?;
        Ok((replica, user.username))
    }

    /// The replica, opened for reading `kind` records that only some roles may see (the
    /// section library): the signed-in user's role must allow it.
    pub fn for_read(&self, kind: DocKind) -> Result<(Replica, String)> {
        self.for_write(kind, Action::Read)
    }

    /// Like [`Ctx::for_write`] for a write whose record kind is known only once it is
    /// loaded (resolving a conflict): a signed-in user is required; the replica checks
    /// the rest.
    pub fn for_any_write(&self) -> Result<(Replica, String)> {
        let replica = self.open()?;
        let user = replica
            .signed_in_user(Utc::now())?
            .ok_or(outpost_replica::ReplicaError::NotSignedIn)?;
        self.check_as(&user.username)?;
        Ok((replica, user.username))
    }

    fn check_as(&self, signed_in: &str) -> Result<()> {
        match self.user.as_deref().map(str::trim) {
            Some(wanted) if !wanted.eq_ignore_ascii_case(signed_in) => bail!(
                "{signed_in} is signed in on this workstation, not {wanted}; \
                 run `outpost login --user {wanted}` first"
            ),
            _ => Ok(()),
        }
    }
}

pub fn open(data_dir: &Path) -> Result<Replica> {
    Replica::open(data_dir)
        .with_context(|| format!("opening the replica in {}", data_dir.display()))
}

/// Prints `value` as JSON, or the lines `text` makes of it.
pub fn emit<T: Serialize + ?Sized>(
    json: bool,
    value: &T,
    text: impl FnOnce(&T) -> Vec<String>,
) -> Result<()> {
    if json {
        return print_json(value);
    }
    for line in text(value) {
        println!("{line}");
    }
    Ok(())
}

/// Prints a new record's id, or the record as JSON.
pub fn created<T: Serialize>(json: bool, id: impl std::fmt::Display, value: &T) -> Result<()> {
    if json {
        print_json(value)
    } else {
        println!("{id}");
        Ok(())
    }
}
