//! Starts a throwaway Postgres cluster for tests: a fresh temp dir under /tmp, a free
//! port on 127.0.0.1, a superuser `outpost` with trust auth and a database `outpost`.
//! The cluster can be stopped and started again on the same port and data (to simulate
//! a Postgres restart); dropping it stops Postgres immediately and removes the dir.
//!
//! ```no_run
//! let pg = outpost_pgtest::PgCluster::start()?;
//! let url = pg.url(); // postgres://outpost@127.0.0.1:PORT/outpost
//! # Ok::<(), outpost_pgtest::PgError>(())
//! ```

mod error;
mod tools;

pub use error::PgError;

use std::net::TcpListener;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use tools::{run, Tools};

/// The role and database every cluster is created with.
pub const USER: &str = "outpost";
/// How long to wait for Postgres to accept connections.
const READY_TIMEOUT: Duration = Duration::from_secs(60);
/// Attempts at finding a port no one else grabbed between our probe and Postgres' bind.
const PORT_ATTEMPTS: usize = 5;

/// A running (or stopped) throwaway Postgres cluster. Safe to use from several tests at
/// once: each cluster has its own directory and port.
#[derive(Debug)]
pub struct PgCluster {
    tools: Tools,
    port: u16,
    running: AtomicBool,
    // Declared last so it is removed after `Drop::drop` has stopped Postgres.
    dir: tempfile::TempDir,
}

impl PgCluster {
    /// initdb into a fresh temp dir, start Postgres on a free port, wait until it accepts
    /// connections, and create the database `outpost`.
    #[tracing::instrument(skip_all)]
    pub fn start() -> Result<PgCluster, PgError> {
        let dir = tempfile::Builder::new()
            .prefix("outpost-pg-")
            .tempdir_in("/tmp")
            .map_err(|e| PgError::io("could not create a temp dir under /tmp", e))?;
        let as_root = std::fs::metadata(dir.path())
            .map_err(|e| PgError::io("could not inspect the temp dir", e))?
            .uid()
            == 0;
        if as_root {
            let mut chown = Command::new("chown");
            chown.arg("postgres:postgres").arg(dir.path());
            run(chown)?;
        }
        let tools = Tools::new(as_root, dir.path())?;

        let mut initdb = tools.server("initdb");
        initdb.arg("-D").arg(data_dir(dir.path())).args([
            "-A",
            "trust",
            "-U",
            USER,
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        ]);
        run(initdb)?;

        let mut cluster = PgCluster {
            tools,
            port: 0,
            running: AtomicBool::new(false),
            dir,
        };
        let mut attempt = 0;
        loop {
            attempt += 1;
            cluster.port = free_port()?;
            match cluster.start_again() {
                Ok(()) => break,
                Err(e) if attempt < PORT_ATTEMPTS && cluster.port_was_taken() => {
                    tracing::debug!(port = cluster.port, error = %e, "port taken, retrying");
                }
                Err(e) => return Err(e),
            }
        }

        let mut createdb = cluster.tools.client("createdb");
        createdb
            .args(["-h", "127.0.0.1", "-U", USER, "-p"])
            .arg(cluster.port.to_string())
            .arg(USER);
        run(createdb)?;
        tracing::info!(port = cluster.port, dir = %cluster.dir.path().display(), "postgres started");
        Ok(cluster)
    }

    /// `postgres://outpost@127.0.0.1:PORT/outpost`.
    pub fn url(&self) -> String {
        format!("postgres://{USER}@127.0.0.1:{}/{USER}", self.port)
    }

    /// The TCP port Postgres listens on (stays the same across restarts).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The cluster's temp dir (data dir, socket and server log live inside it).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The Postgres server log, handy when a test fails.
    pub fn log_path(&self) -> PathBuf {
        self.dir.path().join("postgres.log")
    }

    /// Whether the cluster is believed to be running (started and not stopped since).
    pub fn is_running(&self) -> bool {
        self.running.load(Ordering::SeqCst)
    }

    /// Stops Postgres at once (`pg_ctl -m immediate`), as a crash or power cut would;
    /// the data dir stays for [`PgCluster::start_again`].
    #[tracing::instrument(skip_all)]
    pub fn stop(&self) -> Result<(), PgError> {
        let mut stop = self.tools.server("pg_ctl");
        stop.arg("-D")
            .arg(data_dir(self.dir.path()))
            .args(["-m", "immediate", "-w", "stop"]);
        run(stop)?;
        self.running.store(false, Ordering::SeqCst);
        Ok(())
    }

    /// Starts Postgres again on the same port and data dir and waits until it accepts
    /// connections.
    #[tracing::instrument(skip_all)]
    pub fn start_again(&self) -> Result<(), PgError> {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off",
            self.port,
            self.dir.path().display()
        );
        let mut start = self.tools.server("pg_ctl");
        start
            .arg("-D")
            .arg(data_dir(self.dir.path()))
            .arg("-l")
            .arg(self.log_path())
            .arg("-o")
            .arg(options)
            .args(["-w", "-t"])
            .arg(READY_TIMEOUT.as_secs().to_string())
            .arg("start");
        run(start).map_err(|e| self.not_ready_or(e))?;
        self.wait_ready()?;
        self.running.store(true, Ordering::SeqCst);
        Ok(())
    }

    /// [`PgCluster::stop`] then [`PgCluster::start_again`]: a Postgres restart as clients see it.
    pub fn restart(&self) -> Result<(), PgError> {
        self.stop()?;
        self.start_again()
    }

    /// Polls `pg_isready` until Postgres accepts connections or [`READY_TIMEOUT`] passes.
    fn wait_ready(&self) -> Result<(), PgError> {
        let began = Instant::now();
        loop {
            let mut ready = self.tools.client("pg_isready");
            ready
                .args(["-h", "127.0.0.1", "-t", "2", "-p"])
                .arg(self.port.to_string());
            if run(ready).is_ok() {
                return Ok(());
            }
            if began.elapsed() > READY_TIMEOUT {
                return Err(self.not_ready());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn not_ready(&self) -> PgError {
        PgError::NotReady {
            port: self.port,
            waited_secs: READY_TIMEOUT.as_secs(),
            log: self.log_path(),
            log_tail: self.log_tail(),
        }
    }

    /// A failed `pg_ctl start` is reported with the server log, which says why.
    fn not_ready_or(&self, e: PgError) -> PgError {
        match e {
            PgError::CommandFailed { .. } => self.not_ready(),
            other => other,
        }
    }

    fn port_was_taken(&self) -> bool {
        let log = self.log_tail();
        log.contains("Address already in use") || log.contains("could not create any TCP/IP")
    }

    fn log_tail(&self) -> String {
        let log = std::fs::read_to_string(self.log_path()).unwrap_or_default();
        let lines: Vec<&str> = log.lines().collect();
        lines[lines.len().saturating_sub(20)..].join("\n")
    }
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        // Stop whatever runs on this data dir, even if a restart half-failed.
        if data_dir(self.dir.path()).join("postmaster.pid").exists() {
            if let Err(e) = self.stop() {
                tracing::warn!(error = %e, "could not stop the test Postgres cluster");
            }
        }
    }
}

fn data_dir(dir: &Path) -> PathBuf {
    dir.join("data")
}

/// A port the OS considers free right now (bind to port 0, read it back, release it).
fn free_port() -> Result<u16, PgError> {
    let listener = TcpListener::bind("127.0.0.1:0")
        .map_err(|e| PgError::io("could not bind 127.0.0.1:0 to find a free port", e))?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| PgError::io("could not read the probed port", e))
}
