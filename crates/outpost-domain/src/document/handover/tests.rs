//! Handover items, acknowledgements and projection, alone and across two workstations.

use super::*;
use crate::document::template::testing::{exchange, meta, replica_copy};
use crate::document::{DocKind, Document};
use crate::ids::ReplicaId;

fn shift(name: &str) -> HandoverShift {
    HandoverShift {
        date: "2026-11-22".into(),
        name: name.into(),
    }
}

fn handover() -> HandoverRecord {
    NewHandover {
        ward: " Ward 3B ".into(),
        from_shift: shift("day"),
        to_shift: shift("night"),
        author: "nurse.kim".into(),
    }
    .validate(DocId::new())
    .unwrap()
}

fn item(id: &str, priority: HandoverPriority) -> NewHandoverItem {
    NewHandoverItem {
        id: id.into(),
        patient_id: DocId::new(),
        priority,
        situation: "Post-op day 1, hip replacement".into(),
        background: "T2DM".into(),
        assessment: "Pain controlled".into(),
        recommendation: "Mobilise in the morning".into(),
        action_required: "Check glucose at 06:00".into(),
    }
}

#[test]
fn items_are_added_edited_acknowledged_and_projected() {
    let mut h = handover();
    assert_eq!(h.ward, "Ward 3B");
    h.add_item(&item("bed-4", HandoverPriority::Urgent))
        .unwrap();
    h.add_item(&item("bed-7", HandoverPriority::Routine))
        .unwrap();
    h.edit_item(
        "bed-7",
        &HandoverItemEdit::Priority(HandoverPriority::Watch),
    )
    .unwrap();
    h.edit_item(
        "bed-7",
        &HandoverItemEdit::Situation("Febrile 38.4 °C".into()),
    )
    .unwrap();
    h.acknowledge("bed-4", "nurse.lee", 1_000).unwrap();
    h.acknowledge("bed-4", "nurse.lee", 2_000).unwrap();
    let p = HandoverProjection::of(&h);
    assert_eq!((p.item_count, p.urgent_count), (2, 1));
    assert_eq!(p.unacknowledged, ["bed-7"]);
    assert_eq!(
        p.items[0].acknowledgements,
        [AckView {
            user: "nurse.lee".into(),
            at_ms: 1_000
        }]
    );
    assert_eq!(p.items[1].priority, HandoverPriority::Watch);
    assert_eq!(p.items[1].situation, "Febrile 38.4 °C");
}

#[test]
fn bad_input_is_refused_with_every_problem_and_nothing_changes() {
    let err = NewHandover {
        ward: "".into(),
        from_shift: HandoverShift {
            date: "yesterday".into(),
            name: "day".into(),
        },
        to_shift: shift(""),
        author: "nurse.kim".into(),
    }
    .validate(DocId::new())
    .unwrap_err();
    let fields: Vec<&str> = err
        .field_errors()
        .iter()
        .map(|e| e.field.as_str())
        .collect();
    assert_eq!(fields, ["ward", "from_shift.date", "to_shift.name"]);

    let mut h = handover();
    h.add_item(&item("bed-4", HandoverPriority::Routine))
        .unwrap();
    let before = h.clone();
    let mut bad = item("bed-4", HandoverPriority::Routine);
    bad.situation = "s".repeat(crate::document::values::NARRATIVE_MAX + 1);
    bad.action_required = "a".repeat(501);
    let err = h.add_item(&bad).unwrap_err();
    let fields: Vec<&str> = err
        .field_errors()
        .iter()
        .map(|e| e.field.as_str())
        .collect();
    assert_eq!(
        fields,
        [
            "items.bed-4.id",
            "items.bed-4.situation",
            "items.bed-4.action_required"
        ]
    );
    assert!(h
        .add_item(&item("bed 9", HandoverPriority::Routine))
        .is_err());
    assert!(h
        .edit_item("bed-9", &HandoverItemEdit::Background("x".into()))
        .is_err());
    assert!(h.acknowledge("bed-4", " ", 5).is_err());
    assert!(h.acknowledge("bed-9", "nurse.lee", 5).is_err());
    assert_eq!(h, before);
}

#[test]
fn two_nurses_acknowledging_one_item_on_two_workstations_are_both_kept() {
    let (ra, rb) = (ReplicaId::new(), ReplicaId::new());
    let mut h = handover();
    h.add_item(&item("bed-4", HandoverPriority::Urgent))
        .unwrap();
    let (mut a, _) =
        Document::create(ra, h.id, DocKind::Handover, &h, &meta("nurse.kim", 1_000)).unwrap();
    let mut b = replica_copy(&a);
    a.edit::<HandoverRecord>(ra, &meta("nurse.lee", 2_000), |h| {
        h.acknowledge("bed-4", "nurse.lee", 2_000)
    })
    .unwrap()
    .unwrap();
    b.edit::<HandoverRecord>(rb, &meta("nurse.ng", 2_001), |h| {
        h.acknowledge("bed-4", "nurse.ng", 2_001)
    })
    .unwrap()
    .unwrap();
    exchange(&mut a, &mut b);
    let merged: HandoverRecord = a.read().unwrap();
    let acks: Vec<&str> = merged.items[0].acknowledged().into_keys().collect();
    assert_eq!(acks, ["nurse.lee", "nurse.ng"]);
    assert!(a.conflicts().is_empty(), "{:?}", a.conflicts());
    assert!(HandoverProjection::of(&merged).unacknowledged.is_empty());
}

#[test]
fn items_added_and_sbar_edited_on_two_workstations_all_survive() {
    let (ra, rb) = (ReplicaId::new(), ReplicaId::new());
    let mut h = handover();
    h.add_item(&item("bed-4", HandoverPriority::Routine))
        .unwrap();
    let (mut a, _) =
        Document::create(ra, h.id, DocKind::Handover, &h, &meta("nurse.kim", 1_000)).unwrap();
    let mut b = replica_copy(&a);
    a.edit::<HandoverRecord>(ra, &meta("nurse.kim", 2_000), |h| {
        h.add_item(&item("bed-5", HandoverPriority::Watch))?;
        h.edit_item(
            "bed-4",
            &HandoverItemEdit::Assessment("Pain controlled on oral morphine".into()),
        )
    })
    .unwrap()
    .unwrap();
    b.edit::<HandoverRecord>(rb, &meta("nurse.ana", 2_001), |h| {
        h.add_item(&item("bed-9", HandoverPriority::Urgent))?;
        h.edit_item(
            "bed-4",
            &HandoverItemEdit::Assessment("Pain well controlled".into()),
        )
    })
    .unwrap()
    .unwrap();
    exchange(&mut a, &mut b);
    let merged: HandoverRecord = a.read().unwrap();
    assert_eq!(merged, b.read::<HandoverRecord>().unwrap());
    let mut ids: Vec<&str> = merged.items.iter().map(|i| i.id.as_str()).collect();
    ids.sort();
    assert_eq!(ids, ["bed-4", "bed-5", "bed-9"]);
    assert_eq!(
        merged.item("bed-4").unwrap().assessment.as_str(),
        "Pain well controlled on oral morphine"
    );
}

#[test]
fn one_nurse_acknowledging_on_two_workstations_is_not_a_conflict() {
    let (ra, rb) = (ReplicaId::new(), ReplicaId::new());
    let mut h = handover();
    h.add_item(&item("bed-4", HandoverPriority::Urgent))
        .unwrap();
    let (mut a, _) =
        Document::create(ra, h.id, DocKind::Handover, &h, &meta("nurse.kim", 1_000)).unwrap();
    let mut b = replica_copy(&a);
    for (doc, replica, at) in [(&mut a, ra, 2_001), (&mut b, rb, 2_000)] {
        doc.edit::<HandoverRecord>(replica, &meta("nurse.lee", at), |h| {
            h.acknowledge("bed-4", "nurse.lee", at)
        })
        .unwrap()
        .unwrap();
    }
    exchange(&mut a, &mut b);
    assert!(a.conflicts().is_empty(), "{:?}", a.conflicts());
    let p = HandoverProjection::of(&a.read().unwrap());
    assert_eq!(
        p.items[0].acknowledgements,
        [AckView {
            user: "nurse.lee".into(),
            at_ms: 2_000
        }]
    );
}
