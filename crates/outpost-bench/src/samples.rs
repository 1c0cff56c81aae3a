//! The records the benchmarks measure, built through the domain's own API (validated the
//! way the replica validates them): vitals sets as a remote workstation would send them,
//! and an encounter with a long narrative note charted on a published template.

use anyhow::{Context, Result};
use chrono::{Duration, TimeZone, Utc};
use outpost_domain::clock::Hlc;
use outpost_domain::document::encounter::{
    EncounterRecord, EncounterType, FieldValue, NewEncounter, NoteTexts,
};
use outpost_domain::document::template::{
    FieldType, GridPos, TemplateContent, TemplateField, TemplatePage, TemplateRecord,
    TemplateScope, TemplateSection,
};
use outpost_domain::document::{ChangeMeta, DocKind, Document, LocalChange};
use outpost_domain::ids::{DocId, ReplicaId};
use outpost_domain::protocol::{Bytes, WireChange};
use outpost_domain::vitals::{NewVitals, VitalsSet};
use std::collections::BTreeMap;

/// Change metadata as a workstation writes it, `i` milliseconds into the run.
pub fn meta(author: &str, i: i64) -> ChangeMeta {
    let wall_ms = 1_763_800_000_000 + i;
    ChangeMeta {
        author: author.into(),
        wall_ms,
        hlc: Hlc {
            wall_ms,
            logical: 0,
        },
    }
}

/// The `i`-th of a series of plausible, all different vitals sets of `patient`.
pub fn vitals(i: usize, patient: DocId) -> Result<VitalsSet> {
    let now = Utc
        .with_ymd_and_hms(2026, 11, 22, 12, 0, 0)
        .single()
        .context("a fixed time")?;
    Ok(new_vitals(i, patient)?.validate(DocId::new(), "nurse.bench", now)?)
}

/// The input of [`vitals`]`(i, patient)`, as a nurse enters it.
pub fn new_vitals(i: usize, patient: DocId) -> Result<NewVitals> {
    let now = Utc
        .with_ymd_and_hms(2026, 11, 22, 12, 0, 0)
        .single()
        .context("a fixed time")?;
    Ok(NewVitals {
        patient_id: patient,
        weight_kg: Some(60.0 + (i % 40) as f64),
        temperature_c: Some(36.0 + (i % 20) as f64 / 10.0),
        systolic_mmhg: Some(110.0 + (i % 30) as f64),
        diastolic_mmhg: Some(70.0 + (i % 15) as f64),
        heart_rate_per_min: Some(60.0 + (i % 50) as f64),
        respiratory_rate_per_min: Some(12.0 + (i % 8) as f64),
        spo2_percent: Some(94.0 + (i % 6) as f64),
        taken_at: Some(now - Duration::minutes(i as i64)),
        ..Default::default()
    })
}

/// `count` vitals sets of 100 patients, each recorded on one remote workstation: the
/// changes as they arrive in pull pages, and the sets themselves.
pub fn remote_vitals(count: usize) -> Result<(Vec<WireChange>, Vec<VitalsSet>)> {
    let actor = ReplicaId::new();
    let patients: Vec<DocId> = (0..100).map(|_| DocId::new()).collect();
    let mut wire = Vec::with_capacity(count);
    let mut sets = Vec::with_capacity(count);
    for i in 0..count {
        let v = vitals(i, patients[i % patients.len()])?;
        let (_, change) = Document::create_vitals(actor, &v, &meta("nurse.bench", i as i64))?;
        wire.push(WireChange {
            replica_id: actor,
            counter: i as u64 + 1,
            doc_id: v.id,
            kind: DocKind::Vitals,
            digest: change.digest,
            bytes: Bytes(change.bytes),
            received_at: None,
        });
        sets.push(v);
    }
    Ok((wire, sets))
}

/// Clinical prose of exactly `chars` characters: words drawn from a clinical vocabulary
/// by a fixed pseudo-random sequence, so no sentence repeats (repetition would flatter a
/// compressed format) and every run measures the same text.
pub fn clinical_text(chars: usize) -> String {
    const WORDS: &[&str] = &[
        "patient",
        "reports",
        "intermittent",
        "chest",
        "pain",
        "radiating",
        "to",
        "the",
        "left",
        "arm",
        "on",
        "exertion",
        "since",
        "three",
        "weeks",
        "denies",
        "syncope",
        "palpitations",
        "orthopnoea",
        "or",
        "ankle",
        "swelling",
        "history",
        "of",
        "hypertension",
        "type",
        "2",
        "diabetes",
        "treated",
        "with",
        "metformin",
        "and",
        "ramipril",
        "ex-smoker",
        "20",
        "pack-years",
        "quit",
        "2019",
        "father",
        "had",
        "MI",
        "at",
        "54",
        "examination",
        "shows",
        "regular",
        "pulse",
        "no",
        "murmurs",
        "chest",
        "clear",
        "JVP",
        "not",
        "raised",
        "ECG",
        "sinus",
        "rhythm",
        "with",
        "T-wave",
        "inversion",
        "in",
        "V4-V6",
        "troponin",
        "pending",
        "plan",
        "exercise",
        "stress",
        "test",
        "start",
        "aspirin",
        "75",
        "mg",
        "daily",
        "atorvastatin",
        "40",
        "review",
        "in",
        "clinic",
        "after",
        "results",
        "advised",
        "to",
        "call",
        "999",
        "if",
        "pain",
        "at",
        "rest",
        "lasting",
        "more",
        "than",
        "15",
        "minutes",
        "BP",
        "148/92",
        "HR",
        "76",
        "SpO2",
        "97%",
        "BMI",
        "31",
        "lipids",
        "LDL",
        "3.9",
        "mmol/L",
        "HbA1c",
        "58",
        "mmol/mol",
        "eGFR",
        "71",
        "discussed",
        "lifestyle",
        "weight",
        "loss",
        "diet",
        "walking",
        "daily",
        "understands",
        "and",
        "agrees",
        "follow-up",
        "booked",
    ];
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut text = String::with_capacity(chars + 16);
    let mut sentence_start = true;
    while text.chars().count() < chars {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let word = WORDS[(state >> 33) as usize % WORDS.len()];
        if sentence_start {
            let mut c = word.chars();
            text.extend(c.next().map(|f| f.to_ascii_uppercase()));
            text.push_str(c.as_str());
        } else {
            text.push_str(word);
        }
        sentence_start = (state >> 20) % 9 == 0;
        text.push_str(if sentence_start { ". " } else { " " });
    }
    text.chars().take(chars).collect()
}

/// A published cardiology template: one page, three structured fields.
pub fn published_template() -> Result<TemplateRecord> {
    let mut template = TemplateRecord::new(DocId::new(), template_content())?;
    template.publish("admin.bench", 1_763_800_000_000)?;
    Ok(template)
}

/// The content of [`published_template`], as an admin designs it.
pub fn template_content() -> TemplateContent {
    let mut content = TemplateContent::new(
        "Cardiology follow-up",
        "cardiology",
        EncounterType::FollowUp,
        TemplateScope::Clinic,
    );
    let mut section = TemplateSection::new("exam", "Examination", GridPos::new(0, 0, 12, 4));
    section.fields.push(TemplateField::new(
        "bp_sys",
        "Systolic BP",
        FieldType::Number {
            unit: "mmHg".into(),
            min: Some(50.0),
            max: Some(250.0),
        },
        GridPos::new(0, 0, 3, 1),
    ));
    section.fields.push(TemplateField::new(
        "rhythm",
        "Rhythm",
        FieldType::Select {
            options: vec!["sinus".into(), "afib".into(), "flutter".into()],
        },
        GridPos::new(3, 0, 3, 1),
    ));
    section.fields.push(TemplateField::new(
        "smoker",
        "Smoker",
        FieldType::Checkbox,
        GridPos::new(6, 0, 2, 1),
    ));
    content.pages.push(TemplatePage {
        id: "main".into(),
        title: "Follow-up".into(),
        sections: vec![section],
    });
    content
}

/// An encounter charted on `template`'s latest version, with a history note of
/// `note_chars` characters, three structured values and a short chief complaint.
pub fn encounter(template: &TemplateRecord, note_chars: usize) -> Result<EncounterRecord> {
    let input = NewEncounter {
        patient_id: DocId::new(),
        provider: "dr.bench".into(),
        date: "2026-11-22".into(),
        encounter_type: EncounterType::FollowUp,
        specialty: "cardiology".into(),
        template: template.pin_latest()?,
        fields: BTreeMap::from([
            ("bp_sys".to_owned(), FieldValue::Number(148.0)),
            ("rhythm".to_owned(), FieldValue::Text("sinus".into())),
            ("smoker".to_owned(), FieldValue::Flag(false)),
        ]),
        notes: NoteTexts {
            chief_complaint: "Chest pain on exertion".into(),
            history: clinical_text(note_chars),
            ..Default::default()
        },
    };
    Ok(input.validate(DocId::new(), template)?)
}

/// The `i`-th of a series of [`encounter`]s of `patient`, as the one document a
/// workstation creates (replica `actor`, by `dr.bench`), with the change that made it.
pub fn encounter_document(
    template: &TemplateRecord,
    note_chars: usize,
    patient: DocId,
    actor: ReplicaId,
    i: usize,
) -> Result<(EncounterRecord, Document, LocalChange)> {
    let mut e = encounter(template, note_chars)?;
    e.patient_id = patient;
    let (doc, change) = Document::create(
        actor,
        e.id,
        DocKind::Encounter,
        &e,
        &meta("dr.bench", i as i64),
    )?;
    Ok((e, doc, change))
}
