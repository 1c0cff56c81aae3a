//! Signing from the command line: a physician signs an encounter with their password on
//! stdin; `encounter show` then shows exactly the signed version with the manifest
//! (printed name, time with zone, meaning, content hash); the locked encounter refuses
//! plain edits; a nurse cannot sign; a wrong password signs nothing and says how to go on.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use crate::common;

use common::{add_patient, json, login, ok, replica_dir, stderr, with_stdin, PASSWORD};
use std::path::Path;

/// A published one-field template and an encounter charted on it by dr.kim.
fn charted(d: &Path) -> String {
    let patient = add_patient(d, "Amara Okafor", "MRN-1");
    login(d, "admin.ada");
    let t = ok(
        d,
        &[
            "template",
            "new",
            "--name",
            "Operative note",
            "--specialty",
            "surgery",
            "--visit-type",
            "operative",
        ],
    );
    let t = t.trim().to_owned();
    for args in [
        vec!["page", "--id", &t, "--page", "op", "--title", "Operation"],
        vec![
            "section",
            "--id",
            &t,
            "--page",
            "op",
            "--section",
            "findings",
            "--title",
            "Findings",
        ],
        vec![
            "field",
            "--id",
            &t,
            "--section",
            "findings",
            "--field",
            "blood_loss",
            "--label",
            "Blood loss",
            "--type",
            "number",
            "--unit",
            "mL",
            "--min",
            "0",
            "--max",
            "5000",
        ],
    ] {
        let mut all = vec!["template"];
        all.extend(args);
        ok(d, &all);
    }
    ok(d, &["template", "publish", "--id", &t]);
    login(d, "dr.kim");
    let e = ok(
        d,
        &[
            "encounter",
            "new",
            "--patient",
            &patient,
            "--template",
            &t,
            "--type",
            "operative",
            "--specialty",
            "surgery",
        ],
    );
    let e = e.trim().to_owned();
    ok(
        d,
        &[
            "encounter",
            "set",
            "--id",
            &e,
            "--field",
            "blood_loss",
            "--value",
            "150",
        ],
    );
    ok(
        d,
        &[
            "encounter",
            "note",
            "--id",
            &e,
            "--which",
            "assessment",
            "--text",
            "Appendicitis",
        ],
    );
    e
}

#[test]
fn a_signed_encounter_shows_its_manifest_and_refuses_plain_edits() {
    let dir = replica_dir();
    let d = dir.path();
    let e = charted(d);

    let wrong = with_stdin(d, &["encounter", "sign", "--id", &e], "not my password");
    assert!(!wrong.status.success());
    assert!(
        stderr(&wrong).contains("2 attempts left"),
        "says how many tries are left: {}",
        stderr(&wrong)
    );
    let unsigned = json(d, &["encounter", "show", "--id", &e, "--json"]);
    assert!(unsigned.get("locked").is_none(), "{unsigned}");

    let signed = with_stdin(
        d,
        &["encounter", "sign", "--id", &e, "--meaning", "approval"],
        PASSWORD,
    );
    assert!(signed.status.success(), "{}", stderr(&signed));
    let line = String::from_utf8(signed.stdout).unwrap();
    assert!(line.starts_with("signed by Test dr.kim at "), "{line}");
    assert!(line.contains("(approval) sha256 "), "{line}");

    let shown = json(d, &["encounter", "show", "--id", &e, "--json"]);
    let manifest = &shown["locked"]["signatures"][0]["manifest"];
    assert_eq!(manifest["printed_name"], "Test dr.kim");
    assert_eq!(manifest["meaning"], "approval");
    assert_eq!(manifest["content_sha256"].as_str().unwrap().len(), 64);
    assert_eq!(
        shown["locked"]["signatures"][0]["problem"],
        serde_json::Value::Null
    );
    assert_eq!(shown["encounter"]["id"], e.as_str(), "the view's keys stay");

    let refused = common::run(
        d,
        &[
            "encounter",
            "note",
            "--id",
            &e,
            "--which",
            "assessment",
            "--text",
            "Something else",
        ],
    );
    assert!(!refused.status.success());
    assert!(
        stderr(&refused).contains("signed and locked; amend it"),
        "{}",
        stderr(&refused)
    );

    let text = ok(d, &["encounter", "show", "--id", &e]);
    assert!(text.contains("LOCKED: the signed version"), "{text}");
    assert!(text.contains("Blood loss [blood_loss]: 150"), "{text}");
    assert!(text.contains("assessment: Appendicitis"), "{text}");
    assert!(!text.contains("Something else"), "{text}");
    assert!(text.contains("signed by Test dr.kim"), "{text}");
}

#[test]
fn a_nurse_cannot_sign() {
    let dir = replica_dir();
    let d = dir.path();
    let e = charted(d);
    login(d, "nurse.lee");
    let out = with_stdin(d, &["encounter", "sign", "--id", &e], PASSWORD);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("nurse role may not sign"),
        "{}",
        stderr(&out)
    );
    login(d, "dr.kim");
    let shown = json(d, &["encounter", "show", "--id", &e, "--json"]);
    assert!(shown.get("locked").is_none(), "nothing signed: {shown}");
}
