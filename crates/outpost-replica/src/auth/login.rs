//! Signing in on this workstation against the cached verifiers, online or not: the
//! lockout rule of [`outpost_domain::credentials`] (the server's), the same refusal for an
//! unknown user and a wrong password, a recorded sign-in (or counted failure) for the next
//! sync to report, and the current session that writes take their author from.

use super::users::{by_id, by_username};
use super::{stamp, unstamp};
use crate::audit;
use crate::error::ReplicaError;
use crate::meta::parse;
use crate::replica::Replica;
use chrono::{DateTime, Duration, Utc};
use outpost_domain::audit::AuditAction;
use outpost_domain::credentials::{
    canonical_username, Lockout, Password, PasswordVerifier, SignInRefused,
};
use outpost_domain::document::DocKind;
use outpost_domain::ids::UserId;
use outpost_domain::protocol::users::SignedInUser;
use outpost_domain::roles::{permits, Action};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use std::sync::OnceLock;

/// How long a sign-in on this workstation lasts.
pub const SESSION_HOURS: i64 = 12;

fn lockout_of(conn: &Connection, user: UserId) -> Result<Lockout, ReplicaError> {
    let row: Option<(i64, Option<String>)> = conn
        .query_row(
            "SELECT failures, last_failure_at FROM login_lockouts WHERE user_id = ?1",
            [user.to_string()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let Some((failures, last)) = row else {
        return Ok(Lockout::default());
    };
    Ok(Lockout {
        failures: u32::try_from(failures).unwrap_or(u32::MAX),
        last_failure_at: last
            .map(|s| unstamp(&s, "last failed sign-in"))
            .transpose()?,
    })
}

/// A verifier no password matches, checked for unknown usernames so they take as long
/// as known ones.
fn decoy() -> Option<&'static PasswordVerifier> {
    static DECOY: OnceLock<Option<PasswordVerifier>> = OnceLock::new();
    DECOY
        .get_or_init(|| {
            PasswordVerifier::create(&Password::new("outpost-decoy-never-a-password")).ok()
        })
        .as_ref()
}

/// Resets the user's failures and makes them the signed-in user for [`SESSION_HOURS`].
/// Opens `user`'s session (clearing their local lockout) and audits the sign-in.
fn open_session(
    conn: &Connection,
    user: UserId,
    username: &str,
    now: DateTime<Utc>,
) -> Result<(), ReplicaError> {
    conn.execute(
        "DELETE FROM login_lockouts WHERE user_id = ?1",
        [user.to_string()],
    )?;
    conn.execute(
        "INSERT INTO current_session (id, user_id, signed_in_at, expires_at)
         VALUES (1, ?1, ?2, ?3)
         ON CONFLICT (id) DO UPDATE SET user_id = excluded.user_id,
           signed_in_at = excluded.signed_in_at, expires_at = excluded.expires_at",
        params![
            user.to_string(),
            stamp(now),
            stamp(now + Duration::hours(SESSION_HOURS))
        ],
    )?;
    audit::record(
        conn,
        now,
        username,
        AuditAction::SignIn,
        audit::Action::SIGN_IN,
        None,
    )?;
    Ok(())
}

impl Replica {
    /// Signs `username` in on this workstation at `now`, against the verifiers last synced
    /// from the server (no network needed). During a lockout delay the password is not
    /// even checked. A wrong password is counted (at most 100 an hour per account); a right
    /// one resets the account, records a sign-in the next sync reports and makes this user
    /// the author of the writes made here until [`SESSION_HOURS`] pass or someone else
    /// signs in.
    #[tracing::instrument(skip_all)]
    pub fn login(
        &mut self,
        username: &str,
        password: &Password,
        now: DateTime<Utc>,
    ) -> Result<SignedInUser, ReplicaError> {
        let found = match canonical_username(username) {
            Ok(u) => by_username(&self.conn, &u)?,
            Err(_) => None,
        };
        let Some((user, verifier)) = found else {
            if let Some(decoy) = decoy() {
                decoy.verify(password);
            }
            if self.cached_users()?.is_empty() {
                return Err(ReplicaError::NoUsersYet);
            }
            return Err(ReplicaError::SignIn(SignInRefused::WrongCredentials));
        };
        let lockout = lockout_of(&self.conn, user.id)?;
        if let Some(retry_after_seconds) = lockout.retry_after(now) {
            return Err(ReplicaError::SignIn(SignInRefused::LockedOut {
                retry_after_seconds,
            }));
        }
        let verifier = PasswordVerifier::from_phc(&verifier)
            .map_err(|e| ReplicaError::Corrupt(format!("verifier of user {}: {e}", user.id)))?;
        let right = verifier.verify(password);

        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let attempt = uuid::Uuid::now_v7().to_string();
        if !right {
            let mut lockout = lockout_of(&tx, user.id)?;
            let counted_last_hour: i64 = tx.query_row(
                "SELECT count(*) FROM sign_in_attempts
                 WHERE user_id = ?1 AND succeeded = 0 AND at > ?2 AND at <= ?3",
                params![
                    user.id.to_string(),
                    stamp(now - Duration::hours(1)),
                    stamp(now)
                ],
                |r| r.get(0),
            )?;
            let counted_last_hour = u32::try_from(counted_last_hour).unwrap_or(u32::MAX);
            if lockout.record_failure(now, counted_last_hour) {
                tx.execute(
                    "INSERT INTO sign_in_attempts (attempt_id, user_id, at, succeeded)
                     VALUES (?1, ?2, ?3, 0)",
                    params![attempt, user.id.to_string(), stamp(now)],
                )?;
                tx.execute(
                    "INSERT INTO login_lockouts (user_id, failures, last_failure_at)
                     VALUES (?1, ?2, ?3)
                     ON CONFLICT (user_id) DO UPDATE
                     SET failures = excluded.failures, last_failure_at = excluded.last_failure_at",
                    params![
                        user.id.to_string(),
                        i64::from(lockout.failures),
                        lockout.last_failure_at.map(stamp)
                    ],
                )?;
            }
            audit::record(
                &tx,
                now,
                &user.username,
                AuditAction::FailedSignIn,
                audit::Action::FAILED_SIGN_IN,
                None,
            )?;
            tx.commit()?;
            tracing::info!("sign-in refused: wrong credentials");
            return Err(ReplicaError::SignIn(SignInRefused::WrongCredentials));
        }
        if user.disabled {
            return Err(ReplicaError::AccountDisabled);
        }
        tx.execute(
            "INSERT INTO sign_in_attempts (attempt_id, user_id, at, succeeded) VALUES (?1, ?2, ?3, 1)",
            params![attempt, user.id.to_string(), stamp(now)],
        )?;
        open_session(&tx, user.id, &user.username, now)?;
        tx.commit()?;
        tracing::info!(user = %user.id, "signed in on this workstation");
        Ok(user.summary())
    }

    /// Records a sign-in the server already judged and recorded (an online login): the
    /// user's session opens here and their local failures reset; nothing is left to report.
    pub fn record_online_sign_in(
        &mut self,
        user: &SignedInUser,
        now: DateTime<Utc>,
    ) -> Result<(), ReplicaError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(
            "INSERT INTO sign_in_attempts (attempt_id, user_id, at, succeeded, reported)
             VALUES (?1, ?2, ?3, 1, 1)",
            params![
                uuid::Uuid::now_v7().to_string(),
                user.id.to_string(),
                stamp(now)
            ],
        )?;
        open_session(&tx, user.id, &user.username, now)?;
        tx.commit()?;
        tracing::info!(user = %user.id, "signed in online on this workstation");
        Ok(())
    }

    /// Ends the current session, if any.
    pub fn logout(&mut self) -> Result<(), ReplicaError> {
        let now = Utc::now();
        let who = self.signed_in_user(now)?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute("DELETE FROM current_session", [])?;
        if let Some(user) = who {
            audit::record(
                &tx,
                now,
                &user.username,
                AuditAction::SignOut,
                audit::Action::SIGN_OUT,
                None,
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Who is signed in here at `now`: an unexpired session of a user still active in the
    /// cache.
    pub fn signed_in_user(&self, now: DateTime<Utc>) -> Result<Option<SignedInUser>, ReplicaError> {
        let row: Option<(String, String)> = self
            .conn
            .query_row(
                "SELECT user_id, expires_at FROM current_session WHERE id = 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let Some((id, expires)) = row else {
            return Ok(None);
        };
        if unstamp(&expires, "session expiry")? <= now {
            return Ok(None);
        }
        let user = by_id(&self.conn, parse(&id, "user id")?)?;
        Ok(user.filter(|u| !u.disabled).map(|u| u.summary()))
    }

    /// The signed-in user, if their role may do `action` to a `kind` record: what a write
    /// takes its author from. Refuses with what to do when nobody is signed in or the role
    /// does not allow it.
    pub fn author_for(
        &self,
        kind: DocKind,
        action: Action,
        now: DateTime<Utc>,
    ) -> Result<SignedInUser, ReplicaError> {
        let user = self.signed_in_user(now)?.ok_or(ReplicaError::NotSignedIn)?;
        if !permits(user.role, kind, action) {
            return Err(ReplicaError::NotPermitted {
                role: user.role,
                kind: kind.as_str(),
                action,
            });
        }
        Ok(user)
    }
}
