//! Quarantined changes as an admin sees them: which device pushed what (replica, counter,
//! document, kind, author) and why the server did not apply it. The change bytes stay in
//! the database; listings never show record content.

use chrono::{DateTime, Utc};
use outpost_domain::document::DocKind;
use outpost_domain::ids::{ClinicId, DeviceId, DocId, ReplicaId};
use serde::Serialize;

/// One quarantined change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QuarantineEntry {
    pub clinic_id: ClinicId,
    pub device_id: DeviceId,
    pub replica_id: ReplicaId,
    pub counter: u64,
    pub doc_id: DocId,
    pub kind: DocKind,
    /// The author the change names, when it names one.
    pub author: Option<String>,
    pub digest: String,
    /// Stable reason code, e.g. `forbidden_role`, `invalid_record`, `tenant`.
    pub reason_code: String,
    pub reason: String,
    pub received_at: DateTime<Utc>,
}

/// The clinic's quarantined changes, oldest first (`outpost-server quarantine list`).
pub async fn list(
    db: &dyn crate::db::Database,
    clinic: ClinicId,
) -> Result<Vec<QuarantineEntry>, crate::error::ServerError> {
    db.list_quarantine(clinic).await
}

/// The clinic's flagged devices (`outpost-server device flagged`).
pub async fn flagged_devices(
    db: &dyn crate::db::Database,
    clinic: ClinicId,
) -> Result<Vec<crate::db::Device>, crate::error::ServerError> {
    db.flagged_devices(clinic).await
}
