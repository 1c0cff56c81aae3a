//! The sync round's users step, before the push: report the sign-ins and counted failures
//! made here (so the server knows who may author the changes about to be pushed), then
//! refresh the users cache for offline login.

use crate::error::ReplicaError;
use crate::replica::Replica;
use crate::sync::{SyncError, Transport, TransportError};
use chrono::{DateTime, Utc};
use outpost_domain::ids::UserId;
use outpost_domain::protocol::users::{ReportedAttempt, SignInReport};
use rusqlite::params;
use std::sync::Mutex;

/// At most this many attempts per report request.
const REPORT_BATCH: usize = 500;

impl Replica {
    /// Sign-ins and failures not yet acknowledged by the server, oldest first.
    pub fn unreported_sign_ins(&self, limit: usize) -> Result<SignInReport, ReplicaError> {
        let mut stmt = self.conn.prepare(
            "SELECT attempt_id, user_id, at, succeeded FROM sign_in_attempts
             WHERE reported = 0 ORDER BY at, attempt_id LIMIT ?1",
        )?;
        let rows = stmt.query_map([i64::try_from(limit).unwrap_or(i64::MAX)], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, i64>(3)?,
            ))
        })?;
        let mut report = SignInReport::default();
        for row in rows {
            let (id, user, at, succeeded) = row?;
            let attempt = ReportedAttempt {
                id: crate::meta::parse(&id, "sign-in id")?,
                user_id: crate::meta::parse::<UserId>(&user, "user id")?,
                at: super::unstamp(&at, "sign-in time")?,
            };
            if succeeded == 1 {
                report.sign_ins.push(attempt);
            } else {
                report.failures.push(attempt);
            }
        }
        Ok(report)
    }

    /// Marks attempts the server acknowledged (or dropped as of unknown users) as reported.
    pub fn mark_sign_ins_reported(&mut self, ids: &[uuid::Uuid]) -> Result<(), ReplicaError> {
        let tx = self.conn.transaction()?;
        {
            let mut stmt =
                tx.prepare("UPDATE sign_in_attempts SET reported = 1 WHERE attempt_id = ?1")?;
            for id in ids {
                stmt.execute(params![id.to_string()])?;
            }
        }
        tx.commit()?;
        Ok(())
    }
}

fn with<R>(
    replica: &Mutex<Replica>,
    f: impl FnOnce(&mut Replica) -> Result<R, ReplicaError>,
) -> Result<R, SyncError> {
    let mut guard = replica.lock().map_err(|_| SyncError::Poisoned)?;
    Ok(f(&mut guard)?)
}

/// Reports sign-ins and failures, then refreshes the users cache. A transport that does
/// not carry users (a test double) skips the step.
#[tracing::instrument(skip_all)]
pub async fn sync_users<T: Transport>(
    replica: &Mutex<Replica>,
    transport: &T,
    now: DateTime<Utc>,
) -> Result<(), SyncError> {
    loop {
        let report = with(replica, |r| r.unreported_sign_ins(REPORT_BATCH))?;
        let sent = report.sign_ins.len() + report.failures.len();
        if sent == 0 {
            break;
        }
        let answer = match transport.report_sign_ins(&report).await {
            Err(TransportError::Unsupported(_)) => return Ok(()),
            other => other?,
        };
        let mut done = answer.acknowledged;
        done.extend(answer.unknown_users);
        if done.is_empty() {
            return Err(SyncError::Protocol(
                "the server acknowledged none of the reported sign-ins".into(),
            ));
        }
        with(replica, |r| r.mark_sign_ins_reported(&done))?;
        if sent < REPORT_BATCH {
            break;
        }
    }
    let users = match transport.users().await {
        Err(TransportError::Unsupported(_)) => return Ok(()),
        other => other?,
    };
    with(replica, |r| r.replace_users(&users.users, now))?;
    Ok(())
}
