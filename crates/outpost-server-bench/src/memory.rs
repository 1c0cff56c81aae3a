//! Memory: a clinic with 10,000 documents and one with 100,000 are loaded through the
//! server; then a fresh server process (this binary re-run in serve mode, so nothing but
//! the server lives in it) serves full pulls of each, page by page, and its resident set
//! is read from /proc after each.

use crate::fixtures::{clinic_with_desks, patient_changes, push_all, start_server, Desk};
use anyhow::{bail, Context, Result};
use outpost_domain::protocol::{PullRequest, PullResponse, MAX_BATCH, PROTOCOL_VERSION};
use outpost_domain::version_vector::VersionVector;
use outpost_pgtest::PgCluster;
use outpost_sync_server::config::{Overrides, ServerConfig};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// The first argument that runs this binary as the measured server.
pub const SERVE_ARG: &str = "--serve-for-memory";

/// Loaders per clinic (documents are pushed in parallel, 500 per push).
const LOADERS: usize = 4;

#[derive(Debug)]
pub struct Memory {
    pub idle_kib: u64,
    pub after_small_kib: u64,
    pub after_large_kib: u64,
}

/// Serve mode: the server with default settings on a free port; prints its URL.
pub fn serve_child(database_url: &str) -> Result<()> {
    let config = ServerConfig::load(
        None,
        &Overrides {
            listen: Some("127.0.0.1:0".parse()?),
            database_url: Some(database_url.to_owned()),
            ..Overrides::default()
        },
    )?;
    let rt = tokio::runtime::Runtime::new()?;
    rt.block_on(async {
        let db = outpost_sync_server::PgDatabase::connect_with(
            config.require_database_url()?.expose(),
            &config.pool,
        )
        .await?;
        outpost_sync_server::shutdown::serve_configured(
            db,
            &config,
            |bound| println!("listening on {}", bound.url()),
            outpost_sync_server::shutdown::signal(),
        )
        .await?;
        Ok(())
    })
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn rss_kib(pid: u32) -> Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .context("no VmRSS in /proc/PID/status")
}

async fn load(
    s: &crate::fixtures::InProcess,
    http: &reqwest::Client,
    name: &str,
    documents: usize,
) -> Result<Desk> {
    let (_, desks) = clinic_with_desks(s, http, name, LOADERS).await?;
    let mut tasks = Vec::new();
    for d in desks.clone() {
        let (http, base) = (http.clone(), s.base.clone());
        tasks.push(tokio::spawn(async move {
            let changes = patient_changes(d.replica, documents / LOADERS)?;
            push_all(&http, &base, &d, &changes, MAX_BATCH).await
        }));
    }
    for t in tasks {
        t.await.context("a loading task died")??;
    }
    Ok(desks[0].clone())
}

/// Pulls everything the clinic holds, as a new workstation would; returns the count.
async fn pull_all(http: &reqwest::Client, base: &str, desk: &Desk) -> Result<usize> {
    let mut have = VersionVector::default();
    let mut pulled = 0;
    loop {
        let res = http
            .post(format!("{base}/v1/pull"))
            .bearer_auth(&desk.token)
            .json(&PullRequest {
                protocol: PROTOCOL_VERSION,
                have: have.clone(),
                limit: MAX_BATCH as u32,
            })
            .send()
            .await?;
        if !res.status().is_success() {
            bail!("pull refused: {}", res.text().await?);
        }
        let page: PullResponse = res.json().await?;
        pulled += page.changes.len();
        for c in &page.changes {
            have.advance(c.replica_id, c.counter);
        }
        if !page.more {
            return Ok(pulled);
        }
    }
}

pub async fn run(pg: &PgCluster, small: usize, large: usize) -> Result<Memory> {
    let loader = start_server(&pg.url()).await?;
    let http = reqwest::Client::new();
    let small_desk = load(&loader, &http, "Memory Clinic S", small).await?;
    let large_desk = load(&loader, &http, "Memory Clinic L", large).await?;

    let mut child = Server(
        Command::new(std::env::current_exe()?)
            .args([SERVE_ARG, &pg.url()])
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .spawn()
            .context("starting the measured server")?,
    );
    let mut line = String::new();
    BufReader::new(child.0.stdout.take().context("child stdout")?).read_line(&mut line)?;
    let base = line
        .trim()
        .strip_prefix("listening on ")
        .with_context(|| format!("unexpected first line from the server: {line:?}"))?
        .to_owned();
    let pid = child.0.id();
    let idle_kib = rss_kib(pid)?;

    let n = pull_all(&http, &base, &small_desk).await?;
    anyhow::ensure!(n == small, "pulled {n} of {small}");
    let after_small_kib = rss_kib(pid)?;
    let n = pull_all(&http, &base, &large_desk).await?;
    anyhow::ensure!(n == large, "pulled {n} of {large}");
    let after_large_kib = rss_kib(pid)?;
    Ok(Memory {
        idle_kib,
        after_small_kib,
        after_large_kib,
    })
}
