//! Encounters: opened on a published template version (pinned by number and content hash),
//! structured fields checked against that version, narrative notes that merge character by
//! character, and the status. Every write checks values against exactly the template
//! version the encounter is pinned to (a published version never changes; the pin names
//! it by number and content hash), read from the replica's kept documents between saves.

use crate::audit::Action;
use crate::error::ReplicaError;
use crate::projection::{self, encounter_row, vitals_row, RowAfter};
use crate::records::vitals::{known_patient, set_of};
use crate::replica::Replica;
use outpost_domain::document::encounter::{
    prefill, EncounterProjection, EncounterRecord, EncounterStatus, EncounterView, FieldValue,
    NewEncounter, NoteKind, TemplatePin,
};
use outpost_domain::document::template::TemplateRecord;
use outpost_domain::document::{DocKind, Document};
use outpost_domain::ids::DocId;
use outpost_domain::DomainError;
use rusqlite::{Connection, OptionalExtension};
use std::collections::{BTreeMap, BTreeSet};

impl Replica {
    /// The pin for a new encounter on template `template_id`: version `version`, or the
    /// latest published one.
    pub fn template_pin(
        &self,
        template_id: DocId,
        version: Option<u64>,
    ) -> Result<TemplatePin, ReplicaError> {
        let template = template_record(&self.conn, template_id)?;
        Ok(match version {
            Some(n) => template.pin(n)?,
            None => template.pin_latest()?,
        })
    }

    /// Opens an encounter (status draft) for a patient this workstation holds, on the
    /// pinned template version; initial fields and notes are checked against it. Fields the
    /// input leaves out are pre-filled by the template's auto-populate rules (the value in
    /// the patient's previous encounter, or their latest valid vitals).
    #[tracing::instrument(skip_all)]
    pub fn open_encounter(
        &mut self,
        input: &NewEncounter,
        author: &str,
    ) -> Result<EncounterProjection, ReplicaError> {
        self.check_chart_access(input.patient_id)?;
        let id = DocId::new();
        let doc = self.commit_new(author, Action::OPEN_ENCOUNTER, |conn, actor, meta| {
            let template = template_record(conn, input.template.template_id)
                .map_err(|e| as_field(e, "template.template_id"))?;
            let input = prefilled(conn, input, &template)?;
            let record = input.validate(id, &template)?;
            known_patient(conn, input.patient_id)?;
            Ok(Document::create(
                actor,
                id,
                DocKind::Encounter,
                &record,
                meta,
            )?)
        })?;
        tracing::info!(doc_id = %doc.id, "opened encounter");
        projection_of(&doc)
    }

    /// Sets structured fields (template field id → value); refused as a whole, with every
    /// problem, when any id is not in the pinned version or any value does not fit.
    #[tracing::instrument(skip_all)]
    pub fn set_encounter_fields(
        &mut self,
        id: DocId,
        values: &BTreeMap<String, FieldValue>,
        author: &str,
    ) -> Result<EncounterProjection, ReplicaError> {
        self.encounter_edit(id, author, Reach::Row, |r, template| {
            r.set_fields(template, values)
        })
    }

    /// Sets one structured field.
    pub fn set_encounter_field(
        &mut self,
        id: DocId,
        field_id: &str,
        value: FieldValue,
        author: &str,
    ) -> Result<EncounterProjection, ReplicaError> {
        self.set_encounter_fields(id, &BTreeMap::from([(field_id.to_owned(), value)]), author)
    }

    /// Replaces a narrative note's text; only the characters that differ are written.
    #[tracing::instrument(skip_all)]
    pub fn edit_encounter_note(
        &mut self,
        id: DocId,
        which: NoteKind,
        text: &str,
        author: &str,
    ) -> Result<EncounterProjection, ReplicaError> {
        self.encounter_edit(id, author, Reach::NotesOnly, |r, _| {
            r.edit_note(which, text)
        })
    }

    /// Moves the encounter between draft and in progress.
    #[tracing::instrument(skip_all)]
    pub fn set_encounter_status(
        &mut self,
        id: DocId,
        status: EncounterStatus,
        author: &str,
    ) -> Result<EncounterProjection, ReplicaError> {
        self.encounter_edit(id, author, Reach::Row, |r, _| r.set_status(status))
    }

    /// One encounter as stored (the read is audited).
    pub fn encounter(&self, id: DocId) -> Result<EncounterProjection, ReplicaError> {
        let mut found = stored_projection(&self.conn, id)?;
        self.check_chart_access(found.patient_id)?;
        crate::signing::show_signed_status(&self.conn, std::slice::from_mut(&mut found))?;
        self.audit_read(Action::READ_ENCOUNTER, id)?;
        Ok(found)
    }

    /// One encounter laid out on the template version it was charted on (never a later
    /// one), with missing required fields.
    pub fn encounter_view(&self, id: DocId) -> Result<EncounterView, ReplicaError> {
        let doc = projection::load_kind(&self.conn, id, DocKind::Encounter)?;
        let record: EncounterRecord = doc.read()?;
        self.check_chart_access(record.patient_id)?;
        let template = template_record(&self.conn, record.template.template_id)?;
        let view = EncounterView::render(&record, &template)?;
        self.audit_read(Action::READ_ENCOUNTER, id)?;
        Ok(view)
    }

    /// Encounters, newest date first: a patient's, or all. A restricted patient's are part
    /// of their chart: asking for them is refused as opening the chart is
    /// ([`ReplicaError::Restricted`]), and the list of all leaves them out.
    pub fn list_encounters(
        &self,
        patient: Option<DocId>,
    ) -> Result<Vec<EncounterProjection>, ReplicaError> {
        let listed = match patient {
            Some(p) => {
                self.check_chart_access(p)?;
                encounter_row::select(
                    &self.conn,
                    "WHERE patient_id = ?1 ORDER BY encounter_date DESC, id DESC",
                    [p.to_string()],
                )?
            }
            None => {
                let mut all =
                    encounter_row::select(&self.conn, "ORDER BY encounter_date DESC, id DESC", [])?;
                let patients: BTreeSet<DocId> = all.iter().map(|e| e.patient_id()).collect();
                let mut closed = BTreeSet::new();
                for p in patients {
                    if !self.may_open_chart(p)? {
                        closed.insert(p);
                    }
                }
                all.retain(|e| !closed.contains(&e.patient_id()));
                all
            }
        };
        let mut list = encounter_row::with_notes(&self.conn, listed)?;
        crate::signing::show_signed_status(&self.conn, &mut list)?;
        Ok(list)
    }

    fn encounter_edit(
        &mut self,
        id: DocId,
        author: &str,
        reach: Reach,
        edit: impl FnOnce(&mut EncounterRecord, &TemplateRecord) -> Result<(), DomainError>,
    ) -> Result<EncounterProjection, ReplicaError> {
        let template_id: String = self
            .conn
            .prepare_cached("SELECT template_id FROM encounters WHERE id = ?1")?
            .query_row([id.to_string()], |r| r.get(0))
            .optional()?
            .ok_or(ReplicaError::NotFound {
                kind: "encounter",
                id,
            })?;
        let template: TemplateRecord = self.read_kept(
            crate::meta::parse(&template_id, "template id")?,
            DocKind::Template,
        )?;
        let mut saved = None;
        self.commit_edit(
            id,
            DocKind::Encounter,
            author,
            Action::EDIT_ENCOUNTER,
            |conn, doc, actor, meta| {
                if crate::signing::is_signed(conn, id)? {
                    return Err(ReplicaError::Locked(id));
                }
                let edited =
                    doc.edit_kept(actor, meta, |r: &mut EncounterRecord| edit(r, &template))?;
                // The edit starts from the record the previous save left (kept with the
                // document this replica holds decoded), and the row and the answer come from
                // the record just edited: a save does not read the notes out of the document.
                // A note is not in the row, so typing one leaves the row as it was.
                edited
                    .map(|(change, record)| {
                        let projection = EncounterProjection::of(&record);
                        let row = match reach {
                            Reach::NotesOnly => RowAfter::Unchanged,
                            Reach::Row => RowAfter::Built(encounter_row::row(&projection)?),
                        };
                        saved = Some(projection);
                        Ok((change, row))
                    })
                    .transpose()
            },
        )?;
        match saved {
            Some(projection) => Ok(projection),
            // Nothing differed: the stored projection is the current one.
            None => stored_projection(&self.conn, id),
        }
    }
}

/// What an encounter edit may change of the encounter's projection row.
#[derive(Debug, Clone, Copy)]
enum Reach {
    /// Only a narrative note, which the row leaves to the document: the row stays as it is
    /// (a save of a typed note neither builds it nor compares it with the stored one).
    NotesOnly,
    /// Anything the row holds (header, status, fields).
    Row,
}

/// `input` with the fields its template pre-fills added (values given in `input` win).
fn prefilled(
    conn: &Connection,
    input: &NewEncounter,
    template: &TemplateRecord,
) -> Result<NewEncounter, ReplicaError> {
    let Ok(content) = template.pinned(&input.template) else {
        // An unusable pin is reported by validation, with every other problem.
        return Ok(input.clone());
    };
    let previous: Option<String> = conn
        .query_row(
            "SELECT id FROM encounters WHERE patient_id = ?1
             ORDER BY encounter_date DESC, id DESC LIMIT 1",
            [input.patient_id.to_string()],
            |r| r.get(0),
        )
        .optional()?;
    let previous: Option<EncounterRecord> = previous
        .map(|id| -> Result<_, ReplicaError> {
            let id = crate::meta::parse(&id, "encounter id")?;
            Ok(projection::load_kind(conn, id, DocKind::Encounter)?.read()?)
        })
        .transpose()?;
    let vitals = vitals_row::latest_final(conn, input.patient_id)?;
    let mut fields = prefill(
        &content,
        previous.as_ref(),
        vitals.as_ref().map(set_of).as_ref(),
    );
    fields.extend(input.fields.clone());
    Ok(NewEncounter {
        fields,
        ..input.clone()
    })
}

/// Encounter `id` as stored (its row, and its notes from the document); "not found" when
/// there is none.
fn stored_projection(conn: &Connection, id: DocId) -> Result<EncounterProjection, ReplicaError> {
    let listed = encounter_row::select(conn, "WHERE id = ?1", [id.to_string()])?;
    encounter_row::with_notes(conn, listed)?
        .pop()
        .ok_or(ReplicaError::NotFound {
            kind: "encounter",
            id,
        })
}

fn projection_of(doc: &Document) -> Result<EncounterProjection, ReplicaError> {
    Ok(EncounterProjection::of(&doc.read::<EncounterRecord>()?))
}

/// The template record `id` holds.
pub(crate) fn template_record(
    conn: &Connection,
    id: DocId,
) -> Result<TemplateRecord, ReplicaError> {
    Ok(projection::load_kind(conn, id, DocKind::Template)?.read()?)
}

/// A missing or wrong record named by an input field becomes a validation error on it.
fn as_field(e: ReplicaError, field: &str) -> ReplicaError {
    match e {
        ReplicaError::NotFound { .. } | ReplicaError::WrongKind { .. } => {
            ReplicaError::invalid(field, e.to_string())
        }
        other => other,
    }
}

#[cfg(test)]
mod save_pages_tests;
#[cfg(test)]
mod save_tests;
