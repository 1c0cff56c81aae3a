//! (d) ingest: [`CLIENTS`] workstations push at once, [`BATCH`] changes per push, to the
//! server in this process over HTTP; timed from the first push to the last answer.

use crate::fixtures::{
    clinic_with_desks, new_patients, patient_changes_of, push_all, start_server,
};
use crate::{BATCH, CLIENTS};
use anyhow::{Context, Result};
use outpost_domain::patient::Patient;
use outpost_pgtest::PgCluster;
use std::time::{Duration, Instant};

#[derive(Debug)]
pub struct Ingest {
    pub rows: usize,
    pub elapsed: Duration,
    pub avg_change_bytes: usize,
}

impl Ingest {
    pub fn per_sec(&self) -> f64 {
        self.rows as f64 / self.elapsed.as_secs_f64()
    }
}

/// A fresh database in the cluster for one round, so every round starts from empty tables
/// (as pgbench's copies do); returns its URL.
pub async fn fresh_database(pg: &PgCluster, name: &str) -> Result<String> {
    let admin = sqlx::PgPool::connect(&pg.url()).await?;
    // `name` is this benchmark's own identifier (`ingest_round_N`), never input.
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&admin)
        .await
        .with_context(|| format!("creating database {name}"))?;
    admin.close().await;
    let base = pg.url();
    let root = base
        .rsplit_once('/')
        .map_or(base.as_str(), |(root, _)| root);
    Ok(format!("{root}/{name}"))
}

pub async fn run(database_url: &str, changes_each: usize) -> Result<Ingest> {
    let mut patients = Vec::with_capacity(CLIENTS);
    for _ in 0..CLIENTS {
        patients.push(new_patients(changes_each)?);
    }
    run_with(database_url, &patients).await
}

/// [`run`] with the patients each of the [`CLIENTS`] registers given (the same records
/// another contender ingests).
pub async fn run_with(database_url: &str, patients: &[Vec<Patient>]) -> Result<Ingest> {
    anyhow::ensure!(patients.len() == CLIENTS, "one list of patients per client");
    let s = start_server(database_url).await?;
    let http = reqwest::Client::new();
    let (_, desks) = clinic_with_desks(&s, &http, "Ingest Clinic", CLIENTS).await?;
    let mut work = Vec::new();
    for (d, mine) in desks.iter().zip(patients) {
        work.push((d.clone(), patient_changes_of(d.replica, mine)?));
    }
    let rows: usize = patients.iter().map(Vec::len).sum();
    let bytes: usize = work
        .iter()
        .flat_map(|(_, c)| c.iter().map(|c| c.bytes.0.len()))
        .sum();

    let started = Instant::now();
    let mut tasks = Vec::new();
    for (desk, changes) in work {
        let (http, base) = (http.clone(), s.base.clone());
        tasks.push(tokio::spawn(async move {
            push_all(&http, &base, &desk, &changes, BATCH).await
        }));
    }
    for t in tasks {
        t.await.context("a pushing task died")??;
    }
    let elapsed = started.elapsed();

    let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM changes")
        .fetch_one(s.db.pool())
        .await?;
    anyhow::ensure!(stored as usize == rows, "stored {stored} of {rows} changes");
    Ok(Ingest {
        rows,
        elapsed,
        avg_change_bytes: bytes / rows.max(1),
    })
}
