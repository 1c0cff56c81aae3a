//! Child processes of the run: the PouchDB contenders (`node bench/*.mjs`, each printing
//! one JSON line), the two servers (express-pouchdb and the real `outpost-server`), and
//! a process's resident memory read from /proc.

use anyhow::{bail, Context, Result};
use serde::de::DeserializeOwned;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// Runs `node bench/<script> args…` and parses the JSON line it prints.
pub fn node<T: DeserializeOwned>(bench_dir: &Path, script: &str, args: &[&str]) -> Result<T> {
    let out = Command::new("node")
        .arg(bench_dir.join(script))
        .args(args)
        .stderr(Stdio::inherit())
        .output()
        .with_context(|| format!("running node {script} (is node on PATH?)"))?;
    if !out.status.success() {
        bail!("node {script} failed ({})", out.status);
    }
    parse_last_line(&out.stdout).with_context(|| format!("reading what node {script} printed"))
}

/// Runs this binary again with `args` (a contender that must be measured in a process of
/// its own) and parses the JSON line it prints.
pub fn this_binary<T: DeserializeOwned>(args: &[&str]) -> Result<T> {
    let out = Command::new(std::env::current_exe()?)
        .args(args)
        .stderr(Stdio::inherit())
        .output()
        .context("running a contender process")?;
    if !out.status.success() {
        bail!("contender {:?} failed ({})", args.first(), out.status);
    }
    parse_last_line(&out.stdout)
}

fn parse_last_line<T: DeserializeOwned>(stdout: &[u8]) -> Result<T> {
    let text = String::from_utf8_lossy(stdout);
    let line = text
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .context("no output")?;
    serde_json::from_str(line).with_context(|| format!("not a result line: {line}"))
}

/// A server child process; killed when dropped.
#[derive(Debug)]
pub struct ServerProcess {
    child: Child,
    pub url: String,
    _dir: Option<tempfile::TempDir>,
}

impl ServerProcess {
    /// express 4 + express-pouchdb 4 with its databases in a fresh temp dir.
    pub fn pouchdb(bench_dir: &Path) -> Result<ServerProcess> {
        let dir = tempfile::tempdir_in(scratch())?;
        let cmd = {
            let mut c = Command::new("node");
            c.arg(bench_dir.join("server.mjs")).arg(dir.path());
            c
        };
        Self::start(cmd, Some(dir), "express-pouchdb")
    }

    /// The real `outpost-server` binary (built next to this one) serving `database_url`.
    pub fn outpost(database_url: &str) -> Result<ServerProcess> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let mut cmd = Command::new(sibling("outpost-server")?);
        cmd.args(["serve", "--listen", &format!("127.0.0.1:{port}")])
            .env("OUTPOST_DATABASE_URL", database_url)
            .env("RUST_LOG", "warn");
        let mut s = Self::start(cmd, None, "outpost-server")?;
        s.url = format!("http://127.0.0.1:{port}");
        Ok(s)
    }

    fn start(mut cmd: Command, dir: Option<tempfile::TempDir>, what: &str) -> Result<Self> {
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .with_context(|| format!("starting {what}"))?;
        let stdout = child.stdout.take().context("server stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let mut url = None;
        for line in lines.by_ref() {
            let line = line?;
            if let Some(u) = line.strip_prefix("listening on ") {
                url = Some(u.trim().to_owned());
                break;
            }
        }
        // Keep draining its output so it never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        let Some(url) = url else {
            let _ = child.kill();
            bail!("{what} exited before listening");
        };
        Ok(ServerProcess {
            child,
            url,
            _dir: dir,
        })
    }

    /// Peak and current resident memory of the server process.
    pub fn memory(&self) -> Result<Memory> {
        Memory::of(self.child.id())
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Resident memory in KiB: the peak (VmHWM) and now (VmRSS).
#[derive(Debug, Clone, Copy, serde::Serialize, serde::Deserialize)]
pub struct Memory {
    pub peak_kib: u64,
    pub steady_kib: u64,
}

impl Memory {
    pub fn of(pid: u32) -> Result<Memory> {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
        let field = |name: &str| -> Result<u64> {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|v| v.split_whitespace().next())
                .and_then(|v| v.parse().ok())
                .with_context(|| format!("no {name} in /proc/{pid}/status"))
        };
        Ok(Memory {
            peak_kib: field("VmHWM:")?,
            steady_kib: field("VmRSS:")?,
        })
    }

    pub fn this_process() -> Result<Memory> {
        Memory::of(std::process::id())
    }
}

/// A binary built next to this one (`target/release/…`).
pub fn sibling(name: &str) -> Result<PathBuf> {
    let exe = std::env::current_exe()?;
    let bin = exe
        .parent()
        .context("locating the target directory")?
        .join(name);
    anyhow::ensure!(
        bin.exists(),
        "{} is missing: scripts/bench.sh builds it (cargo build --release -p outpost-sync-server)",
        bin.display()
    );
    Ok(bin)
}

/// Where contenders keep their files: a directory on the disk under test (not tmpfs),
/// the same for every contender.
pub fn scratch() -> PathBuf {
    std::env::var_os("OUTPOST_BENCH_DIR").map_or_else(std::env::temp_dir, PathBuf::from)
}

/// Bytes of the files under `dir`.
pub fn dir_bytes(dir: &Path) -> Result<u64> {
    let mut total = 0;
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let meta = entry.metadata()?;
        total += if meta.is_dir() {
            dir_bytes(&entry.path())?
        } else {
            meta.len()
        };
    }
    Ok(total)
}
