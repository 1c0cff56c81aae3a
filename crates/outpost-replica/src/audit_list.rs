//! `outpost audit list`: this workstation's own audit chain filtered by patient (the
//! patient's record and their encounters and vitals sets), user and time range, oldest
//! first. The clinic-wide listing is the server's (`outpost-server audit list`).

use crate::audit::entries_matching;
use crate::error::ReplicaError;
use crate::projection::timestamp;
use crate::replica::Replica;
use chrono::{DateTime, Utc};
use outpost_domain::audit::AuditEntry;
use outpost_domain::ids::DocId;
use rusqlite::params;

/// Which entries: all filters given must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    pub patient: Option<DocId>,
    pub user: Option<String>,
    /// At or after.
    pub since: Option<DateTime<Utc>>,
    /// Before.
    pub until: Option<DateTime<Utc>>,
}

impl Replica {
    /// This workstation's audit entries matching `filter`, oldest first.
    pub fn audit_list(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>, ReplicaError> {
        entries_matching(
            &self.conn,
            "(?1 IS NULL OR doc_id = ?1
                 OR doc_id IN (SELECT id FROM encounters WHERE patient_id = ?1)
                 OR doc_id IN (SELECT id FROM vitals WHERE patient_id = ?1))
             AND (?2 IS NULL OR actor = ?2)
             AND (?3 IS NULL OR at >= ?3)
             AND (?4 IS NULL OR at < ?4)",
            params![
                filter.patient.map(|p| p.to_string()),
                filter.user.as_deref().map(|u| u.trim().to_lowercase()),
                filter.since.map(timestamp),
                filter.until.map(timestamp),
            ],
        )
    }
}
