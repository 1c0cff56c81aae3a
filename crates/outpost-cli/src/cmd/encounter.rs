//! `outpost encounter new|set|note|status|show|list`. Values are checked against the
//! template version the encounter is charted on; `show` lays it out on that version.

use super::{created, emit, BadInput, Ctx};
use crate::args::EncounterCommand;
use anyhow::Result;
use outpost_replica::outpost_domain::document::encounter::{
    EncounterProjection, EncounterView, FieldValue, NewEncounter, NoteTexts,
};
use outpost_replica::outpost_domain::document::DocKind;
use outpost_replica::outpost_domain::roles::Action;
use std::collections::BTreeMap;

pub fn run(ctx: &Ctx, cmd: EncounterCommand) -> Result<()> {
    match cmd {
        EncounterCommand::New {
            patient,
            template,
            version,
            date,
            encounter_type,
            specialty,
            provider,
            json,
        } => {
            let (mut r, user) = ctx.for_write(DocKind::Encounter, Action::Create)?;
            let input = NewEncounter {
                patient_id: patient,
                provider: provider.unwrap_or_else(|| user.clone()),
                date: date.unwrap_or_else(|| chrono::Local::now().format("%Y-%m-%d").to_string()),
                encounter_type: encounter_type.into(),
                specialty,
                template: r.template_pin(template, version)?,
                fields: BTreeMap::new(),
                notes: NoteTexts::default(),
            };
            let e = r.open_encounter(&input, &user)?;
            created(json, e.id, &e)
        }
        EncounterCommand::Set { id, field, value } => {
            let (mut r, user) = ctx.for_write(DocKind::Encounter, Action::Edit)?;
            let value: FieldValue = serde_json::from_value(value).map_err(|_| {
                BadInput(format!(
                    "--value for \"{field}\" must be a number, true/false, text or a list of texts"
                ))
            })?;
            r.set_encounter_field(id, &field, value, &user)?;
            Ok(())
        }
        EncounterCommand::Note { id, which, text } => {
            let (mut r, user) = ctx.for_write(DocKind::Encounter, Action::Edit)?;
            r.edit_encounter_note(id, which.into(), &text, &user)?;
            Ok(())
        }
        EncounterCommand::Status { id, status } => {
            let (mut r, user) = ctx.for_write(DocKind::Encounter, Action::Edit)?;
            r.set_encounter_status(id, status.into(), &user)?;
            Ok(())
        }
        EncounterCommand::Show { id, json } => {
            let view = ctx.open()?.encounter_view(id)?;
            emit(json, &view, view_lines)
        }
        EncounterCommand::List { patient, json } => {
            let list = ctx.open()?.list_encounters(patient)?;
            emit(json, &list, |l| l.iter().map(encounter_line).collect())
        }
    }
}

/// `id  date  patient  type  status  provider  template vN`
pub fn encounter_line(e: &EncounterProjection) -> String {
    format!(
        "{}  {}  patient {}  {}  {}  {}  template {} v{}",
        e.id,
        e.date,
        e.patient_id,
        word(&e.encounter_type),
        word(&e.status),
        e.provider,
        e.template.template_id,
        e.template.version
    )
}

fn view_lines(v: &EncounterView) -> Vec<String> {
    let mut out = vec![
        encounter_line(&v.encounter),
        format!("on \"{}\" version {}", v.template_name, v.template_version),
    ];
    for page in &v.pages {
        out.push(format!("# {}", page.title));
        for section in &page.sections {
            out.push(format!("## {}", section.title));
            for f in &section.fields {
                let value = f.value.as_ref().map_or_else(|| "—".to_owned(), value_text);
                let required = if f.required { " *" } else { "" };
                out.push(format!("{}{required} [{}]: {value}", f.label, f.id));
            }
        }
    }
    let notes = &v.encounter.notes;
    for (name, text) in [
        ("chief complaint", &notes.chief_complaint),
        ("history", &notes.history),
        ("assessment", &notes.assessment),
        ("plan", &notes.plan),
    ] {
        if !text.is_empty() {
            out.push(format!("{name}: {text}"));
        }
    }
    if !v.missing_required.is_empty() {
        out.push(format!(
            "missing required: {}",
            v.missing_required.join(", ")
        ));
    }
    out
}

fn value_text(v: &FieldValue) -> String {
    match v {
        FieldValue::Flag(b) => if *b { "yes" } else { "no" }.to_owned(),
        FieldValue::Number(n) => n.to_string(),
        FieldValue::Text(t) => t.clone(),
        FieldValue::Choices(c) => c.join(", "),
    }
}

/// A unit enum's serde word, e.g. `in_progress`.
pub fn word<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}
