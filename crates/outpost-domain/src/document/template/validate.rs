//! Checks of a template's content. Edits of a draft are refused only for problems they
//! introduce (a merge of two admins' drafts may already hold, say, a field id added twice;
//! that must not block the edit that fixes it). Publishing refuses every problem, since a
//! published version is frozen for good.

use super::content::{
    AutoPopulate, FieldType, GridPos, TemplateContent, TemplateField, TemplateScope, GRID_COLUMNS,
    MAX_GRID_ROWS,
};
use crate::document::encounter::check::{self, error};
use crate::document::encounter::MAX_ENCOUNTER_FIELDS;
use crate::error::FieldError;
use std::collections::HashSet;

/// Most options a select or multi-select field may offer.
pub const MAX_OPTIONS: usize = 100;

/// Every problem of the content, with dotted paths such as
/// `pages.intake.sections.vitals.fields.bp_sys.grid`.
pub(crate) fn content_errors(content: &TemplateContent) -> Vec<FieldError> {
    let mut errors = Vec::new();
    check::short_text(&mut errors, "name", &content.name, true);
    check::short_text(&mut errors, "specialty", &content.specialty, true);
    if let TemplateScope::Provider { provider_id } = &content.scope {
        check::user(&mut errors, "scope.provider_id", provider_id);
    }
    let mut ids = Ids::default();
    for page in &content.pages {
        let p = format!("pages.{}", page.id);
        check::key(&mut errors, &format!("{p}.id"), &page.id);
        ids.unique(&mut errors, "page", &p, &page.id);
        check::short_text(&mut errors, &format!("{p}.title"), &page.title, false);
        for section in &page.sections {
            let s = format!("{p}.sections.{}", section.id);
            check::key(&mut errors, &format!("{s}.id"), &section.id);
            ids.unique(&mut errors, "section", &s, &section.id);
            check::short_text(&mut errors, &format!("{s}.title"), &section.title, false);
            grid(&mut errors, &format!("{s}.grid"), section.grid);
            for field in &section.fields {
                let f = format!("{s}.fields.{}", field.id);
                check::key(&mut errors, &format!("{f}.id"), &field.id);
                ids.unique(&mut errors, "field", &f, &field.id);
                field_errors(&mut errors, &f, field);
            }
        }
    }
    let count = content.fields().count();
    if count > MAX_ENCOUNTER_FIELDS {
        errors.push(error(
            "pages",
            format!("a template may have at most {MAX_ENCOUNTER_FIELDS} fields (has {count})"),
        ));
    }
    errors
}

/// Problems that stop the content from being published: every content problem, overlapping
/// sections or fields, and sections with no fields.
pub(crate) fn publish_errors(content: &TemplateContent) -> Vec<FieldError> {
    let mut errors = content_errors(content);
    errors.extend(layout_errors(content));
    for page in &content.pages {
        for section in page.sections.iter().filter(|s| s.fields.is_empty()) {
            errors.push(error(
                &format!("pages.{}.sections.{}", page.id, section.id),
                format!(
                    "the section \"{}\" has no fields; add a field or remove the section",
                    section.title
                ),
            ));
        }
    }
    if content.fields().next().is_none() {
        errors.push(error("pages", "add at least one field before publishing"));
    }
    errors
}

/// Sections of one page that cover the same grid cells, and fields of one section that do.
/// Not refused while drafting (a drag in the designer may pass through an overlap, and two
/// admins' moves may merge into one); refused on publishing and on import.
pub(crate) fn layout_errors(content: &TemplateContent) -> Vec<FieldError> {
    let mut errors = Vec::new();
    for page in &content.pages {
        let p = format!("pages.{}", page.id);
        for (i, a) in page.sections.iter().enumerate() {
            for b in &page.sections[i + 1..] {
                if overlaps(a.grid, b.grid) {
                    errors.push(error(
                        &format!("{p}.sections.{}.grid", b.id),
                        format!(
                            "the sections \"{}\" and \"{}\" overlap on page \"{}\"; move or resize one",
                            a.id, b.id, page.id
                        ),
                    ));
                }
            }
            for (j, f) in a.fields.iter().enumerate() {
                for g in &a.fields[j + 1..] {
                    if overlaps(f.grid, g.grid) {
                        errors.push(error(
                            &format!("{p}.sections.{}.fields.{}.grid", a.id, g.id),
                            format!(
                                "the fields \"{}\" and \"{}\" overlap in section \"{}\"; move or resize one",
                                f.id, g.id, a.id
                            ),
                        ));
                    }
                }
            }
        }
    }
    errors
}

/// Whether two grid rectangles share a cell (touching edges do not).
pub(crate) fn overlaps(a: GridPos, b: GridPos) -> bool {
    let right = |g: GridPos| g.x.saturating_add(g.w);
    let bottom = |g: GridPos| g.y.saturating_add(g.h);
    a.x < right(b) && b.x < right(a) && a.y < bottom(b) && b.y < bottom(a)
}

/// The problems of `after` that `before` did not have.
pub(crate) fn introduced(before: &TemplateContent, after: &TemplateContent) -> Vec<FieldError> {
    let old = content_errors(before);
    content_errors(after)
        .into_iter()
        .filter(|e| !old.contains(e))
        .collect()
}

#[derive(Default)]
struct Ids {
    pages: HashSet<String>,
    sections: HashSet<String>,
    fields: HashSet<String>,
}

impl Ids {
    fn unique(&mut self, errors: &mut Vec<FieldError>, what: &str, path: &str, id: &str) {
        let set = match what {
            "page" => &mut self.pages,
            "section" => &mut self.sections,
            _ => &mut self.fields,
        };
        if !set.insert(id.to_owned()) {
            errors.push(error(
                &format!("{path}.id"),
                format!(
                    "the {what} id \"{id}\" is used twice in this template; ids must be unique"
                ),
            ));
        }
    }
}

pub(crate) fn grid(errors: &mut Vec<FieldError>, path: &str, g: GridPos) {
    if g.w == 0 || g.h == 0 {
        errors.push(error(path, "width and height must be at least 1"));
    } else if g.x.saturating_add(g.w) > GRID_COLUMNS {
        errors.push(error(
            path,
            format!(
                "column {} plus width {} runs past the {GRID_COLUMNS}-column grid",
                g.x, g.w
            ),
        ));
    } else if g.y.saturating_add(g.h) > MAX_GRID_ROWS {
        errors.push(error(
            path,
            format!(
                "row {} plus height {} is beyond row {MAX_GRID_ROWS}",
                g.y, g.h
            ),
        ));
    }
}

fn field_errors(errors: &mut Vec<FieldError>, path: &str, field: &TemplateField) {
    check::short_text(errors, &format!("{path}.label"), &field.label, true);
    grid(errors, &format!("{path}.grid"), field.grid);
    let t = format!("{path}.field_type");
    match &field.field_type {
        FieldType::Number { unit, min, max } => {
            check::short_text(errors, &format!("{t}.unit"), unit, false);
            if min.is_some_and(|v| !v.is_finite()) || max.is_some_and(|v| !v.is_finite()) {
                errors.push(error(&t, "the range limits must be numbers"));
            } else if let (Some(lo), Some(hi)) = (min, max) {
                if lo > hi {
                    errors.push(error(
                        &t,
                        format!("the minimum {lo} is above the maximum {hi}"),
                    ));
                }
            }
        }
        FieldType::Select { options } | FieldType::MultiSelect { options } => {
            options_errors(errors, &format!("{t}.options"), options);
        }
        _ => {}
    }
    if let AutoPopulate::FromVitals { field: vital } = &field.auto_populate {
        let a = format!("{path}.auto_populate");
        if !matches!(field.field_type, FieldType::Number { .. }) {
            errors.push(error(&a, "only a number field can be filled from vitals"));
        }
        if crate::vitals::spec(vital).is_none() {
            let known: Vec<&str> = crate::vitals::SPECS.iter().map(|s| s.field).collect();
            errors.push(error(
                &a,
                format!(
                    "\"{vital}\" is not a vital sign; use one of: {}",
                    known.join(", ")
                ),
            ));
        }
    }
}

fn options_errors(errors: &mut Vec<FieldError>, path: &str, options: &[String]) {
    if options.is_empty() || options.len() > MAX_OPTIONS {
        errors.push(error(
            path,
            format!(
                "offer between 1 and {MAX_OPTIONS} options (got {})",
                options.len()
            ),
        ));
    }
    let mut seen = HashSet::new();
    for o in options {
        check::short_text(errors, path, o, true);
        if !seen.insert(o.as_str()) {
            errors.push(error(path, format!("the option \"{o}\" is listed twice")));
        }
    }
}
