//! Signing in when the server may or may not answer: online first (the server judges the
//! password and its lockout, and binds a session to this device), and against the users
//! cached here when the server cannot be reached, which is what offline login is for.

use super::sync::sync_users;
use crate::error::ReplicaError;
use crate::replica::Replica;
use crate::sync::{HttpTransport, OnlineLoginError, SyncError};
use chrono::{DateTime, Utc};
use outpost_domain::credentials::Password;
use outpost_domain::protocol::users::{LoginRequest, SignedInUser};
use std::sync::Mutex;

/// How a sign-in was judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignedInVia {
    /// By the server; it holds the session and the sign-in.
    Server,
    /// On this workstation, against the synced verifiers; the next sync reports it.
    ThisWorkstation,
}

fn lock(replica: &Mutex<Replica>) -> Result<std::sync::MutexGuard<'_, Replica>, SyncError> {
    replica.lock().map_err(|_| SyncError::Poisoned)
}

/// Refreshes the users (reporting earlier sign-ins first) and signs `username` in online;
/// when the server cannot be reached, signs in against the cached users instead. A
/// refusal by the server (wrong password, lockout, revoked device) is final.
#[tracing::instrument(skip_all)]
pub async fn login_online_or_offline(
    replica: &Mutex<Replica>,
    transport: &HttpTransport,
    username: &str,
    password: &Password,
    now: DateTime<Utc>,
) -> Result<(SignedInUser, SignedInVia), SyncError> {
    let offline = |replica: &Mutex<Replica>| -> Result<_, SyncError> {
        let user = lock(replica)?.login(username, password, now)?;
        Ok((user, SignedInVia::ThisWorkstation))
    };
    match sync_users(replica, transport, now).await {
        Ok(()) => {}
        Err(e) if e.is_offline() => {
            tracing::info!(error = %e, "server unreachable; signing in on this workstation");
            return offline(replica);
        }
        Err(e) => return Err(e),
    }
    let req = LoginRequest {
        username: username.to_owned(),
        password: password.expose().to_owned(),
    };
    match transport.login(&req).await {
        Ok(answer) => {
            lock(replica)?.record_online_sign_in(&answer.user, now)?;
            Ok((answer.user, SignedInVia::Server))
        }
        Err(OnlineLoginError::Refused(r)) => Err(ReplicaError::SignIn(r).into()),
        Err(OnlineLoginError::Transport(e)) if e.is_offline() => {
            tracing::info!(error = %e, "server unreachable; signing in on this workstation");
            offline(replica)
        }
        Err(OnlineLoginError::Transport(e)) => Err(e.into()),
    }
}
