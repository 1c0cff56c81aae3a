//! Moving a form between workstations as a file: `outpost template export` then `import`
//! gives the identical template; a malformed file, an unknown field type or overlapping
//! positions are refused with a message naming the problem, and nothing is stored.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use crate::common;

use common::{counter, json, login, ok, refused, replica_dir, run, stderr};
use std::path::Path;

fn designed_template(d: &Path) -> String {
    let t = ok(
        d,
        &[
            "template",
            "new",
            "--name",
            "Eye clinic",
            "--specialty",
            "ophthalmology",
            "--visit-type",
            "follow_up",
        ],
    );
    let t = t.trim().to_owned();
    ok(
        d,
        &[
            "template", "page", "--id", &t, "--page", "exam", "--title", "Exam",
        ],
    );
    ok(
        d,
        &[
            "template",
            "section",
            "--id",
            &t,
            "--page",
            "exam",
            "--section",
            "iop",
            "--title",
            "Pressure",
            "--w",
            "6",
            "--h",
            "2",
        ],
    );
    for (field, x) in [("iop_od", "0"), ("iop_os", "3")] {
        ok(
            d,
            &[
                "template",
                "field",
                "--id",
                &t,
                "--section",
                "iop",
                "--field",
                field,
                "--label",
                field,
                "--type",
                "number",
                "--unit",
                "mmHg",
                "--min",
                "0",
                "--max",
                "80",
                "--x",
                x,
                "--w",
                "3",
            ],
        );
    }
    t
}

#[test]
fn an_exported_template_imports_as_an_identical_draft_and_published_versions_export_too() {
    let dir = replica_dir();
    let d = dir.path();
    login(d, "admin.ada");
    let t = designed_template(d);
    assert_eq!(ok(d, &["template", "publish", "--id", &t]).trim(), "1");
    let file = d.join("eye.json");
    ok(
        d,
        &[
            "template",
            "export",
            "--id",
            &t,
            "--version",
            "1",
            "--out",
            file.to_str().unwrap(),
        ],
    );
    let copy = ok(d, &["template", "import", "--file", file.to_str().unwrap()]);
    let copy = copy.trim();
    assert_ne!(copy, t);
    let original = json(
        d,
        &["template", "show", "--id", &t, "--version", "1", "--json"],
    );
    let imported = json(d, &["template", "show", "--id", copy, "--json"]);
    assert_eq!(imported["draft"], original);
    assert_eq!(imported["latest_version"], serde_json::Value::Null);
}

#[test]
fn malformed_files_are_refused_naming_the_problem_and_store_nothing() {
    let dir = replica_dir();
    let d = dir.path();
    login(d, "admin.ada");
    let t = designed_template(d);
    let good = ok(d, &["template", "export", "--id", &t]);
    let cases = [
        (
            "truncated.json",
            good[..good.len() / 2].to_owned(),
            "is not a JSON template export",
        ),
        (
            "slider.json",
            good.replacen("\"type\": \"number\"", "\"type\": \"slider\"", 1),
            "unknown variant `slider`",
        ),
        (
            "overlap.json",
            good.replacen("\"x\": 3", "\"x\": 2", 1),
            "\"iop_od\" and \"iop_os\" overlap",
        ),
        (
            "other.json",
            "{\"name\": \"Eye clinic\"}".to_owned(),
            "not an Outpost template export",
        ),
    ];
    for (name, text, expected) in cases {
        let file = d.join(name);
        std::fs::write(&file, text).unwrap();
        let err = refused(d, &["template", "import", "--file", file.to_str().unwrap()]);
        assert!(err.contains(expected), "{name}: {err}");
    }
    let listed = json(d, &["template", "list", "--json"]);
    assert_eq!(listed.as_array().unwrap().len(), 1);
}

#[test]
fn a_nurse_cannot_import_a_template() {
    let dir = replica_dir();
    let d = dir.path();
    login(d, "admin.ada");
    let t = designed_template(d);
    let file = d.join("eye.json");
    ok(
        d,
        &[
            "template",
            "export",
            "--id",
            &t,
            "--out",
            file.to_str().unwrap(),
        ],
    );
    login(d, "nurse.lee");
    let before = counter(d);
    let out = run(d, &["template", "import", "--file", file.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("nurse role may not create template records"),
        "{}",
        stderr(&out)
    );
    assert_eq!(counter(d), before);
}

#[test]
fn an_admin_saves_a_drafted_section_to_the_library_and_withdraws_it_and_a_nurse_cannot_list_it() {
    let dir = replica_dir();
    let d = dir.path();
    login(d, "admin.ada");
    let t = designed_template(d);
    let starters = json(d, &["template", "library", "--json"]);
    let starters = starters.as_array().unwrap().len();

    refused(
        d,
        &[
            "template",
            "save-section",
            "--id",
            &t,
            "--section",
            "nowhere",
        ],
    );
    let saved = json(
        d,
        &[
            "template",
            "save-section",
            "--id",
            &t,
            "--section",
            "iop",
            "--description",
            "Pressure, both eyes",
            "--json",
        ],
    );
    assert_eq!(saved["saved_by"], "admin.ada");
    assert_eq!(saved["section"]["title"], "Pressure");
    let library = ok(d, &["template", "library"]);
    assert!(
        library.contains("Pressure (2 fields, saved by admin.ada)"),
        "{library}"
    );

    login(d, "nurse.lee");
    let out = run(d, &["template", "library"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("the nurse role may not read library_section records"),
        "{}",
        stderr(&out)
    );
    login(d, "admin.ada");

    let key = saved["key"].as_str().unwrap();
    ok(d, &["template", "withdraw-section", "--key", key]);
    let after = json(d, &["template", "library", "--json"]);
    assert_eq!(after.as_array().unwrap().len(), starters);
}
