//! `POST /v1/integrity`, the sync round's last step: a workstation sends the signatures
//! made on it and the audit entries the server does not hold yet; the server checks each
//! signature against the signer's public key and its own copy of the document, checks
//! each audit entry's link to the one before, stores both append-only, and answers with
//! the clinic's signatures the workstation has not seen.
//!
//! A separate endpoint rather than fields of the push: a server without it answers 404,
//! which the workstation treats as "not offered" and syncs as before, and an older
//! workstation never calls it. Every field but `protocol` carries a serde default.

use crate::audit::AuditEntry;
use crate::signature::SignedManifest;
use serde::{Deserialize, Serialize};

/// Most signatures or audit entries one request or answer carries.
pub const MAX_INTEGRITY_BATCH: usize = 500;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IntegrityRequest {
    pub protocol: u32,
    /// Signatures made on this workstation, oldest first.
    #[serde(default)]
    pub signatures: Vec<SignedManifest>,
    /// This workstation's audit entries, in seq order, continuing the chain the server
    /// holds (entries it already holds are skipped).
    #[serde(default)]
    pub audit: Vec<AuditEntry>,
    /// The clinic signature cursor this workstation has seen through.
    #[serde(default)]
    pub signatures_after: u64,
}

/// A signature the server did not store, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RefusedSignature {
    pub id: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IntegrityResponse {
    /// The last audit seq the server holds for this device's chain (0: none).
    #[serde(default)]
    pub audit_held_through: u64,
    #[serde(default)]
    pub refused_signatures: Vec<RefusedSignature>,
    /// Clinic signatures after `signatures_after`, in the server's order.
    #[serde(default)]
    pub signatures: Vec<SignedManifest>,
    /// The cursor to send next time.
    #[serde(default)]
    pub signatures_cursor: u64,
    /// Whether more signatures wait after this page.
    #[serde(default)]
    pub more: bool,
    /// The server's signed word that it holds this device's chain through
    /// `audit_held_through` (absent while it holds none, and from older servers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checkpoint: Option<crate::audit::AuditCheckpoint>,
    /// Every patient of the clinic an admin marked restricted (the whole list, so a
    /// lifted restriction disappears); absent from servers older than break-the-glass,
    /// and then the workstation keeps what it had.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restricted_patients: Option<Vec<crate::ids::DocId>>,
}
