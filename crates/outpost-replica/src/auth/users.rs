//! The users cache: replaced whole from each `GET /v1/users` answer, read for offline
//! login and for listing. Verifiers stay inside the encrypted database and never leave
//! this module except as [`PasswordVerifier`] (redacted `Debug`).

use super::{stamp, unstamp};
use crate::error::ReplicaError;
use crate::meta::parse;
use crate::replica::Replica;
use chrono::{DateTime, Utc};
use outpost_domain::credentials::PasswordVerifier;
use outpost_domain::ids::UserId;
use outpost_domain::protocol::users::{SignedInUser, SyncedUser};
use outpost_domain::roles::Role;
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A user of the clinic as this workstation last heard from the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct CachedUser {
    pub id: UserId,
    pub username: String,
    pub full_name: String,
    pub role: Role,
    pub disabled: bool,
    /// When the server's list last changed this cache.
    pub synced_at: DateTime<Utc>,
}

impl CachedUser {
    pub fn summary(&self) -> SignedInUser {
        SignedInUser {
            id: self.id,
            username: self.username.clone(),
            full_name: self.full_name.clone(),
            role: self.role,
        }
    }
}

const COLUMNS: &str = "user_id, username, full_name, role, disabled, synced_at";

fn from_row(row: &Row<'_>) -> Result<CachedUser, ReplicaError> {
    let id: String = row.get(0)?;
    let role: String = row.get(3)?;
    let synced: String = row.get(5)?;
    Ok(CachedUser {
        id: parse(&id, "user id")?,
        username: row.get(1)?,
        full_name: row.get(2)?,
        role: parse(&role, "role")?,
        disabled: row.get::<_, i64>(4)? == 1,
        synced_at: unstamp(&synced, "user sync time")?,
    })
}

/// A cached user with its verifier, by canonical username.
pub(super) fn by_username(
    conn: &Connection,
    username: &str,
) -> Result<Option<(CachedUser, String)>, ReplicaError> {
    let sql = format!("SELECT {COLUMNS}, verifier FROM users WHERE username = ?1");
    let found = conn
        .query_row(&sql, [username], |row| {
            Ok((from_row(row), row.get::<_, String>(6)?))
        })
        .optional()?;
    match found {
        Some((user, verifier)) => Ok(Some((user?, verifier))),
        None => Ok(None),
    }
}

/// A cached user's signing key: the public key (base64) and the wrapped private key.
pub(crate) fn signing_key_of(
    conn: &Connection,
    id: UserId,
) -> Result<Option<(String, String)>, ReplicaError> {
    let row: Option<(Option<String>, Option<String>)> = conn
        .query_row(
            "SELECT signing_public_key, signing_key_wrapped FROM users WHERE user_id = ?1",
            [id.to_string()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    Ok(match row {
        Some((Some(public), Some(wrapped))) => Some((public, wrapped)),
        _ => None,
    })
}

pub(crate) fn by_id(conn: &Connection, id: UserId) -> Result<Option<CachedUser>, ReplicaError> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE user_id = ?1");
    conn.query_row(&sql, [id.to_string()], |row| Ok(from_row(row)))
        .optional()?
        .transpose()
}

impl Replica {
    /// Whether the cache already holds exactly `users` (every sync round fetches them;
    /// most rounds change nothing and then write nothing).
    fn cached_users_match(&self, users: &[SyncedUser]) -> Result<bool, ReplicaError> {
        let mut stmt = self.conn.prepare(
            "SELECT user_id, username, full_name, role, verifier, disabled, signing_public_key,
                    signing_key_wrapped
             FROM users ORDER BY user_id",
        )?;
        let cached = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, i64>(5)? == 1,
                    r.get::<_, Option<String>>(6)?,
                    r.get::<_, Option<String>>(7)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let mut given: Vec<_> = users
            .iter()
            .map(|u| {
                (
                    u.id.to_string(),
                    u.username.clone(),
                    u.full_name.clone(),
                    u.role.as_str().to_owned(),
                    u.verifier.as_phc().to_owned(),
                    u.disabled,
                    u.signing_key.as_ref().map(|k| k.public_key.clone()),
                    u.signing_key.as_ref().map(|k| k.wrapped.to_json()),
                )
            })
            .collect();
        given.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(cached == given)
    }

    /// The clinic's users as last synced, by username (never their verifiers).
    pub fn cached_users(&self) -> Result<Vec<CachedUser>, ReplicaError> {
        let sql = format!("SELECT {COLUMNS} FROM users ORDER BY username");
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map([], |row| Ok(from_row(row)))?;
        rows.map(|r| r?).collect()
    }

    /// Replaces the cache with the server's list, in one transaction. A user the server no
    /// longer lists, or lists as disabled, can no longer sign in here, and a session of
    /// theirs ends.
    #[tracing::instrument(skip_all, fields(users = users.len()))]
    pub fn replace_users(
        &mut self,
        users: &[SyncedUser],
        now: DateTime<Utc>,
    ) -> Result<(), ReplicaError> {
        if self.cached_users_match(users)? {
            return Ok(());
        }
        let tx = self.conn.transaction()?;
        tx.execute("DELETE FROM users", [])?;
        {
            let mut insert = tx.prepare(
                "INSERT INTO users (user_id, username, full_name, role, verifier, disabled, synced_at,
                                    signing_public_key, signing_key_wrapped)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?;
            for u in users {
                // Re-checked here too: a verifier below the minimum is never cached.
                let verifier = PasswordVerifier::from_phc(u.verifier.as_phc()).map_err(|e| {
                    ReplicaError::Corrupt(format!("verifier of user {}: {e}", u.id))
                })?;
                insert.execute(params![
                    u.id.to_string(),
                    u.username,
                    u.full_name,
                    u.role.as_str(),
                    verifier.as_phc(),
                    i64::from(u.disabled),
                    stamp(now),
                    u.signing_key.as_ref().map(|k| k.public_key.clone()),
                    u.signing_key.as_ref().map(|k| k.wrapped.to_json()),
                ])?;
            }
        }
        tx.execute(
            "DELETE FROM current_session WHERE user_id NOT IN
               (SELECT user_id FROM users WHERE disabled = 0)",
            [],
        )?;
        tx.commit()?;
        Ok(())
    }
}
