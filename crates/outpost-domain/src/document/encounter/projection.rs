//! What the replica stores and shows of an encounter, computed purely from the record (and,
//! for the rendered form, from the pinned template version), so every workstation holding
//! the same documents shows the same thing.

use super::{EncounterRecord, EncounterStatus, EncounterType, FieldValue, NoteTexts, TemplatePin};
use crate::document::template::{FieldType, GridPos, TemplateRecord};
use crate::error::DomainError;
use crate::ids::DocId;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use ts_rs::TS;

/// An encounter as listed and shown: the header, the structured values and the notes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct EncounterProjection {
    pub id: DocId,
    pub patient_id: DocId,
    pub provider: String,
    pub date: String,
    pub encounter_type: EncounterType,
    pub specialty: String,
    pub template: TemplatePin,
    pub status: EncounterStatus,
    pub fields: BTreeMap<String, FieldValue>,
    pub notes: NoteTexts,
}

impl EncounterProjection {
    pub fn of(record: &EncounterRecord) -> Self {
        Self {
            id: record.id,
            patient_id: record.patient_id,
            provider: record.provider.clone(),
            date: record.date.clone(),
            encounter_type: record.encounter_type,
            specialty: record.specialty.clone(),
            template: record.template.clone(),
            status: record.status,
            fields: record.fields.clone(),
            notes: record.notes.texts(),
        }
    }
}

/// One field of the rendered form with its value, if any.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct FieldView {
    pub id: String,
    pub label: String,
    pub field_type: FieldType,
    pub required: bool,
    pub grid: GridPos,
    #[ts(optional)]
    pub value: Option<FieldValue>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct SectionView {
    pub id: String,
    pub title: String,
    pub grid: GridPos,
    pub fields: Vec<FieldView>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct PageView {
    pub id: String,
    pub title: String,
    pub sections: Vec<SectionView>,
}

/// An encounter laid out on the template version it was charted on (never a later one).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct EncounterView {
    pub encounter: EncounterProjection,
    pub template_name: String,
    #[ts(type = "number")]
    pub template_version: u64,
    pub pages: Vec<PageView>,
    /// Required fields still without a value.
    pub missing_required: Vec<String>,
    /// Values whose field the pinned version does not have (only possible in a record
    /// written outside these edit operations); shown rather than hidden.
    pub unknown_fields: Vec<String>,
}

impl EncounterView {
    /// Lays `record` out on its pinned version, read from `template`.
    pub fn render(
        record: &EncounterRecord,
        template: &TemplateRecord,
    ) -> Result<Self, DomainError> {
        let content = template.pinned(&record.template)?;
        let mut missing_required = Vec::new();
        let pages = content
            .pages
            .iter()
            .map(|page| PageView {
                id: page.id.clone(),
                title: page.title.clone(),
                sections: page
                    .sections
                    .iter()
                    .map(|section| SectionView {
                        id: section.id.clone(),
                        title: section.title.clone(),
                        grid: section.grid,
                        fields: section
                            .fields
                            .iter()
                            .map(|f| {
                                let value = record.fields.get(&f.id).cloned();
                                if f.required && value.is_none() {
                                    missing_required.push(f.id.clone());
                                }
                                FieldView {
                                    id: f.id.clone(),
                                    label: f.label.clone(),
                                    field_type: f.field_type.clone(),
                                    required: f.required,
                                    grid: f.grid,
                                    value,
                                }
                            })
                            .collect(),
                    })
                    .collect(),
            })
            .collect();
        let unknown_fields = record
            .fields
            .keys()
            .filter(|id| content.field(id).is_none())
            .cloned()
            .collect();
        Ok(Self {
            encounter: EncounterProjection::of(record),
            template_name: content.name,
            template_version: record.template.version,
            pages,
            missing_required,
            unknown_fields,
        })
    }
}
