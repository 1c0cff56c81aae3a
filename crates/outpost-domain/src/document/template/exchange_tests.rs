//! Template files and layout checks: what an admin moving a form between clinics relies on.

use super::testing::intake;
use super::*;
use crate::document::encounter::EncounterType;

fn problems(err: DomainError) -> Vec<(String, String)> {
    err.field_errors()
        .iter()
        .map(|e| (e.field.clone(), e.message.clone()))
        .collect()
}

#[test]
fn export_then_import_gives_the_identical_template() {
    let mut content = intake();
    content.scope = TemplateScope::Provider {
        provider_id: "dr.osei".into(),
    };
    let file = export_json(&content).unwrap();
    assert!(file.contains(EXPORT_FORMAT));
    assert_eq!(import_json(&file).unwrap(), content);
}

#[test]
fn a_file_that_is_not_json_is_refused_with_where_it_broke() {
    let err = import_json("{\"format\": \"outpost.layout-template\", ").unwrap_err();
    let p = problems(err);
    assert_eq!(p[0].0, "file");
    assert!(p[0].1.contains("line 1"), "{p:?}");
}

#[test]
fn a_json_file_of_another_kind_is_refused_as_not_a_template() {
    let err = import_json(r#"{"name": "Cardiology intake"}"#).unwrap_err();
    assert_eq!(problems(err)[0].0, "format");
    let newer = r#"{"format": "outpost.layout-template", "format_version": 9, "template": {}}"#;
    let p = problems(import_json(newer).unwrap_err());
    assert_eq!(p[0].0, "format_version");
    assert!(p[0].1.contains("says 9"), "{p:?}");
}

#[test]
fn an_unknown_field_type_is_refused_naming_the_field_and_the_known_types() {
    let file = export_json(&intake()).unwrap().replacen(
        "\"type\": \"checkbox\"",
        "\"type\": \"slider\"",
        1,
    );
    let p = problems(import_json(&file).unwrap_err());
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(
        p[0].0
            .starts_with("template.pages[0].sections[1].fields[2].field_type"),
        "{p:?}"
    );
    assert!(
        p[0].1.contains("slider") && p[0].1.contains("multi_select"),
        "{p:?}"
    );
}

#[test]
fn overlapping_sections_or_fields_in_a_file_are_refused_naming_both() {
    let mut content = intake();
    content.pages[0].sections[1].grid = GridPos::new(0, 3, 12, 6);
    content.pages[0].sections[0].fields[1].grid = GridPos::new(2, 0, 3, 1);
    let file = export_json(&content).unwrap();
    let p = problems(import_json(&file).unwrap_err());
    assert_eq!(p.len(), 2, "{p:?}");
    assert_eq!(p[0].0, "pages.main.sections.assess.grid");
    assert!(
        p[0].1.contains("\"vitals\" and \"assess\" overlap"),
        "{p:?}"
    );
    assert_eq!(p[1].0, "pages.main.sections.vitals.fields.rhythm.grid");
    assert!(
        p[1].1.contains("\"bp_sys\" and \"rhythm\" overlap"),
        "{p:?}"
    );
}

#[test]
fn invalid_values_in_a_file_are_refused_like_an_edit_would_be() {
    let mut content = intake();
    content.pages[0].sections[0].fields[1].id = "bp_sys".into();
    let file = export_json(&content).unwrap();
    let p = problems(import_json(&file).unwrap_err());
    assert!(
        p.iter()
            .any(|(_, m)| m.contains("\"bp_sys\" is used twice")),
        "{p:?}"
    );
}

#[test]
fn sections_that_only_touch_do_not_overlap() {
    assert!(!validate::overlaps(
        GridPos::new(0, 0, 6, 2),
        GridPos::new(6, 0, 6, 2)
    ));
    assert!(!validate::overlaps(
        GridPos::new(0, 0, 6, 2),
        GridPos::new(0, 2, 6, 2)
    ));
    assert!(validate::overlaps(
        GridPos::new(0, 0, 6, 2),
        GridPos::new(5, 1, 6, 2)
    ));
}

#[test]
fn publishing_refuses_empty_sections_and_overlaps_but_drafting_allows_them() {
    let mut t = TemplateRecord::new(DocId::new(), intake()).unwrap();
    t.add_section(
        "main",
        TemplateSection::new("exam", "Examination", GridPos::new(0, 10, 12, 2)),
    )
    .unwrap();
    t.move_section("exam", 0, 9).unwrap();
    let p: Vec<String> = t
        .publish_problems()
        .into_iter()
        .map(|e| e.message)
        .collect();
    assert!(
        p.iter()
            .any(|m| m.contains("\"Examination\" has no fields")),
        "{p:?}"
    );
    assert!(
        p.iter()
            .any(|m| m.contains("\"assess\" and \"exam\" overlap")),
        "{p:?}"
    );
    assert!(t.publish("admin.ama", 1).is_err());
    assert!(t.versions().is_empty());
}

#[test]
fn every_starter_section_is_publishable_and_all_of_them_fit_one_template() {
    let mut content = TemplateContent::new(
        "Everything",
        "general",
        EncounterType::NewPatient,
        TemplateScope::Clinic,
    );
    let mut y = 0;
    let mut sections = Vec::new();
    for starter in starter_sections() {
        let mut s = starter.section;
        s.grid.y = y;
        y += s.grid.h;
        sections.push(s);
    }
    content.pages.push(TemplatePage {
        id: "all".into(),
        title: "All".into(),
        sections,
    });
    let mut t = TemplateRecord::new(DocId::new(), content).unwrap();
    assert_eq!(t.publish_problems(), Vec::new());
    assert_eq!(t.publish("admin.ama", 1).unwrap(), 1);
    let keys: Vec<String> = starter_sections().into_iter().map(|s| s.key).collect();
    for wanted in [
        "vitals",
        "ros",
        "physical_exam",
        "assessment_plan",
        "visual_acuity",
        "iop",
        "range_of_motion",
        "preop_checklist",
    ] {
        assert!(
            keys.iter().any(|k| k == wanted),
            "{wanted} missing from {keys:?}"
        );
    }
}
