//! Where this workstation's replica lives and who is charting: environment first (so a
//! test or a shared workstation can point the app elsewhere), then the OS defaults.

use anyhow::Context;
use std::path::PathBuf;
use tauri::{AppHandle, Manager};

/// `OUTPOST_DATA_DIR`, else `outpost` in the platform data directory (e.g.
/// ~/.local/share/outpost): the same default as the `outpost` CLI, so a workstation
/// enrolled with `outpost enroll` opens in the app without further setup.
pub fn data_dir(app: &AppHandle) -> anyhow::Result<PathBuf> {
    if let Some(dir) = std::env::var_os("OUTPOST_DATA_DIR").filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    app.path()
        .data_dir()
        .map(|d| d.join("outpost"))
        .context("this system has no standard data directory; set OUTPOST_DATA_DIR to the replica's directory")
}

/// The name written as the author of every record: `OUTPOST_USER`, else the OS login name.
pub fn author() -> Option<String> {
    ["OUTPOST_USER", "USER", "LOGNAME", "USERNAME"]
        .iter()
        .filter_map(|k| std::env::var(k).ok())
        .map(|v| v.trim().to_owned())
        .find(|v| !v.is_empty())
}
