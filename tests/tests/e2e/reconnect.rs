//! A workstation that has been offline long enough for its retry backoff to grow to many
//! seconds syncs within a few seconds of the server coming back, not when that backoff
//! runs out: while offline the background loop asks the real server's `/ready` every
//! couple of seconds (`sync::wait_for_server`).

use crate::common::{patient, TwoDesks};
use outpost_replica::sync::{self, SyncState, SyncStatus, OFFLINE_PROBE};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{watch, Notify};
use tokio_util::sync::CancellationToken;

/// Failed rounds before the server comes back: the backoff after the sixth is 16 to 32 s.
const FAILED_ROUNDS: usize = 6;
/// Without the probe the loop would still wait at least 16 s minus the server's start-up
/// after it is back; with it, one probe interval and a round.
const SYNCED_WITHIN: Duration = Duration::from_secs(10);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_workstation_offline_for_a_while_syncs_within_seconds_of_the_server_returning() {
    let mut desks = TwoDesks::start("Hillside Clinic").await;
    let written = desks
        .a
        .with(|r| r.register_patient(&patient("Ada Quill", "M-1"), "clerk"))
        .unwrap();
    desks.server.kill().await;

    let (status_tx, mut status_rx) = watch::channel(SyncStatus {
        state: SyncState::Syncing,
        pending_changes: 1,
        last_sync_at: None,
        last_error: None,
        bootstrap: None,
    });
    let stop = CancellationToken::new();
    let background = tokio::spawn(sync::run_background(
        desks.a.replica.clone(),
        desks.a.transport().clone(),
        status_tx,
        Arc::new(Notify::new()),
        stop.clone(),
    ));

    // Each failed round shows Syncing, then Offline.
    let mut failed = 0;
    let mut was = SyncState::Syncing;
    while failed < FAILED_ROUNDS {
        tokio::time::timeout(Duration::from_secs(120), status_rx.changed())
            .await
            .expect("the loop keeps retrying while the server is down")
            .unwrap();
        let now = status_rx.borrow_and_update().state;
        assert_ne!(now, SyncState::Online, "the server is down");
        if now == SyncState::Offline && was != SyncState::Offline {
            failed += 1;
        }
        was = now;
    }

    desks.server.up().await.unwrap();
    let back = Instant::now();
    tokio::time::timeout(SYNCED_WITHIN, async {
        loop {
            {
                let s = status_rx.borrow_and_update();
                if s.state == SyncState::Online && s.pending_changes == 0 {
                    break;
                }
            }
            status_rx.changed().await.unwrap();
        }
    })
    .await
    .unwrap_or_else(|_| {
        panic!(
            "not synced {SYNCED_WITHIN:?} after the server came back: the loop waited out \
             its backoff instead of probing every {OFFLINE_PROBE:?}"
        )
    });
    let took = back.elapsed();
    stop.cancel();
    background.await.unwrap();
    println!("synced {took:?} after the server came back");

    desks.b.sync().await.unwrap();
    let held: Vec<_> = desks
        .b
        .with(|r| r.list_patients())
        .unwrap()
        .into_iter()
        .map(|p| p.patient.id)
        .collect();
    assert_eq!(
        held,
        vec![written.id],
        "A's offline work reached the server"
    );
}
