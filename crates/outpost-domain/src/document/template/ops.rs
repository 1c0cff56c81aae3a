//! Edit operations on a template's draft. Each works on a copy, is refused with every
//! problem it would introduce, and only then replaces the draft, so a refused edit changes
//! nothing. Moving and resizing write only the coordinates they change, so one admin moving
//! a section and another resizing it or adding a field to it all merge.

use super::content::{
    AutoPopulate, FieldType, TemplateContent, TemplateField, TemplatePage, TemplateScope,
    TemplateSection,
};
use super::{validate, TemplateRecord};
use crate::document::encounter::EncounterType;
use crate::error::DomainError;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Which properties of a field to change; `None` leaves one as it is.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct FieldEdit {
    #[serde(default)]
    #[ts(optional)]
    pub label: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub field_type: Option<FieldType>,
    #[serde(default)]
    #[ts(optional)]
    pub required: Option<bool>,
    #[serde(default)]
    #[ts(optional)]
    pub auto_populate: Option<AutoPopulate>,
}

fn no_section(id: &str) -> DomainError {
    DomainError::invalid(
        "section_id",
        format!("this template has no section \"{id}\""),
    )
}

fn no_field(id: &str) -> DomainError {
    DomainError::invalid("field_id", format!("this template has no field \"{id}\""))
}

impl TemplateRecord {
    fn change(
        &mut self,
        edit: impl FnOnce(&mut TemplateContent) -> Result<(), DomainError>,
    ) -> Result<(), DomainError> {
        let mut next = self.draft.clone();
        edit(&mut next)?;
        let errors = validate::introduced(&self.draft, &next);
        if !errors.is_empty() {
            return Err(DomainError::Invalid(errors));
        }
        self.draft = next;
        Ok(())
    }

    pub fn rename(&mut self, name: &str) -> Result<(), DomainError> {
        self.change(|c| {
            c.name = name.trim().to_owned();
            Ok(())
        })
    }

    pub fn set_specialty(&mut self, specialty: &str) -> Result<(), DomainError> {
        self.change(|c| {
            c.specialty = specialty.trim().to_owned();
            Ok(())
        })
    }

    pub fn set_visit_type(&mut self, visit_type: EncounterType) -> Result<(), DomainError> {
        self.change(|c| {
            c.visit_type = visit_type;
            Ok(())
        })
    }

    pub fn set_scope(&mut self, scope: TemplateScope) -> Result<(), DomainError> {
        self.change(|c| {
            c.scope = scope;
            Ok(())
        })
    }

    /// Appends an empty page.
    pub fn add_page(&mut self, id: &str, title: &str) -> Result<(), DomainError> {
        self.change(|c| {
            c.pages.push(TemplatePage {
                id: id.to_owned(),
                title: title.trim().to_owned(),
                sections: Vec::new(),
            });
            Ok(())
        })
    }

    /// Appends `section` (with any fields it already has) to the page `page_id`.
    pub fn add_section(
        &mut self,
        page_id: &str,
        section: TemplateSection,
    ) -> Result<(), DomainError> {
        self.change(|c| {
            let page = c
                .pages
                .iter_mut()
                .find(|p| p.id == page_id)
                .ok_or_else(|| {
                    DomainError::invalid(
                        "page_id",
                        format!("this template has no page \"{page_id}\""),
                    )
                })?;
            page.sections.push(section);
            Ok(())
        })
    }

    /// Moves a section's top-left corner to column `x`, row `y`; its size stays.
    pub fn move_section(&mut self, section_id: &str, x: u32, y: u32) -> Result<(), DomainError> {
        self.change(|c| {
            let s = c
                .section_mut(section_id)
                .ok_or_else(|| no_section(section_id))?;
            s.grid.x = x;
            s.grid.y = y;
            Ok(())
        })
    }

    /// Gives a section `w` columns and `h` rows; its position stays.
    pub fn resize_section(&mut self, section_id: &str, w: u32, h: u32) -> Result<(), DomainError> {
        self.change(|c| {
            let s = c
                .section_mut(section_id)
                .ok_or_else(|| no_section(section_id))?;
            s.grid.w = w;
            s.grid.h = h;
            Ok(())
        })
    }

    /// Removes a section and its fields from the draft (published versions keep theirs).
    pub fn remove_section(&mut self, section_id: &str) -> Result<(), DomainError> {
        self.change(|c| {
            for page in &mut c.pages {
                if let Some(i) = page.sections.iter().rposition(|s| s.id == section_id) {
                    page.sections.remove(i);
                    return Ok(());
                }
            }
            Err(no_section(section_id))
        })
    }

    /// Appends `field` to the section `section_id`.
    pub fn add_field(&mut self, section_id: &str, field: TemplateField) -> Result<(), DomainError> {
        self.change(|c| {
            let s = c
                .section_mut(section_id)
                .ok_or_else(|| no_section(section_id))?;
            s.fields.push(field);
            Ok(())
        })
    }

    /// Changes the properties named in `edit`.
    pub fn edit_field(&mut self, field_id: &str, edit: &FieldEdit) -> Result<(), DomainError> {
        self.change(|c| {
            let f = c.field_mut(field_id).ok_or_else(|| no_field(field_id))?;
            if let Some(label) = &edit.label {
                f.label = label.trim().to_owned();
            }
            if let Some(t) = &edit.field_type {
                f.field_type = t.clone();
            }
            if let Some(r) = edit.required {
                f.required = r;
            }
            if let Some(a) = &edit.auto_populate {
                f.auto_populate = a.clone();
            }
            Ok(())
        })
    }

    /// Moves a field within its section to column `x`, row `y`; its size stays.
    pub fn move_field(&mut self, field_id: &str, x: u32, y: u32) -> Result<(), DomainError> {
        self.change(|c| {
            let f = c.field_mut(field_id).ok_or_else(|| no_field(field_id))?;
            f.grid.x = x;
            f.grid.y = y;
            Ok(())
        })
    }

    /// Gives a field `w` columns and `h` rows; its position stays.
    pub fn resize_field(&mut self, field_id: &str, w: u32, h: u32) -> Result<(), DomainError> {
        self.change(|c| {
            let f = c.field_mut(field_id).ok_or_else(|| no_field(field_id))?;
            f.grid.w = w;
            f.grid.h = h;
            Ok(())
        })
    }

    /// Removes a field from the draft (published versions keep it). When a merge left two
    /// fields with one id, this removes the later one.
    pub fn remove_field(&mut self, field_id: &str) -> Result<(), DomainError> {
        self.change(|c| {
            for page in c.pages.iter_mut().rev() {
                for section in page.sections.iter_mut().rev() {
                    if let Some(i) = section.fields.iter().rposition(|f| f.id == field_id) {
                        section.fields.remove(i);
                        return Ok(());
                    }
                }
            }
            Err(no_field(field_id))
        })
    }
}
