//! Encounter validation and edit operations, without documents.

use super::*;
use crate::document::template::testing::published_intake;
use crate::document::values::NARRATIVE_MAX;

pub(crate) fn new_encounter(template: &TemplateRecord) -> NewEncounter {
    NewEncounter {
        patient_id: DocId::new(),
        provider: "dr.osei".into(),
        date: "2026-11-22".into(),
        encounter_type: EncounterType::NewPatient,
        specialty: "cardiology".into(),
        template: template.pin_latest().unwrap(),
        fields: BTreeMap::from([
            ("bp_sys".into(), FieldValue::Number(142.0)),
            ("rhythm".into(), FieldValue::Text("sinus".into())),
        ]),
        notes: NoteTexts {
            chief_complaint: "Chest tightness on exertion".into(),
            ..NoteTexts::default()
        },
    }
}

fn paths(err: &DomainError) -> Vec<&str> {
    err.field_errors()
        .iter()
        .map(|e| e.field.as_str())
        .collect()
}

#[test]
fn a_valid_encounter_starts_as_a_draft_with_its_values_and_notes() {
    let t = published_intake();
    let e = new_encounter(&t).validate(DocId::new(), &t).unwrap();
    assert_eq!(e.status, EncounterStatus::Draft);
    assert_eq!(e.schema, crate::document::SCHEMA_VERSION);
    assert_eq!(e.fields["bp_sys"], FieldValue::Number(142.0));
    assert_eq!(
        e.notes.chief_complaint.as_str(),
        "Chest tightness on exertion"
    );
    e.validate(&t).unwrap();
    let p = EncounterProjection::of(&e);
    assert_eq!(p.notes.chief_complaint, "Chest tightness on exertion");
    assert_eq!(p.template.version, 1);
}

#[test]
fn every_bad_input_is_reported_at_once_with_a_clear_message() {
    let t = published_intake();
    let mut input = new_encounter(&t);
    input.provider = " ".into();
    input.date = "22/11/2026".into();
    input.fields = BTreeMap::from([
        ("bp_sys".into(), FieldValue::Number(300.0)),
        ("rhythm".into(), FieldValue::Text("torsades".into())),
        ("smoker".into(), FieldValue::Text("yes".into())),
        ("summary".into(), FieldValue::Text("x".repeat(501))),
        ("no_such_field".into(), FieldValue::Flag(true)),
        ("next_visit".into(), FieldValue::Text("soon".into())),
        ("ecg_vitals".into(), FieldValue::Text("not-an-id".into())),
        ("symptoms".into(), FieldValue::Choices(vec!["fever".into()])),
    ]);
    input.notes.history = "y".repeat(NARRATIVE_MAX + 1);
    let err = input.validate(DocId::new(), &t).unwrap_err();
    let by_path: BTreeMap<&str, &str> = err
        .field_errors()
        .iter()
        .map(|e| (e.field.as_str(), e.message.as_str()))
        .collect();
    assert_eq!(
        by_path.keys().copied().collect::<Vec<_>>(),
        [
            "date",
            "fields.bp_sys",
            "fields.ecg_vitals",
            "fields.next_visit",
            "fields.no_such_field",
            "fields.rhythm",
            "fields.smoker",
            "fields.summary",
            "fields.symptoms",
            "notes.history",
            "provider",
        ]
    );
    assert_eq!(
        by_path["fields.bp_sys"],
        "must be between 50 and 250 mmHg (got 300)"
    );
    assert_eq!(
        by_path["fields.no_such_field"],
        "template \"Cardiology intake\" has no field \"no_such_field\" in the pinned version"
    );
    assert_eq!(
        by_path["fields.rhythm"],
        "\"torsades\" is not one of: sinus, afib, flutter"
    );
    assert_eq!(
        by_path["fields.smoker"],
        "\"Smoker\" is a yes/no field; got text"
    );
    assert_eq!(
        by_path["fields.summary"],
        "at most 500 characters (got 501)"
    );
    assert!(by_path["notes.history"].contains("at most 50000 characters"));
}

#[test]
fn a_refused_edit_changes_nothing() {
    let t = published_intake();
    let mut e = new_encounter(&t).validate(DocId::new(), &t).unwrap();
    let before = e.clone();
    let values = BTreeMap::from([
        ("rhythm".into(), FieldValue::Text("afib".into())),
        ("bp_sys".into(), FieldValue::Text("high".into())),
    ]);
    let err = e.set_fields(&t, &values).unwrap_err();
    assert_eq!(paths(&err), ["fields.bp_sys"]);
    assert!(e.set_field(&t, "ghost", FieldValue::Flag(true)).is_err());
    assert!(e
        .edit_note(NoteKind::Plan, &"z".repeat(NARRATIVE_MAX + 1))
        .is_err());
    assert_eq!(e, before);
}

#[test]
fn values_are_stored_in_their_checked_form() {
    let t = published_intake();
    let mut e = new_encounter(&t).validate(DocId::new(), &t).unwrap();
    let symptoms = FieldValue::Choices(vec![
        "syncope".into(),
        "chest pain".into(),
        "syncope".into(),
    ]);
    e.set_field(&t, "symptoms", symptoms).unwrap();
    assert_eq!(
        e.fields["symptoms"],
        FieldValue::Choices(vec!["chest pain".into(), "syncope".into()])
    );
    let vitals_id = DocId::new().to_string();
    e.set_field(&t, "ecg_vitals", FieldValue::Text(vitals_id.clone()))
        .unwrap();
    e.set_field(&t, "next_visit", FieldValue::Text("2027-01-15".into()))
        .unwrap();
    e.set_field(&t, "smoker", FieldValue::Flag(false)).unwrap();
    e.set_field(&t, "narrative", FieldValue::Text("n".repeat(5_000)))
        .unwrap();
    e.validate(&t).unwrap();
}

#[test]
fn values_and_their_json_form_round_trip() {
    let json = r#"{"a":true,"b":36.6,"c":"sinus","d":["x","y"]}"#;
    let values: BTreeMap<String, FieldValue> = serde_json::from_str(json).unwrap();
    assert_eq!(values["a"], FieldValue::Flag(true));
    assert_eq!(values["b"], FieldValue::Number(36.6));
    assert_eq!(values["c"], FieldValue::Text("sinus".into()));
    assert_eq!(
        values["d"],
        FieldValue::Choices(vec!["x".into(), "y".into()])
    );
    assert_eq!(serde_json::to_string(&values).unwrap(), json);
}

#[test]
fn status_moves_between_draft_and_in_progress_only() {
    let t = published_intake();
    let mut e = new_encounter(&t).validate(DocId::new(), &t).unwrap();
    e.set_status(EncounterStatus::InProgress).unwrap();
    e.set_status(EncounterStatus::Draft).unwrap();
    let err = e.set_status(EncounterStatus::Signed).unwrap_err();
    assert!(
        err.to_string().contains("signing is not available yet"),
        "{err}"
    );
    assert_eq!(e.status, EncounterStatus::Draft);
    // A signed encounter (written by a later release) refuses edits here.
    e.status = EncounterStatus::Signed;
    assert!(e.edit_note(NoteKind::Plan, "more").is_err());
    assert!(e.set_field(&t, "smoker", FieldValue::Flag(true)).is_err());
    assert!(e.set_status(EncounterStatus::Draft).is_err());
}

#[test]
fn the_form_renders_on_the_pinned_version_with_missing_required_fields() {
    let t = published_intake();
    let mut input = new_encounter(&t);
    input.fields.remove("bp_sys");
    let e = input.validate(DocId::new(), &t).unwrap();
    let view = EncounterView::render(&e, &t).unwrap();
    assert_eq!(view.template_name, "Cardiology intake");
    assert_eq!(view.missing_required, ["bp_sys"]);
    let rhythm = &view.pages[0].sections[0].fields[1];
    assert_eq!(
        (rhythm.id.as_str(), rhythm.value.clone()),
        ("rhythm", Some(FieldValue::Text("sinus".into())))
    );
    assert!(view.unknown_fields.is_empty());
}

#[test]
fn an_encounter_pinned_to_another_template_is_refused() {
    let t = published_intake();
    let other = published_intake();
    let mut input = new_encounter(&t);
    input.template = other.pin_latest().unwrap();
    let err = input.validate(DocId::new(), &t).unwrap_err();
    assert_eq!(paths(&err), ["template.template_id"]);
}
