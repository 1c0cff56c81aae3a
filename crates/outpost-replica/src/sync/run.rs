//! One sync round (`sync_once`: push the outbox, then pull pages until caught up) and the
//! background loop that repeats it. The replica mutex is taken only around database work,
//! never across an `.await`, so the UI keeps writing while a round waits on the network.

use super::plan::{server_holds, PushAnswer, PushProgress};
use super::status::{backoff_delay, wait_for_server, SyncState, SyncStatus, HEALTHY_INTERVAL};
use super::transport::{Transport, TransportError};
use crate::error::ReplicaError;
use crate::mrn::MRN_LOW_WATER;
use crate::replica::Replica;
use chrono::Utc;
use outpost_domain::protocol::{
    MrnBlockRequest, PushRequest, DEFAULT_MRN_BLOCK_SIZE, MAX_BATCH, PROTOCOL_VERSION,
};
use ring::rand::{SecureRandom, SystemRandom};
use serde::{Deserialize, Serialize};
use std::sync::{Arc, Mutex};
use tokio::sync::{watch, Notify};
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

/// What one round moved.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct SyncReport {
    /// Local changes the server newly acknowledged.
    #[ts(type = "number")]
    pub pushed: u64,
    /// Changes from other replicas newly applied here.
    #[ts(type = "number")]
    pub pulled: u64,
    /// Documents a new workstation stored from the server's bootstrap.
    #[serde(default)]
    #[ts(type = "number")]
    pub bootstrapped: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Transport(#[from] TransportError),
    #[error(transparent)]
    Replica(#[from] ReplicaError),
    #[error("the sync server answered something impossible: {0}; nothing was lost, but sync is stopped until an administrator checks the server")]
    Protocol(String),
    #[error("an earlier failure left the replica unusable in this process; restart the app")]
    Poisoned,
    #[error("the app is shutting down; the next sync goes on from the last page stored")]
    ShuttingDown,
}

impl SyncError {
    /// Whether the failure is a lost connection (the status shows "offline").
    pub fn is_offline(&self) -> bool {
        matches!(self, Self::Transport(t) if t.is_offline())
    }
}

/// Runs `f` on the replica under the lock; the guard never outlives the call.
pub(super) fn with<R>(
    replica: &Mutex<Replica>,
    f: impl FnOnce(&mut Replica) -> Result<R, ReplicaError>,
) -> Result<R, SyncError> {
    let mut guard = replica.lock().map_err(|_| SyncError::Poisoned)?;
    Ok(f(&mut guard)?)
}

/// What a worker thread worked out (a page read ahead), or the round's end if the runtime
/// is shutting down; a panic there goes on here.
pub(super) async fn joined<T>(work: tokio::task::JoinHandle<T>) -> Result<T, SyncError> {
    work.await.map_err(|e| match e.try_into_panic() {
        Ok(panic) => std::panic::resume_unwind(panic),
        Err(_) => SyncError::ShuttingDown,
    })
}

/// One round: push every unpushed local change (resending from where the server says it
/// is, after a gap), then pull pages until the server has nothing more, then record the
/// time. Each step is its own transaction, so an interruption anywhere loses nothing and
/// the next round resumes.
#[tracing::instrument(skip_all)]
pub async fn sync_once<T: Transport>(
    replica: &Mutex<Replica>,
    transport: &T,
) -> Result<SyncReport, SyncError> {
    sync_once_with_progress(replica, transport, &mut |_| {}).await
}

/// [`sync_once`], calling `on_progress` after each bootstrap page when this round
/// bootstraps a new workstation (before it pushes or pulls).
#[tracing::instrument(skip_all)]
pub async fn sync_once_with_progress<T: Transport>(
    replica: &Mutex<Replica>,
    transport: &T,
    on_progress: &mut (dyn FnMut(&crate::BootstrapProgress) + Send),
) -> Result<SyncReport, SyncError> {
    let mut report = SyncReport::default();
    let mut progress = PushProgress::default();
    // Before the push: the server accepts a change's author only once it knows that user
    // signed in on this workstation.
    crate::auth::sync::sync_users(replica, transport, Utc::now()).await?;
    report.bootstrapped =
        super::bootstrap::bootstrap_if_new(replica, transport, on_progress).await?;
    loop {
        let (replica_id, changes, local_counter) = with(replica, |r| {
            Ok((
                r.replica_id(),
                r.unpushed_changes(MAX_BATCH)?,
                r.local_counter()?,
            ))
        })?;
        let Some(first_sent) = changes.first().map(|c| c.counter) else {
            break;
        };
        let req = PushRequest {
            protocol: PROTOCOL_VERSION,
            replica_id,
            changes,
        };
        let answer = match transport.push(&req).await {
            Ok(resp) => PushAnswer::Stored {
                stored_through: resp.stored_through,
            },
            Err(TransportError::Gap { expected_counter }) => {
                tracing::info!(expected_counter, "server reported a gap; resending");
                PushAnswer::Gap { expected_counter }
            }
            Err(e) => return Err(e.into()),
        };
        let holds = server_holds(answer, local_counter)?;
        progress.record(first_sent, holds)?;
        report.pushed += with(replica, |r| r.acknowledge_pushed(holds))?;
    }
    report.pulled = super::pull::pull_all(replica, transport).await?;
    top_up_mrns(replica, transport).await?;
    super::integrity::exchange(replica, transport).await?;
    with(replica, |r| r.set_last_sync_at(Utc::now()))?;
    // A quiet round every two seconds is routine; only rounds that moved data are news.
    if report.pushed + report.pulled > 0 {
        tracing::info!(
            pushed = report.pushed,
            pulled = report.pulled,
            "sync round done"
        );
    } else {
        tracing::debug!("sync round done, nothing to exchange");
    }
    Ok(report)
}

/// Asks for a new block of provisional MRNs when fewer than [`MRN_LOW_WATER`] are left.
/// The server refusing or not offering blocks does not fail the round (push and pull
/// succeeded); it is logged, and the next round asks again.
async fn top_up_mrns<T: Transport>(
    replica: &Mutex<Replica>,
    transport: &T,
) -> Result<(), SyncError> {
    let left = with(replica, |r| r.provisional_mrns_left())?;
    if left >= MRN_LOW_WATER {
        return Ok(());
    }
    let req = MrnBlockRequest {
        protocol: PROTOCOL_VERSION,
        size: DEFAULT_MRN_BLOCK_SIZE,
    };
    match transport.mrn_block(&req).await {
        Ok(block) => with(replica, |r| r.add_mrn_block(&block)),
        Err(e) => {
            tracing::warn!(error = %e, left, "could not get a block of provisional MRNs");
            Ok(())
        }
    }
}

/// Syncs until `shutdown` is cancelled: a round, then a pause (`HEALTHY_INTERVAL` after
/// success, growing backoff after failures) that a `nudge` (sent after a local write)
/// cuts short, and that the server's return cuts short while offline
/// ([`wait_for_server`]). Every state change goes to `status`.
#[tracing::instrument(skip_all)]
pub async fn run_background<T: Transport>(
    replica: Arc<Mutex<Replica>>,
    transport: T,
    status: watch::Sender<SyncStatus>,
    nudge: Arc<Notify>,
    shutdown: CancellationToken,
) {
    let mut failures: u32 = 0;
    while !shutdown.is_cancelled() {
        publish(&replica, &status, SyncState::Syncing, None);
        let mut on_page = |_: &crate::BootstrapProgress| {
            publish(&replica, &status, SyncState::Syncing, None);
        };
        let result = tokio::select! {
            r = sync_once_with_progress(&replica, &transport, &mut on_page) => r,
            () = shutdown.cancelled() => break,
        };
        let (pause, offline) = match result {
            Ok(_) => {
                failures = 0;
                publish(&replica, &status, SyncState::Online, None);
                (HEALTHY_INTERVAL, false)
            }
            Err(e) => {
                failures = failures.saturating_add(1);
                let offline = e.is_offline();
                let state = if offline {
                    SyncState::Offline
                } else {
                    SyncState::Error
                };
                tracing::warn!(error = %e, failures, "sync round failed");
                publish(&replica, &status, state, Some(e.to_string()));
                (backoff_delay(failures, jitter()), offline)
            }
        };
        let waited = async {
            if offline {
                wait_for_server(pause, || transport.ready()).await;
            } else {
                tokio::time::sleep(pause).await;
            }
        };
        tokio::select! {
            () = waited => {}
            () = nudge.notified() => {}
            () = shutdown.cancelled() => break,
        }
    }
    tracing::debug!("background sync stopped");
}

/// Sends the replica's current numbers with `state`. A failure to read them keeps the
/// previous numbers and reports the read error instead.
fn publish(
    replica: &Mutex<Replica>,
    status: &watch::Sender<SyncStatus>,
    state: SyncState,
    error: Option<String>,
) {
    let snapshot = with(replica, |r| SyncStatus::of(r, state));
    status.send_modify(|s| match snapshot {
        Ok(fresh) => {
            *s = SyncStatus {
                last_error: error,
                ..fresh
            }
        }
        Err(e) => {
            s.state = SyncState::Error;
            s.last_error = Some(e.to_string());
        }
    });
}

/// A uniform number in `[0, 1)` from the system CSPRNG (0.5 if it fails).
fn jitter() -> f64 {
    let mut b = [0u8; 2];
    match SystemRandom::new().fill(&mut b) {
        Ok(()) => f64::from(u16::from_le_bytes(b)) / 65_536.0,
        Err(_) => 0.5,
    }
}
