//! The charting commands as an operator uses them: a template designed and published, an
//! encounter charted on a pinned version, a handover acknowledged. Every refusal (unknown
//! record kind, wrong field type, out-of-range value, a field the template version lacks,
//! oversized text, a bad id) exits with status 2 and stores nothing.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use crate::common;

use common::{add_patient, json, login, ok, ok_as, refused, replica_dir, DEFAULT_USER};

#[test]
fn a_template_is_designed_and_published_and_an_encounter_charted_on_it() {
    let dir = replica_dir();
    let d = dir.path();
    let patient = add_patient(d, "Amara Okafor", "MRN-1");
    // Templates are designed by an admin; the doctor charts on them.
    login(d, "admin.ada");
    let t = ok(
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
    let t = t.trim();
    ok(
        d,
        &[
            "template", "page", "--id", t, "--page", "main", "--title", "Main",
        ],
    );
    ok(
        d,
        &[
            "template",
            "section",
            "--id",
            t,
            "--page",
            "main",
            "--section",
            "vitals",
            "--title",
            "Vitals",
            "--h",
            "2",
        ],
    );
    ok(
        d,
        &[
            "template",
            "field",
            "--id",
            t,
            "--section",
            "vitals",
            "--field",
            "weight",
            "--label",
            "Weight",
            "--type",
            "number",
            "--unit",
            "kg",
            "--min",
            "0",
            "--max",
            "500",
            "--w",
            "4",
        ],
    );
    ok(
        d,
        &[
            "template",
            "field",
            "--id",
            t,
            "--section",
            "vitals",
            "--field",
            "asa",
            "--label",
            "ASA",
            "--type",
            "select",
            "--option",
            "I",
            "--option",
            "II",
            "--x",
            "4",
            "--w",
            "4",
        ],
    );
    refused(
        d,
        &[
            "template",
            "field",
            "--id",
            t,
            "--section",
            "nope",
            "--field",
            "x",
            "--label",
            "X",
            "--type",
            "text",
        ],
    );
    refused(
        d,
        &[
            "template",
            "move",
            "--id",
            t,
            "--section",
            "vitals",
            "--x",
            "11",
            "--y",
            "0",
        ],
    );
    assert_eq!(ok(d, &["template", "publish", "--id", t]).trim(), "1");
    ok(
        d,
        &[
            "template",
            "move",
            "--id",
            t,
            "--section",
            "vitals",
            "--x",
            "0",
            "--y",
            "5",
        ],
    );
    assert_eq!(ok(d, &["template", "publish", "--id", t]).trim(), "2");
    let v1 = json(
        d,
        &["template", "show", "--id", t, "--version", "1", "--json"],
    );
    assert_eq!(v1["pages"][0]["sections"][0]["grid"]["y"], 0);
    let listed = ok(d, &["template", "list"]);
    assert!(
        listed.contains("Pre-op  surgery  pre_op  2 fields  latest v2"),
        "{listed}"
    );

    login(d, DEFAULT_USER);
    let e = ok(
        d,
        &[
            "encounter",
            "new",
            "--patient",
            &patient,
            "--template",
            t,
            "--version",
            "1",
            "--type",
            "pre_op",
            "--specialty",
            "surgery",
            "--date",
            "2026-11-22",
        ],
    );
    let e = e.trim();
    ok(
        d,
        &[
            "encounter",
            "set",
            "--id",
            e,
            "--field",
            "weight",
            "--value",
            "72.5",
        ],
    );
    ok(
        d,
        &[
            "encounter",
            "set",
            "--id",
            e,
            "--field",
            "asa",
            "--value",
            "II",
        ],
    );
    ok(
        d,
        &[
            "encounter",
            "note",
            "--id",
            e,
            "--which",
            "plan",
            "--text",
            "Fast from midnight.",
        ],
    );
    ok(
        d,
        &["encounter", "status", "--id", e, "--status", "in_progress"],
    );

    let err = refused(
        d,
        &[
            "encounter",
            "set",
            "--id",
            e,
            "--field",
            "weight",
            "--value",
            "heavy",
        ],
    );
    assert!(
        err.contains("fields.weight (--field/--value): \"Weight\" is a number field; got text"),
        "{err}"
    );
    let err = refused(
        d,
        &[
            "encounter",
            "set",
            "--id",
            e,
            "--field",
            "weight",
            "--value",
            "900",
        ],
    );
    assert!(err.contains("between 0 and 500 kg (got 900)"), "{err}");
    let err = refused(
        d,
        &[
            "encounter",
            "set",
            "--id",
            e,
            "--field",
            "pulse",
            "--value",
            "80",
        ],
    );
    assert!(err.contains("has no field \"pulse\""), "{err}");
    let err = refused(
        d,
        &[
            "encounter",
            "note",
            "--id",
            e,
            "--which",
            "history",
            "--text",
            &"a".repeat(50_001),
        ],
    );
    assert!(err.contains("at most 50000 characters"), "{err}");
    refused(
        d,
        &[
            "encounter",
            "set",
            "--id",
            e,
            "--field",
            "weight",
            "--value",
            "{\"kg\":1}",
        ],
    );
    refused(
        d,
        &[
            "encounter",
            "new",
            "--patient",
            &patient,
            "--template",
            t,
            "--version",
            "9",
            "--type",
            "pre_op",
            "--specialty",
            "surgery",
        ],
    );
    let err = refused(d, &["conflicts", "list", "--kind", "lab_result"]);
    assert!(err.contains("unknown record kind \"lab_result\""), "{err}");

    let view = json(d, &["encounter", "show", "--id", e, "--json"]);
    assert_eq!(view["template_version"], 1);
    assert_eq!(view["encounter"]["status"], "in_progress");
    assert_eq!(view["encounter"]["fields"]["weight"], 72.5);
    assert_eq!(view["encounter"]["notes"]["plan"], "Fast from midnight.");
    let text = ok(d, &["encounter", "show", "--id", e]);
    assert!(
        text.contains("Weight [weight]: 72.5") && text.contains("plan: Fast from midnight."),
        "{text}"
    );
    let list = json(d, &["encounter", "list", "--patient", &patient, "--json"]);
    assert_eq!(list.as_array().unwrap().len(), 1);
    let history = json(d, &["history", "--id", e, "--json"]);
    assert_eq!(history.as_array().unwrap().len(), 5);
    assert_eq!(history[0]["meta"]["author"], "dr.kim");
}

#[test]
fn a_handover_is_written_and_acknowledged() {
    let dir = replica_dir();
    let d = dir.path();
    let patient = add_patient(d, "Amara Okafor", "MRN-1");
    let h = ok(
        d,
        &[
            "handover",
            "new",
            "--ward",
            "Ward 3",
            "--from-date",
            "2026-11-22",
            "--from-shift",
            "day",
            "--to-shift",
            "night",
        ],
    );
    let h = h.trim();
    let item = ok(
        d,
        &[
            "handover",
            "item",
            "--id",
            h,
            "--patient",
            &patient,
            "--priority",
            "urgent",
            "--situation",
            "Post-op day 1",
            "--action",
            "drain check",
        ],
    );
    let err = refused(
        d,
        &[
            "handover",
            "item",
            "--id",
            h,
            "--patient",
            &patient,
            "--item-id",
            "bed.4",
        ],
    );
    assert!(err.contains("is not a valid id"), "{err}");
    refused(d, &["handover", "ack", "--id", h, "--item", "nope"]);
    ok_as(
        d,
        "nurse.lee",
        &["handover", "ack", "--id", h, "--item", item.trim()],
    );
    let shown = json(d, &["handover", "show", "--id", h, "--json"]);
    assert_eq!(
        shown["items"][0]["acknowledgements"][0]["user"],
        "nurse.lee"
    );
    assert_eq!(shown["author"], "dr.kim");
    let text = ok(d, &["handover", "list", "--ward", "Ward 3"]);
    assert!(
        text.contains("1 items (1 urgent, 0 unacknowledged)"),
        "{text}"
    );
}
