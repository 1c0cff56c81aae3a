//! Finding the Postgres binaries and running them as the right user: `initdb` and
//! `postgres` refuse to run as root, so as root the server-side tools run as the
//! `postgres` user through `runuser`; otherwise they run as the current user.

use crate::error::PgError;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// How to invoke the Postgres tools for one cluster.
#[derive(Debug, Clone)]
pub(crate) struct Tools {
    bindir: PathBuf,
    as_postgres_user: bool,
    cwd: PathBuf,
}

impl Tools {
    /// `cwd` is a directory the server user can enter (the cluster's own temp dir), so the
    /// tools never complain about an unreadable working directory such as root's home.
    pub(crate) fn new(as_postgres_user: bool, cwd: &Path) -> Result<Self, PgError> {
        Ok(Self {
            bindir: find_bindir()?,
            as_postgres_user,
            cwd: cwd.to_path_buf(),
        })
    }

    /// A command for a server-side tool (initdb, pg_ctl), run as the server user.
    pub(crate) fn server(&self, tool: &str) -> Command {
        let exe = self.bindir.join(tool);
        let mut cmd = if self.as_postgres_user {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(exe);
            c
        } else {
            Command::new(exe)
        };
        cmd.current_dir(&self.cwd).stdin(Stdio::null());
        cmd
    }

    /// A command for a client tool (pg_isready, psql, createdb), run as the current user.
    pub(crate) fn client(&self, tool: &str) -> Command {
        let mut cmd = Command::new(self.bindir.join(tool));
        cmd.current_dir(&self.cwd).stdin(Stdio::null());
        cmd
    }
}

/// Runs `cmd` to completion; a non-zero exit becomes [`PgError::CommandFailed`] with the
/// tool's own output.
pub(crate) fn run(mut cmd: Command) -> Result<Output, PgError> {
    let shown = format!("{cmd:?}");
    let out = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| PgError::io(format!("could not run {shown}"), e))?;
    if out.status.success() {
        Ok(out)
    } else {
        Err(PgError::CommandFailed {
            command: shown,
            status: out.status.to_string(),
            output: format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ),
        })
    }
}

/// `OUTPOST_PG_BINDIR`, else the newest `/usr/lib/postgresql/<major>/bin`, else the
/// directory on `PATH` that holds `initdb`.
fn find_bindir() -> Result<PathBuf, PgError> {
    if let Some(dir) = std::env::var_os("OUTPOST_PG_BINDIR") {
        return Ok(PathBuf::from(dir));
    }
    let mut majors: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let major = e.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").is_file().then_some((major, bin))
        })
        .collect();
    majors.sort();
    if let Some((_, bin)) = majors.pop() {
        return Ok(bin);
    }
    std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .find(|d| d.join("initdb").is_file() && d.join("pg_ctl").is_file())
        .ok_or(PgError::BinariesMissing { name: "initdb" })
}
