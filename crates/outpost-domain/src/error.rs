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

/// Why a signature could not be made or does not hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("wrong signing password; type the password you sign in with")]
    WrongPassword,
    #[error("the stored signing key is not usable ({0}); ask an admin to set your password again, which makes a new signing key")]
    BadKey(String),
    #[error("the system random number generator failed")]
    Randomness,
    #[error("the signature does not match its manifest or the signer's public key: the manifest was altered or signed by someone else")]
    BadSignature,
    #[error("the signature belongs to encounter {signed}, not to encounter {shown}")]
    OtherRecord { signed: String, shown: String },
    #[error("the signed content hash {signed} differs from the content at the signed version ({actual}): the signed content was altered")]
    ContentMismatch { signed: String, actual: String },
    #[error(
        "this workstation does not yet hold the signed version (change {0}); sync and try again"
    )]
    MissingHeads(String),
    #[error("the signature manifest is not valid: {0}")]
    Manifest(String),
    #[error("the signed record could not be read: {0}")]
    Record(String),
}

/// The first link of an audit chain that does not hold, by its sequence number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("audit chain broken at entry {seq}: {reason}")]
pub struct BrokenLink {
    /// The sequence number at which the chain stops holding (the entry expected there
    /// when one is missing).
    pub seq: u64,
    pub reason: String,
}
