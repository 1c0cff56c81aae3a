//! The replica's audit log: who did what to which record, one row per write, inside the
//! write's own transaction. Hash-chaining (`prev_hash`, `hash`) is added later; the columns
//! exist and stay NULL until then. Rows name the record, never its clinical content.

use crate::error::ReplicaError;
use crate::projection::timestamp;
use chrono::{DateTime, Utc};
use outpost_domain::ids::DocId;
use rusqlite::{params, Connection};

/// What an audit row records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Action {
    RegisterPatient,
    RecordVitals,
}

impl Action {
    fn as_str(self) -> &'static str {
        match self {
            Self::RegisterPatient => "patient.register",
            Self::RecordVitals => "vitals.record",
        }
    }
}

pub(crate) fn append(
    conn: &Connection,
    at: DateTime<Utc>,
    actor: &str,
    action: Action,
    doc_id: DocId,
) -> Result<(), ReplicaError> {
    conn.execute(
        "INSERT INTO audit_log (at, actor, action, doc_id) VALUES (?1, ?2, ?3, ?4)",
        params![timestamp(at), actor, action.as_str(), doc_id.to_string()],
    )?;
    Ok(())
}
