//! Break-the-glass (HIPAA §164.312(a)(2)(ii), emergency access): an admin marks a patient
//! restricted on the server, and workstations learn the clinic's list at every sync. A
//! restricted patient's chart — the patient's details and their encounters — opens only
//! for a signed-in user with a care relationship (they are the provider of one of the
//! patient's encounters) or one who broke the glass: gave a reason, which is written to
//! the audit chain (its hash covers the reason) and grants that user a time-limited
//! access to that patient (30 minutes unless the workstation is set otherwise). Expiry is
//! checked on every read against the replica's [`Clock`](crate::Clock). The audit entry
//! reaches the server at the next sync, where it is listed to admins as an alert.

use crate::audit::{self, Action};
use crate::auth::{stamp, unstamp};
use crate::error::ReplicaError;
use crate::replica::Replica;
use chrono::{DateTime, Duration, Utc};
use outpost_domain::audit::{AuditAction, MAX_AUDIT_REASON_CHARS};
use outpost_domain::document::DocKind;
use outpost_domain::ids::DocId;
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use serde::Serialize;

/// How long a break-the-glass access lasts unless the workstation is set otherwise.
pub const DEFAULT_GLASS_MINUTES: u32 = 30;

/// What breaking the glass granted: this user may open this patient's chart until
/// `expires_at`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct GlassAccess {
    pub patient_id: DocId,
    #[ts(type = "string")]
    pub granted_at: DateTime<Utc>,
    #[ts(type = "string")]
    pub expires_at: DateTime<Utc>,
}

/// The records of one person: `?1` and every record an active merge links to it, however
/// many links away (a person registered twice is one person: restricting either record
/// restricts both, and caring for either is caring for both).
/// Each direction is its own step, so both use the partial indexes on active links.
const SAME_PERSON: &str = "WITH RECURSIVE same(id) AS (
        SELECT ?1
        UNION
        SELECT l.survivor_id FROM patient_links l JOIN same ON l.merged_id = same.id
        WHERE l.status = 'active'
        UNION
        SELECT l.merged_id FROM patient_links l JOIN same ON l.survivor_id = same.id
        WHERE l.status = 'active'
    )";

fn is_restricted(conn: &Connection, patient: DocId) -> Result<bool, ReplicaError> {
    // Asked before every write to a chart: kept prepared.
    Ok(conn
        .prepare_cached(&format!(
            "{SAME_PERSON} SELECT 1 FROM restricted_patients
             WHERE patient_id IN (SELECT id FROM same) LIMIT 1"
        ))?
        .query_row([patient.to_string()], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Whether any patient is restricted on this workstation (as of the last sync).
pub(crate) fn any_restricted(conn: &Connection) -> Result<bool, ReplicaError> {
    Ok(conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM restricted_patients)")?
        .query_row([], |r| r.get(0))?)
}

/// The patient whose chart record `id` of `kind` belongs to, if it is a chart record
/// stored here (a patient, an encounter, a vitals set).
fn chart_of(conn: &Connection, id: DocId, kind: DocKind) -> Result<Option<DocId>, ReplicaError> {
    let sql = match kind {
        DocKind::Patient => return Ok(Some(id)),
        DocKind::Encounter => "SELECT patient_id FROM encounters WHERE id = ?1",
        DocKind::Vitals => "SELECT patient_id FROM vitals WHERE id = ?1",
        _ => return Ok(None),
    };
    let patient: Option<String> = conn
        .prepare_cached(sql)?
        .query_row([id.to_string()], |r| r.get(0))
        .optional()?;
    patient
        .map(|p| crate::meta::parse(&p, "patient id"))
        .transpose()
}

/// The care relationship: `username` is the provider of one of the patient's encounters
/// (on any record of the same person).
fn cares_for(conn: &Connection, patient: DocId, username: &str) -> Result<bool, ReplicaError> {
    Ok(conn
        .query_row(
            &format!(
                "{SAME_PERSON} SELECT 1 FROM encounters
                 WHERE patient_id IN (SELECT id FROM same)
                   AND json_extract(detail, '$.provider') = ?2 LIMIT 1"
            ),
            params![patient.to_string(), username],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

/// The latest unexpired access `user` holds to `patient` at `now`.
fn access(
    conn: &Connection,
    user: &str,
    patient: DocId,
    now: DateTime<Utc>,
) -> Result<Option<GlassAccess>, ReplicaError> {
    let row: Option<(String, String)> = conn
        .query_row(
            "SELECT granted_at, expires_at FROM glass_access
             WHERE user_id = ?1 AND patient_id = ?2 AND expires_at > ?3
             ORDER BY expires_at DESC LIMIT 1",
            params![user, patient.to_string(), stamp(now)],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    row.map(|(g, e)| {
        Ok(GlassAccess {
            patient_id: patient,
            granted_at: unstamp(&g, "glass access grant")?,
            expires_at: unstamp(&e, "glass access expiry")?,
        })
    })
    .transpose()
}

/// Replaces the restricted list with what the server sent.
pub(crate) fn store_restricted(conn: &Connection, patients: &[DocId]) -> Result<(), ReplicaError> {
    conn.execute("DELETE FROM restricted_patients", [])?;
    let mut insert =
        conn.prepare("INSERT OR IGNORE INTO restricted_patients (patient_id) VALUES (?1)")?;
    for p in patients {
        insert.execute([p.to_string()])?;
    }
    Ok(())
}

impl Replica {
    /// Whether an admin marked `patient` restricted (as of the last sync).
    pub fn is_restricted(&self, patient: DocId) -> Result<bool, ReplicaError> {
        is_restricted(&self.conn, patient)
    }

    /// Refuses opening `patient`'s chart unless it is not restricted, or the signed-in
    /// user cares for them or holds an unexpired break-the-glass access.
    pub(crate) fn check_chart_access(&self, patient: DocId) -> Result<(), ReplicaError> {
        if !is_restricted(&self.conn, patient)? {
            return Ok(());
        }
        let now = self.clock.now();
        let user = self.signed_in_user(now)?.ok_or(ReplicaError::NotSignedIn)?;
        if cares_for(&self.conn, patient, &user.username)?
            || access(&self.conn, &user.id.to_string(), patient, now)?.is_some()
        {
            return Ok(());
        }
        Err(ReplicaError::Restricted { patient })
    }

    /// Refuses writing to record `id` of `kind` when it belongs to a chart the signed-in
    /// user may not open ([`Replica::check_chart_access`]): a write hands back the record,
    /// and writing into a chart is opening it.
    pub(crate) fn check_record_access(&self, id: DocId, kind: DocKind) -> Result<(), ReplicaError> {
        match chart_of(&self.conn, id, kind)? {
            Some(patient) => self.check_chart_access(patient),
            None => Ok(()),
        }
    }

    /// Whether [`Replica::check_chart_access`] lets `patient`'s chart open now; a chart
    /// that needs a reason (or someone signed in) says no. For lists across patients,
    /// which leave out what the user may not open instead of failing.
    pub fn may_open_chart(&self, patient: DocId) -> Result<bool, ReplicaError> {
        match self.check_chart_access(patient) {
            Ok(()) => Ok(true),
            Err(ReplicaError::Restricted { .. } | ReplicaError::NotSignedIn) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// [`Replica::may_open_chart`] for record `id` of `kind`: the chart it belongs to, if
    /// it belongs to one (a patient, an encounter, a vitals set); any other record opens.
    pub fn may_open_record(&self, id: DocId, kind: DocKind) -> Result<bool, ReplicaError> {
        match chart_of(&self.conn, id, kind)? {
            Some(patient) => self.may_open_chart(patient),
            None => Ok(true),
        }
    }

    /// The signed-in user's unexpired break-the-glass access to `patient`, if any.
    pub fn glass_access(&self, patient: DocId) -> Result<Option<GlassAccess>, ReplicaError> {
        let now = self.clock.now();
        let user = self.signed_in_user(now)?.ok_or(ReplicaError::NotSignedIn)?;
        access(&self.conn, &user.id.to_string(), patient, now)
    }

    /// Breaks the glass: the signed-in user opens restricted `patient` for `reason`. The
    /// audit entry (with the reason) and the access are written in one transaction.
    #[tracing::instrument(skip_all)]
    pub fn break_the_glass(
        &mut self,
        patient: DocId,
        reason: &str,
    ) -> Result<GlassAccess, ReplicaError> {
        let reason = reason.trim();
        if reason.is_empty() || reason.chars().count() > MAX_AUDIT_REASON_CHARS {
            return Err(ReplicaError::BadGlassReason);
        }
        let now = self.clock.now();
        let user = self.signed_in_user(now)?.ok_or(ReplicaError::NotSignedIn)?;
        self.patient(patient)?;
        if !is_restricted(&self.conn, patient)? {
            return Err(ReplicaError::NotRestricted { patient });
        }
        let minutes = self.glass_minutes()?;
        let granted = GlassAccess {
            patient_id: patient,
            granted_at: now,
            expires_at: now + Duration::minutes(i64::from(minutes)),
        };
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        audit::record_with_reason(
            &tx,
            now,
            &user.username,
            AuditAction::BreakTheGlass,
            Action::BREAK_THE_GLASS,
            Some(patient),
            Some(reason.to_owned()),
        )?;
        tx.execute(
            "INSERT OR REPLACE INTO glass_access (user_id, patient_id, granted_at, expires_at)
             VALUES (?1, ?2, ?3, ?4)",
            params![
                user.id.to_string(),
                patient.to_string(),
                stamp(granted.granted_at),
                stamp(granted.expires_at)
            ],
        )?;
        tx.commit()?;
        tracing::warn!(minutes, "break-the-glass access granted");
        Ok(granted)
    }

    /// How many minutes a break-the-glass access lasts on this workstation.
    pub fn glass_minutes(&self) -> Result<u32, ReplicaError> {
        let m: i64 = self.conn.query_row(
            "SELECT glass_minutes FROM meta_integrity WHERE id = 1",
            [],
            |r| r.get(0),
        )?;
        u32::try_from(m).map_err(|_| ReplicaError::Corrupt(format!("glass_minutes {m}")))
    }

    /// Sets how many minutes a break-the-glass access lasts (1 to 720), for accesses
    /// granted from now on.
    pub fn set_glass_minutes(&mut self, minutes: u32) -> Result<(), ReplicaError> {
        if !(1..=720).contains(&minutes) {
            return Err(ReplicaError::BadGlassMinutes { given: minutes });
        }
        self.conn.execute(
            "UPDATE meta_integrity SET glass_minutes = ?1 WHERE id = 1",
            [minutes],
        )?;
        Ok(())
    }
}
