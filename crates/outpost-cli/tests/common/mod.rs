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

/// The change counter of the replica in `data_dir` (how many local writes it holds).
pub fn counter(data_dir: &Path) -> u64 {
    outpost_replica::Replica::open(data_dir)
        .unwrap()
        .local_counter()
        .unwrap()
}

/// Runs, insists on success, parses stdout as JSON.
pub fn json(data_dir: &Path, args: &[&str]) -> serde_json::Value {
    serde_json::from_str(&ok(data_dir, args)).unwrap()
}

/// Runs and insists on exit status 2 with nothing stored; returns stderr.
pub fn refused(data_dir: &Path, args: &[&str]) -> String {
    let before = counter(data_dir);
    let out = run(data_dir, args);
    assert_eq!(
        out.status.code(),
        Some(2),
        "outpost {args:?}: {}",
        stderr(&out)
    );
    assert_eq!(
        counter(data_dir),
        before,
        "outpost {args:?} stored something"
    );
    stderr(&out)
}

/// Like [`ok`], acting as `user`.
pub fn ok_as(data_dir: &Path, user: &str, args: &[&str]) -> String {
    let out = Command::new(BIN)
        .arg("--data-dir")
        .arg(data_dir)
        .args(["--as", user])
        .args(args)
        .env_remove("OUTPOST_DATA_DIR")
        .env_remove("OUTPOST_USER")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    String::from_utf8(out.stdout).unwrap()
}
