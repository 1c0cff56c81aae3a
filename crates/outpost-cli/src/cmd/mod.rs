//! The commands: each opens the replica, makes one library call (the same the desktop
//! app makes) and prints the result, as plain lines or, with `--json`, as JSON. One file
//! per record kind.

pub mod encounter;
pub mod handover;
pub mod patient;
pub mod patient_lists;
pub mod remote;
pub mod review;
pub mod template;
pub mod vitals;

use crate::output::print_json;
use anyhow::{Context, Result};
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

/// Where the replica is and who is acting.
#[derive(Debug)]
pub struct Ctx {
    pub data_dir: PathBuf,
    pub user: Option<String>,
}

impl Ctx {
    pub fn open(&self) -> Result<Replica> {
        open(&self.data_dir)
    }

    /// The acting user: `--as` / `OUTPOST_USER`, else the login name.
    pub fn user(&self) -> Result<String> {
        self.user
            .clone()
            .or_else(|| std::env::var("USER").ok())
            .or_else(|| std::env::var("LOGNAME").ok())
            .filter(|u| !u.trim().is_empty())
            .context("cannot tell who you are; pass --as USER or set OUTPOST_USER")
    }

    /// The replica, opened for a write, and the acting user.
    pub fn for_write(&self) -> Result<(Replica, String)> {
        let user = self.user()?;
        Ok((self.open()?, user))
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
