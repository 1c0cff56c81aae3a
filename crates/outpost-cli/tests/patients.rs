//! The patient commands as an operator uses them: a patient with contact details and
//! allergy, medication and problem lists, provisional MRNs, vitals marked in error. Every
//! refusal (oversized text, a bad code or date, an unknown severity, an unknown id) exits
//! with status 2 and stores nothing.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use crate::common;

use common::{add_patient, json, ok, refused, replica_dir};
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
