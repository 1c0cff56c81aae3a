//! Sections an admin saved to the clinic's section library, beside the built-in starters.
//! A clinic builds its own blocks (say, a slit-lamp exam laid out like its paper chart)
//! once and reuses them in every template, on every admin's workstation, offline too. Each
//! saved section is its own small `library_section` document, so saving, withdrawing and
//! syncing one never touches a template, and two admins saving at the same time simply
//! add two entries.
//!
//! A saved section must be publishable on its own: fields with unique, valid ids that do
//! not overlap, at least one field, a grid that fits. It is stored at the top left of the
//! grid (where it lands is chosen when it is dropped onto a page). Withdrawing takes it
//! out of the library and keeps the document as history; templates that already copied it
//! keep their copy.

use super::content::{GridPos, TemplateContent, TemplatePage, TemplateScope, TemplateSection};
use super::library::LibrarySection;
use super::validate;
use crate::document::encounter::EncounterType;
use crate::document::values::{opt_rfc3339, rfc3339, short_text};
use crate::document::{ChangeMeta, DocKind, Document, LocalChange, SCHEMA_VERSION};
use crate::error::{DomainError, FieldError};
use crate::ids::{DocId, ReplicaId};
use autosurgeon::{Hydrate, Reconcile};
use chrono::{DateTime, Utc};

/// A `library_section` document's root.
#[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
pub struct SavedSection {
    pub schema: u64,
    pub id: DocId,
    pub description: String,
    pub section: TemplateSection,
    pub saved_by: String,
    #[autosurgeon(with = "rfc3339")]
    pub saved_at: DateTime<Utc>,
    /// Who took it out of the library, and when; `None` while it is offered.
    #[autosurgeon(missing = "Default::default")]
    pub withdrawn_by: Option<String>,
    #[autosurgeon(with = "opt_rfc3339", missing = "Default::default")]
    pub withdrawn_at: Option<DateTime<Utc>>,
}

impl SavedSection {
    /// A section saved to the library, checked; its grid is moved to the top left.
    pub fn new(
        id: DocId,
        section: TemplateSection,
        description: &str,
        saved_by: &str,
        saved_at: DateTime<Utc>,
    ) -> Result<Self, DomainError> {
        let mut section = section;
        section.grid = GridPos::new(0, 0, section.grid.w, section.grid.h);
        let saved = Self {
            schema: SCHEMA_VERSION,
            id,
            description: description.trim().to_owned(),
            section,
            saved_by: saved_by.trim().to_owned(),
            saved_at,
            withdrawn_by: None,
            withdrawn_at: None,
        };
        match saved.problems() {
            problems if problems.is_empty() => Ok(saved),
            problems => Err(DomainError::Invalid(problems)),
        }
    }

    /// Whether the library still offers it.
    pub fn offered(&self) -> bool {
        self.withdrawn_at.is_none()
    }

    /// Takes it out of the library; the document stays, as history.
    pub fn withdraw(&mut self, by: &str, at: DateTime<Utc>) -> Result<(), DomainError> {
        if !self.offered() {
            return Err(DomainError::invalid(
                "withdrawn_at",
                "this section was already removed from the library",
            ));
        }
        let mut errors = Vec::new();
        let by = short_text(&mut errors, "withdrawn_by", by, true);
        if !errors.is_empty() {
            return Err(DomainError::Invalid(errors));
        }
        self.withdrawn_by = Some(by);
        self.withdrawn_at = Some(at);
        Ok(())
    }

    /// How the designer's palette shows it, beside the starters.
    pub fn entry(&self) -> LibrarySection {
        LibrarySection {
            key: self.id.to_string(),
            description: self.description.clone(),
            section: self.section.clone(),
            saved_by: Some(self.saved_by.clone()),
            saved_at: Some(self.saved_at),
        }
    }

    /// Every problem of a document that holds a saved section (the server's check).
    pub fn problems(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        short_text(&mut errors, "description", &self.description, false);
        short_text(&mut errors, "saved_by", &self.saved_by, true);
        errors.extend(section_errors(&self.section));
        errors
    }
}

/// The section's problems, found by checking it as the one section of a one-page template
/// (the same rules publishing applies), with paths starting `section.`.
pub(crate) fn section_errors(section: &TemplateSection) -> Vec<FieldError> {
    let mut content = TemplateContent::new(
        "library",
        "library",
        EncounterType::FollowUp,
        TemplateScope::Clinic,
    );
    content.pages.push(TemplatePage {
        id: "library".into(),
        title: String::new(),
        sections: vec![section.clone()],
    });
    let prefix = format!("pages.library.sections.{}", section.id);
    validate::publish_errors(&content)
        .into_iter()
        .map(|e| FieldError {
            field: match e.field.strip_prefix(&prefix) {
                Some(rest) => format!("section{rest}"),
                None => "section".to_owned(),
            },
            message: e.message,
        })
        .collect()
}

impl Document {
    pub fn create_saved_section(
        actor: ReplicaId,
        saved: &SavedSection,
        meta: &ChangeMeta,
    ) -> Result<(Self, LocalChange), DomainError> {
        Self::create(actor, saved.id, DocKind::LibrarySection, saved, meta)
    }

    pub fn saved_section(&self) -> Result<SavedSection, DomainError> {
        self.read()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::template::{starter_sections, FieldType, TemplateField};

    fn at() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-12-03T09:00:00Z")
            .map(|t| t.with_timezone(&Utc))
            .unwrap()
    }

    fn slit_lamp() -> TemplateSection {
        let mut s = TemplateSection::new("slit_lamp", "Slit lamp", GridPos::new(4, 7, 12, 2));
        s.fields = vec![
            TemplateField::new("sl_od", "OD", FieldType::Text, GridPos::new(0, 0, 6, 1)),
            TemplateField::new("sl_os", "OS", FieldType::Text, GridPos::new(6, 0, 6, 1)),
        ];
        s
    }

    #[test]
    fn a_saved_section_sits_at_the_top_left_and_is_offered_with_who_saved_it() {
        let saved =
            SavedSection::new(DocId::new(), slit_lamp(), "Both eyes", "admin.a", at()).unwrap();
        assert_eq!(saved.section.grid, GridPos::new(0, 0, 12, 2));
        let entry = saved.entry();
        assert_eq!(entry.key, saved.id.to_string());
        assert_eq!(entry.saved_by.as_deref(), Some("admin.a"));
        assert!(saved.offered());
    }

    #[test]
    fn overlapping_fields_duplicate_ids_and_empty_sections_are_refused_by_path() {
        let mut s = slit_lamp();
        s.fields[1].grid = GridPos::new(3, 0, 6, 1);
        s.fields.push(TemplateField::new(
            "sl_od",
            "Again",
            FieldType::Checkbox,
            GridPos::new(0, 1, 2, 1),
        ));
        let Err(DomainError::Invalid(errors)) =
            SavedSection::new(DocId::new(), s, "", "admin.a", at())
        else {
            panic!("expected refusal");
        };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert!(fields.contains(&"section.fields.sl_os.grid"), "{fields:?}");
        assert!(fields.contains(&"section.fields.sl_od.id"), "{fields:?}");

        let empty = TemplateSection::new("empty", "Empty", GridPos::new(0, 0, 4, 1));
        let Err(DomainError::Invalid(errors)) =
            SavedSection::new(DocId::new(), empty, "", "admin.a", at())
        else {
            panic!("expected refusal");
        };
        assert!(errors[0].message.contains("no fields"), "{errors:?}");
    }

    #[test]
    fn every_starter_can_be_saved_as_is() {
        for s in starter_sections() {
            SavedSection::new(DocId::new(), s.section, &s.description, "admin.a", at()).unwrap();
        }
    }

    #[test]
    fn withdrawing_keeps_the_document_and_cannot_happen_twice() {
        let mut saved = SavedSection::new(DocId::new(), slit_lamp(), "", "admin.a", at()).unwrap();
        saved.withdraw("admin.b", at()).unwrap();
        assert!(!saved.offered());
        assert_eq!(saved.withdrawn_by.as_deref(), Some("admin.b"));
        assert!(saved.withdraw("admin.b", at()).is_err());
    }

    #[test]
    fn the_document_reads_back_as_saved() {
        let meta = crate::document::template::testing::meta("admin.a", 1);
        let saved = SavedSection::new(DocId::new(), slit_lamp(), "", "admin.a", at()).unwrap();
        let (doc, _) = Document::create_saved_section(ReplicaId::new(), &saved, &meta).unwrap();
        assert_eq!(doc.kind, DocKind::LibrarySection);
        assert_eq!(doc.saved_section().unwrap(), saved);
    }
}
