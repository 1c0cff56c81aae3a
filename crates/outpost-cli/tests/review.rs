//! `outpost conflicts` and `outpost duplicates` on real replicas that exchanged their
//! changes (through the library, as a pull would): a phone set differently on two
//! workstations is listed with both values and resolved; the same person registered on
//! both is listed as a possible duplicate, merged, and unmerged.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use crate::common;

use common::{json, ok, refused, replica_dir};
use outpost_replica::Replica;
use std::path::Path;

/// Each replica applies what the other made.
fn exchange(a: &Path, b: &Path) {
    let mut ra = Replica::open(a).unwrap();
    let mut rb = Replica::open(b).unwrap();
    let from_a = ra.unpushed_changes(10_000).unwrap();
    let from_b = rb.unpushed_changes(10_000).unwrap();
    rb.apply_remote_changes(&from_a).unwrap();
    ra.apply_remote_changes(&from_b).unwrap();
}

fn add(d: &Path, name: &str, mrn: &str, phone: &str) -> String {
    ok(
        d,
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
            "--phone",
            phone,
        ],
    )
    .trim()
    .to_owned()
}

#[test]
fn a_conflict_is_listed_with_both_values_and_resolved() {
    let (a, b) = (replica_dir(), replica_dir());
    let (a, b) = (a.path(), b.path());
    let id = add(a, "Amara Okafor", "MRN-1", "020 7946 0000");
    exchange(a, b);
    ok(
        a,
        &["patient", "edit", "--id", &id, "--phone", "020 7946 0001"],
    );
    ok(
        b,
        &["patient", "edit", "--id", &id, "--phone", "020 7946 0002"],
    );
    exchange(a, b);

    let listed = json(a, &["conflicts", "list", "--json"]);
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["doc_id"], id.as_str());
    assert_eq!(listed[0]["kind"], "patient");
    assert_eq!(listed[0]["path"], "phone");
    assert_eq!(listed[0]["values"].as_array().unwrap().len(), 2);
    assert_eq!(listed[0]["values"][0]["author"], "dr.kim");
    assert_eq!(
        json(a, &["conflicts", "list", "--doc", &id, "--json"]),
        listed
    );
    let none = json(a, &["conflicts", "list", "--kind", "encounter", "--json"]);
    assert_eq!(none.as_array().unwrap().len(), 0);
    let text = ok(a, &["conflicts", "list"]);
    assert!(
        text.contains("patient  phone") && text.contains("= \"020 7946 0002\"  by dr.kim"),
        "{text}"
    );

    let err = refused(
        a,
        &[
            "conflicts",
            "resolve",
            "--doc",
            &id,
            "--path",
            "phone",
            "--value",
            "555",
        ],
    );
    assert!(err.contains("choose one of the values"), "{err}");
    let err = refused(
        a,
        &[
            "conflicts",
            "resolve",
            "--doc",
            &id,
            "--path",
            "name",
            "--value",
            "x",
        ],
    );
    assert!(err.contains("no open conflict at \"name\""), "{err}");
    ok(
        a,
        &[
            "conflicts",
            "resolve",
            "--doc",
            &id,
            "--path",
            "phone",
            "--value",
            "020 7946 0002",
        ],
    );
    exchange(a, b);
    for d in [a, b] {
        assert_eq!(
            json(d, &["conflicts", "list", "--json"])
                .as_array()
                .unwrap()
                .len(),
            0
        );
        let p = json(d, &["patient", "show", "--id", &id, "--json"]);
        assert_eq!(p["phone"], "020 7946 0002");
    }
}

#[test]
fn duplicates_are_listed_merged_and_unmerged() {
    let (a, b) = (replica_dir(), replica_dir());
    let (a, b) = (a.path(), b.path());
    let first = add(a, "Amara Okafor", "MRN-1", "+44 20 7946 0958");
    let second = add(b, "OKAFOR Amara", "MRN-2", "020 7946 0958");
    assert_eq!(
        json(a, &["duplicates", "list", "--json"])
            .as_array()
            .unwrap()
            .len(),
        0
    );
    exchange(a, b);

    let dupes = json(b, &["duplicates", "list", "--json"]);
    assert_eq!(dupes.as_array().unwrap().len(), 1);
    let text = ok(b, &["duplicates", "list"]);
    assert!(
        text.contains("possible duplicate:") && text.contains("MRN MRN-2"),
        "{text}"
    );

    refused(
        b,
        &[
            "duplicates",
            "merge",
            "--survivor",
            &first,
            "--merged",
            &first,
            "--reason",
            "x",
        ],
    );
    refused(
        b,
        &[
            "duplicates",
            "merge",
            "--survivor",
            &first,
            "--merged",
            &second,
            "--reason",
            " ",
        ],
    );
    let link = ok(
        b,
        &[
            "duplicates",
            "merge",
            "--survivor",
            &first,
            "--merged",
            &second,
            "--reason",
            "registered twice",
        ],
    );
    let link = link.trim();
    let listed = json(b, &["patient", "list", "--json"]);
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["id"], first.as_str());
    assert_eq!(listed[0]["merged"][0], second.as_str());
    assert!(ok(b, &["patient", "list"]).contains(&format!("merged: {second}")));
    exchange(a, b);
    assert_eq!(
        json(a, &["patient", "list", "--json"])
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let shown = json(a, &["patient", "show", "--id", &second, "--json"]);
    assert_eq!(shown["merged_into"], first.as_str());

    ok(
        a,
        &[
            "duplicates",
            "unmerge",
            "--link",
            link,
            "--reason",
            "different people",
        ],
    );
    refused(
        a,
        &["duplicates", "unmerge", "--link", link, "--reason", "again"],
    );
    exchange(a, b);
    for d in [a, b] {
        assert_eq!(
            json(d, &["patient", "list", "--json"])
                .as_array()
                .unwrap()
                .len(),
            2
        );
        let links = json(d, &["duplicates", "links", "--json"]);
        assert_eq!(links[0]["status"], "undone");
        assert_eq!(links[0]["undo_reason"], "different people");
    }
    let text = ok(b, &["duplicates", "links"]);
    assert!(
        text.contains("undone by dr.kim: different people"),
        "{text}"
    );
}
