//! Convergence-test operations on the charting kinds: layout templates (draft edits and
//! publishing), encounters (structured fields, narrative notes, status) and handovers
//! (items, SBAR edits, acknowledgements).

use super::Replica;
use outpost_domain::document::encounter::{
    EncounterProjection, EncounterRecord, EncounterStatus, EncounterType, FieldValue, NewEncounter,
    NoteKind, NoteTexts,
};
use outpost_domain::document::handover::{
    HandoverItemEdit, HandoverPriority, HandoverProjection, HandoverRecord, HandoverShift,
    NewHandover, NewHandoverItem,
};
use outpost_domain::document::template::{
    FieldType, GridPos, TemplateContent, TemplateField, TemplatePage, TemplateProjection,
    TemplateRecord, TemplateScope, TemplateSection,
};
use outpost_domain::document::{ChangeMeta, DocKind, Document};
use outpost_domain::ids::{DocId, ReplicaId};
use outpost_domain::DomainError;
use proptest::prelude::*;
use proptest::sample::Index;
use std::collections::BTreeMap;

const WORDS: [&str; 4] = ["stable", "café au lait", "dyspnœa", "pain"];
const PRIORITIES: [HandoverPriority; 3] = [
    HandoverPriority::Routine,
    HandoverPriority::Watch,
    HandoverPriority::Urgent,
];

#[derive(Debug, Clone)]
pub enum ChartEdit {
    TemplateRename(usize),
    TemplateMoveSection(u32, u32),
    TemplateAddField,
    TemplatePublish,
    EncounterField(usize),
    EncounterNote(usize, usize, bool),
    EncounterStatus(bool),
    HandoverAddItem(usize),
    HandoverEditItem(Index, usize),
    HandoverAck(Index, usize),
}

impl ChartEdit {
    pub fn kind(&self) -> DocKind {
        match self {
            Self::TemplateRename(_)
            | Self::TemplateMoveSection(..)
            | Self::TemplateAddField
            | Self::TemplatePublish => DocKind::Template,
            Self::EncounterField(_) | Self::EncounterNote(..) | Self::EncounterStatus(_) => {
                DocKind::Encounter
            }
            _ => DocKind::Handover,
        }
    }
}

pub fn chart_edit() -> impl Strategy<Value = ChartEdit> {
    prop_oneof![
        (0..4usize).prop_map(ChartEdit::TemplateRename),
        (0..7u32, 0..3u32).prop_map(|(x, y)| ChartEdit::TemplateMoveSection(x, y)),
        Just(ChartEdit::TemplateAddField),
        Just(ChartEdit::TemplatePublish),
        (0..7usize).prop_map(ChartEdit::EncounterField),
        (0..4usize, 0..4usize, any::<bool>())
            .prop_map(|(n, w, s)| ChartEdit::EncounterNote(n, w, s)),
        any::<bool>().prop_map(ChartEdit::EncounterStatus),
        (0..3usize).prop_map(ChartEdit::HandoverAddItem),
        (any::<Index>(), 0..4usize).prop_map(|(i, w)| ChartEdit::HandoverEditItem(i, w)),
        (any::<Index>(), 0..3usize).prop_map(|(i, u)| ChartEdit::HandoverAck(i, u)),
    ]
}

fn template_content() -> TemplateContent {
    let mut c = TemplateContent::new(
        "Intake",
        "cardiology",
        EncounterType::NewPatient,
        TemplateScope::Clinic,
    );
    let mut s = TemplateSection::new("s1", "Findings", GridPos::new(0, 0, 6, 4));
    let pain = FieldType::Number {
        unit: "/10".into(),
        min: Some(0.0),
        max: Some(10.0),
    };
    s.fields.push(TemplateField::new(
        "pain",
        "Pain",
        pain,
        GridPos::new(0, 0, 2, 1),
    ));
    let rhythm = FieldType::Select {
        options: vec!["sinus".into(), "afib".into()],
    };
    s.fields.push(TemplateField::new(
        "rhythm",
        "Rhythm",
        rhythm,
        GridPos::new(2, 0, 2, 1),
    ));
    s.fields.push(TemplateField::new(
        "smoker",
        "Smoker",
        FieldType::Checkbox,
        GridPos::new(4, 0, 2, 1),
    ));
    s.fields.push(TemplateField::new(
        "summary",
        "Summary",
        FieldType::Text,
        GridPos::new(0, 1, 6, 1),
    ));
    c.pages.push(TemplatePage {
        id: "main".into(),
        title: "Intake".into(),
        sections: vec![s],
    });
    c
}

/// Seeds a published template on `t_owner`, an encounter charted on it on `e_owner` and a
/// handover on `h_owner`; returns their ids (template, encounter, handover).
pub fn seed(replicas: &mut [Replica], patient: DocId, owners: [usize; 3]) -> [DocId; 3] {
    let mut template =
        TemplateRecord::new(DocId(uuid::Uuid::from_u128(0x7E00)), template_content())
            .expect("a valid template");
    template.publish("admin", 1_000).expect("publishable");
    let r = &mut replicas[owners[0]];
    let meta = r.meta();
    let (t, _) =
        Document::create(r.id, template.id, DocKind::Template, &template, &meta).expect("created");
    r.docs.insert(t.id, t);

    let encounter = NewEncounter {
        patient_id: patient,
        provider: "dr.ade".into(),
        date: "2026-11-22".into(),
        encounter_type: EncounterType::NewPatient,
        specialty: "cardiology".into(),
        template: template.pin_latest().expect("a pin"),
        fields: BTreeMap::new(),
        notes: NoteTexts {
            history: "chest pain since monday".into(),
            ..Default::default()
        },
    }
    .validate(DocId(uuid::Uuid::from_u128(0xE7C0)), &template)
    .expect("a valid encounter");
    let r = &mut replicas[owners[1]];
    let meta = r.meta();
    let (e, _) = Document::create(r.id, encounter.id, DocKind::Encounter, &encounter, &meta)
        .expect("created");
    r.docs.insert(e.id, e);

    let shift = |name: &str| HandoverShift {
        date: "2026-11-22".into(),
        name: name.into(),
    };
    let handover = NewHandover {
        ward: "ward 3".into(),
        from_shift: shift("day"),
        to_shift: shift("night"),
        author: "nurse.kim".into(),
    }
    .validate(DocId(uuid::Uuid::from_u128(0x4A00)))
    .expect("a valid handover");
    let r = &mut replicas[owners[2]];
    let meta = r.meta();
    let (h, _) =
        Document::create(r.id, handover.id, DocKind::Handover, &handover, &meta).expect("created");
    r.docs.insert(h.id, h);
    [template.id, encounter.id, handover.id]
}

/// Applies one charting edit to `doc` as `actor`. `template` is the replica's copy of
/// the template the encounter is charted on; `n` numbers new items and fields.
pub fn apply(
    actor: ReplicaId,
    meta: &ChangeMeta,
    doc: &mut Document,
    edit: &ChartEdit,
    template: Option<&TemplateRecord>,
    n: u128,
) -> Result<Option<Vec<u8>>, DomainError> {
    let change = match (doc.kind, edit) {
        (DocKind::Template, e) => doc.edit(actor, meta, |t: &mut TemplateRecord| match e {
            ChartEdit::TemplateRename(w) => t.rename(WORDS[*w]),
            ChartEdit::TemplateMoveSection(x, y) => t.move_section("s1", *x, *y),
            ChartEdit::TemplateAddField => t.add_field(
                "s1",
                TemplateField::new(
                    format!("f{n}"),
                    format!("Extra {n}"),
                    FieldType::Text,
                    GridPos::new(0, 2, 3, 1),
                ),
            ),
            _ => t.publish(&meta.author, meta.wall_ms).map(|_| ()),
        })?,
        (DocKind::Encounter, e) => {
            let template =
                template.ok_or_else(|| DomainError::invalid("template", "not here yet"))?;
            doc.edit(actor, meta, |rec: &mut EncounterRecord| match e {
                ChartEdit::EncounterField(v) => {
                    let (id, value) = [
                        ("pain", FieldValue::Number(3.0)),
                        ("pain", FieldValue::Number(7.0)),
                        ("rhythm", FieldValue::Text("sinus".into())),
                        ("rhythm", FieldValue::Text("afib".into())),
                        ("smoker", FieldValue::Flag(true)),
                        ("smoker", FieldValue::Flag(false)),
                        ("summary", FieldValue::Text("stable".into())),
                    ][*v]
                        .clone();
                    rec.set_field(template, id, value)
                }
                ChartEdit::EncounterNote(which, w, at_start) => {
                    let which = NoteKind::ALL[*which];
                    let current = rec.notes.get(which).as_str().to_owned();
                    let text = if *at_start {
                        format!("{} {current}", WORDS[*w])
                    } else {
                        format!("{current} {}", WORDS[*w])
                    };
                    rec.edit_note(which, &text)
                }
                ChartEdit::EncounterStatus(in_progress) => rec.set_status(if *in_progress {
                    EncounterStatus::InProgress
                } else {
                    EncounterStatus::Draft
                }),
                _ => Ok(()),
            })?
        }
        (DocKind::Handover, e) => doc.edit(actor, meta, |h: &mut HandoverRecord| match e {
            ChartEdit::HandoverAddItem(p) => h.add_item(&NewHandoverItem {
                id: format!("item-{n}"),
                patient_id: DocId(uuid::Uuid::from_u128(0xD0C0)),
                priority: PRIORITIES[*p],
                situation: "post-op day 1".into(),
                background: String::new(),
                assessment: String::new(),
                recommendation: String::new(),
                action_required: String::new(),
            }),
            ChartEdit::HandoverEditItem(i, w) => {
                let ids: Vec<String> = HandoverProjection::of(h)
                    .items
                    .iter()
                    .map(|it| it.id.clone())
                    .collect();
                if ids.is_empty() {
                    return Ok(());
                }
                let edit = if *w == 0 {
                    HandoverItemEdit::Priority(HandoverPriority::Urgent)
                } else {
                    HandoverItemEdit::Situation(format!("post-op day 1, {}", WORDS[*w]))
                };
                h.edit_item(i.get::<String>(&ids), &edit)
            }
            ChartEdit::HandoverAck(i, u) => {
                let ids: Vec<String> = HandoverProjection::of(h)
                    .items
                    .iter()
                    .map(|it| it.id.clone())
                    .collect();
                if ids.is_empty() {
                    return Ok(());
                }
                h.acknowledge(
                    i.get::<String>(&ids),
                    ["nurse.a", "nurse.b", "nurse.c"][*u],
                    meta.wall_ms,
                )
            }
            _ => Ok(()),
        })?,
        _ => None,
    };
    Ok(change.map(|c| c.bytes))
}

/// The projection of a charting document, as JSON.
pub fn projection(doc: &Document) -> Option<serde_json::Value> {
    let value = match doc.kind {
        DocKind::Template => serde_json::to_value(TemplateProjection::of(&doc.read().ok()?)),
        DocKind::Encounter => serde_json::to_value(EncounterProjection::of(&doc.read().ok()?)),
        DocKind::Handover => serde_json::to_value(HandoverProjection::of(&doc.read().ok()?)),
        _ => return None,
    };
    value.ok()
}
