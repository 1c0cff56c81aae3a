//! What the replica lists and shows of a template, computed purely from the record so every
//! workstation holding the same document shows the same thing.

use super::content::{TemplateContent, TemplateScope};
use super::TemplateRecord;
use crate::document::encounter::EncounterType;
use crate::ids::DocId;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// One published version, without its content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct VersionInfo {
    #[ts(type = "number")]
    pub number: u64,
    pub content_hash: String,
    pub published_by: String,
    #[ts(type = "number")]
    pub published_at_ms: i64,
}

/// A template as listed and edited.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct TemplateProjection {
    pub id: DocId,
    pub name: String,
    pub specialty: String,
    pub visit_type: EncounterType,
    pub scope: TemplateScope,
    pub draft: TemplateContent,
    pub field_count: usize,
    /// Published versions by number.
    pub versions: Vec<VersionInfo>,
    #[ts(type = "number | null")]
    pub latest_version: Option<u64>,
    /// The draft is exactly a published version: nothing new to publish.
    pub draft_published: bool,
    /// Version numbers that two workstations published concurrently (each pinned by hash).
    #[ts(type = "Array<number>")]
    pub concurrent_versions: Vec<u64>,
}

impl TemplateProjection {
    pub fn of(record: &TemplateRecord) -> Self {
        let versions: Vec<VersionInfo> = record
            .versions()
            .into_iter()
            .map(|v| VersionInfo {
                number: v.number,
                content_hash: v.content_hash.clone(),
                published_by: v.published_by.clone(),
                published_at_ms: v.published_at_ms,
            })
            .collect();
        let mut concurrent_versions: Vec<u64> = versions
            .windows(2)
            .filter(|w| w[0].number == w[1].number)
            .map(|w| w[0].number)
            .collect();
        concurrent_versions.dedup();
        let draft = record.draft().clone();
        Self {
            id: record.id,
            name: draft.name.clone(),
            specialty: draft.specialty.clone(),
            visit_type: draft.visit_type,
            scope: draft.scope.clone(),
            field_count: draft.fields().count(),
            latest_version: record.latest().map(|v| v.number),
            draft_published: record.draft_is_published(),
            versions,
            concurrent_versions,
            draft,
        }
    }
}
