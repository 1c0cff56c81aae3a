//! The same person registered offline on two workstations, without an MRN (each takes a
//! provisional one from the block its workstation got from the server while online), with
//! the name spelled with and without accents and in other case, and the phone written
//! differently. After the sync both workstations flag the pair as possible duplicates.
//! Merging links them without rewriting either patient document; the merge syncs; undoing
//! it shows both patients separately again on both workstations.

use crate::common::{patient, same_changes, TwoDesks};
use outpost_domain::ids::DocId;
use outpost_domain::link::LinkStatus;
use outpost_domain::patient::PatientProjection;
use outpost_e2e::Workstation;
use outpost_replica::ContactDetails;
use std::collections::BTreeSet;

fn register(ws: &Workstation, name: &str, phone: &str, desk: &str) -> PatientProjection {
    let contact = ContactDetails {
        phone: Some(phone.into()),
        ..ContactDetails::default()
    };
    ws.with(|r| r.register_patient_with_details(&patient(name, ""), &contact, desk))
        .unwrap()
}

/// Ids of the patient list, and who is shown merged under whom.
fn listed(ws: &Workstation) -> Vec<(DocId, Vec<DocId>)> {
    ws.with(|r| r.list_patients())
        .unwrap()
        .into_iter()
        .map(|p| (p.patient.id, p.merged))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_person_registered_offline_twice_is_flagged_merged_and_unmerged_everywhere() {
    let mut desks = TwoDesks::start("Seaside Clinic").await;
    // Online once: each workstation receives its block of provisional MRNs.
    desks.sync_both_twice().await;
    for ws in desks.both() {
        assert!(ws.with(|r| r.provisional_mrns_left()).unwrap() > 0);
    }

    desks.offline().await;
    let on_a = register(&desks.a, "José Álvarez", "+351 912 345 678", "desk.rita");
    let on_b = register(&desks.b, "jose ALVAREZ", "912-345-678", "desk.nuno");
    for p in [&on_a, &on_b] {
        assert!(p.provisional, "{} has a provisional MRN", p.mrn);
        assert!(!p.mrn.is_empty());
    }
    assert_ne!(on_a.mrn, on_b.mrn, "the blocks never overlap");
    for ws in desks.both() {
        assert!(
            ws.with(|r| r.list_duplicates()).unwrap().is_empty(),
            "each sees one patient"
        );
    }
    desks.online().await;
    desks.sync_both_twice().await;

    let pair = BTreeSet::from([on_a.id, on_b.id]);
    for ws in desks.both() {
        let flagged = ws.with(|r| r.list_duplicates()).unwrap();
        assert_eq!(flagged.len(), 1, "flagged once: {flagged:?}");
        assert_eq!(
            BTreeSet::from([flagged[0].patient_a.id, flagged[0].patient_b.id]),
            pair
        );
        assert_eq!(listed(ws).len(), 2);
    }
    let changes_before = [same_changes(&desks, on_a.id), same_changes(&desks, on_b.id)];

    // Merged on A.
    let link = desks
        .a
        .with(|r| r.merge_patients(on_a.id, on_b.id, "same person: ID card checked", "dr.sousa"))
        .unwrap();
    assert_eq!(link.status, LinkStatus::Active);
    desks.sync_both_twice().await;

    for ws in desks.both() {
        assert_eq!(
            listed(ws),
            [(on_a.id, vec![on_b.id])],
            "B's record shown under A's"
        );
        assert!(
            ws.with(|r| r.list_duplicates()).unwrap().is_empty(),
            "reviewed"
        );
        let merged = ws.with(|r| r.patient_details(on_b.id)).unwrap();
        assert_eq!(merged.merged_into, Some(on_a.id));
        assert_eq!(
            merged.patient, on_b,
            "the merged record reads as registered"
        );
        let survivor = ws.with(|r| r.patient_details(on_a.id)).unwrap();
        assert_eq!(survivor.merged, [on_b.id]);
        assert_eq!(
            survivor.patient, on_a,
            "the survivor is not rewritten either"
        );
        let links = ws.with(|r| r.list_patient_links()).unwrap();
        assert_eq!(links, std::slice::from_ref(&link));
        assert_eq!(
            (links[0].linked_by.as_str(), links[0].reason.as_str()),
            ("dr.sousa", "same person: ID card checked")
        );
    }
    assert_eq!(
        [same_changes(&desks, on_a.id), same_changes(&desks, on_b.id)],
        changes_before,
        "merging wrote no change to either patient document"
    );

    // Unmerged on B.
    let undone = desks
        .b
        .with(|r| r.unmerge(link.id, "different people: checked with family", "dr.pires"))
        .unwrap();
    assert_eq!(undone.status, LinkStatus::Undone);
    desks.sync_both_twice().await;

    for ws in desks.both() {
        let shown = listed(ws);
        let ids: BTreeSet<DocId> = shown.iter().map(|(id, _)| *id).collect();
        assert_eq!(ids, pair, "both listed again");
        assert!(shown.iter().all(|(_, merged)| merged.is_empty()));
        for p in [&on_a, &on_b] {
            let details = ws.with(|r| r.patient_details(p.id)).unwrap();
            assert_eq!(&details.patient, p, "each with its own data");
            assert_eq!(details.merged_into, None);
            assert!(details.merged.is_empty());
        }
        let links = ws.with(|r| r.list_patient_links()).unwrap();
        assert_eq!(links.len(), 1, "the link stays, as history");
        assert_eq!(links[0].status, LinkStatus::Undone);
        assert_eq!(links[0].undone_by.as_deref(), Some("dr.pires"));
        assert_eq!(
            links[0].undo_reason.as_deref(),
            Some("different people: checked with family")
        );
        assert!(
            ws.with(|r| r.list_duplicates()).unwrap().is_empty(),
            "a pair a person reviewed is not flagged again"
        );
    }
    assert_eq!(
        [same_changes(&desks, on_a.id), same_changes(&desks, on_b.id)],
        changes_before
    );
    same_changes(&desks, link.id);
    desks.assert_settled().await;
}
