//! Small input checks shared by the encounter, handover and template records, so every
//! record states the same limits in the same words. Each check appends to a list of field
//! errors instead of failing fast: a form shows every problem at once.

use crate::document::values::{NARRATIVE_MAX, SHORT_TEXT_MAX};
use crate::error::FieldError;
use chrono::NaiveDate;

/// Longest identifier of a template page, section or field, or of a handover item.
pub const MAX_KEY_CHARS: usize = 64;

pub(crate) use crate::document::values::field_error as error;

/// A one-line text of at most [`SHORT_TEXT_MAX`]; `required` refuses blank input.
pub(crate) fn short_text(errors: &mut Vec<FieldError>, field: &str, value: &str, required: bool) {
    if required && value.trim().is_empty() {
        errors.push(error(field, "enter a value; it may not be blank"));
    } else if value.chars().count() > SHORT_TEXT_MAX {
        errors.push(error(
            field,
            format!(
                "at most {SHORT_TEXT_MAX} characters (got {}); put longer text in a note",
                value.chars().count()
            ),
        ));
    }
}

/// A narrative text of at most [`NARRATIVE_MAX`].
pub(crate) fn note_text(errors: &mut Vec<FieldError>, field: &str, value: &str) {
    let n = value.chars().count();
    if n > NARRATIVE_MAX {
        errors.push(error(
            field,
            format!("a note may have at most {NARRATIVE_MAX} characters (got {n})"),
        ));
    }
}

/// An identifier used as a map key or list key inside a document: 1 to [`MAX_KEY_CHARS`]
/// ASCII letters, digits, `_` or `-` (no `.`, which separates conflict paths).
pub(crate) fn key(errors: &mut Vec<FieldError>, field: &str, value: &str) {
    let ok = !value.is_empty()
        && value.len() <= MAX_KEY_CHARS
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if !ok {
        errors.push(error(
            field,
            format!(
                "\"{value}\" is not a valid id; use 1 to {MAX_KEY_CHARS} letters, digits, _ or -"
            ),
        ));
    }
}

/// A calendar date written `YYYY-MM-DD`.
pub(crate) fn date(errors: &mut Vec<FieldError>, field: &str, value: &str) -> Option<NaiveDate> {
    match NaiveDate::parse_from_str(value, "%Y-%m-%d") {
        Ok(d) => Some(d),
        Err(_) => {
            errors.push(error(
                field,
                format!("\"{value}\" is not a date; write it as YYYY-MM-DD, e.g. 2026-11-22"),
            ));
            None
        }
    }
}

/// A user name (author, provider, acknowledging nurse): required short text.
pub(crate) fn user(errors: &mut Vec<FieldError>, field: &str, value: &str) {
    short_text(errors, field, value, true);
}

/// `Ok(())` when nothing was refused, otherwise every refusal at once.
pub(crate) fn finish(errors: Vec<FieldError>) -> Result<(), crate::DomainError> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(crate::DomainError::Invalid(errors))
    }
}
