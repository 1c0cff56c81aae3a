//! `outpost encounter new|set|note|status|sign|show|list`. Values are checked against the
//! template version the encounter is charted on; `show` lays it out on that version, and
//! for a signed encounter shows exactly the signed version with every signature's
//! manifest (printed name, time with zone, meaning, content hash) and the addenda.

use super::{created, emit, BadInput, Ctx};
use crate::args::EncounterCommand;
use anyhow::{bail, Result};
use chrono::{Local, Utc};
use outpost_replica::outpost_domain::document::encounter::{
    EncounterProjection, EncounterView, FieldValue, NewEncounter, NoteTexts,
};
use outpost_replica::outpost_domain::document::DocKind;
use outpost_replica::outpost_domain::roles::Action;
use outpost_replica::outpost_domain::signature::lock::AddendumTiming;
use outpost_replica::outpost_domain::SignatureError;
use outpost_replica::ReplicaError;
use outpost_replica::{LockedEncounter, SignatureView};
use serde::Serialize;
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
        EncounterCommand::Sign { id, meaning, json } => {
            let password = super::login::read_password()?;
            let (mut r, user) = ctx.for_write(DocKind::Encounter, Action::Sign)?;
            let at = Local::now().fixed_offset();
            let signed = match r.sign_encounter(id, &password, meaning.into(), at) {
                Err(ReplicaError::Signature(SignatureError::WrongPassword)) => {
                    let signer = r
                        .signed_in_user(Utc::now())?
                        .ok_or(ReplicaError::NotSignedIn)?;
                    let left = r.signing_attempts_left(signer.id)?;
                    bail!(
                        "wrong signing password for {user}: {left} attempt{} left before signing is blocked until an admin clears it",
                        if left == 1 { "" } else { "s" }
                    );
                }
                other => other?,
            };
            emit(json, &signed, |s| vec![manifest_line(s)])
        }
        EncounterCommand::Show { id, json } => {
            let r = ctx.open()?;
            let shown = Shown {
                view: r.encounter_view(id)?,
                locked: r.locked_encounter(id)?,
            };
            emit(json, &shown, |s| match &s.locked {
                Some(locked) => locked_lines(&s.view, locked),
                None => view_lines(&s.view),
            })
        }
        EncounterCommand::List { patient, json } => {
            let list = ctx.open()?.list_encounters(patient)?;
            emit(json, &list, |l| l.iter().map(encounter_line).collect())
        }
    }
}

/// What `show` prints: the encounter on its template version and, once signed, the
/// locked view (the JSON keeps the view's keys, with `locked` beside them).
#[derive(Serialize)]
struct Shown {
    #[serde(flatten)]
    view: EncounterView,
    #[serde(skip_serializing_if = "Option::is_none")]
    locked: Option<LockedEncounter>,
}

/// `signed by NAME at TIME (meaning) sha256 PREFIX`, with the reason of an amendment and
/// any problem verification found.
fn manifest_line(s: &SignatureView) -> String {
    let m = &s.manifest;
    let mut line = format!(
        "signed by {} at {} ({}) sha256 {}",
        m.printed_name,
        m.signed_at.to_rfc3339(),
        m.meaning.as_str(),
        m.content_sha256.chars().take(16).collect::<String>()
    );
    if let Some(reason) = &m.reason {
        line.push_str(&format!(", amendment: {reason}"));
    }
    if let Some(problem) = &s.problem {
        line.push_str(&format!(" — DOES NOT VERIFY: {problem}"));
    }
    line
}

/// A signed encounter: exactly the signed version (labels from the template version),
/// its signatures, and the addenda made outside it.
fn locked_lines(view: &EncounterView, locked: &LockedEncounter) -> Vec<String> {
    let signed = &locked.signed;
    let labels: BTreeMap<&str, &str> = view
        .pages
        .iter()
        .flat_map(|p| &p.sections)
        .flat_map(|s| &s.fields)
        .map(|f| (f.id.as_str(), f.label.as_str()))
        .collect();
    let mut out = vec![
        encounter_line(signed),
        format!(
            "LOCKED: the signed version, on \"{}\" version {}",
            view.template_name, view.template_version
        ),
    ];
    for (id, value) in &signed.fields {
        let label = labels.get(id.as_str()).copied().unwrap_or(id.as_str());
        out.push(format!("{label} [{id}]: {}", value_text(value)));
    }
    out.extend(note_lines(&signed.notes));
    out.extend(locked.signatures.iter().map(manifest_line));
    for a in &locked.addenda {
        let timing = match a.timing {
            AddendumTiming::ConcurrentWithSignature => "concurrent with signature",
            AddendumTiming::AfterSignature => "after signature",
        };
        let signed = if a.signed { "signed" } else { "not signed yet" };
        out.push(format!(
            "addendum by {} ({timing}, {signed})",
            a.author.as_deref().unwrap_or("an unknown author")
        ));
    }
    out
}

fn note_lines(notes: &NoteTexts) -> Vec<String> {
    [
        ("chief complaint", &notes.chief_complaint),
        ("history", &notes.history),
        ("assessment", &notes.assessment),
        ("plan", &notes.plan),
    ]
    .into_iter()
    .filter(|(_, text)| !text.is_empty())
    .map(|(name, text)| format!("{name}: {text}"))
    .collect()
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
    out.extend(note_lines(&v.encounter.notes));
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
