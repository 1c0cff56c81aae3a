//! What admins oversee (issue 7): the audit entries every workstation of their clinic
//! pushed, listed by patient, user and time a page at a time; the alerts among them
//! (break-the-glass accesses, signing blocked after wrong signing passwords); and which
//! patients are restricted. Shared by the admin endpoints and the `outpost-server`
//! commands, so both answer the same.
//!
//! Pages are ordered by (time, device, seq) and continue after a keyset cursor, so a
//! workstation syncing old entries while an admin pages does not shift the pages.

use crate::db::Database;
use crate::error::ServerError;
use chrono::{DateTime, Utc};
use outpost_domain::ids::{ClinicId, DeviceId, DocId};
use outpost_domain::protocol::admin::{AuditPage, AuditQuery, MAX_AUDIT_PAGE};

/// Where a page ended: the last entry's time, device and seq.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub at: DateTime<Utc>,
    pub device: DeviceId,
    pub seq: u64,
}

impl Cursor {
    /// `<time in microseconds since the epoch>.<device>.<seq>`: opaque to callers.
    pub fn encode(&self) -> String {
        format!(
            "{}.{}.{}",
            self.at.timestamp_micros(),
            self.device,
            self.seq
        )
    }

    pub fn decode(s: &str) -> Result<Self, ServerError> {
        let bad = || {
            ServerError::invalid(
                "bad_cursor",
                "`after` must be the `next` of a previous page, unchanged",
            )
        };
        let mut parts = s.splitn(3, '.');
        let micros: i64 = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
        let device: DeviceId = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
        let seq: u64 = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
        let at = DateTime::from_timestamp_micros(micros).ok_or_else(bad)?;
        Ok(Self { at, device, seq })
    }
}

/// A checked query: filters, page size, cursor, and whether only alerts are wanted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditSearch {
    pub patient: Option<DocId>,
    pub user: Option<String>,
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    pub after: Option<Cursor>,
    pub limit: u32,
    pub alerts_only: bool,
}

impl AuditSearch {
    /// Checks what a caller asked for.
    pub fn new(query: &AuditQuery, alerts_only: bool) -> Result<Self, ServerError> {
        let limit = query.limit.unwrap_or(MAX_AUDIT_PAGE);
        if !(1..=MAX_AUDIT_PAGE).contains(&limit) {
            return Err(ServerError::invalid(
                "bad_limit",
                format!("`limit` must be 1 to {MAX_AUDIT_PAGE}"),
            ));
        }
        if let (Some(since), Some(until)) = (query.since, query.until) {
            if since >= until {
                return Err(ServerError::invalid(
                    "bad_range",
                    "`since` must be before `until`",
                ));
            }
        }
        let user = query
            .user
            .as_deref()
            .map(|u| u.trim().to_lowercase())
            .filter(|u| !u.is_empty());
        Ok(Self {
            patient: query.patient,
            user,
            since: query.since,
            until: query.until,
            after: query.after.as_deref().map(Cursor::decode).transpose()?,
            limit,
            alerts_only,
        })
    }
}

/// One page of `clinic`'s audit entries matching `search`.
#[tracing::instrument(skip_all, fields(%clinic))]
pub async fn list(
    db: &dyn Database,
    clinic: ClinicId,
    search: &AuditSearch,
) -> Result<AuditPage, ServerError> {
    let rows = db.search_audit(clinic, search).await?;
    let full = rows.len() == search.limit as usize;
    let next = rows.last().filter(|_| full).map(|(_, c)| c.encode());
    Ok(AuditPage {
        entries: rows.into_iter().map(|(r, _)| r).collect(),
        next,
    })
}

/// Every page of `clinic`'s entries matching `search` (for the command line).
pub async fn list_all(
    db: &dyn Database,
    clinic: ClinicId,
    mut search: AuditSearch,
) -> Result<Vec<outpost_domain::protocol::admin::AuditRecord>, ServerError> {
    let mut all = Vec::new();
    loop {
        let page = list(db, clinic, &search).await?;
        all.extend(page.entries);
        match page.next {
            Some(next) => search.after = Some(Cursor::decode(&next)?),
            None => return Ok(all),
        }
    }
}

/// Marks patient `patient` restricted (or lifts it); workstations learn it at their next
/// sync.
#[tracing::instrument(skip_all, fields(%clinic))]
pub async fn set_restricted(
    db: &dyn Database,
    clinic: ClinicId,
    patient: DocId,
    restricted: bool,
) -> Result<(), ServerError> {
    if db.set_restricted(clinic, patient, restricted).await? {
        tracing::info!(%patient, restricted, "patient restriction changed");
        Ok(())
    } else {
        Err(ServerError::NotFound(format!(
            "clinic {clinic} has no patient {patient} on the server; sync the workstation \
             that registered them, then try again"
        )))
    }
}
