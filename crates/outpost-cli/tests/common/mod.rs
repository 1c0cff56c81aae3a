//! Running the real `outpost` binary in tests: a command builder with a temp data dir and
//! a fixed acting user, and a replica created through the library (the CLI itself only
//! creates one by enrolling).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::{Command, Output};

pub const BIN: &str = env!("CARGO_BIN_EXE_outpost");

/// `outpost --data-dir DIR --as nurse.kim ARGS…`, ready to run.
pub fn outpost(data_dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.arg("--data-dir")
        .arg(data_dir)
        .args(["--as", "nurse.kim"])
        .args(args)
        .env_remove("OUTPOST_DATA_DIR")
        .env_remove("OUTPOST_USER")
        .env_remove("OUTPOST_LOG");
    cmd
}

pub fn run(data_dir: &Path, args: &[&str]) -> Output {
    outpost(data_dir, args).output().unwrap()
}

/// Runs and insists on success; returns stdout.
pub fn ok(data_dir: &Path, args: &[&str]) -> String {
    let out = run(data_dir, args);
    assert!(
        out.status.success(),
        "outpost {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A fresh replica in a temp dir, made with the library.
pub fn replica_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    outpost_replica::Replica::create(dir.path()).unwrap();
    dir
}

pub fn add_patient(data_dir: &Path, name: &str, mrn: &str) -> String {
    ok(
        data_dir,
        &[
            "patient",
            "add",
            "--name",
            name,
            "--dob",
            "1984-03-07",
            "--sex",
            "female",
            "--mrn",
            mrn,
        ],
    )
    .trim()
    .to_owned()
}
