//! Signing in on the command line: writes need a signed-in user whose role allows them and
//! are recorded as that user; the password comes from stdin; unknown users and wrong
//! passwords read alike; `--as` only guards that the expected user is the one signed in.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use crate::common;

use common::{
    add_patient, json, login, login_with, ok, replica_dir, run, stderr, DEFAULT_USER, USERS,
};

fn failed(out: &std::process::Output) -> String {
    assert!(!out.status.success(), "expected a refusal");
    stderr(out)
}

#[test]
fn writes_are_recorded_as_the_signed_in_user_and_refused_without_one() {
    let dir = replica_dir();
    let d = dir.path();
    let id = add_patient(d, "Amara Okafor", "MRN-1");
    let history = json(d, &["history", "--id", &id, "--json"]);
    assert_eq!(history[0]["meta"]["author"], DEFAULT_USER);

    ok(d, &["logout"]);
    let err = failed(&run(
        d,
        &[
            "patient",
            "add",
            "--name",
            "B",
            "--dob",
            "1990-01-01",
            "--sex",
            "male",
            "--mrn",
            "M2",
        ],
    ));
    assert!(
        err.contains("sign in first: run `outpost login --user NAME`"),
        "{err}"
    );

    login(d, "nurse.lee");
    let err = failed(&run(
        d,
        &[
            "--as",
            "dr.kim",
            "vitals",
            "add",
            "--patient",
            &id,
            "--weight",
            "70",
        ],
    ));
    assert!(
        err.contains("nurse.lee is signed in on this workstation, not dr.kim"),
        "{err}"
    );
    ok(
        d,
        &[
            "--as",
            "nurse.lee",
            "vitals",
            "add",
            "--patient",
            &id,
            "--weight",
            "70",
        ],
    );
    let vitals = json(d, &["vitals", "list", "--patient", &id, "--json"]);
    assert_eq!(vitals[0]["taken_by"], "nurse.lee");
}

#[test]
fn roles_limit_what_a_user_may_write() {
    let dir = replica_dir();
    let d = dir.path();
    let err = failed(&run(
        d,
        &[
            "template",
            "new",
            "--name",
            "Pre-op",
            "--specialty",
            "surgery",
            "--visit-type",
            "pre_op",
        ],
    ));
    assert!(
        err.contains("doctor role may not create template records"),
        "{err}"
    );
    login(d, "admin.ada");
    ok(
        d,
        &[
            "template",
            "new",
            "--name",
            "Pre-op",
            "--specialty",
            "surgery",
            "--visit-type",
            "pre_op",
        ],
    );
    let err = failed(&run(
        d,
        &[
            "patient",
            "add",
            "--name",
            "B",
            "--dob",
            "1990-01-01",
            "--sex",
            "male",
            "--mrn",
            "M2",
        ],
    ));
    assert!(
        err.contains("admin role may not create patient records"),
        "{err}"
    );
    login(d, "desk.dan");
    add_patient(d, "Front Desk Registered", "MRN-9");
}

#[test]
fn wrong_passwords_and_unknown_users_read_alike_and_users_list_without_verifiers() {
    let dir = replica_dir();
    let d = dir.path();
    let wrong = failed(&login_with(d, "dr.kim", "not it"));
    let unknown = failed(&login_with(d, "nobody", "not it"));
    assert!(wrong.contains("wrong username or password"), "{wrong}");
    assert_eq!(wrong, unknown);
    let empty = failed(&login_with(d, "dr.kim", ""));
    assert!(empty.contains("no password on stdin"), "{empty}");

    let listed = json(d, &["users", "--json"]);
    assert_eq!(listed.as_array().unwrap().len(), USERS.len());
    assert!(!listed.to_string().contains("argon2"));
    let text = ok(d, &["users"]);
    assert!(
        text.contains("nurse.lee") && text.contains("nurse"),
        "{text}"
    );
    assert!(ok(d, &["login", "--user", "dr.kim", "--help"]).contains("stdin"));
}
