//! Errors of the replica. Each message says what the operator can do about it, because the
//! desktop app and the CLI show them as they are. Validation errors keep one entry per
//! field so a form can show each message next to its field.

use outpost_domain::{DomainError, FieldError};
use std::path::PathBuf;

use crate::sync::TransportError;

/// What the enrollment hint looks like everywhere.
pub const ENROLL_HINT: &str = "run `outpost enroll --server URL --code CODE`";

#[derive(Debug, thiserror::Error)]
pub enum ReplicaError {
    /// Input refused by the record rules; nothing was written.
    #[error("{}", join_fields(.0))]
    Invalid(Vec<FieldError>),

    #[error("there is no replica at {path}; to set up this workstation, {ENROLL_HINT}", path = .path.display())]
    NoReplica { path: PathBuf },

    #[error("a replica already exists at {path}; open it instead, or move it away to start over", path = .path.display())]
    AlreadyExists { path: PathBuf },

    #[error("the encryption key for {path} is not in the OS keyring; restore it from your backup, or move the database away and enroll again with `outpost enroll`", path = .path.display())]
    KeyMissing { path: PathBuf },

    #[error("the OS keyring holds a different key than the database {path} was encrypted with; restore the right keyring entry from your backup, or move the database away and re-create the replica with `outpost enroll`", path = .path.display())]
    WrongKey { path: PathBuf },

    #[error("no OS keyring is reachable: start and unlock a Secret Service such as gnome-keyring (see README), then retry ({detail})")]
    KeyringUnavailable { detail: String },

    #[error("the OS keyring refused the request: {0}")]
    Keyring(String),

    #[error("the replica at {path} is incomplete ({reason}); move it away and enroll again with `outpost enroll`", path = .path.display())]
    Incomplete { path: PathBuf, reason: String },

    #[error("the replica at {path} is already enrolled with {clinic_name}; to enroll this workstation elsewhere, move the database away first", path = .path.display())]
    AlreadyEnrolled { path: PathBuf, clinic_name: String },

    #[error("this workstation is not enrolled with a sync server; {ENROLL_HINT}")]
    NotEnrolled,

    /// Wrong username or password (one message for both), or a lockout delay.
    #[error(transparent)]
    SignIn(outpost_domain::credentials::SignInRefused),

    #[error("this account is disabled; ask an admin of your clinic")]
    AccountDisabled,

    #[error("this workstation has no users yet: connect it to the sync server and run `outpost sync` (an admin adds users with `outpost-server user add`)")]
    NoUsersYet,

    #[error("sign in first: run `outpost login --user NAME`")]
    NotSignedIn,

    #[error("patient {patient} is restricted and you have no care relationship with them; in an emergency, break the glass by giving a reason (`outpost patient show --id {patient} --break-the-glass \"REASON\"`): access is time-limited, audited and reported to the clinic's admins")]
    Restricted { patient: outpost_domain::ids::DocId },

    #[error("give a reason of 1 to {max} characters for breaking the glass", max = outpost_domain::audit::MAX_AUDIT_REASON_CHARS)]
    BadGlassReason,

    #[error("patient {patient} is not restricted: open the chart as usual")]
    NotRestricted { patient: outpost_domain::ids::DocId },

    #[error("break-the-glass access lasts 1 to 720 minutes; {given} is outside that")]
    BadGlassMinutes { given: u32 },

    #[error("the {role} role may not {action} {kind} records; ask a colleague whose role may")]
    NotPermitted {
        role: outpost_domain::roles::Role,
        kind: &'static str,
        action: outpost_domain::roles::Action,
    },

    #[error("the device token for {path} is not in the OS keyring; enroll this workstation again with `outpost enroll` (move the database away first)", path = .path.display())]
    TokenMissing { path: PathBuf },

    #[error("no patient with id {0} on this workstation; check the id (`outpost patient list`), or sync first")]
    PatientNotFound(outpost_domain::ids::DocId),

    #[error("no {kind} with id {id} on this workstation; check the id, or sync first")]
    NotFound {
        kind: &'static str,
        id: outpost_domain::ids::DocId,
    },

    #[error("record {id} is a {actual}, not a {expected}; check the id")]
    WrongKind {
        id: outpost_domain::ids::DocId,
        expected: &'static str,
        actual: &'static str,
    },

    #[error(
        "the server handed out an unusable block of provisional MRNs: {0}; tell your administrator"
    )]
    BadMrnBlock(String),

    #[error(transparent)]
    Transport(TransportError),

    #[error("enrollment failed: {0}")]
    Enroll(TransportError),

    #[error("the server sent a change this replica cannot apply: {0}; nothing from that page was applied; tell your administrator")]
    BadRemoteChange(String),

    #[error("the operating system's random number generator failed; retry")]
    Random,

    #[error("the database failed its integrity check: {0}; restore it from a backup")]
    IntegrityCheck(String),

    #[error("stored data is not readable: {0}")]
    Corrupt(String),

    /// A stored projection does not read as this build's type; the replica rebuilds its
    /// projections from the documents and retries, so this surfaces only if that failed.
    #[error("a stored projection is out of date and could not be rebuilt: {0}; restart the app, and tell your administrator if it persists")]
    StaleProjection(String),

    #[error("{action} {path}: {error}", path = .path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        error: std::io::Error,
    },

    // No `#[source]` on these: the message already carries the cause, and `{:#}` printing
    // would repeat it.
    #[error("database error: {0}")]
    Sqlite(rusqlite::Error),

    #[error("database migration failed: {0}")]
    Migration(rusqlite_migration::Error),

    #[error(transparent)]
    Domain(Box<DomainError>),

    /// A signature could not be made, or one that was stored does not hold.
    #[error(transparent)]
    Signature(outpost_domain::SignatureError),

    #[error("signing is blocked for this user after 3 wrong signing passwords; an admin has been alerted and must clear the block")]
    SigningBlocked,

    #[error("this user has no signing key yet; ask an admin to set the password again (that makes the signing key), then sync")]
    NoSigningKey,

    #[error("encounter {0} is signed and locked; amend it with a reason instead")]
    Locked(outpost_domain::ids::DocId),

    #[error("encounter {0} is not signed yet; sign it before amending it")]
    NotSigned(outpost_domain::ids::DocId),
}

impl From<outpost_domain::SignatureError> for ReplicaError {
    fn from(e: outpost_domain::SignatureError) -> Self {
        Self::Signature(e)
    }
}

impl From<DomainError> for ReplicaError {
    fn from(e: DomainError) -> Self {
        match e {
            DomainError::Invalid(fields) => Self::Invalid(fields),
            other => Self::Domain(Box::new(other)),
        }
    }
}

impl From<rusqlite::Error> for ReplicaError {
    fn from(e: rusqlite::Error) -> Self {
        Self::Sqlite(e)
    }
}

impl From<rusqlite_migration::Error> for ReplicaError {
    fn from(e: rusqlite_migration::Error) -> Self {
        Self::Migration(e)
    }
}

impl ReplicaError {
    /// One refused field.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self::Invalid(vec![FieldError {
            field: field.to_owned(),
            message: message.into(),
        }])
    }

    /// The per-field errors of a validation failure; empty for other errors.
    pub fn field_errors(&self) -> &[FieldError] {
        match self {
            Self::Invalid(fields) => fields,
            _ => &[],
        }
    }

    pub(crate) fn io(action: &'static str, path: &std::path::Path, error: std::io::Error) -> Self {
        Self::Io {
            action,
            path: path.to_owned(),
            error,
        }
    }
}

fn join_fields(errors: &[FieldError]) -> String {
    let parts: Vec<String> = errors.iter().map(ToString::to_string).collect();
    parts.join("; ")
}
