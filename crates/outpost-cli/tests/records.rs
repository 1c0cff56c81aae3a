//! The record commands as an operator uses them: patients with their lists, provisional
//! MRNs, vitals in error, a template designed and published, an encounter charted on it,
//! a handover acknowledged. Every refusal (unknown record kind, wrong field type,
//! out-of-range value, a field the template version lacks, oversized text, an unknown id)
//! exits with status 2 and stores nothing.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;

use common::{add_patient, json, ok, ok_as, refused, replica_dir};
use outpost_replica::outpost_domain::protocol::MrnBlock;
use outpost_replica::Replica;

#[test]
fn a_patient_with_contact_details_and_lists() {
    let dir = replica_dir();
    let d = dir.path();
    let p = json(
        d,
        &[
            "patient",
            "add",
            "--name",
            "Amara Okafor",
            "--dob",
            "1984-03-07",
            "--sex",
            "f",
            "--mrn",
            "MRN-1",
            "--phone",
            "+44 20 7946 0958",
            "--contact-name",
            "Chidi Okafor",
            "--contact-relationship",
            "brother",
            "--json",
        ],
    );
    let id = p["id"].as_str().unwrap().to_owned();
    assert_eq!(p["phone"], "+44 20 7946 0958");
    let allergy = ok(
        d,
        &[
            "patient",
            "allergy",
            "add",
            "--patient",
            &id,
            "--allergen",
            "Penicillin",
            "--severity",
            "severe",
        ],
    );
    let allergy = allergy.trim();
    ok(
        d,
        &[
            "patient",
            "allergy",
            "edit",
            "--patient",
            &id,
            "--entry",
            allergy,
            "--reaction",
            "hives",
        ],
    );
    ok(
        d,
        &[
            "patient",
            "allergy",
            "refute",
            "--patient",
            &id,
            "--entry",
            allergy,
        ],
    );
    let med = ok(
        d,
        &[
            "patient",
            "med",
            "add",
            "--patient",
            &id,
            "--name",
            "Metformin",
            "--dose",
            "500 mg",
            "--start",
            "2024-01-10",
        ],
    );
    ok(
        d,
        &[
            "patient",
            "med",
            "stop",
            "--patient",
            &id,
            "--entry",
            med.trim(),
            "--date",
            "2024-02-01",
        ],
    );
    ok(
        d,
        &[
            "patient",
            "problem",
            "add",
            "--patient",
            &id,
            "--description",
            "Type 2 diabetes",
            "--icd10",
            "E11.9",
        ],
    );
    ok(
        d,
        &["patient", "edit", "--id", &id, "--address", "1 River Lane"],
    );

    let shown = json(d, &["patient", "show", "--id", &id, "--json"]);
    assert_eq!(shown["address"], "1 River Lane");
    assert_eq!(shown["emergency_contact"]["relationship"], "brother");
    assert_eq!(shown["allergies"][0]["status"], "refuted");
    assert_eq!(shown["allergies"][0]["reaction"], "hives");
    assert_eq!(shown["allergies"][0]["severity"], "severe");
    assert_eq!(shown["medications"][0]["status"], "stopped");
    assert_eq!(shown["problems"][0]["icd10"], "E11.9");
    let text = ok(d, &["patient", "allergy", "list", "--patient", &id]);
    assert!(
        text.contains("Penicillin  severe  refuted  reaction: hives"),
        "{text}"
    );
    let listed = json(d, &["patient", "med", "list", "--patient", &id, "--json"]);
    assert_eq!(listed[0]["name"], "Metformin");

    let err = refused(
        d,
        &[
            "patient",
            "allergy",
            "add",
            "--patient",
            &id,
            "--allergen",
            &"x".repeat(501),
        ],
    );
    assert!(
        err.contains("allergen (--allergen): at most 500 characters"),
        "{err}"
    );
    let err = refused(
        d,
        &[
            "patient",
            "problem",
            "add",
            "--patient",
            &id,
            "--description",
            "x",
            "--icd10",
            "diabetes",
        ],
    );
    assert!(err.contains("icd10 (--icd10)"), "{err}");
    let err = refused(
        d,
        &[
            "patient",
            "edit",
            "--id",
            &id,
            "--phone",
            "call me",
            "--dob",
            "1984-02-30",
        ],
    );
    assert_eq!(err.lines().count(), 2, "{err}");
    let err = refused(
        d,
        &[
            "patient",
            "allergy",
            "add",
            "--patient",
            &id,
            "--allergen",
            "x",
            "--severity",
            "deadly",
        ],
    );
    assert!(
        err.contains("use one of: mild, moderate, severe, unknown"),
        "{err}"
    );
    let err = refused(
        d,
        &[
            "patient",
            "show",
            "--id",
            "0190b5a0-0000-7000-8000-000000000000",
        ],
    );
    assert!(err.contains("no patient with id"), "{err}");
}

#[test]
fn patients_without_an_mrn_take_provisional_numbers_from_the_block() {
    let dir = replica_dir();
    let d = dir.path();
    let add = [
        "patient",
        "add",
        "--name",
        "Zoe Adams",
        "--dob",
        "1990-01-01",
        "--sex",
        "female",
    ];
    let err = refused(d, &add);
    assert!(
        err.contains("mrn (--mrn): no provisional MRN numbers left on this workstation: connect to the server once, or enter the MRN"),
        "{err}"
    );
    Replica::open(d)
        .unwrap()
        .add_mrn_block(&MrnBlock {
            prefix: "P-".into(),
            first: 7,
            last: 8,
        })
        .unwrap();
    let status = json(d, &["status", "--json"]);
    assert_eq!(status["provisional_mrns_left"], 2);
    let mut with_json = add.to_vec();
    with_json.push("--json");
    let p = json(d, &with_json);
    assert_eq!(
        (p["mrn"].as_str(), p["provisional"].as_bool()),
        (Some("P-000007"), Some(true))
    );
    let list = ok(d, &["patient", "list"]);
    assert!(list.contains("P-000007 (provisional)"), "{list}");
}

#[test]
fn vitals_marked_in_error_are_listed_with_their_reason() {
    let dir = replica_dir();
    let d = dir.path();
    let id = add_patient(d, "Amara Okafor", "MRN-1");
    let v = ok(
        d,
        &[
            "vitals",
            "add",
            "--patient",
            &id,
            "--temp",
            "38.2",
            "--position",
            "sitting",
        ],
    );
    let v = v.trim();
    refused(d, &["vitals", "error", "--id", v, "--reason", " "]);
    let shown = json(
        d,
        &[
            "vitals",
            "error",
            "--id",
            v,
            "--reason",
            "wrong patient",
            "--json",
        ],
    );
    assert_eq!(shown["status"], "entered-in-error");
    assert_eq!(shown["position"], "sitting");
    let text = ok(d, &["vitals", "list", "--patient", &id]);
    assert!(
        text.contains("temperature 38.2 °C  [entered in error: wrong patient]"),
        "{text}"
    );
    refused(d, &["vitals", "error", "--id", v, "--reason", "again"]);
}

#[test]
fn a_template_is_designed_and_published_and_an_encounter_charted_on_it() {
    let dir = replica_dir();
    let d = dir.path();
    let patient = add_patient(d, "Amara Okafor", "MRN-1");
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
    assert_eq!(history[0]["meta"]["author"], "nurse.kim");
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
    assert_eq!(shown["author"], "nurse.kim");
    let text = ok(d, &["handover", "list", "--ward", "Ward 3"]);
    assert!(
        text.contains("1 items (1 urgent, 0 unacknowledged)"),
        "{text}"
    );
}
