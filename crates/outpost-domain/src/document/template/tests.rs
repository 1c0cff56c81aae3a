//! Template edits, validation and publishing, without documents.

use super::testing::{intake, published_intake};
use super::*;
use crate::document::encounter::EncounterType;

fn fields_of(err: DomainError) -> Vec<String> {
    err.field_errors().iter().map(|e| e.field.clone()).collect()
}

fn draft() -> TemplateRecord {
    TemplateRecord::new(DocId::new(), intake()).unwrap()
}

#[test]
fn a_draft_is_edited_through_its_operations() {
    let mut t = draft();
    t.rename("Cardiology intake (adult)").unwrap();
    t.add_page("history", "History").unwrap();
    t.add_section(
        "history",
        TemplateSection::new("family", "Family history", GridPos::new(0, 0, 6, 3)),
    )
    .unwrap();
    t.add_field(
        "family",
        TemplateField::new(
            "fh_cad",
            "Premature CAD",
            FieldType::Checkbox,
            GridPos::new(0, 0, 2, 1),
        ),
    )
    .unwrap();
    t.move_section("family", 6, 2).unwrap();
    t.resize_section("family", 6, 5).unwrap();
    t.move_field("fh_cad", 2, 1).unwrap();
    t.edit_field(
        "fh_cad",
        &FieldEdit {
            label: Some("Premature coronary disease".into()),
            required: Some(true),
            ..FieldEdit::default()
        },
    )
    .unwrap();
    let d = t.draft();
    assert_eq!(d.name, "Cardiology intake (adult)");
    let family = &d.pages[1].sections[0];
    assert_eq!(family.grid, GridPos::new(6, 2, 6, 5));
    let f = d.field("fh_cad").unwrap();
    assert_eq!((f.grid.x, f.grid.y, f.required), (2, 1, true));
    assert_eq!(f.label, "Premature coronary disease");
    let p = TemplateProjection::of(&t);
    assert_eq!(
        (p.field_count, p.latest_version, p.draft_published),
        (9, None, false)
    );
}

#[test]
fn a_section_or_field_off_the_12_column_grid_is_refused_and_nothing_changes() {
    let mut t = draft();
    let before = t.clone();
    let err = t.move_section("vitals", 1, 0).unwrap_err();
    assert_eq!(fields_of(err), ["pages.main.sections.vitals.grid"]);
    let err = t.resize_field("bp_sys", 0, 1).unwrap_err();
    assert!(err.to_string().contains("at least 1"), "{err}");
    let err = t.move_field("rhythm", 10, 0).unwrap_err();
    assert!(err.to_string().contains("12-column grid"), "{err}");
    assert_eq!(t, before);
}

#[test]
fn bad_fields_are_refused_with_every_problem_named() {
    let mut t = draft();
    let before = t.clone();
    let err = t
        .add_field(
            "vitals",
            TemplateField::new(
                "bp_sys",
                "",
                FieldType::Select { options: vec![] },
                GridPos::new(0, 1, 13, 1),
            ),
        )
        .unwrap_err();
    let fields = fields_of(err);
    for expected in ["id", "label", "grid", "field_type.options"] {
        assert!(
            fields.iter().any(|f| f.ends_with(expected)),
            "{expected} missing from {fields:?}"
        );
    }
    let err = t
        .edit_field(
            "summary",
            &FieldEdit {
                auto_populate: Some(AutoPopulate::FromVitals {
                    field: "mood".into(),
                }),
                ..FieldEdit::default()
            },
        )
        .unwrap_err();
    assert!(err.to_string().contains("only a number field"), "{err}");
    assert!(
        err.to_string().contains("\"mood\" is not a vital sign"),
        "{err}"
    );
    let err = t
        .edit_field(
            "bp_sys",
            &FieldEdit {
                field_type: Some(FieldType::Number {
                    unit: "mmHg".into(),
                    min: Some(9.0),
                    max: Some(1.0),
                }),
                ..FieldEdit::default()
            },
        )
        .unwrap_err();
    assert!(
        err.to_string().contains("minimum 9 is above the maximum 1"),
        "{err}"
    );
    assert!(t
        .add_field(
            "nowhere",
            TemplateField::new("x", "X", FieldType::Date, GridPos::new(0, 0, 1, 1))
        )
        .is_err());
    assert!(t
        .edit_field("missing", &FieldEdit::default())
        .unwrap_err()
        .to_string()
        .contains("no field \"missing\""));
    assert!(TemplateRecord::new(
        DocId::new(),
        TemplateContent::new(" ", "x", EncounterType::PreOp, TemplateScope::Global)
    )
    .is_err());
    assert_eq!(t, before);
}

#[test]
fn a_template_may_not_grow_beyond_200_fields() {
    let mut t = draft();
    let have = t.draft().fields().count();
    for i in have..crate::document::encounter::MAX_ENCOUNTER_FIELDS {
        t.add_field(
            "assess",
            TemplateField::new(
                format!("f{i}"),
                "F",
                FieldType::Checkbox,
                GridPos::new(0, 0, 1, 1),
            ),
        )
        .unwrap();
    }
    let err = t
        .add_field(
            "assess",
            TemplateField::new(
                "one_more",
                "F",
                FieldType::Checkbox,
                GridPos::new(0, 0, 1, 1),
            ),
        )
        .unwrap_err();
    assert!(err.to_string().contains("at most 200 fields"), "{err}");
}

#[test]
fn publishing_freezes_canonical_json_with_its_sha256() {
    let mut t = draft();
    assert_eq!(t.publish("admin.ana", 5_000).unwrap(), 1);
    let v1 = t.versions()[0].clone();
    assert_eq!(
        v1.content_hash,
        hex::encode(ring::digest::digest(
            &ring::digest::SHA256,
            v1.content_json().as_bytes()
        ))
    );
    let value: serde_json::Value = serde_json::from_str(v1.content_json()).unwrap();
    assert_eq!(canonical_json(&value), v1.content_json());
    assert_eq!(t.version(1).unwrap(), intake());
    assert!(t.draft_is_published());
    assert_eq!(
        (v1.published_by.as_str(), v1.published_at_ms),
        ("admin.ana", 5_000)
    );

    t.rename("Cardiology intake v2").unwrap();
    assert_eq!(
        t.version(1).unwrap(),
        intake(),
        "editing the draft leaves version 1 alone"
    );
    assert_eq!(t.publish("admin.ben", 6_000).unwrap(), 2);
    assert_eq!(t.version(1).unwrap(), intake());
    assert_eq!(t.version(2).unwrap().name, "Cardiology intake v2");
    assert_eq!(t.latest().unwrap().number, 2);
    assert!(t
        .version(3)
        .unwrap_err()
        .to_string()
        .contains("published versions: 1, 2"));
}

#[test]
fn canonical_json_sorts_keys_whatever_the_input_order() {
    let a: serde_json::Value =
        serde_json::from_str(r#"{"b":1,"a":{"d":[1,{"z":0,"y":"é"}],"c":null}}"#).unwrap();
    assert_eq!(
        canonical_json(&a),
        r#"{"a":{"c":null,"d":[1,{"y":"é","z":0}]},"b":1}"#
    );
}

#[test]
fn publishing_refuses_an_empty_template_a_republish_and_an_anonymous_admin() {
    let mut empty = TemplateRecord::new(
        DocId::new(),
        TemplateContent::new(
            "Empty",
            "cardiology",
            EncounterType::FollowUp,
            TemplateScope::Global,
        ),
    )
    .unwrap();
    assert!(empty
        .publish("admin.ana", 1)
        .unwrap_err()
        .to_string()
        .contains("at least one field"));
    let mut t = published_intake();
    let before = t.clone();
    assert!(t
        .publish("admin.ana", 2)
        .unwrap_err()
        .to_string()
        .contains("already published as version 1"));
    t.rename("Changed").unwrap();
    assert!(t.publish(" ", 2).unwrap_err().field_errors()[0].field == "published_by");
    assert_eq!(t.versions(), before.versions());
}

#[test]
fn a_version_altered_after_publishing_is_reported_not_rendered() {
    let mut t = published_intake();
    for v in t.versions.values_mut() {
        v.content_json = v.content_json.replace("Systolic BP", "Diastolic BP");
    }
    let err = t.version(1).unwrap_err();
    assert!(
        err.to_string().contains("altered after publishing"),
        "{err}"
    );
    assert!(t.pinned(&t.pin(1).unwrap()).is_err());
}

#[test]
fn a_pin_must_name_this_template_and_the_number_its_hash_was_published_as() {
    let t = published_intake();
    let pin = t.pin_latest().unwrap();
    assert_eq!(t.pinned(&pin).unwrap(), intake());
    let mut other = pin.clone();
    other.template_id = DocId::new();
    assert!(t
        .pinned(&other)
        .unwrap_err()
        .to_string()
        .contains("charted on template"));
    let mut wrong = pin.clone();
    wrong.version = 7;
    assert!(t
        .pinned(&wrong)
        .unwrap_err()
        .to_string()
        .contains("belongs to version 1"));
    let mut unknown = pin;
    unknown.content_hash = "00".into();
    assert!(t.pinned(&unknown).is_err());
    let fresh = TemplateRecord::new(DocId::new(), intake()).unwrap();
    assert!(fresh
        .pin_latest()
        .unwrap_err()
        .to_string()
        .contains("publish it first"));
}

#[test]
fn removing_a_field_takes_the_later_of_two_with_one_id() {
    let mut t = draft();
    // A merge of two admins' drafts can hold one id twice; simulate it.
    let mut dup = t.draft.pages[0].sections[0].fields[1].clone();
    dup.label = "Rhythm (second)".into();
    t.draft.pages[0].sections[1].fields.push(dup);
    assert!(t
        .publish_problems()
        .iter()
        .any(|e| e.message.contains("used twice")));
    // Edits that do not touch the duplicate still work.
    t.rename("Intake").unwrap();
    t.remove_field("rhythm").unwrap();
    assert_eq!(t.draft().field("rhythm").unwrap().label, "Rhythm");
    assert!(t.publish_problems().is_empty());
    t.remove_section("assess").unwrap();
    assert!(t.draft().field("summary").is_none());
}
