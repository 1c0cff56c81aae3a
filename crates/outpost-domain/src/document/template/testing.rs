//! Shared test helpers for the record kinds: change metadata, a published sample template,
//! and replicas exchanging changes the way sync does.

use super::{
    AutoPopulate, FieldType, GridPos, TemplateContent, TemplateField, TemplateRecord,
    TemplateScope, TemplateSection,
};
use crate::clock::Hlc;
use crate::document::encounter::EncounterType;
use crate::document::{ChangeMeta, DocKind, Document};
use crate::ids::{DocId, ReplicaId};

pub(crate) fn meta(author: &str, wall_ms: i64) -> ChangeMeta {
    ChangeMeta {
        author: author.into(),
        wall_ms,
        hlc: Hlc {
            wall_ms,
            logical: 0,
        },
    }
}

/// Gives each document every change the other has, as two syncing replicas would.
pub(crate) fn exchange(a: &mut Document, b: &mut Document) {
    let from_a = a.changes();
    let from_b = b.changes();
    b.apply_remote(from_a.iter().map(Vec::as_slice)).unwrap();
    a.apply_remote(from_b.iter().map(Vec::as_slice)).unwrap();
    assert_eq!(a.heads(), b.heads());
}

/// A second replica's copy of `doc`.
pub(crate) fn replica_copy(doc: &Document) -> Document {
    let mut copy = Document::empty(doc.id, doc.kind);
    copy.apply_remote(doc.changes().iter().map(Vec::as_slice))
        .unwrap();
    copy
}

/// A small cardiology intake: one page, a vitals section and an assessment section.
pub(crate) fn intake() -> TemplateContent {
    let mut c = TemplateContent::new(
        "Cardiology intake",
        "cardiology",
        EncounterType::NewPatient,
        TemplateScope::Clinic,
    );
    let mut vitals = TemplateSection::new("vitals", "Vitals", GridPos::new(0, 0, 12, 4));
    let mut sys = TemplateField::new(
        "bp_sys",
        "Systolic BP",
        FieldType::Number {
            unit: "mmHg".into(),
            min: Some(50.0),
            max: Some(250.0),
        },
        GridPos::new(0, 0, 3, 1),
    );
    sys.required = true;
    sys.auto_populate = AutoPopulate::FromVitals {
        field: "systolic_mmhg".into(),
    };
    vitals.fields.push(sys);
    vitals.fields.push(TemplateField::new(
        "rhythm",
        "Rhythm",
        FieldType::Select {
            options: vec!["sinus".into(), "afib".into(), "flutter".into()],
        },
        GridPos::new(3, 0, 3, 1),
    ));
    let mut assess = TemplateSection::new("assess", "Assessment", GridPos::new(0, 4, 12, 6));
    assess.fields.push(TemplateField::new(
        "symptoms",
        "Symptoms",
        FieldType::MultiSelect {
            options: vec!["chest pain".into(), "dyspnoea".into(), "syncope".into()],
        },
        GridPos::new(0, 0, 6, 2),
    ));
    assess.fields.push(TemplateField::new(
        "summary",
        "Summary",
        FieldType::Text,
        GridPos::new(6, 0, 6, 1),
    ));
    assess.fields.push(TemplateField::new(
        "smoker",
        "Smoker",
        FieldType::Checkbox,
        GridPos::new(6, 1, 2, 1),
    ));
    assess.fields.push(TemplateField::new(
        "next_visit",
        "Next visit",
        FieldType::Date,
        GridPos::new(8, 1, 4, 1),
    ));
    assess.fields.push(TemplateField::new(
        "ecg_vitals",
        "Vitals at ECG",
        FieldType::VitalsBlock,
        GridPos::new(0, 2, 12, 2),
    ));
    assess.fields.push(TemplateField::new(
        "narrative",
        "Narrative",
        FieldType::LongText,
        GridPos::new(0, 4, 12, 2),
    ));
    c.pages.push(super::TemplatePage {
        id: "main".into(),
        title: "Intake".into(),
        sections: vec![vitals, assess],
    });
    c
}

/// The intake template with version 1 published.
pub(crate) fn published_intake() -> TemplateRecord {
    let mut t = TemplateRecord::new(DocId::new(), intake()).unwrap();
    assert_eq!(t.publish("admin.ana", 1_000).unwrap(), 1);
    t
}

/// A template document created on `replica`.
pub(crate) fn template_doc(replica: ReplicaId, record: &TemplateRecord) -> Document {
    Document::create(
        replica,
        record.id,
        DocKind::Template,
        record,
        &meta("admin.ana", 1_000),
    )
    .unwrap()
    .0
}
