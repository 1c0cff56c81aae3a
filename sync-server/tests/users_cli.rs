//! The real `outpost-server` binary's user commands as an admin types them: the password
//! comes from stdin (never argv), users are listed without their verifiers, disabled, and
//! accounts with failed sign-ins are listed for admins.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use outpost_pgtest::PgCluster;
use std::io::Write;
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_outpost-server");

fn run(pg: &PgCluster, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .env("OUTPOST_DATABASE_URL", pg.url())
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // A command refused at its arguments (`--role janitor`) may exit before it reads
    // stdin; writing to it then fails with a broken pipe, which is not the test's concern:
    // its exit status and message are.
    match child.stdin.take().unwrap().write_all(stdin.as_bytes()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        other => other.unwrap(),
    }
    child.wait_with_output().unwrap()
}

fn ok_json(out: &Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn an_admin_adds_lists_and_disables_users_from_the_shell() {
    let pg = PgCluster::start().unwrap();
    assert!(run(&pg, &["migrate"], "").status.success());
    let clinic = ok_json(&run(
        &pg,
        &["clinic", "create", "--name", "Hill", "--json"],
        "",
    ));
    let clinic = clinic["id"].as_str().unwrap().to_owned();

    let added = ok_json(&run(
        &pg,
        &[
            "user",
            "add",
            "--clinic",
            &clinic,
            "--username",
            "Dr.Amina",
            "--full-name",
            "Amina Yusuf",
            "--role",
            "doctor",
            "--password-stdin",
            "--json",
        ],
        "correct horse battery\n",
    ));
    assert_eq!(added["username"], "dr.amina");
    assert_eq!(added["role"], "doctor");
    assert!(
        added.get("verifier").is_none(),
        "verifiers are never printed"
    );

    let no_password = run(
        &pg,
        &[
            "user",
            "add",
            "--clinic",
            &clinic,
            "--username",
            "x",
            "--full-name",
            "X",
            "--role",
            "lab",
        ],
        "",
    );
    assert!(!no_password.status.success());
    assert!(String::from_utf8_lossy(&no_password.stderr).contains("no password on stdin"));
    let bad_role = run(
        &pg,
        &[
            "user",
            "add",
            "--clinic",
            &clinic,
            "--username",
            "x",
            "--full-name",
            "X",
            "--role",
            "janitor",
        ],
        "a password\n",
    );
    assert!(String::from_utf8_lossy(&bad_role.stderr).contains("front_desk"));

    let listed = ok_json(&run(
        &pg,
        &["user", "list", "--clinic", &clinic, "--json"],
        "",
    ));
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert!(!listed.to_string().contains("argon2"));

    let disabled = run(
        &pg,
        &[
            "user",
            "disable",
            "--clinic",
            &clinic,
            "--username",
            "dr.amina",
        ],
        "",
    );
    assert!(disabled.status.success());
    let listed = ok_json(&run(
        &pg,
        &["user", "list", "--clinic", &clinic, "--json"],
        "",
    ));
    assert!(listed[0]["disabled_at"].is_string());
    let missing = run(
        &pg,
        &[
            "user",
            "disable",
            "--clinic",
            &clinic,
            "--username",
            "nobody",
        ],
        "",
    );
    assert!(String::from_utf8_lossy(&missing.stderr).contains("user list --clinic"));

    let lockouts = ok_json(&run(&pg, &["lockouts", "--clinic", &clinic, "--json"], ""));
    assert_eq!(lockouts, serde_json::json!([]));
    let text = run(&pg, &["lockouts", "--clinic", &clinic], "");
    assert!(String::from_utf8_lossy(&text.stdout).contains("no failed sign-ins"));
}
