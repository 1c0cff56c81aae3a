//! Templates edited on two workstations, through documents exchanging changes as sync does.

use super::testing::{exchange, intake, meta, published_intake, replica_copy, template_doc};
use super::*;
use crate::document::Document;
use crate::ids::ReplicaId;

fn edit(
    doc: &mut Document,
    replica: ReplicaId,
    who: &str,
    at: i64,
    f: impl FnOnce(&mut TemplateRecord) -> Result<(), DomainError>,
) {
    doc.edit::<TemplateRecord>(replica, &meta(who, at), f)
        .unwrap()
        .expect("the edit wrote a change");
}

#[test]
fn one_admin_moves_a_section_while_another_adds_a_field_to_it_and_both_are_kept() {
    let (ra, rb) = (ReplicaId::new(), ReplicaId::new());
    let record = TemplateRecord::new(DocId::new(), intake()).unwrap();
    let mut a = template_doc(ra, &record);
    let mut b = replica_copy(&a);
    edit(&mut a, ra, "admin.ana", 2_000, |t| {
        t.move_section("assess", 0, 10)
    });
    edit(&mut b, rb, "admin.ben", 2_001, |t| {
        t.add_field(
            "assess",
            TemplateField::new(
                "nyha",
                "NYHA class",
                FieldType::Select {
                    options: vec!["I".into(), "II".into(), "III".into(), "IV".into()],
                },
                GridPos::new(0, 6, 4, 1),
            ),
        )
    });
    exchange(&mut a, &mut b);
    let merged: TemplateRecord = a.read().unwrap();
    assert_eq!(merged, b.read::<TemplateRecord>().unwrap());
    let assess = &merged.draft().pages[0].sections[1];
    assert_eq!((assess.grid.x, assess.grid.y), (0, 10));
    assert_eq!(assess.fields.last().unwrap().id, "nyha");
    assert_eq!(
        merged.draft().fields().count(),
        intake().fields().count() + 1
    );
    assert!(a.conflicts().is_empty(), "{:?}", a.conflicts());
}

#[test]
fn one_admin_resizes_while_another_moves_the_same_section_and_both_are_kept() {
    let (ra, rb) = (ReplicaId::new(), ReplicaId::new());
    let record = TemplateRecord::new(DocId::new(), intake()).unwrap();
    let mut a = template_doc(ra, &record);
    let mut b = replica_copy(&a);
    edit(&mut a, ra, "admin.ana", 2_000, |t| {
        t.resize_section("vitals", 6, 3)
    });
    edit(&mut b, rb, "admin.ben", 2_001, |t| {
        t.move_section("vitals", 0, 20)
    });
    exchange(&mut a, &mut b);
    let merged: TemplateRecord = a.read().unwrap();
    assert_eq!(
        merged.draft().pages[0].sections[0].grid,
        GridPos::new(0, 20, 6, 3)
    );
}

#[test]
fn version_1_stays_frozen_after_version_2_is_published_elsewhere() {
    let (ra, rb) = (ReplicaId::new(), ReplicaId::new());
    let mut a = template_doc(ra, &published_intake());
    let mut b = replica_copy(&a);
    let pin_v1 = a.read::<TemplateRecord>().unwrap().pin(1).unwrap();
    edit(&mut b, rb, "admin.ben", 3_000, |t| {
        t.edit_field(
            "bp_sys",
            &FieldEdit {
                label: Some("SBP".into()),
                ..FieldEdit::default()
            },
        )?;
        t.publish("admin.ben", 3_000).map(|_| ())
    });
    exchange(&mut a, &mut b);
    let t: TemplateRecord = a.read().unwrap();
    assert_eq!(t.version(1).unwrap(), intake());
    assert_eq!(
        t.pinned(&pin_v1).unwrap().field("bp_sys").unwrap().label,
        "Systolic BP"
    );
    assert_eq!(t.version(2).unwrap().field("bp_sys").unwrap().label, "SBP");
    // Editing the draft again does not write into either frozen version.
    let before: Vec<PublishedVersion> = t.versions().into_iter().cloned().collect();
    edit(&mut a, ra, "admin.ana", 4_000, |t| t.rename("Draft 3"));
    let after: TemplateRecord = a.read().unwrap();
    let after: Vec<PublishedVersion> = after.versions().into_iter().cloned().collect();
    assert_eq!(after, before);
}

#[test]
fn two_admins_publishing_concurrently_keep_both_versions_keyed_by_hash() {
    let (ra, rb) = (ReplicaId::new(), ReplicaId::new());
    let mut a = template_doc(ra, &published_intake());
    let mut b = replica_copy(&a);
    edit(&mut a, ra, "admin.ana", 5_000, |t| {
        t.rename("Intake A")?;
        t.publish("admin.ana", 5_000).map(|_| ())
    });
    edit(&mut b, rb, "admin.ben", 5_001, |t| {
        t.rename("Intake B")?;
        t.publish("admin.ben", 5_001).map(|_| ())
    });
    let pin_a = a.read::<TemplateRecord>().unwrap().pin_latest().unwrap();
    let pin_b = b.read::<TemplateRecord>().unwrap().pin_latest().unwrap();
    assert_eq!((pin_a.version, pin_b.version), (2, 2));
    exchange(&mut a, &mut b);
    let t: TemplateRecord = a.read().unwrap();
    assert_eq!(t.versions().len(), 3);
    assert_eq!(t.pinned(&pin_a).unwrap().name, "Intake A");
    assert_eq!(t.pinned(&pin_b).unwrap().name, "Intake B");
    let err = t.version(2).unwrap_err().to_string();
    assert!(
        err.contains(&pin_a.content_hash) && err.contains(&pin_b.content_hash),
        "{err}"
    );
    assert_eq!(TemplateProjection::of(&t).concurrent_versions, [2]);
    // The draft name itself is a plain conflict for the admins to resolve.
    assert_eq!(
        a.conflicts()
            .iter()
            .map(|c| c.path.as_str())
            .collect::<Vec<_>>(),
        ["draft.name"]
    );
    // The next publish is numbered above both.
    edit(&mut a, ra, "admin.ana", 6_000, |t| {
        t.rename("Intake")?;
        t.publish("admin.ana", 6_000).map(|_| ())
    });
    assert_eq!(
        a.read::<TemplateRecord>().unwrap().latest().unwrap().number,
        3
    );
}

#[test]
fn the_same_content_published_on_two_workstations_is_one_version() {
    let (ra, rb) = (ReplicaId::new(), ReplicaId::new());
    let record = TemplateRecord::new(DocId::new(), intake()).unwrap();
    let mut a = template_doc(ra, &record);
    let mut b = replica_copy(&a);
    edit(&mut a, ra, "admin.ana", 5_000, |t| {
        t.publish("admin.ana", 5_000).map(|_| ())
    });
    edit(&mut b, rb, "admin.ben", 5_001, |t| {
        t.publish("admin.ben", 5_001).map(|_| ())
    });
    exchange(&mut a, &mut b);
    let t: TemplateRecord = a.read().unwrap();
    assert_eq!(t.versions().len(), 1);
    assert_eq!(t.version(1).unwrap(), intake());
    assert_eq!(t, b.read::<TemplateRecord>().unwrap());
    assert!(a.conflicts().is_empty(), "{:?}", a.conflicts());
    let only = t.versions()[0];
    assert_eq!(
        (only.published_by.as_str(), only.published_at_ms),
        ("admin.ana", 5_000)
    );
}

#[test]
fn a_refused_template_edit_writes_nothing() {
    let ra = ReplicaId::new();
    let mut a = template_doc(ra, &published_intake());
    let heads = a.heads();
    let err = a
        .edit::<TemplateRecord>(ra, &meta("admin.ana", 7_000), |t| {
            t.move_section("vitals", 11, 0)
        })
        .unwrap_err();
    assert!(err.to_string().contains("12-column grid"), "{err}");
    assert_eq!(a.heads(), heads);
}

type DraftOp = dyn Fn(&mut TemplateRecord) -> Result<(), DomainError>;

#[test]
fn every_draft_operation_round_trips_through_the_document() {
    let ra = ReplicaId::new();
    let mut a = template_doc(ra, &TemplateRecord::new(DocId::new(), intake()).unwrap());
    let mut expected: TemplateRecord = a.read().unwrap();
    let ops: Vec<Box<DraftOp>> = vec![
        Box::new(|t| t.set_specialty("electrophysiology")),
        Box::new(|t| t.set_visit_type(crate::document::encounter::EncounterType::FollowUp)),
        Box::new(|t| {
            t.set_scope(TemplateScope::Provider {
                provider_id: "dr.osei".into(),
            })
        }),
        Box::new(|t| t.add_page("p2", "Second")),
        Box::new(|t| {
            t.add_section(
                "p2",
                TemplateSection::new("s2", "S", GridPos::new(0, 0, 4, 2)),
            )
        }),
        Box::new(|t| {
            t.edit_field(
                "summary",
                &FieldEdit {
                    field_type: Some(FieldType::Select {
                        options: vec!["stable".into(), "worse".into()],
                    }),
                    auto_populate: Some(AutoPopulate::LastValueForPatient),
                    ..FieldEdit::default()
                },
            )
        }),
        Box::new(|t| {
            t.edit_field(
                "smoker",
                &FieldEdit {
                    field_type: Some(FieldType::Number {
                        unit: "pack-years".into(),
                        min: Some(0.0),
                        max: None,
                    }),
                    ..FieldEdit::default()
                },
            )
        }),
        Box::new(|t| t.resize_field("rhythm", 4, 2)),
        Box::new(|t| t.remove_field("next_visit")),
        Box::new(|t| t.remove_section("s2")),
    ];
    for (i, op) in ops.iter().enumerate() {
        op(&mut expected).unwrap();
        edit(&mut a, ra, "admin.ana", 8_000 + i as i64, |t| op(t));
        assert_eq!(
            a.read::<TemplateRecord>().unwrap(),
            expected,
            "after op {i}"
        );
    }
    assert!(a.conflicts().is_empty());
}
