//! Moving a template between clinics and workstations as a JSON file: pages → sections →
//! fields with their grid positions, wrapped with a format name and version so a file from
//! elsewhere is recognised before it is read. Export writes the draft or a published
//! version; import reads a file back into content for a new draft, refusing — with the path
//! of the offending entry — malformed JSON, unknown field types, invalid values and
//! overlapping positions, so nothing half-read is ever stored.

use super::content::TemplateContent;
use super::validate;
use crate::error::{DomainError, FieldError};
use serde::{Deserialize, Serialize};

/// The `format` every exported file carries.
pub const EXPORT_FORMAT: &str = "outpost.layout-template";
/// The version of the file layout this build writes and reads.
pub const EXPORT_VERSION: u32 = 1;

#[derive(Serialize)]
struct ExportOut<'a> {
    format: &'static str,
    format_version: u32,
    template: &'a TemplateContent,
}

#[derive(Deserialize)]
struct Header {
    format: Option<String>,
    format_version: Option<u32>,
}

#[derive(Deserialize)]
struct ExportIn {
    template: TemplateContent,
}

/// The file for `content`: pretty-printed JSON, fields in their template order.
pub fn export_json(content: &TemplateContent) -> Result<String, DomainError> {
    serde_json::to_string_pretty(&ExportOut {
        format: EXPORT_FORMAT,
        format_version: EXPORT_VERSION,
        template: content,
    })
    .map_err(|e| DomainError::invalid("template", format!("cannot be written as JSON: {e}")))
}

/// Reads an exported file. Everything a publish would refuse is refused here too, except
/// that sections may still be empty (the import becomes a draft to finish).
pub fn import_json(text: &str) -> Result<TemplateContent, DomainError> {
    let header: Header = serde_json::from_str(text).map_err(|e| {
        DomainError::invalid(
            "file",
            format!(
                "is not a JSON template export (line {}, column {}): {e}",
                e.line(),
                e.column()
            ),
        )
    })?;
    match (header.format.as_deref(), header.format_version) {
        (Some(EXPORT_FORMAT), Some(EXPORT_VERSION)) => {}
        (Some(EXPORT_FORMAT), v) => {
            return Err(DomainError::invalid(
                "format_version",
                format!(
                    "this build reads version {EXPORT_VERSION} of the template file, the file says {}; export it again from a matching Outpost",
                    v.map_or("nothing".to_owned(), |v| v.to_string())
                ),
            ))
        }
        _ => {
            return Err(DomainError::invalid(
                "format",
                format!("the file is not an Outpost template export (expected \"format\": \"{EXPORT_FORMAT}\")"),
            ))
        }
    }
    let de = &mut serde_json::Deserializer::from_str(text);
    let file: ExportIn = serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        DomainError::Invalid(vec![FieldError {
            field: path,
            message: format!("{inner}"),
        }])
    })?;
    let content = file.template;
    let mut errors = validate::content_errors(&content);
    errors.extend(validate::layout_errors(&content));
    if errors.is_empty() {
        Ok(content)
    } else {
        Err(DomainError::Invalid(errors))
    }
}
