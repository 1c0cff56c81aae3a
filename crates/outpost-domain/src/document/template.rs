//! The layout template record: the form an encounter is charted on. Admins edit a draft
//! (pages → sections → fields as keyed lists, so concurrent edits by two admins merge
//! item by item: one moving a section while another adds a field keeps both). Publishing
//! freezes the draft as version N+1: its canonical JSON and SHA-256 content hash are written
//! into the template document and never written again. Encounters pin
//! `(template id, version, content hash)` and always render from that frozen content.
//!
//! # Two admins publishing at the same time
//! Workstations publish offline, so two of them can both publish "version 3" before they
//! sync. Each publish is therefore stored under its own key (number, content hash, time
//! and admin), never under the bare number: after the sync the template holds both frozen
//! versions, both numbered 3, and nothing is lost, overwritten or shown as a conflict.
//! Encounters pin the content hash as well as the number, so each still renders exactly
//! what it was charted on. [`TemplateRecord::version`] refuses an ambiguous number and names
//! the hashes; [`TemplateRecord::version_by_hash`] opens either; the next publish is
//! numbered above both. The same content published on two workstations is one version
//! (same hash), credited to the earlier publish.
//!
//! # Immutability
//! The draft and the versions are private; the only writes are the edit operations below
//! (which touch the draft) and [`TemplateRecord::publish`] (which adds a version). Reading
//! a version re-checks its content against its hash, so a version altered by any other
//! means is reported, not rendered.

mod content;
mod exchange;
mod library;
mod ops;
mod projection;
mod publish;
mod saved;
mod validate;

#[cfg(test)]
mod exchange_tests;
#[cfg(test)]
mod merge_tests;
#[cfg(test)]
pub(crate) mod testing;
#[cfg(test)]
mod tests;

pub use content::{
    AutoPopulate, FieldType, GridPos, TemplateContent, TemplateField, TemplatePage, TemplateScope,
    TemplateSection, GRID_COLUMNS, MAX_GRID_ROWS,
};
pub use exchange::{export_json, import_json, EXPORT_FORMAT, EXPORT_VERSION};
pub use library::{starter_sections, LibrarySection};
pub use ops::FieldEdit;
pub use projection::{TemplateProjection, VersionInfo};
pub use publish::{canonical_json, PublishedVersion};
pub use saved::SavedSection;
pub use validate::MAX_OPTIONS;

use crate::document::SCHEMA_VERSION;
use crate::error::DomainError;
use crate::ids::DocId;
use autosurgeon::{Hydrate, Reconcile};
use std::collections::BTreeMap;

/// A template is kept between reads: every save of an encounter checks its values against
/// the template version it is charted on, and reading the template's pages, sections and
/// fields out of its document was about 9 % of a save's CPU (perf over benchmark row c).
impl crate::document::Keep for TemplateRecord {
    fn written(&mut self) {}
}

/// A template document's root.
#[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
pub struct TemplateRecord {
    pub schema: u64,
    pub id: DocId,
    draft: TemplateContent,
    /// Every publish, keyed `number:hash:at_ms:by`; see the module docs.
    versions: BTreeMap<String, PublishedVersion>,
}

impl TemplateRecord {
    /// A new template whose draft is `content` (checked; it need not be publishable yet).
    pub fn new(id: DocId, content: TemplateContent) -> Result<Self, DomainError> {
        let errors = validate::content_errors(&content);
        if !errors.is_empty() {
            return Err(DomainError::Invalid(errors));
        }
        Ok(Self {
            schema: SCHEMA_VERSION,
            id,
            draft: content,
            versions: BTreeMap::new(),
        })
    }

    /// The draft as it stands (what the next publish would freeze).
    pub fn draft(&self) -> &TemplateContent {
        &self.draft
    }

    /// Every problem that would stop the draft from being published; empty when it can be.
    pub fn publish_problems(&self) -> Vec<crate::FieldError> {
        validate::publish_errors(&self.draft)
    }
}
