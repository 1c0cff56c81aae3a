//! What the UI shows about sync (`SyncStatus`), and the retry timing of the background
//! loop: a short interval while healthy, exponential backoff with jitter while not, and,
//! while offline, a cheap readiness probe every few seconds that ends the backoff as soon
//! as the server is back (a clinic whose link returns should not wait half a minute to
//! see its work merge).

use crate::error::ReplicaError;
use crate::replica::Replica;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::time::Duration;
use ts_rs::TS;

/// Pause between rounds while the server answers.
pub const HEALTHY_INTERVAL: Duration = Duration::from_secs(2);
/// First pause after a failure; it doubles per failure up to `MAX_BACKOFF`.
const FIRST_BACKOFF: Duration = Duration::from_secs(1);
pub const MAX_BACKOFF: Duration = Duration::from_secs(30);
/// While offline, how often the loop asks whether the server is back.
pub const OFFLINE_PROBE: Duration = Duration::from_secs(2);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub enum SyncState {
    Online,
    Offline,
    Syncing,
    NotEnrolled,
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct SyncStatus {
    pub state: SyncState,
    /// Local changes the server does not hold yet.
    #[ts(type = "number")]
    pub pending_changes: u64,
    pub last_sync_at: Option<DateTime<Utc>>,
    /// Why the last round failed, as a sentence for the user.
    pub last_error: Option<String>,
    /// A new workstation's bootstrap: documents and bytes done of the totals. `None` when
    /// this workstation never bootstrapped (it pulls).
    #[serde(default)]
    #[ts(optional)]
    pub bootstrap: Option<crate::BootstrapProgress>,
}

impl SyncStatus {
    /// The replica's current numbers with the given state and no error.
    pub fn of(replica: &Replica, state: SyncState) -> Result<Self, ReplicaError> {
        Ok(Self {
            state,
            pending_changes: replica.pending_changes()?,
            last_sync_at: replica.last_sync_at()?,
            last_error: None,
            bootstrap: replica.bootstrap_progress()?,
        })
    }
}

/// The pause after `failures` consecutive failed rounds (1 or more): doubling from 1 s,
/// capped at 30 s, then spread over `[half, full)` by `jitter` in `[0, 1)` so many
/// workstations coming back together do not hit the server in step.
pub fn backoff_delay(failures: u32, jitter: f64) -> Duration {
    let exp = failures.saturating_sub(1).min(16);
    let full = FIRST_BACKOFF.saturating_mul(1u32 << exp).min(MAX_BACKOFF);
    let jitter = if jitter.is_finite() {
        jitter.clamp(0.0, 1.0)
    } else {
        0.0
    };
    full / 2 + full.mul_f64(jitter / 2.0)
}

/// Waits out `backoff`, asking `ready` every [`OFFLINE_PROBE`] whether the server is back,
/// and returns early on the first yes. Full sync rounds keep their backoff (a server that
/// answers with errors is not hammered); a probe is one small request.
pub async fn wait_for_server<F, Fut>(backoff: Duration, mut ready: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + backoff;
    loop {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        if left.is_zero() {
            return;
        }
        tokio::time::sleep(OFFLINE_PROBE.min(left)).await;
        if tokio::time::Instant::now() < deadline && ready().await {
            return;
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design
mod tests {
    use super::*;
    use std::cell::Cell;

    #[tokio::test(start_paused = true)]
    async fn an_offline_pause_ends_at_the_first_probe_that_finds_the_server_back() {
        let asked = Cell::new(0);
        let start = tokio::time::Instant::now();
        // The server comes back between the third and the fourth probe.
        wait_for_server(MAX_BACKOFF, || {
            asked.set(asked.get() + 1);
            std::future::ready(asked.get() >= 4)
        })
        .await;
        assert_eq!(asked.get(), 4);
        assert_eq!(start.elapsed(), OFFLINE_PROBE * 4, "not the 30 s backoff");
    }

    #[tokio::test(start_paused = true)]
    async fn an_offline_pause_lasts_its_backoff_while_the_server_stays_away() {
        let asked = Cell::new(0);
        let start = tokio::time::Instant::now();
        let backoff = Duration::from_millis(7_500);
        wait_for_server(backoff, || {
            asked.set(asked.get() + 1);
            std::future::ready(false)
        })
        .await;
        assert_eq!(start.elapsed(), backoff);
        assert_eq!(
            asked.get(),
            3,
            "probes at 2, 4 and 6 s; none at the deadline"
        );
    }

    #[test]
    fn backoff_doubles_from_one_second_to_thirty_and_jitter_stays_within_it() {
        assert_eq!(backoff_delay(1, 0.0), Duration::from_millis(500));
        assert_eq!(backoff_delay(1, 1.0), Duration::from_secs(1));
        assert_eq!(backoff_delay(2, 1.0), Duration::from_secs(2));
        assert_eq!(backoff_delay(5, 1.0), Duration::from_secs(16));
        assert_eq!(backoff_delay(6, 1.0), MAX_BACKOFF);
        assert_eq!(backoff_delay(u32::MAX, 1.0), MAX_BACKOFF);
        assert_eq!(backoff_delay(u32::MAX, 0.0), MAX_BACKOFF / 2);
        assert_eq!(backoff_delay(3, f64::NAN), Duration::from_secs(2));
    }

    #[test]
    fn status_serializes_in_the_shape_the_ui_reads() {
        let s = SyncStatus {
            state: SyncState::NotEnrolled,
            pending_changes: 3,
            last_sync_at: None,
            last_error: None,
            bootstrap: None,
        };
        let json = serde_json::to_value(&s).unwrap();
        assert_eq!(json["state"], "not_enrolled");
        assert_eq!(json["pending_changes"], 3);
    }
}
