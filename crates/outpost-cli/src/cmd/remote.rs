//! `outpost enroll`, `outpost sync` and `outpost status`: the commands that talk to the
//! sync server, each one library call on a small single-threaded runtime.

use super::open;
use crate::output::print_json;
use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use outpost_replica::outpost_domain::ids::ReplicaId;
use outpost_replica::sync::{self, SyncState};
use outpost_replica::{Enrollment, Replica, ReplicaError, ENROLL_HINT};
use serde::Serialize;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

fn block_on<F: Future>(f: F) -> Result<F::Output> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    Ok(rt.block_on(f))
}

pub fn enroll(data_dir: &Path, server: &str, code: &str) -> Result<()> {
    let replica = block_on(outpost_replica::enroll(data_dir, server, code))??;
    let e = replica
        .enrollment()?
        .context("the enrollment was not recorded")?;
    println!(
        "enrolled as \"{}\" of {} (device {}, replica {}); data in {}",
        e.device_name,
        e.clinic_name,
        e.device_id,
        replica.replica_id(),
        replica.db_path().display()
    );
    Ok(())
}

pub fn sync(data_dir: &Path, json: bool) -> Result<()> {
    let replica = open(data_dir)?;
    let transport = sync::transport_for(&replica)?;
    let replica = Mutex::new(replica);
    // A new workstation bootstraps first: one progress line per page (on stderr with
    // --json, so stdout stays one JSON document).
    let mut on_page = |p: &outpost_replica::BootstrapProgress| {
        let line = format!(
            "bootstrap: {} of {} documents, {:.1} of {:.1} MB{}",
            p.done_documents,
            p.total_documents,
            p.done_bytes as f64 / 1e6,
            p.total_bytes as f64 / 1e6,
            if p.finished { ", done" } else { "" }
        );
        if json {
            eprintln!("{line}");
        } else {
            println!("{line}");
        }
    };
    let report = block_on(sync::sync_once_with_progress(
        &replica,
        &transport,
        &mut on_page,
    ))?
    .context("sync failed")?;
    if json {
        print_json(&report)
    } else if report.bootstrapped > 0 {
        println!(
            "bootstrapped {} documents, pushed {}, pulled {}",
            report.bootstrapped, report.pushed, report.pulled
        );
        Ok(())
    } else {
        println!("pushed {}, pulled {}", report.pushed, report.pulled);
        Ok(())
    }
}

/// What `outpost status --json` prints.
#[derive(Debug, Serialize)]
struct Status {
    replica_id: ReplicaId,
    db_path: PathBuf,
    state: SyncState,
    enrollment: Option<Enrollment>,
    server_url: Option<String>,
    pending_changes: u64,
    /// Provisional MRNs this workstation can still hand out.
    provisional_mrns_left: u64,
    last_sync_at: Option<DateTime<Utc>>,
    /// Whether the server answered a health check just now.
    online: bool,
    /// Why it is not online.
    error: Option<String>,
}

pub fn status(data_dir: &Path, json: bool) -> Result<()> {
    let replica = open(data_dir)?;
    let (state, error) = reachability(&replica)?;
    let s = Status {
        replica_id: replica.replica_id(),
        db_path: replica.db_path().to_owned(),
        state,
        enrollment: replica.enrollment()?,
        server_url: replica.server_url()?,
        pending_changes: replica.pending_changes()?,
        provisional_mrns_left: replica.provisional_mrns_left()?,
        last_sync_at: replica.last_sync_at()?,
        online: state == SyncState::Online,
        error,
    };
    if json {
        return print_json(&s);
    }
    println!("replica:   {}", s.replica_id);
    println!("database:  {}", s.db_path.display());
    match &s.enrollment {
        Some(e) => {
            println!("clinic:    {} ({})", e.clinic_name, e.clinic_id);
            println!("device:    {} ({})", e.device_name, e.device_id);
        }
        None => println!("clinic:    not enrolled; {ENROLL_HINT}"),
    }
    if let Some(url) = &s.server_url {
        println!("server:    {url}");
    }
    println!(
        "pending:   {} change(s) not yet on the server",
        s.pending_changes
    );
    println!(
        "MRNs:      {} provisional number(s) left",
        s.provisional_mrns_left
    );
    match s.last_sync_at {
        Some(t) => println!("last sync: {}", t.to_rfc3339()),
        None => println!("last sync: never"),
    }
    match (&s.error, s.state) {
        (_, SyncState::Online) => println!("online:    yes"),
        (_, SyncState::NotEnrolled) => println!("online:    no (not enrolled)"),
        (Some(e), _) => println!("online:    no ({e})"),
        (None, _) => println!("online:    no"),
    }
    Ok(())
}

/// A quick `GET /health` against the enrolled server.
fn reachability(replica: &Replica) -> Result<(SyncState, Option<String>)> {
    let transport = match sync::transport_for(replica) {
        Ok(t) => t,
        Err(ReplicaError::NotEnrolled) => return Ok((SyncState::NotEnrolled, None)),
        Err(e) => return Ok((SyncState::Error, Some(e.to_string()))),
    };
    Ok(match block_on(transport.health())? {
        Ok(()) => (SyncState::Online, None),
        Err(e) if e.is_offline() => (SyncState::Offline, Some(e.to_string())),
        Err(e) => (SyncState::Error, Some(e.to_string())),
    })
}
