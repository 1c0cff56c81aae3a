//! Wire types of the admin endpoints (`GET /v1/admin/audit`, `GET /v1/admin/alerts`): the
//! audit entries every workstation of a clinic pushed, filtered by patient, user and time,
//! a page at a time, and the alerts among them (break-the-glass accesses, signing blocked
//! after wrong signing passwords). An admin reads them with the device token of the
//! workstation they signed in on and their online session token.

use crate::audit::AuditAction;
use crate::ids::{DeviceId, DocId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The header carrying an online session token (from `POST /v1/login`) next to the
/// device's bearer token.
pub const SESSION_HEADER: &str = "x-outpost-session";

/// Most entries one page holds, and the page size when none is asked for.
pub const MAX_AUDIT_PAGE: u32 = 500;

/// The audit entry detail that says a user's signing was blocked after wrong passwords.
pub const SIGNING_BLOCKED_DETAIL: &str = "signature.blocked";

/// Which entries to list: all filters given must hold; oldest first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema, utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct AuditQuery {
    /// Entries about this patient or any of their encounters and vitals sets.
    #[serde(default)]
    pub patient: Option<DocId>,
    /// Entries by this username.
    #[serde(default)]
    pub user: Option<String>,
    /// Entries at or after this time (RFC 3339).
    #[serde(default)]
    pub since: Option<DateTime<Utc>>,
    /// Entries before this time (RFC 3339).
    #[serde(default)]
    pub until: Option<DateTime<Utc>>,
    /// The `next` of the previous page.
    #[serde(default)]
    pub after: Option<String>,
    /// Page size, 1 to 500 (default 500).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 500))]
    pub limit: Option<u32>,
}

/// One audit entry as an admin sees it: which workstation's chain it belongs to and where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditRecord {
    pub device_id: DeviceId,
    pub seq: u64,
    /// When, as the workstation wrote it (RFC 3339 UTC).
    pub at: String,
    pub user: String,
    pub action: AuditAction,
    pub detail: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record_id: Option<String>,
    /// The user's reason (break-the-glass entries).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl AuditRecord {
    /// Whether this entry is one admins are alerted to.
    pub fn is_alert(&self) -> bool {
        self.action == AuditAction::BreakTheGlass || self.detail == SIGNING_BLOCKED_DETAIL
    }
}

impl fmt::Display for AuditRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}  {:<16} {:<28} {:<36} device {} #{}",
            self.at,
            self.user,
            self.detail,
            self.record_id.as_deref().unwrap_or("-"),
            self.device_id,
            self.seq
        )?;
        if let Some(reason) = &self.reason {
            write!(f, "  reason: {reason}")?;
        }
        Ok(())
    }
}

/// One page of entries; `next` is set when more may follow (pass it as `after`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditPage {
    pub entries: Vec<AuditRecord>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}
