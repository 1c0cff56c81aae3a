//! The machine the figures were measured on, for the report: CPU, cores, memory, the
//! disk under the contenders' files, the OS, and every contender's version.

use crate::procs::scratch;
use std::path::Path;
use std::process::Command;

/// First line of a command's output, or what went wrong.
fn first_line(cmd: &str, args: &[&str]) -> String {
    match Command::new(cmd).args(args).output() {
        Ok(out) if out.status.success() => {
            let text = String::from_utf8_lossy(&out.stdout);
            let text = if text.trim().is_empty() {
                String::from_utf8_lossy(&out.stderr).into_owned()
            } else {
                text.into_owned()
            };
            text.lines().next().unwrap_or("").trim().to_owned()
        }
        _ => format!("({cmd} not available)"),
    }
}

fn file_field(path: &str, key: &str) -> Option<String> {
    std::fs::read_to_string(path).ok()?.lines().find_map(|l| {
        let (k, v) = l.split_once([':', '='])?;
        (k.trim() == key).then(|| v.trim().trim_matches('"').to_owned())
    })
}

fn npm_version(bench_dir: &Path, package: &str) -> String {
    let file = bench_dir
        .join("node_modules")
        .join(package)
        .join("package.json");
    std::fs::read_to_string(file)
        .ok()
        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
        .and_then(|v| v["version"].as_str().map(str::to_owned))
        .unwrap_or_else(|| "(not installed)".into())
}

pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

/// Markdown bullet lines describing this machine.
pub fn describe(bench_dir: &Path, sqlite: &str) -> Vec<String> {
    let cpu = file_field("/proc/cpuinfo", "model name").unwrap_or_else(|| "unknown".into());
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    let ram_gib = file_field("/proc/meminfo", "MemTotal")
        .and_then(|v| v.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(0.0, |kib| kib / 1024.0 / 1024.0);
    let dir = scratch();
    let fs = first_line(
        "findmnt",
        &["-no", "SOURCE,FSTYPE", "-T", &dir.to_string_lossy()],
    );
    let device = fs
        .split_whitespace()
        .next()
        .and_then(|s| s.rsplit('/').next())
        .unwrap_or("");
    let rotational = std::fs::read_to_string(format!("/sys/block/{device}/queue/rotational"))
        .map(|r| {
            if r.trim() == "1" {
                "rotational"
            } else {
                "non-rotational (SSD or virtual)"
            }
        })
        .unwrap_or("kind unknown");
    let os = file_field("/etc/os-release", "PRETTY_NAME").unwrap_or_else(|| "unknown".into());
    vec![
        format!("CPU: {cpu}, {cores} cores available to the run (shared with other work on this machine)"),
        format!("RAM: {ram_gib:.1} GiB"),
        format!(
            "Disk under the contenders' files ({}): {fs}, {rotational}",
            dir.display()
        ),
        format!("OS: {os}, kernel {}", first_line("uname", &["-r"])),
        format!(
            "Outpost: {}; SQLite/SQLCipher {sqlite}",
            first_line("rustc", &["--version"])
        ),
        format!(
            "PouchDB {} (leveldb adapter), express-pouchdb {}, express {}, on Node {}",
            npm_version(bench_dir, "pouchdb"),
            npm_version(bench_dir, "express-pouchdb"),
            npm_version(bench_dir, "express"),
            first_line("node", &["--version"])
        ),
        format!(
            "{}; {}",
            first_line("postgres", &["--version"]),
            first_line("pgbench", &["--version"])
        ),
    ]
}

/// SQLite and SQLCipher versions as linked into this binary.
pub fn sqlite_versions() -> String {
    let conn = match rusqlite::Connection::open_in_memory() {
        Ok(c) => c,
        Err(_) => return "unknown".into(),
    };
    let sqlite: String = conn
        .query_row("SELECT sqlite_version()", [], |r| r.get(0))
        .unwrap_or_default();
    let cipher: String = conn
        .query_row("PRAGMA cipher_version", [], |r| r.get(0))
        .unwrap_or_default();
    format!("{sqlite} / {cipher}")
}
