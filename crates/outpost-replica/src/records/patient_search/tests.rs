//! Search-as-you-type as the front desk uses it: a word of the name from its first letters
//! in any case, the MRN or the date of birth from their start, several words narrowing the
//! result, wildcards typed literally, merged patients hidden, and a page that says when
//! more match than it holds.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use crate::Replica;
use outpost_domain::patient::{NewPatient, Sex};

fn replica_with(people: &[(&str, &str, &str)]) -> (tempfile::TempDir, Replica) {
    let dir = tempfile::tempdir().unwrap();
    let mut r = Replica::create(dir.path()).unwrap();
    for (name, dob, mrn) in people {
        let input = NewPatient {
            name: (*name).into(),
            date_of_birth: (*dob).into(),
            sex: Sex::Unknown,
            mrn: (*mrn).into(),
        };
        r.register_patient(&input, "desk.ana").unwrap();
    }
    (dir, r)
}

fn names(r: &Replica, query: &str) -> Vec<String> {
    r.search_patients(query, 50)
        .unwrap()
        .patients
        .into_iter()
        .map(|p| p.patient.name)
        .collect()
}

const PEOPLE: &[(&str, &str, &str)] = &[
    ("Amara Okafor", "1984-03-07", "MRN-0001"),
    ("Ben Okafor-Tal", "1990-01-02", "MRN-0002"),
    ("Chidi Amadi", "1984-11-30", "XY-77"),
    ("Dana 100% Real", "2001-05-05", "MRN-0100"),
];

#[test]
fn finds_by_the_start_of_any_name_word_ignoring_case() {
    let (_d, r) = replica_with(PEOPLE);
    assert_eq!(names(&r, "oka"), ["Amara Okafor", "Ben Okafor-Tal"]);
    assert_eq!(names(&r, "AMA"), ["Amara Okafor", "Chidi Amadi"]);
    assert_eq!(names(&r, "tal"), ["Ben Okafor-Tal"], "after a hyphen too");
    assert!(
        names(&r, "fo").is_empty(),
        "the middle of a word does not match"
    );
}

#[test]
fn finds_by_mrn_or_date_of_birth_prefix() {
    let (_d, r) = replica_with(PEOPLE);
    assert_eq!(names(&r, "xy-7"), ["Chidi Amadi"]);
    assert_eq!(names(&r, "MRN-000"), ["Amara Okafor", "Ben Okafor-Tal"]);
    assert_eq!(names(&r, "1984"), ["Amara Okafor", "Chidi Amadi"]);
    assert_eq!(names(&r, "1984-11"), ["Chidi Amadi"]);
}

#[test]
fn every_word_must_match() {
    let (_d, r) = replica_with(PEOPLE);
    assert_eq!(names(&r, "okafor 1990"), ["Ben Okafor-Tal"]);
    assert_eq!(names(&r, "  amara   oka "), ["Amara Okafor"]);
    assert!(names(&r, "amara 1990").is_empty());
}

#[test]
fn wildcards_are_typed_literally() {
    let (_d, r) = replica_with(PEOPLE);
    assert_eq!(names(&r, "100%"), ["Dana 100% Real"]);
    assert!(names(&r, "%").is_empty());
    assert!(names(&r, "_").is_empty());
}

#[test]
fn an_empty_query_pages_the_whole_list_and_says_when_more_match() {
    let (_d, r) = replica_with(PEOPLE);
    let page = r.search_patients("", 3).unwrap();
    assert_eq!(page.patients.len(), 3);
    assert!(page.more);
    assert_eq!(page.total, 4);
    assert_eq!(page.patients[0].patient.name, "Amara Okafor");
    let all = r.search_patients("   ", 4).unwrap();
    assert_eq!(all.patients.len(), 4);
    assert!(!all.more);
}

#[test]
fn merged_patients_are_hidden_under_their_survivor() {
    let (_d, mut r) = replica_with(PEOPLE);
    let page = r.search_patients("okafor", 10).unwrap();
    let (a, b) = (page.patients[0].patient.id, page.patients[1].patient.id);
    r.merge_patients(a, b, "same person", "desk.ana").unwrap();
    let page = r.search_patients("okafor", 10).unwrap();
    assert_eq!(page.patients.len(), 1);
    assert_eq!(page.patients[0].merged, vec![b]);
    assert_eq!(page.total, 3);
}

#[test]
fn results_carry_provisional_mrns_and_latest_vitals() {
    let (_d, mut r) = replica_with(&[]);
    // No MRN and no block: refused, so give one; the provisional flag comes from the record.
    let p = r
        .register_patient(
            &NewPatient {
                name: "Eve Moss".into(),
                date_of_birth: "1970-07-07".into(),
                sex: Sex::Female,
                mrn: "MRN-9".into(),
            },
            "desk.ana",
        )
        .unwrap();
    let vitals = outpost_domain::vitals::NewVitals {
        patient_id: p.id,
        heart_rate_per_min: Some(70.0),
        ..Default::default()
    };
    r.record_vitals(&vitals, "nurse.kim").unwrap();
    let page = r.search_patients("moss", 10).unwrap();
    assert!(!page.patients[0].provisional);
    let latest = page.patients[0].latest_vitals.as_ref().unwrap();
    assert_eq!(latest.observations[0].value, 70.0);
}
