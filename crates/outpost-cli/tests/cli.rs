//! The `outpost` binary as operators and scripts use it: help for every command, refused
//! input named per field with exit status 2, JSON that parses, and clear refusals when the
//! keyring or the replica is missing.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use crate::common;

use common::{add_patient, ok, outpost, replica_dir, run, stderr};
use serde_json::Value;

#[test]
fn every_command_has_help() {
    let dir = tempfile::tempdir().unwrap();
    let commands: &[&[&str]] = &[
        &[],
        &["enroll"],
        &["patient"],
        &["patient", "add"],
        &["patient", "list"],
        &["patient", "import"],
        &["vitals"],
        &["vitals", "add"],
        &["vitals", "list"],
        &["vitals", "show"],
        &["vitals", "error"],
        &["patient", "edit"],
        &["patient", "show"],
        &["patient", "allergy", "add"],
        &["patient", "allergy", "edit"],
        &["patient", "allergy", "refute"],
        &["patient", "med", "add"],
        &["patient", "med", "stop"],
        &["patient", "problem", "add"],
        &["encounter", "new"],
        &["encounter", "set"],
        &["encounter", "note"],
        &["encounter", "status"],
        &["encounter", "show"],
        &["encounter", "list"],
        &["handover", "new"],
        &["handover", "item"],
        &["handover", "ack"],
        &["handover", "show"],
        &["handover", "list"],
        &["template", "new"],
        &["template", "page"],
        &["template", "section"],
        &["template", "field"],
        &["template", "move"],
        &["template", "publish"],
        &["template", "show"],
        &["template", "list"],
        &["conflicts", "list"],
        &["conflicts", "resolve"],
        &["duplicates", "list"],
        &["duplicates", "merge"],
        &["duplicates", "unmerge"],
        &["duplicates", "links"],
        &["history"],
        &["sync"],
        &["status"],
    ];
    for args in commands {
        let mut with_help = args.to_vec();
        with_help.push("--help");
        let out = ok(dir.path(), &with_help);
        assert!(out.contains("Usage: outpost"), "{args:?}: {out}");
    }
    assert!(std::fs::read_dir(dir.path()).unwrap().next().is_none());
}

#[test]
fn refused_vitals_name_the_field_and_range_and_exit_with_status_2() {
    let dir = replica_dir();
    let id = add_patient(dir.path(), "Amara Okafor", "MRN-1");
    let out = run(
        dir.path(),
        &[
            "vitals",
            "add",
            "--patient",
            &id,
            "--temp",
            "47",
            "--hr",
            "250",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(
        lines,
        [
            "error: temperature_c (--temp): temperature must be between 30 and 45 °C (got 47)",
            "error: heart_rate_per_min (--hr): heart rate must be between 30 and 220 /min (got 250)",
        ]
    );
    let list: Value = serde_json::from_str(&ok(
        dir.path(),
        &["vitals", "list", "--patient", &id, "--json"],
    ))
    .unwrap();
    assert_eq!(list, Value::Array(vec![]), "nothing was stored");
}

#[test]
fn a_refused_patient_gets_one_line_per_field() {
    let dir = replica_dir();
    let out = run(
        dir.path(),
        &[
            "patient",
            "add",
            "--name",
            " ",
            "--dob",
            "07/03/1984",
            "--sex",
            "male",
            "--mrn",
            "MRN 1",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    let fields: Vec<&str> = err
        .lines()
        .map(|l| l.split(':').nth(1).unwrap().trim())
        .collect();
    assert_eq!(
        fields,
        ["name (--name)", "date_of_birth (--dob)", "mrn (--mrn)"]
    );

    let bad_bp = run(
        dir.path(),
        &[
            "vitals",
            "add",
            "--patient",
            "0190b5a0-0000-7000-8000-000000000000",
            "--bp",
            "120-80",
        ],
    );
    assert_eq!(bad_bp.status.code(), Some(2));
    assert!(stderr(&bad_bp).contains("SYSTOLIC/DIASTOLIC"));
}

#[test]
fn json_output_parses_and_carries_the_records() {
    let dir = replica_dir();
    let patient: Value = serde_json::from_str(&ok(
        dir.path(),
        &[
            "patient",
            "add",
            "--name",
            "Amara Okafor",
            "--dob",
            "1984-03-07",
            "--sex",
            "female",
            "--mrn",
            "MRN-1",
            "--json",
        ],
    ))
    .unwrap();
    let id = patient["id"].as_str().unwrap().to_owned();
    assert_eq!(patient["name"], "Amara Okafor");
    assert_eq!(patient["date_of_birth"], "1984-03-07");

    let vitals: Value = serde_json::from_str(&ok(
        dir.path(),
        &[
            "vitals",
            "add",
            "--patient",
            &id,
            "--temp",
            "36.8",
            "--bp",
            "120/80",
            "--spo2",
            "98",
            "--taken-at",
            "2026-01-02T03:04:05Z",
            "--json",
        ],
    ))
    .unwrap();
    assert_eq!(vitals["taken_by"], "dr.kim");
    assert_eq!(vitals["patient_id"], id.as_str());

    let list: Value =
        serde_json::from_str(&ok(dir.path(), &["patient", "list", "--json"])).unwrap();
    assert_eq!(list[0]["id"], id.as_str());
    assert_eq!(list[0]["latest_vitals"]["id"], vitals["id"]);
    let text = ok(dir.path(), &["patient", "list"]);
    assert!(
        text.contains("Amara Okafor") && text.contains("BP 120/80 mmHg"),
        "{text}"
    );

    let vlist: Value = serde_json::from_str(&ok(
        dir.path(),
        &["vitals", "list", "--patient", &id, "--json"],
    ))
    .unwrap();
    assert_eq!(vlist.as_array().unwrap().len(), 1);

    let status: Value = serde_json::from_str(&ok(dir.path(), &["status", "--json"])).unwrap();
    assert_eq!(status["state"], "not_enrolled");
    assert_eq!(status["online"], false);
    assert_eq!(status["pending_changes"], 2);
    assert_eq!(status["enrollment"], Value::Null);

    let sync = run(dir.path(), &["sync"]);
    assert_eq!(sync.status.code(), Some(1));
    assert!(stderr(&sync).contains("outpost enroll --server URL --code CODE"));
}

#[test]
fn import_stops_at_a_bad_line_with_its_number_keeping_earlier_lines() {
    let dir = replica_dir();
    let mut child = outpost(dir.path(), &["patient", "import"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        writeln!(
            stdin,
            r#"{{"name":"Amara Okafor","date_of_birth":"1984-03-07","sex":"female","mrn":"M-1"}}"#
        )
        .unwrap();
        writeln!(
            stdin,
            r#"{{"name":"Bo","date_of_birth":"2999-01-01","sex":"male","mrn":"M-2"}}"#
        )
        .unwrap();
    }
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 1);
    assert!(
        stderr(&out).contains("error: line 2: date_of_birth: the date of birth is in the future"),
        "{}",
        stderr(&out)
    );

    let out = {
        let mut c = outpost(dir.path(), &["patient", "import"])
            .stdin(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write;
        writeln!(c.stdin.take().unwrap(), "not json").unwrap();
        c.wait_with_output().unwrap()
    };
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("line 1: not a patient"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn without_a_replica_commands_say_to_enroll_and_create_nothing() {
    let dir = tempfile::tempdir().unwrap();
    for args in [&["patient", "list"][..], &["status"], &["sync"]] {
        let out = run(dir.path(), args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(stderr(&out).contains("outpost enroll"), "{}", stderr(&out));
    }
    assert!(std::fs::read_dir(dir.path()).unwrap().next().is_none());
}

#[test]
fn without_a_reachable_keyring_nothing_opens_and_nothing_is_created() {
    let existing = replica_dir();
    let empty = tempfile::tempdir().unwrap();
    let no_bus = "unix:path=/nonexistent/outpost-test-bus";

    let out = outpost(existing.path(), &["patient", "list"])
        .env("DBUS_SESSION_BUS_ADDRESS", no_bus)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("no OS keyring is reachable"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("gnome-keyring"), "{}", stderr(&out));

    let out = outpost(
        empty.path(),
        &["enroll", "--server", "http://127.0.0.1:9", "--code", "X"],
    )
    .env("DBUS_SESSION_BUS_ADDRESS", no_bus)
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("no OS keyring is reachable"),
        "{}",
        stderr(&out)
    );
    assert!(std::fs::read_dir(empty.path()).unwrap().next().is_none());
}
