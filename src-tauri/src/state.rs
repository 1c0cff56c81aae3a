//! What the commands share: the opened replica (or why it could not be opened), the
//! latest sync status from the background task, the nudge that makes it sync soon after
//! a local write, the transport sign-in tries first, and the idle clock of the signed-in
//! session. Opening never stops the window from appearing: a failure becomes a message
//! the window shows, with what to do.

use crate::error::CommandError;
use crate::session::IdleClock;
use outpost_replica::sync::{self, HttpTransport, SyncState, SyncStatus};
use outpost_replica::{Replica, ReplicaError};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{watch, Notify};
use tokio_util::sync::CancellationToken;

#[derive(Debug)]
pub struct AppState {
    opened: Result<Opened, String>,
    status: watch::Receiver<SyncStatus>,
    shutdown: CancellationToken,
    /// When the signed-in user last used the window; ends the session after the limit.
    pub idle: IdleClock,
}

#[derive(Debug)]
struct Opened {
    replica: Arc<Mutex<Replica>>,
    nudge: Arc<Notify>,
    /// For online sign-in; `None` when sync cannot run (sign-in is then offline only).
    transport: Option<HttpTransport>,
    clinic_name: Option<String>,
    device_name: Option<String>,
}

impl AppState {
    /// Opens the replica in `data_dir` and starts background sync on Tauri's runtime.
    #[tracing::instrument(skip_all)]
    pub fn start(data_dir: &Path, idle_limit: Duration) -> Self {
        let shutdown = CancellationToken::new();
        let idle = IdleClock::new(idle_limit);
        let mut replica = match Replica::open(data_dir) {
            Ok(r) => r,
            Err(e) => {
                tracing::error!(error = %e, "the replica could not be opened");
                let state = match e {
                    ReplicaError::NoReplica { .. } | ReplicaError::NotEnrolled => {
                        SyncState::NotEnrolled
                    }
                    _ => SyncState::Error,
                };
                return Self::failed(e.to_string(), state, idle, shutdown);
            }
        };
        // A shared workstation: the window always starts at the sign-in screen, whoever
        // was signed in when it last closed (or through the CLI).
        if let Err(e) = replica.logout() {
            tracing::error!(error = %e, "the previous session could not be ended");
            return Self::failed(e.to_string(), SyncState::Error, idle, shutdown);
        }
        let enrollment = replica.enrollment().ok().flatten();
        let transport = sync::transport_for(&replica);
        let initial = initial_status(&replica, &transport);
        let replica = Arc::new(Mutex::new(replica));
        let nudge = Arc::new(Notify::new());
        let (tx, status) = watch::channel(initial);
        let for_sign_in = transport.as_ref().ok().cloned();
        match transport {
            Ok(transport) => {
                tauri::async_runtime::spawn(sync::run_background(
                    replica.clone(),
                    transport,
                    tx,
                    nudge.clone(),
                    shutdown.clone(),
                ));
            }
            // The status keeps saying why sync cannot run (e.g. the token is missing).
            Err(e) => tracing::warn!(error = %e, "background sync is not running"),
        }
        tracing::info!(enrolled = enrollment.is_some(), "replica opened");
        Self {
            opened: Ok(Opened {
                replica,
                nudge,
                transport: for_sign_in,
                clinic_name: enrollment.as_ref().map(|e| e.clinic_name.clone()),
                device_name: enrollment.map(|e| e.device_name),
            }),
            status,
            shutdown,
            idle,
        }
    }

    fn failed(
        message: String,
        state: SyncState,
        idle: IdleClock,
        shutdown: CancellationToken,
    ) -> Self {
        let (_tx, rx) = watch::channel(SyncStatus {
            state,
            pending_changes: 0,
            last_sync_at: None,
            last_error: Some(message.clone()),
            bootstrap: None,
        });
        Self {
            opened: Err(message),
            status: rx,
            shutdown,
            idle,
        }
    }

    pub fn startup_error(&self) -> Option<&str> {
        self.opened.as_ref().err().map(String::as_str)
    }

    pub fn clinic_name(&self) -> Option<&str> {
        self.opened.as_ref().ok()?.clinic_name.as_deref()
    }

    pub fn device_name(&self) -> Option<&str> {
        self.opened.as_ref().ok()?.device_name.as_deref()
    }

    pub fn status(&self) -> SyncStatus {
        self.status.borrow().clone()
    }

    /// Asks background sync to run now (after a local write).
    pub fn nudge(&self) {
        if let Ok(o) = &self.opened {
            o.nudge.notify_one();
        }
    }

    /// Stops background sync (on app exit).
    pub fn shut_down(&self) {
        self.shutdown.cancel();
    }

    /// The replica itself and the transport to sign in through, for sign-in, which runs
    /// its own async steps.
    pub fn for_sign_in(
        &self,
    ) -> Result<(Arc<Mutex<Replica>>, Option<HttpTransport>), CommandError> {
        match &self.opened {
            Ok(o) => Ok((o.replica.clone(), o.transport.clone())),
            Err(message) => Err(CommandError::message(message.clone())),
        }
    }

    /// Runs `f` on the replica off the UI and async threads (SQLite and the keyring block).
    /// Commands that touch records go through [`AppState::as_user`] instead.
    pub async fn with_replica<T, F>(&self, f: F) -> Result<T, CommandError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Replica) -> Result<T, ReplicaError> + Send + 'static,
    {
        self.with_replica_or(move |r| f(r).map_err(CommandError::from))
            .await
    }

    /// Like [`AppState::with_replica`] for a closure that words its own refusals.
    pub async fn with_replica_or<T, F>(&self, f: F) -> Result<T, CommandError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Replica) -> Result<T, CommandError> + Send + 'static,
    {
        let replica = match &self.opened {
            Ok(o) => o.replica.clone(),
            Err(message) => return Err(CommandError::message(message.clone())),
        };
        tauri::async_runtime::spawn_blocking(move || {
            let mut guard = replica.lock().map_err(|_| {
                CommandError::message(
                    "the records are unavailable after an internal error; restart Outpost",
                )
            })?;
            f(&mut guard)
        })
        .await
        .map_err(|e| {
            CommandError::message(format!("the request was interrupted ({e}); try again"))
        })?
    }
}

/// What the badge shows before the first sync round: the replica's own numbers, and if
/// sync cannot run at all (not enrolled, token missing), why.
fn initial_status(
    replica: &Replica,
    transport: &Result<sync::HttpTransport, ReplicaError>,
) -> SyncStatus {
    let (state, last_error) = match transport {
        Ok(_) => (SyncState::Syncing, None),
        Err(ReplicaError::NotEnrolled) => (
            SyncState::NotEnrolled,
            Some(ReplicaError::NotEnrolled.to_string()),
        ),
        Err(e) => (SyncState::Error, Some(e.to_string())),
    };
    match SyncStatus::of(replica, state) {
        Ok(s) => SyncStatus { last_error, ..s },
        Err(e) => SyncStatus {
            state: SyncState::Error,
            pending_changes: 0,
            last_sync_at: None,
            last_error: Some(e.to_string()),
            bootstrap: None,
        },
    }
}
