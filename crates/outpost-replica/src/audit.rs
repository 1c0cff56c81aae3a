//! The replica's audit log: who did what to which record, one row per write, inside the
//! write's own transaction. Hash-chaining (`prev_hash`, `hash`) is added later; the columns
//! exist and stay NULL until then. Rows name the record, never its clinical content.

use crate::error::ReplicaError;
use crate::projection::timestamp;
use chrono::{DateTime, Utc};
use outpost_domain::ids::DocId;
use rusqlite::{params, Connection};

/// What an audit row records: a stable dotted name such as `patient.register`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Action(&'static str);

impl Action {
    pub const REGISTER_PATIENT: Self = Self("patient.register");
    pub const EDIT_PATIENT: Self = Self("patient.edit");
    pub const ALLERGY: Self = Self("patient.allergy");
    pub const MEDICATION: Self = Self("patient.medication");
    pub const PROBLEM: Self = Self("patient.problem");
    pub const RECORD_VITALS: Self = Self("vitals.record");
    pub const VITALS_IN_ERROR: Self = Self("vitals.entered_in_error");
    pub const OPEN_ENCOUNTER: Self = Self("encounter.create");
    pub const EDIT_ENCOUNTER: Self = Self("encounter.edit");
    pub const OPEN_HANDOVER: Self = Self("handover.create");
    pub const EDIT_HANDOVER: Self = Self("handover.edit");
    pub const CREATE_TEMPLATE: Self = Self("template.create");
    pub const EDIT_TEMPLATE: Self = Self("template.edit");
    pub const PUBLISH_TEMPLATE: Self = Self("template.publish");
    pub const MERGE_PATIENTS: Self = Self("patient.merge");
    pub const UNMERGE_PATIENTS: Self = Self("patient.unmerge");
    pub const RESOLVE_CONFLICT: Self = Self("conflict.resolve");

    fn as_str(self) -> &'static str {
        self.0
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
