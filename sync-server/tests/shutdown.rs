//! SIGTERM while 20 workstations push: the server stops taking connections, finishes the
//! pushes in flight and exits; every push it acknowledged is in Postgres; after a restart
//! the workstations resume and everything arrives exactly once.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;
use crate::ops;

use common::records::Desk;
use common::{Device, Server};
use ops::ServerProcess;
use outpost_domain::protocol::{PushRequest, PushResponse, WireChange, PROTOCOL_VERSION};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

const CLIENTS: usize = 20;
const CHANGES_EACH: usize = 60;
const BATCH: usize = 5;

/// One workstation's changes and how far the server acknowledged them.
struct Client {
    device: Device,
    changes: Vec<WireChange>,
    acked: u64,
}

/// Pushes from `acked + 1` in batches until done or a push is not acknowledged (the server
/// went away). Counts acknowledged changes in `total`.
async fn push_until_refused(
    http: &reqwest::Client,
    base: &str,
    c: &mut Client,
    total: &AtomicU64,
) -> bool {
    while (c.acked as usize) < c.changes.len() {
        let from = c.acked as usize;
        let to = (from + BATCH).min(c.changes.len());
        let req = PushRequest {
            protocol: PROTOCOL_VERSION,
            replica_id: c.device.replica,
            changes: c.changes[from..to].to_vec(),
        };
        let answer = http
            .post(format!("{base}/v1/push"))
            .bearer_auth(&c.device.token)
            .json(&req)
            .send()
            .await;
        let Ok(res) = answer else { return false };
        if res.status() != 200 {
            return false;
        }
        let Ok(body) = res.json::<PushResponse>().await else {
            return false;
        };
        assert_eq!(
            body.stored_through, to as u64,
            "acknowledged through the batch"
        );
        assert!(body.quarantined.is_empty());
        total.fetch_add(body.stored_through - c.acked, Ordering::SeqCst);
        c.acked = body.stored_through;
    }
    true
}

async fn stored_through(s: &Server, c: &Client) -> (i64, i64) {
    sqlx::query_as(
        "SELECT coalesce(max(counter), 0)::bigint, count(*) FROM changes \
         WHERE clinic_id = $1 AND replica_id = $2",
    )
    .bind(c.device.clinic.0)
    .bind(c.device.replica.0)
    .fetch_one(s.db.pool())
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigterm_during_20_concurrent_pushes_loses_no_acknowledged_change() {
    let s = Server::start().await;
    let clinic = s.clinic("Harbour Clinic").await;
    let mut clients = Vec::new();
    for _ in 0..CLIENTS {
        let device = s.device(clinic).await;
        let mut desk = Desk::new(device.replica);
        let changes = (0..CHANGES_EACH)
            .map(|_| desk.patient("nurse.test").1)
            .collect();
        clients.push(Client {
            device,
            changes,
            acked: 0,
        });
    }

    let mut server =
        ServerProcess::spawn(&s.pg.url(), &[], &[("OUTPOST_SHUTDOWN_GRACE_SECS", "20")]);
    let base = server.base.clone();
    let total = Arc::new(AtomicU64::new(0));
    let mut tasks = Vec::new();
    for mut c in clients {
        let (base, total) = (base.clone(), total.clone());
        tasks.push(tokio::spawn(async move {
            let http = reqwest::Client::new();
            push_until_refused(&http, &base, &mut c, &total).await;
            c
        }));
    }
    let all = (CLIENTS * CHANGES_EACH) as u64;
    while total.load(Ordering::SeqCst) < all / 4 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    server.sigterm();
    let mut clients = Vec::new();
    for t in tasks {
        clients.push(t.await.unwrap());
    }
    let status = server.wait_exit(Duration::from_secs(60));
    assert!(status.success(), "a graceful shutdown exits 0: {status}");

    let acked: u64 = clients.iter().map(|c| c.acked).sum();
    eprintln!("acknowledged before the shutdown: {acked} of {all}");
    assert!(
        acked < all,
        "the shutdown cut the run (all {all} changes were acknowledged before it)"
    );
    for c in &clients {
        let (max, count) = stored_through(&s, c).await;
        assert!(
            max as u64 >= c.acked && count == max,
            "acknowledged through {}, Postgres holds {count} changes through {max}",
            c.acked
        );
    }

    // Restarted, the workstations resume from what they know was acknowledged (the server
    // may hold more: answers lost in the shutdown) and complete.
    let server = ServerProcess::spawn(&s.pg.url(), &[], &[]);
    let http = reqwest::Client::new();
    let again = AtomicU64::new(0);
    for c in &mut clients {
        assert!(push_until_refused(&http, &server.base, c, &again).await);
    }
    for c in &clients {
        assert_eq!(
            stored_through(&s, c).await,
            (CHANGES_EACH as i64, CHANGES_EACH as i64)
        );
    }
    assert_eq!(
        s.stored_changes().await,
        all as i64,
        "each change stored once"
    );
}
