//! The encounters projection row, without the narrative notes. Lists and queries need an
//! encounter's header and structured values; its notes can run to thousands of
//! characters and are already in the document (which Automerge stores compressed). Kept in
//! the row too, every note was stored twice, and every save of a growing note rewrote it
//! whole: a long note filled a page of its own and made each save cost more than the last.
//! So the row holds the header and fields, and an answer that shows notes reads them from
//! the document ([`with_notes`]).

use super::kinds::{row_sql, Row};
use crate::error::ReplicaError;
use outpost_domain::document::encounter::{
    EncounterProjection, EncounterRecord, EncounterStatus, EncounterType, FieldValue, NoteTexts,
    TemplatePin,
};
use outpost_domain::document::DocKind;
use outpost_domain::ids::DocId;
use rusqlite::types::Value;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What `detail` holds for an encounter: the projection less its notes and the columns.
#[derive(Debug, Serialize, Deserialize)]
struct Detail {
    provider: String,
    encounter_type: EncounterType,
    specialty: String,
    template: TemplatePin,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    fields: BTreeMap<String, FieldValue>,
}

/// An encounter as its row holds it: everything but the notes.
#[derive(Debug)]
pub(crate) struct Listed {
    id: DocId,
    patient_id: DocId,
    date: String,
    status: EncounterStatus,
    detail: Detail,
}

impl Listed {
    /// The patient the encounter is about.
    pub(crate) fn patient_id(&self) -> DocId {
        self.patient_id
    }

    /// The projection, with `notes` (read from the document).
    fn with(self, notes: NoteTexts) -> EncounterProjection {
        let Detail {
            provider,
            encounter_type,
            specialty,
            template,
            fields,
        } = self.detail;
        EncounterProjection {
            id: self.id,
            patient_id: self.patient_id,
            provider,
            date: self.date,
            encounter_type,
            specialty,
            template,
            status: self.status,
            fields,
            notes,
        }
    }
}

/// The row of one encounter (its notes are left to the document).
pub(crate) fn row(e: &EncounterProjection) -> Result<Row, ReplicaError> {
    let detail = Detail {
        provider: e.provider.clone(),
        encounter_type: e.encounter_type,
        specialty: e.specialty.clone(),
        template: e.template.clone(),
        fields: e.fields.clone(),
    };
    Ok(Row::new(
        row_sql!(encounters: id, patient_id, template_id, template_version, status, encounter_date, detail),
        vec![
            Value::Text(e.id.to_string()),
            Value::Text(e.patient_id.to_string()),
            Value::Text(e.template.template_id.to_string()),
            Value::Integer(crate::meta::to_i64(e.template.version)?),
            Value::Text(super::kinds::word(&e.status)?),
            Value::Text(e.date.clone()),
            Value::Text(super::to_detail(&detail)?),
        ],
    ))
}

/// The columns [`read`] takes, in its order.
const COLUMNS: &str = "SELECT id, patient_id, encounter_date, status, detail FROM encounters";

fn read(r: &rusqlite::Row<'_>) -> Result<Listed, ReplicaError> {
    let id: String = r.get(0)?;
    let patient: String = r.get(1)?;
    let status: String = r.get(3)?;
    let detail: String = r.get(4)?;
    Ok(Listed {
        id: crate::meta::parse(&id, "encounter id")?,
        patient_id: crate::meta::parse(&patient, "patient id")?,
        date: r.get(2)?,
        status: serde_json::from_value(serde_json::Value::String(status))
            .map_err(|e| ReplicaError::StaleProjection(format!("encounter status: {e}")))?,
        detail: super::from_detail(&detail)?,
    })
}

/// The encounters `rest` (a WHERE / ORDER BY / LIMIT clause over `encounters`) selects, in
/// its order, without their notes.
pub(crate) fn select(
    conn: &Connection,
    rest: &str,
    params: impl rusqlite::Params + Clone,
) -> Result<Vec<Listed>, ReplicaError> {
    super::select_rows(conn, &format!("{COLUMNS} {rest}"), params, read)
}

/// `listed` as projections, each with its notes read from its document.
pub(crate) fn with_notes(
    conn: &Connection,
    listed: Vec<Listed>,
) -> Result<Vec<EncounterProjection>, ReplicaError> {
    listed
        .into_iter()
        .map(|l| {
            let record: EncounterRecord =
                super::load_kind(conn, l.id, DocKind::Encounter)?.read()?;
            Ok(l.with(record.notes.texts()))
        })
        .collect()
}

#[cfg(test)]
mod tests;
