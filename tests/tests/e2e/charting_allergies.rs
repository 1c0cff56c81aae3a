//! An allergy refuted on one workstation while its reaction is corrected on the other:
//! both changes survive the sync on both workstations. The allergy is never deleted — it
//! stays listed with its refuted state and the corrected reaction — and it leaves the
//! allergy banner. Nothing here is a conflict: the two edits touch different fields.

use crate::common::{patient, same_changes, TwoDesks};
use outpost_domain::patient::{AllergyInput, AllergySeverity, AllergyStatus};

fn penicillin(reaction: &str) -> AllergyInput {
    AllergyInput {
        allergen: "Penicillin".into(),
        reaction: Some(reaction.into()),
        severity: AllergySeverity::Moderate,
        status: AllergyStatus::Active,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_allergy_refuted_on_one_workstation_and_edited_on_the_other_keeps_both() {
    let mut desks = TwoDesks::start("Harbour Clinic").await;
    let p = desks
        .a
        .with(|r| r.register_patient(&patient("Esi Asante", "MRN-31"), "desk.ama"))
        .unwrap();
    let allergy = desks
        .a
        .with(|r| r.add_allergy(p.id, &penicillin("rash"), "nurse.efua"))
        .unwrap();
    desks.sync_both_twice().await;
    for ws in desks.both() {
        let listed = ws.with(|r| r.list_patients()).unwrap();
        assert_eq!(listed[0].active_allergens, ["Penicillin"]);
    }

    desks.offline().await;
    let refuted = desks
        .a
        .with(|r| r.refute_allergy(p.id, allergy, "dr.osei"))
        .unwrap();
    assert_eq!(refuted.allergies[0].entry.status, AllergyStatus::Refuted);
    let edited = desks
        .b
        .with(|r| r.update_allergy(p.id, allergy, &penicillin("hives and wheeze"), "dr.lind"))
        .unwrap();
    assert_eq!(edited.allergies[0].entry.status, AllergyStatus::Active);
    desks.online().await;
    desks.sync_both_twice().await;

    let on_a = desks.a.with(|r| r.patient_details(p.id)).unwrap();
    assert_eq!(
        on_a,
        desks.b.with(|r| r.patient_details(p.id)).unwrap(),
        "both agree"
    );
    for ws in desks.both() {
        let details = ws.with(|r| r.patient_details(p.id)).unwrap();
        assert_eq!(details.patient.allergies.len(), 1, "still listed, once");
        let entry = &details.patient.allergies[0];
        assert_eq!(entry.id, allergy.to_string());
        assert_eq!(entry.entry.allergen, "Penicillin");
        assert_eq!(entry.entry.status, AllergyStatus::Refuted, "A's refutation");
        assert_eq!(
            entry.entry.reaction.as_deref(),
            Some("hives and wheeze"),
            "B's edit"
        );
        assert_eq!(entry.entry.severity, AllergySeverity::Moderate);
        assert!(
            details.patient.active_allergens.is_empty(),
            "off the banner"
        );
        let listed = ws.with(|r| r.list_patients()).unwrap();
        assert!(listed[0].active_allergens.is_empty());
        assert!(
            ws.with(|r| r.list_conflicts(p.id)).unwrap().is_empty(),
            "different fields merge without a conflict"
        );
    }
    same_changes(&desks, p.id);
    desks.assert_settled().await;
}
