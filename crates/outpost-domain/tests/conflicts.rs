//! Clinical merge rules on two replicas of one patient document: different values for one
//! field become a visible conflict (never a silent winner) that a clinician resolves, and
//! the resolution travels with the document; edits of different fields merge silently.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use chrono::NaiveDate;
use outpost_domain::clock::Hlc;
use outpost_domain::document::{ChangeMeta, DocKind, Document};
use outpost_domain::ids::{DocId, EntryId, ReplicaId};
use outpost_domain::patient::*;
use serde_json::json;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
}

fn meta(author: &str, wall_ms: i64) -> ChangeMeta {
    ChangeMeta {
        author: author.into(),
        wall_ms,
        hlc: Hlc {
            wall_ms,
            logical: 0,
        },
    }
}

struct Pair {
    a: Document,
    b: Document,
    ra: ReplicaId,
    rb: ReplicaId,
}

/// One patient document, created on A and copied to B.
fn pair() -> Pair {
    let rec = PatientRegistration {
        name: "Amara Okafor".into(),
        date_of_birth: "1984-03-07".into(),
        sex: Sex::Female,
        mrn: Some("H-1".into()),
        phone: Some("0803 555 0101".into()),
        address: None,
        emergency_contact: None,
    }
    .validate(DocId::new(), today(), None)
    .unwrap();
    let (ra, rb) = (ReplicaId::new(), ReplicaId::new());
    let (a, created) = Document::create_patient_record(ra, &rec, &meta("desk.ana", 1_000)).unwrap();
    let mut b = Document::empty(a.id, DocKind::Patient);
    b.apply_remote([created.bytes.as_slice()]).unwrap();
    Pair { a, b, ra, rb }
}

impl Pair {
    fn edit_a(&mut self, author: &str, at: i64, f: impl FnOnce(&mut PatientRecord)) {
        edit(&mut self.a, self.ra, author, at, f);
    }

    fn edit_b(&mut self, author: &str, at: i64, f: impl FnOnce(&mut PatientRecord)) {
        edit(&mut self.b, self.rb, author, at, f);
    }

    fn sync(&mut self) {
        let (from_a, from_b) = (self.a.changes(), self.b.changes());
        self.b
            .apply_remote(from_a.iter().map(Vec::as_slice))
            .unwrap();
        self.a
            .apply_remote(from_b.iter().map(Vec::as_slice))
            .unwrap();
        assert_eq!(self.a.heads(), self.b.heads());
    }
}

fn edit(
    doc: &mut Document,
    r: ReplicaId,
    author: &str,
    at: i64,
    f: impl FnOnce(&mut PatientRecord),
) {
    doc.edit(r, &meta(author, at), |rec: &mut PatientRecord| {
        f(rec);
        Ok(())
    })
    .unwrap()
    .expect("the edit changes something");
}

fn set_phone(phone: &str) -> impl FnOnce(&mut PatientRecord) + '_ {
    move |r| {
        let update = DemographicsUpdate {
            phone: Some(phone.into()),
            ..Default::default()
        };
        update_demographics(r, &update, today()).unwrap();
    }
}

#[test]
fn the_same_field_set_twice_concurrently_is_a_conflict_that_resolves_on_both() {
    let mut p = pair();
    p.edit_a("nurse.kim", 2_000, set_phone("0803 555 0199"));
    p.edit_b("desk.ola", 2_500, set_phone("0701 222 3344"));
    p.sync();

    for doc in [&p.a, &p.b] {
        let conflicts = doc.conflicts();
        assert_eq!(conflicts.len(), 1, "{conflicts:?}");
        let c = &conflicts[0];
        assert_eq!(c.path, "phone");
        let mut seen: Vec<_> = c
            .values
            .iter()
            .map(|v| (v.value.clone(), v.author.as_str(), v.wall_ms, v.replica_id))
            .collect();
        seen.sort_by_key(|s| s.2);
        assert_eq!(
            seen,
            [
                (json!("0803 555 0199"), "nurse.kim", 2_000, Some(p.ra)),
                (json!("0701 222 3344"), "desk.ola", 2_500, Some(p.rb)),
            ]
        );
    }
    assert_eq!(p.a.conflicts(), p.b.conflicts(), "same order everywhere");

    let err =
        p.a.resolve(
            p.ra,
            &meta("dr.ade", 3_000),
            "phone",
            &json!("999"),
            "dr.ade",
        )
        .unwrap_err();
    assert_eq!(err.field_errors()[0].field, "chosen");
    assert!(p
        .a
        .resolve(p.ra, &meta("dr.ade", 3_000), "name", &json!("x"), "dr.ade")
        .is_err());

    // The clinician keeps the value written *earlier*: never decided by wall clock.
    p.a.resolve(
        p.ra,
        &meta("dr.ade", 3_000),
        "phone",
        &json!("0803 555 0199"),
        "dr.ade",
    )
    .unwrap();
    p.sync();
    for doc in [&p.a, &p.b] {
        assert!(doc.conflicts().is_empty());
        assert_eq!(
            doc.patient_record().unwrap().phone.as_deref(),
            Some("0803 555 0199")
        );
        let resolutions = doc.resolutions().unwrap();
        assert_eq!(resolutions.len(), 1);
        let r = &resolutions[0];
        assert_eq!(
            (r.path.as_str(), r.by.as_str(), r.at_ms),
            ("phone", "dr.ade", 3_000)
        );
        assert_eq!(r.chosen.value, json!("0803 555 0199"));
        assert_eq!(r.chosen.author, "nurse.kim");
        assert_eq!(r.rejected.len(), 1);
        assert_eq!(r.rejected[0].value, json!("0701 222 3344"));
        assert_eq!(r.rejected[0].author, "desk.ola");
    }
}

#[test]
fn concurrent_edits_of_different_fields_merge_without_conflict() {
    let mut p = pair();
    p.edit_a("nurse.kim", 2_000, set_phone("0803 555 0199"));
    p.edit_b("desk.ola", 2_000, |r| {
        let update = DemographicsUpdate {
            address: Some("4 Broad Street".into()),
            ..Default::default()
        };
        update_demographics(r, &update, today()).unwrap();
    });
    p.sync();
    for doc in [&p.a, &p.b] {
        assert!(doc.conflicts().is_empty());
        let rec = doc.patient_record().unwrap();
        assert_eq!(rec.phone.as_deref(), Some("0803 555 0199"));
        assert_eq!(rec.address.as_deref(), Some("4 Broad Street"));
    }
}

#[test]
fn an_allergy_refuted_on_one_replica_and_edited_on_the_other_keeps_both() {
    let mut p = pair();
    let id = EntryId::new();
    let input = AllergyInput {
        allergen: "Penicillin".into(),
        reaction: Some("rash".into()),
        severity: AllergySeverity::Mild,
        status: AllergyStatus::Active,
    };
    p.edit_a("nurse.kim", 2_000, |r| add_allergy(r, id, &input).unwrap());
    p.sync();
    p.edit_a("dr.ade", 3_000, |r| refute_allergy(r, id).unwrap());
    p.edit_b("nurse.ola", 3_000, |r| {
        let edited = AllergyInput {
            reaction: Some("rash and wheeze".into()),
            severity: AllergySeverity::Severe,
            ..input.clone()
        };
        update_allergy(r, id, &edited).unwrap();
    });
    p.sync();
    for doc in [&p.a, &p.b] {
        assert!(doc.conflicts().is_empty(), "{:?}", doc.conflicts());
        let view = PatientProjection::of(&doc.patient_record().unwrap());
        assert_eq!(view.allergies.len(), 1, "the allergy is still listed");
        let allergy = &view.allergies[0].entry;
        assert_eq!(allergy.status, AllergyStatus::Refuted);
        assert_eq!(allergy.reaction.as_deref(), Some("rash and wheeze"));
        assert_eq!(allergy.severity, AllergySeverity::Severe);
    }
}

#[test]
fn allergies_added_concurrently_are_all_kept_and_entry_conflicts_name_the_entry() {
    let mut p = pair();
    let (x, y) = (EntryId::new(), EntryId::new());
    let allergy = |name: &str| AllergyInput {
        allergen: name.into(),
        reaction: None,
        severity: AllergySeverity::Unknown,
        status: AllergyStatus::Active,
    };
    p.edit_a("a", 2_000, |r| {
        add_allergy(r, x, &allergy("Latex")).unwrap()
    });
    p.edit_b("b", 2_000, |r| {
        add_allergy(r, y, &allergy("Peanuts")).unwrap()
    });
    p.sync();
    assert_eq!(p.a.patient_record().unwrap().allergies.len(), 2);

    let with = |severity| AllergyInput {
        severity,
        ..allergy("Latex")
    };
    p.edit_a("a", 3_000, |r| {
        update_allergy(r, x, &with(AllergySeverity::Mild)).unwrap()
    });
    p.edit_b("b", 3_000, |r| {
        update_allergy(r, x, &with(AllergySeverity::Severe)).unwrap()
    });
    p.sync();
    let conflicts = p.b.conflicts();
    assert_eq!(conflicts.len(), 1);
    assert_eq!(conflicts[0].path, format!("allergies.{x}.severity"));
    p.b.resolve(
        p.rb,
        &meta("dr.ade", 4_000),
        &conflicts[0].path,
        &json!("severe"),
        "dr.ade",
    )
    .unwrap();
    p.sync();
    assert!(p.a.conflicts().is_empty());
    let rec = p.a.patient_record().unwrap();
    assert_eq!(
        rec.allergies[&x.to_string()].severity,
        AllergySeverity::Severe
    );
}
