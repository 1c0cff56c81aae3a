//! Running the real `outpost` binary in tests: a command builder with a temp data dir, a
//! replica created through the library (the CLI itself only creates one by enrolling)
//! holding the clinic's users as a sync would leave them, and `outpost login` to sign one
//! in: writes are recorded as the signed-in user.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use outpost_domain::credentials::{Password, PasswordVerifier};
use outpost_domain::ids::UserId;
use outpost_domain::protocol::users::{SyncedUser, UserSigningKey};
use outpost_domain::roles::Role;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

pub const BIN: &str = env!("CARGO_BIN_EXE_outpost");

/// The password of every test user.
pub const PASSWORD: &str = "correct horse battery";

/// The user [`replica_dir`] signs in: a doctor, who may write every record kind but
/// templates.
pub const DEFAULT_USER: &str = "dr.kim";

/// The clinic's users in every test replica, with their roles.
pub const USERS: [(&str, Role); 5] = [
    ("dr.kim", Role::Doctor),
    ("dr.ode", Role::Doctor),
    ("nurse.lee", Role::Nurse),
    ("admin.ada", Role::Admin),
    ("desk.dan", Role::FrontDesk),
];

/// [`USERS`] as the server sends them, each with an argon2id verifier and a signing key
/// wrapped under [`PASSWORD`] (made once per test binary).
pub fn synced_users() -> Vec<SyncedUser> {
    static SYNCED: OnceLock<Vec<SyncedUser>> = OnceLock::new();
    SYNCED
        .get_or_init(|| {
            let password = Password::new(PASSWORD);
            let verifier = PasswordVerifier::create(&password).unwrap();
            USERS
                .iter()
                .map(|(name, role)| {
                    let id = UserId::new();
                    let key = outpost_domain::signature::generate(id, &password).unwrap();
                    SyncedUser {
                        id,
                        username: (*name).into(),
                        full_name: format!("Test {name}"),
                        role: *role,
                        verifier: verifier.clone(),
                        disabled: false,
                        signing_key: Some(UserSigningKey::from(key)),
                    }
                })
                .collect()
        })
        .clone()
}

/// `outpost login --user USER` with the password on stdin; insists on success.
pub fn login(data_dir: &Path, user: &str) {
    let out = login_with(data_dir, user, PASSWORD);
    assert!(out.status.success(), "login as {user}: {}", stderr(&out));
}

/// `outpost login --user USER` with `password` on stdin.
pub fn login_with(data_dir: &Path, user: &str, password: &str) -> Output {
    with_stdin(data_dir, &["login", "--user", user], password)
}

/// Runs `outpost ARGS…` with `line` typed on stdin (a password).
pub fn with_stdin(data_dir: &Path, args: &[&str], line: &str) -> Output {
    let mut child = outpost(data_dir, args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "{line}").unwrap();
    child.wait_with_output().unwrap()
}

/// `outpost --data-dir DIR ARGS…`, ready to run.
pub fn outpost(data_dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.arg("--data-dir")
        .arg(data_dir)
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

/// A fresh replica in a temp dir, made with the library, holding [`USERS`], with
/// [`DEFAULT_USER`] signed in.
pub fn replica_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mut r = outpost_replica::Replica::create(dir.path()).unwrap();
    r.replace_users(&synced_users(), chrono::Utc::now())
        .unwrap();
    drop(r);
    login(dir.path(), DEFAULT_USER);
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

/// Like [`ok`], signed in as `user`; [`DEFAULT_USER`] is signed in again afterwards.
pub fn ok_as(data_dir: &Path, user: &str, args: &[&str]) -> String {
    login(data_dir, user);
    let out = ok(data_dir, args);
    login(data_dir, DEFAULT_USER);
    out
}
