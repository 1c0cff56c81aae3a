//! The encounter record: one visit of one patient, charted on a pinned published version of
//! a layout template. Structured answers live in `fields`, keyed by template field id, one
//! Automerge value each (two workstations setting one field differently leave a conflict
//! to resolve); narrative notes are [`Note`]s that merge character by character. Every
//! value is checked against the pinned template version before it is written.
//!
//! Signing comes in a later release: for now an encounter moves only between draft and
//! in progress, and a signed or amended one refuses edits.

pub(crate) mod check;
mod note;
mod prefill;
mod projection;
mod value;

#[cfg(test)]
mod kept_tests;
#[cfg(test)]
mod merge_tests;
#[cfg(test)]
pub(crate) mod tests;

pub use check::MAX_KEY_CHARS;
pub use note::Note;
pub use prefill::prefill;
pub use projection::{EncounterProjection, EncounterView, FieldView, PageView, SectionView};
pub use value::FieldValue;

use crate::document::template::TemplateRecord;
use crate::document::SCHEMA_VERSION;
use crate::error::{DomainError, FieldError};
use crate::ids::DocId;
use autosurgeon::{Hydrate, Reconcile};
use check::error;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use ts_rs::TS;

/// Most structured fields one encounter (and so one template) may have.
pub const MAX_ENCOUNTER_FIELDS: usize = 200;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS, Reconcile, Hydrate,
)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub enum EncounterType {
    #[autosurgeon(rename = "new_patient")]
    NewPatient,
    #[autosurgeon(rename = "follow_up")]
    FollowUp,
    #[autosurgeon(rename = "pre_op")]
    PreOp,
    #[autosurgeon(rename = "operative")]
    Operative,
    #[autosurgeon(rename = "post_op")]
    PostOp,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS, Reconcile, Hydrate,
)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub enum EncounterStatus {
    #[autosurgeon(rename = "draft")]
    Draft,
    #[autosurgeon(rename = "in_progress")]
    InProgress,
    #[autosurgeon(rename = "signed")]
    Signed,
    #[autosurgeon(rename = "amended")]
    Amended,
}

/// The template version an encounter is charted on. The hash makes it unambiguous even
/// when two workstations published the same version number concurrently.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, Reconcile, Hydrate)]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct TemplatePin {
    pub template_id: DocId,
    #[ts(type = "number")]
    pub version: u64,
    pub content_hash: String,
}

/// Which narrative note.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub enum NoteKind {
    ChiefComplaint,
    History,
    Assessment,
    Plan,
}

impl NoteKind {
    pub const ALL: [NoteKind; 4] = [
        Self::ChiefComplaint,
        Self::History,
        Self::Assessment,
        Self::Plan,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::ChiefComplaint => "chief_complaint",
            Self::History => "history",
            Self::Assessment => "assessment",
            Self::Plan => "plan",
        }
    }
}

/// The narrative notes as stored: Automerge Text objects.
#[derive(Debug, Clone, Default, PartialEq, Eq, Reconcile, Hydrate)]
pub struct EncounterNotes {
    pub chief_complaint: Note,
    pub history: Note,
    pub assessment: Note,
    pub plan: Note,
}

/// The narrative notes as plain text, for input and display.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct NoteTexts {
    #[serde(default)]
    pub chief_complaint: String,
    #[serde(default)]
    pub history: String,
    #[serde(default)]
    pub assessment: String,
    #[serde(default)]
    pub plan: String,
}

impl EncounterNotes {
    pub fn get(&self, which: NoteKind) -> &Note {
        match which {
            NoteKind::ChiefComplaint => &self.chief_complaint,
            NoteKind::History => &self.history,
            NoteKind::Assessment => &self.assessment,
            NoteKind::Plan => &self.plan,
        }
    }

    fn get_mut(&mut self, which: NoteKind) -> &mut Note {
        match which {
            NoteKind::ChiefComplaint => &mut self.chief_complaint,
            NoteKind::History => &mut self.history,
            NoteKind::Assessment => &mut self.assessment,
            NoteKind::Plan => &mut self.plan,
        }
    }

    pub fn texts(&self) -> NoteTexts {
        NoteTexts {
            chief_complaint: self.chief_complaint.as_str().to_owned(),
            history: self.history.as_str().to_owned(),
            assessment: self.assessment.as_str().to_owned(),
            plan: self.plan.as_str().to_owned(),
        }
    }
}

/// What a clinician enters to open an encounter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct NewEncounter {
    pub patient_id: DocId,
    pub provider: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    pub encounter_type: EncounterType,
    pub specialty: String,
    pub template: TemplatePin,
    #[serde(default)]
    pub fields: BTreeMap<String, FieldValue>,
    #[serde(default)]
    pub notes: NoteTexts,
}

/// An encounter document's root.
#[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
pub struct EncounterRecord {
    pub schema: u64,
    pub id: DocId,
    pub patient_id: DocId,
    pub provider: String,
    pub date: String,
    pub encounter_type: EncounterType,
    pub specialty: String,
    pub template: TemplatePin,
    /// Structured answers keyed by template field id.
    pub fields: BTreeMap<String, FieldValue>,
    pub notes: EncounterNotes,
    pub status: EncounterStatus,
}

impl NewEncounter {
    /// Checks every input against `template` (which must hold the pinned version) and
    /// returns the draft encounter to store, or every problem at once.
    pub fn validate(
        &self,
        id: DocId,
        template: &TemplateRecord,
    ) -> Result<EncounterRecord, DomainError> {
        let mut record = EncounterRecord {
            schema: SCHEMA_VERSION,
            id,
            patient_id: self.patient_id,
            provider: self.provider.trim().to_owned(),
            date: self.date.trim().to_owned(),
            encounter_type: self.encounter_type,
            specialty: self.specialty.trim().to_owned(),
            template: self.template.clone(),
            fields: BTreeMap::new(),
            notes: EncounterNotes {
                chief_complaint: Note::new(self.notes.chief_complaint.clone()),
                history: Note::new(self.notes.history.clone()),
                assessment: Note::new(self.notes.assessment.clone()),
                plan: Note::new(self.notes.plan.clone()),
            },
            status: EncounterStatus::Draft,
        };
        let mut errors = Vec::new();
        record.header_errors(&mut errors);
        record.note_errors(&mut errors);
        match template.pinned(&record.template) {
            Ok(content) => {
                record.fields = value_errors(&mut errors, &content, &self.fields, 0);
            }
            Err(e) => errors.extend(pin_errors(e)),
        }
        check::finish(errors).map(|()| record)
    }
}

/// An encounter is kept between its saves: its notes are what grows as a clinician types.
impl crate::document::Keep for EncounterRecord {
    fn written(&mut self) {
        for which in NoteKind::ALL {
            self.notes.get_mut(which).written();
        }
    }

    /// Writes only the fields an edit changed, and of the notes only the note typed in: a
    /// save of a typed note is one splice, without reading every other field back to
    /// compare it (a fifth of a charting save's CPU went there). What is skipped equals
    /// what the document holds, so reconciling it would have written nothing.
    fn reconcile_since<D: autosurgeon::Doc>(
        &self,
        before: &Self,
        doc: &mut D,
    ) -> Result<(), autosurgeon::ReconcileError> {
        use autosurgeon::reconcile_prop;
        // Every field named, so a field added to the record is not silently skipped here.
        let Self {
            schema,
            id,
            patient_id,
            provider,
            date,
            encounter_type,
            specialty,
            template,
            fields,
            notes,
            status,
        } = self;
        macro_rules! changed {
            ($($field:ident),*) => {$(
                if *$field != before.$field {
                    reconcile_prop(doc, automerge::ROOT, stringify!($field), &*$field)?;
                }
            )*};
        }
        changed!(schema, id, patient_id, provider, date);
        changed!(encounter_type, specialty, template, fields, status);
        if *notes == before.notes {
            return Ok(());
        }
        let notes_obj = match doc.get(&automerge::ROOT, "notes")? {
            Some((automerge::Value::Object(automerge::ObjType::Map), obj)) => obj,
            _ => return reconcile_prop(doc, automerge::ROOT, "notes", notes),
        };
        for which in NoteKind::ALL {
            if notes.get(which) != before.notes.get(which) {
                reconcile_prop(doc, &notes_obj, which.as_str(), notes.get(which))?;
            }
        }
        Ok(())
    }
}

impl EncounterRecord {
    /// Checks the whole record against its pinned template version: every problem at once.
    /// Edits keep a record valid; use this on records that arrived from elsewhere.
    pub fn validate(&self, template: &TemplateRecord) -> Result<(), DomainError> {
        let mut errors = Vec::new();
        self.header_errors(&mut errors);
        self.note_errors(&mut errors);
        match template.pinned(&self.template) {
            Ok(content) => {
                let _ = value_errors(&mut errors, &content, &self.fields, 0);
            }
            Err(e) => errors.extend(pin_errors(e)),
        }
        check::finish(errors)
    }

    /// Sets one structured field, checked against the pinned template version.
    pub fn set_field(
        &mut self,
        template: &TemplateRecord,
        field_id: &str,
        value: FieldValue,
    ) -> Result<(), DomainError> {
        self.set_fields(template, &BTreeMap::from([(field_id.to_owned(), value)]))
    }

    /// Sets several structured fields at once; refused as a whole, with every problem,
    /// when any value is wrong.
    pub fn set_fields(
        &mut self,
        template: &TemplateRecord,
        values: &BTreeMap<String, FieldValue>,
    ) -> Result<(), DomainError> {
        self.editable()?;
        let content = template.pinned(&self.template)?;
        let mut errors = Vec::new();
        let untouched = self
            .fields
            .keys()
            .filter(|k| !values.contains_key(*k))
            .count();
        let checked = value_errors(&mut errors, &content, values, untouched);
        check::finish(errors)?;
        self.fields.extend(checked);
        Ok(())
    }

    /// Replaces a note's text; only the characters that differ are written, so a
    /// colleague's concurrent edit elsewhere in the note survives.
    pub fn edit_note(&mut self, which: NoteKind, text: &str) -> Result<(), DomainError> {
        self.editable()?;
        let mut errors = Vec::new();
        check::note_text(&mut errors, &format!("notes.{}", which.as_str()), text);
        check::finish(errors)?;
        self.notes.get_mut(which).set(text);
        Ok(())
    }

    /// Moves the encounter between draft and in progress (signing comes later).
    pub fn set_status(&mut self, status: EncounterStatus) -> Result<(), DomainError> {
        if status == self.status {
            return Ok(());
        }
        self.editable()?;
        match status {
            EncounterStatus::Draft | EncounterStatus::InProgress => {
                self.status = status;
                Ok(())
            }
            EncounterStatus::Signed | EncounterStatus::Amended => Err(DomainError::invalid(
                "status",
                "signing is not available yet; set the status to draft or in_progress",
            )),
        }
    }

    fn editable(&self) -> Result<(), DomainError> {
        match self.status {
            EncounterStatus::Draft | EncounterStatus::InProgress => Ok(()),
            EncounterStatus::Signed | EncounterStatus::Amended => Err(DomainError::invalid(
                "status",
                "this encounter is signed and cannot be edited; amendments come in a later release",
            )),
        }
    }

    fn header_errors(&self, errors: &mut Vec<FieldError>) {
        check::user(errors, "provider", &self.provider);
        check::date(errors, "date", &self.date);
        check::short_text(errors, "specialty", &self.specialty, true);
    }

    fn note_errors(&self, errors: &mut Vec<FieldError>) {
        for which in NoteKind::ALL {
            let path = format!("notes.{}", which.as_str());
            check::note_text(errors, &path, self.notes.get(which).as_str());
        }
    }
}

/// Checks `values` against `content`; returns the values to store. `existing` is how
/// many fields the encounter already holds that `values` does not set.
fn value_errors(
    errors: &mut Vec<FieldError>,
    content: &crate::document::template::TemplateContent,
    values: &BTreeMap<String, FieldValue>,
    existing: usize,
) -> BTreeMap<String, FieldValue> {
    let mut out = BTreeMap::new();
    if existing + values.len() > MAX_ENCOUNTER_FIELDS {
        errors.push(error(
            "fields",
            format!("an encounter may have at most {MAX_ENCOUNTER_FIELDS} fields"),
        ));
    }
    for (id, value) in values {
        let path = format!("fields.{id}");
        let Some(field) = content.field(id) else {
            errors.push(error(
                &path,
                format!(
                    "template \"{}\" has no field \"{id}\" in the pinned version",
                    content.name
                ),
            ));
            continue;
        };
        match value::check(field, value) {
            Ok(v) => {
                out.insert(id.clone(), v);
            }
            Err(message) => errors.push(error(&path, message)),
        }
    }
    out
}

/// A pin that does not resolve becomes a field error on `template`.
fn pin_errors(e: DomainError) -> Vec<FieldError> {
    match e {
        DomainError::Invalid(list) => list,
        other => vec![error("template", other.to_string())],
    }
}
