//! Offline login (issue 4): the clinic's users cached from the server with their argon2id
//! verifiers ([`users`]), signing in against them with the same lockout rule the server
//! applies ([`login`]), and the sync step that refreshes the cache and reports sign-ins
//! and failures so the server accepts this workstation's authors ([`sync`]); signing in
//! online first when the server answers ([`online`]).

mod login;
mod online;
pub(crate) mod sync;
pub(crate) mod users;

pub use login::SESSION_HOURS;
pub use online::{login_online_or_offline, SignedInVia};
pub use users::CachedUser;

use chrono::{DateTime, SecondsFormat, Utc};

use crate::error::ReplicaError;

/// Timestamps as stored here: RFC 3339 UTC with microseconds, so text order is time order.
pub(crate) fn stamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

pub(crate) fn unstamp(s: &str, what: &str) -> Result<DateTime<Utc>, ReplicaError> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| ReplicaError::Corrupt(format!("{what} {s:?}: {e}")))
}

#[cfg(test)]
mod tests;
