//! Errors of the domain crate. Validation errors carry one entry per offending field so a
//! form can show each message next to its field.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// One refused field: which field, and a sentence that says what is allowed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DomainError {
    #[error("{}", join_fields(.0))]
    Invalid(Vec<FieldError>),
    #[error("the document is not a valid {kind} record: {reason}")]
    MalformedDocument { kind: &'static str, reason: String },
    #[error("the change could not be read: {0}")]
    MalformedChange(String),
    // The engine's errors are boxed: they are large, and a small `DomainError` keeps every
    // `Result` (including the edit closures callers write) cheap to return.
    #[error(transparent)]
    Automerge(Box<automerge::AutomergeError>),
    #[error(transparent)]
    Hydrate(Box<autosurgeon::HydrateError>),
    #[error(transparent)]
    Reconcile(Box<autosurgeon::ReconcileError>),
}

impl From<automerge::AutomergeError> for DomainError {
    fn from(e: automerge::AutomergeError) -> Self {
        Self::Automerge(Box::new(e))
    }
}

impl From<autosurgeon::HydrateError> for DomainError {
    fn from(e: autosurgeon::HydrateError) -> Self {
        Self::Hydrate(Box::new(e))
    }
}

impl From<autosurgeon::ReconcileError> for DomainError {
    fn from(e: autosurgeon::ReconcileError) -> Self {
        Self::Reconcile(Box::new(e))
    }
}

fn join_fields(errors: &[FieldError]) -> String {
    let parts: Vec<String> = errors.iter().map(ToString::to_string).collect();
    parts.join("; ")
}

impl DomainError {
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self::Invalid(vec![FieldError {
            field: field.to_owned(),
            message: message.into(),
        }])
    }

    /// The per-field errors of a validation failure; empty for other errors.
    pub fn field_errors(&self) -> &[FieldError] {
        match self {
            Self::Invalid(errors) => errors,
            _ => &[],
        }
    }
}
