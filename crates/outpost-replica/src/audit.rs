//! The replica's audit log: a hash chain ([`outpost_domain::audit`]) of who did what to
//! which record — every write inside the write's own transaction, every PHI read,
//! sign-ins and sign-outs, failed sign-ins, signatures, break-the-glass accesses (with the
//! user's reason). Rows name the record, never its clinical content. Triggers refuse to change or delete a chained row; [`verify`] walks
//! the whole chain and names the first link that does not hold (someone with the database
//! key dropped the triggers and edited the file).

use crate::error::ReplicaError;
use crate::meta::{to_i64, to_u64};
use crate::projection::timestamp;
use chrono::{DateTime, Utc};
use outpost_domain::audit::{verify_chain, AuditAction, AuditCheckpoint, AuditEntry};
use outpost_domain::ids::DocId;
use outpost_domain::BrokenLink;
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

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
    pub const AMEND_ENCOUNTER: Self = Self("encounter.amend");
    pub const OPEN_HANDOVER: Self = Self("handover.create");
    pub const EDIT_HANDOVER: Self = Self("handover.edit");
    pub const CREATE_TEMPLATE: Self = Self("template.create");
    pub const EDIT_TEMPLATE: Self = Self("template.edit");
    pub const PUBLISH_TEMPLATE: Self = Self("template.publish");
    pub const SAVE_LIBRARY_SECTION: Self = Self("library_section.save");
    pub const WITHDRAW_LIBRARY_SECTION: Self = Self("library_section.withdraw");
    pub const MERGE_PATIENTS: Self = Self("patient.merge");
    pub const UNMERGE_PATIENTS: Self = Self("patient.unmerge");
    pub const RESOLVE_CONFLICT: Self = Self("conflict.resolve");
    // Not writes: their category is given where they are recorded.
    pub const READ_PATIENT: Self = Self("patient.read");
    pub const READ_ENCOUNTER: Self = Self("encounter.read");
    pub const SIGN_IN: Self = Self("session.sign_in");
    pub const SIGN_OUT: Self = Self("session.sign_out");
    pub const FAILED_SIGN_IN: Self = Self("session.failed_sign_in");
    pub const SIGN_ENCOUNTER: Self = Self("encounter.sign");
    pub const SIGNING_PASSWORD_WRONG: Self = Self("signature.wrong_password");
    pub const SIGNING_BLOCKED: Self = Self("signature.blocked");
    pub const BREAK_THE_GLASS: Self = Self("patient.break_the_glass");

    pub fn as_str(self) -> &'static str {
        self.0
    }
}

/// The last entry's seq and hash, if the chain has any sealed entry.
fn last(conn: &Connection) -> Result<Option<(u64, String)>, ReplicaError> {
    let row: Option<(i64, String)> = conn
        .prepare_cached(
            "SELECT seq, hash FROM audit_log WHERE hash IS NOT NULL ORDER BY seq DESC LIMIT 1",
        )?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    row.map(|(s, h)| Ok((to_u64(s)?, h))).transpose()
}

/// Appends one entry after the chain's last, inside the caller's transaction.
pub(crate) fn record(
    conn: &Connection,
    at: DateTime<Utc>,
    user: &str,
    category: AuditAction,
    action: Action,
    record_id: Option<DocId>,
) -> Result<AuditEntry, ReplicaError> {
    record_with_reason(conn, at, user, category, action, record_id, None)
}

/// [`record`], with the user's reason (break-the-glass) covered by the entry's hash.
pub(crate) fn record_with_reason(
    conn: &Connection,
    at: DateTime<Utc>,
    user: &str,
    category: AuditAction,
    action: Action,
    record_id: Option<DocId>,
    reason: Option<String>,
) -> Result<AuditEntry, ReplicaError> {
    let prev = last(conn)?;
    let mut entry = AuditEntry::next(
        prev.as_ref().map(|(s, h)| (*s, h.as_str())),
        timestamp(at),
        user.to_owned(),
        category,
        action.as_str().to_owned(),
        record_id.map(|id| id.to_string()),
    );
    if let Some(reason) = reason {
        entry = entry.with_reason(reason);
    }
    conn.prepare_cached(
        "INSERT INTO audit_log (seq, at, actor, action, doc_id, prev_hash, hash, category,
                                reason)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        to_i64(entry.seq)?,
        entry.at,
        entry.user,
        entry.detail,
        entry.record_id,
        entry.prev_hash,
        entry.hash,
        entry.action.as_str(),
        entry.reason,
    ])?;
    Ok(entry)
}

/// A write's audit entry, inside the write's transaction.
pub(crate) fn append(
    conn: &Connection,
    at: DateTime<Utc>,
    actor: &str,
    action: Action,
    doc_id: DocId,
) -> Result<(), ReplicaError> {
    record(conn, at, actor, AuditAction::Write, action, Some(doc_id)).map(|_| ())
}

/// An entry of its own (a read, a sign-in): one short IMMEDIATE transaction, so two
/// processes on one file never take the same seq. Callable from reads (`&Connection`),
/// never from inside another transaction.
pub(crate) fn record_alone(
    conn: &Connection,
    at: DateTime<Utc>,
    user: &str,
    category: AuditAction,
    action: Action,
    record_id: Option<DocId>,
) -> Result<(), ReplicaError> {
    conn.execute_batch("BEGIN IMMEDIATE")?;
    match record(conn, at, user, category, action, record_id) {
        Ok(_) => {
            conn.execute_batch("COMMIT")?;
            Ok(())
        }
        Err(e) => {
            if let Err(rollback) = conn.execute_batch("ROLLBACK") {
                tracing::warn!(error = %rollback, "could not roll back an audit entry");
            }
            Err(e)
        }
    }
}

/// Rows written before the chain existed get their hashes, in seq order, once.
pub(crate) fn seal_legacy(conn: &mut Connection) -> Result<(), ReplicaError> {
    let unsealed: i64 = conn.query_row(
        "SELECT count(*) FROM audit_log WHERE hash IS NULL",
        [],
        |r| r.get(0),
    )?;
    if unsealed == 0 {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let rows = entries_where(&tx, "hash IS NULL")?;
    let mut prev = last(&tx)?;
    for row in rows {
        let entry = AuditEntry::next(
            prev.as_ref().map(|(s, h)| (*s, h.as_str())),
            row.at,
            row.user,
            row.action,
            row.detail,
            row.record_id,
        );
        if entry.seq != row.seq {
            return Err(ReplicaError::Corrupt(format!(
                "the audit log has no entry {} before entry {}",
                entry.seq, row.seq
            )));
        }
        tx.execute(
            "UPDATE audit_log SET prev_hash = ?1, hash = ?2 WHERE seq = ?3 AND hash IS NULL",
            params![entry.prev_hash, entry.hash, to_i64(entry.seq)?],
        )?;
        prev = Some((entry.seq, entry.hash));
    }
    tx.commit()?;
    tracing::info!(
        entries = unsealed,
        "sealed audit entries written before the chain"
    );
    Ok(())
}

fn entries_where(conn: &Connection, filter: &str) -> Result<Vec<AuditEntry>, ReplicaError> {
    entries_matching(conn, filter, [])
}

/// The entries matching `filter` with its `params` bound, in seq order.
pub(crate) fn entries_matching(
    conn: &Connection,
    filter: &str,
    params: impl rusqlite::Params,
) -> Result<Vec<AuditEntry>, ReplicaError> {
    let sql = format!(
        "SELECT seq, at, actor, category, action, doc_id, coalesce(prev_hash, ''),
                coalesce(hash, ''), reason
         FROM audit_log WHERE {filter} ORDER BY seq"
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(params, |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, Option<String>>(5)?,
            r.get::<_, String>(6)?,
            r.get::<_, String>(7)?,
            r.get::<_, Option<String>>(8)?,
        ))
    })?;
    rows.map(|row| {
        let (seq, at, user, category, detail, record_id, prev_hash, hash, reason) = row?;
        Ok(AuditEntry {
            seq: to_u64(seq)?,
            at,
            user,
            action: category
                .parse()
                .map_err(|e: String| ReplicaError::Corrupt(e))?,
            detail,
            record_id,
            prev_hash,
            hash,
            reason,
        })
    })
    .collect()
}

/// Entries with seq above `after`, at most `limit`, oldest first.
pub(crate) fn entries_after(
    conn: &Connection,
    after: u64,
    limit: usize,
) -> Result<Vec<AuditEntry>, ReplicaError> {
    let filter = format!(
        "seq > {} ORDER BY seq LIMIT {}",
        to_i64(after)?,
        i64::try_from(limit).unwrap_or(i64::MAX)
    );
    // `entries_where` appends its own ORDER BY; a sub-select keeps the limit.
    entries_where(
        conn,
        &format!("seq IN (SELECT seq FROM audit_log WHERE {filter})"),
    )
}

/// Checks the whole chain, and that it still reaches the latest checkpoint the server
/// signed (so a cut-off tail is caught); `Ok` holds the number of entries. An entry whose
/// category is not one this build knows is a broken link too (it was edited).
pub(crate) fn verify(conn: &Connection) -> Result<Result<u64, BrokenLink>, ReplicaError> {
    let mut stmt = conn.prepare("SELECT seq, category FROM audit_log ORDER BY seq")?;
    let bad_category = stmt
        .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .find(|(_, c)| c.parse::<AuditAction>().is_err());
    let filter = match bad_category {
        Some((seq, _)) => format!("seq < {seq}"),
        None => "1 = 1".to_owned(),
    };
    let entries = entries_where(conn, &filter)?;
    if let Err(broken) = verify_chain(None, &entries) {
        return Ok(Err(broken));
    }
    if let Some((seq, category)) = bad_category {
        return Ok(Err(BrokenLink {
            seq: to_u64(seq)?,
            reason: format!(
                "its category \"{category}\" is not one Outpost writes: the entry was edited"
            ),
        }));
    }
    if let Some(checkpoint) = stored_checkpoint(conn)? {
        if let Err(broken) = checkpoint.check(&entries) {
            return Ok(Err(broken));
        }
    }
    Ok(Ok(entries.len() as u64))
}

/// The latest checkpoint the server signed for this workstation's chain, if any.
pub(crate) fn stored_checkpoint(
    conn: &Connection,
) -> Result<Option<AuditCheckpoint>, ReplicaError> {
    let json: Option<String> = conn.query_row(
        "SELECT checkpoint FROM meta_integrity WHERE id = 1",
        [],
        |r| r.get(0),
    )?;
    json.map(|j| {
        serde_json::from_str(&j)
            .map_err(|e| ReplicaError::Corrupt(format!("audit checkpoint: {e}")))
    })
    .transpose()
}

/// Keeps `checkpoint` as the latest when it is signed by the clinic's checkpoint key (the
/// first one seen is pinned), names this chain's entry with the same hash, and is not
/// older than the one kept. Returns whether it was kept.
pub(crate) fn keep_checkpoint(
    conn: &Connection,
    checkpoint: &AuditCheckpoint,
) -> Result<bool, ReplicaError> {
    let pinned: Option<String> = conn.query_row(
        "SELECT checkpoint_public_key FROM meta_integrity WHERE id = 1",
        [],
        |r| r.get(0),
    )?;
    let key = pinned.unwrap_or_else(|| checkpoint.public_key.clone());
    if key != checkpoint.public_key || !checkpoint.signed_by(&key) {
        tracing::error!(
            seq = checkpoint.seq,
            "an audit checkpoint not signed by the clinic's key was ignored"
        );
        return Ok(false);
    }
    let ours: Option<String> = conn
        .query_row(
            "SELECT hash FROM audit_log WHERE seq = ?1",
            [to_i64(checkpoint.seq)?],
            |r| r.get(0),
        )
        .optional()?
        .flatten();
    if ours.as_deref() != Some(checkpoint.hash.as_str()) {
        tracing::error!(
            seq = checkpoint.seq,
            "the server's audit checkpoint does not match this chain"
        );
        return Ok(false);
    }
    if stored_checkpoint(conn)?.is_some_and(|old| old.seq > checkpoint.seq) {
        return Ok(false);
    }
    conn.execute(
        "UPDATE meta_integrity SET checkpoint = ?1, checkpoint_public_key = ?2 WHERE id = 1",
        params![
            serde_json::to_string(checkpoint).map_err(|e| ReplicaError::Corrupt(e.to_string()))?,
            key
        ],
    )?;
    Ok(true)
}

impl crate::replica::Replica {
    /// The latest audit checkpoint the server signed for this workstation.
    pub fn audit_checkpoint(&self) -> Result<Option<AuditCheckpoint>, ReplicaError> {
        stored_checkpoint(&self.conn)
    }

    /// Checks this workstation's audit chain from its first entry; names the first link
    /// that does not hold. `Ok(Ok(n))`: all `n` entries hold.
    pub fn verify_audit_chain(&self) -> Result<Result<u64, BrokenLink>, ReplicaError> {
        verify(&self.conn)
    }

    /// Audit entries with seq above `after`, oldest first, at most `limit`.
    pub fn audit_entries(&self, after: u64, limit: usize) -> Result<Vec<AuditEntry>, ReplicaError> {
        entries_after(&self.conn, after, limit)
    }

    /// Who the audit names for a read: the signed-in user, or the workstation itself.
    pub(crate) fn reader(&self) -> String {
        match self.signed_in_user(self.clock.now()) {
            Ok(Some(u)) => u.username,
            _ => "workstation".to_owned(),
        }
    }

    /// Records that the PHI of `record` was read (by [`Self::reader`]).
    pub(crate) fn audit_read(&self, action: Action, record: DocId) -> Result<(), ReplicaError> {
        let user = self.reader();
        record_alone(
            &self.conn,
            self.clock.now(),
            &user,
            AuditAction::Read,
            action,
            Some(record),
        )
    }
}
