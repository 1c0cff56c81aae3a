//! Where this workstation's replica lives and how long the window may sit idle before it
//! signs its user out. Command-line flags first (so a test can start two instances with
//! different settings under one driver), then the environment, then the OS defaults.
//! Who is charting is never a setting: it is whoever signed in through the window.

use anyhow::{bail, Context};
use std::path::PathBuf;
use std::time::Duration;
use tauri::{AppHandle, Manager};

/// The automatic logoff limit when nothing else is configured (HIPAA automatic logoff).
pub const DEFAULT_IDLE_MINUTES: u64 = 10;

/// The value following `--name` (or given as `--name=value`) among the process arguments.
fn flag(name: &str) -> Option<String> {
    let mut args = std::env::args().skip(1);
    let long = format!("--{name}");
    let eq = format!("--{name}=");
    while let Some(a) = args.next() {
        if a == long {
            return args.next();
        }
        if let Some(v) = a.strip_prefix(&eq) {
            return Some(v.to_owned());
        }
    }
    None
}

fn env(name: &str) -> Option<String> {
    std::env::var(name)
        .ok()
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

/// `--data-dir`, else `OUTPOST_DATA_DIR`, else `outpost` in the platform data directory
/// (e.g. ~/.local/share/outpost): the same default as the `outpost` CLI, so a workstation
/// enrolled with `outpost enroll` opens in the app without further setup.
pub fn data_dir(app: &AppHandle) -> anyhow::Result<PathBuf> {
    if let Some(dir) = flag("data-dir").or_else(|| env("OUTPOST_DATA_DIR")) {
        return Ok(PathBuf::from(dir));
    }
    app.path()
        .data_dir()
        .map(|d| d.join("outpost"))
        .context("this system has no standard data directory; set OUTPOST_DATA_DIR to the replica's directory")
}

/// How long without keyboard or mouse input before the window signs its user out:
/// `--idle-seconds N` or `OUTPOST_IDLE_SECONDS` (seconds, for tests and demonstrations),
/// else `OUTPOST_IDLE_MINUTES`, else [`DEFAULT_IDLE_MINUTES`].
pub fn idle_limit() -> anyhow::Result<Duration> {
    idle_limit_from(
        flag("idle-seconds").or_else(|| env("OUTPOST_IDLE_SECONDS")),
        env("OUTPOST_IDLE_MINUTES"),
    )
}

fn idle_limit_from(seconds: Option<String>, minutes: Option<String>) -> anyhow::Result<Duration> {
    let parse = |v: &str, what: &str| -> anyhow::Result<u64> {
        match v.trim().parse::<u64>() {
            Ok(n) if n > 0 => Ok(n),
            _ => bail!("{what} must be a whole number above 0 (got \"{v}\"); fix it or unset it for the default of {DEFAULT_IDLE_MINUTES} minutes"),
        }
    };
    if let Some(s) = seconds {
        return Ok(Duration::from_secs(parse(
            &s,
            "--idle-seconds / OUTPOST_IDLE_SECONDS",
        )?));
    }
    let minutes = match minutes {
        Some(m) => parse(&m, "OUTPOST_IDLE_MINUTES")?,
        None => DEFAULT_IDLE_MINUTES,
    };
    if minutes > 24 * 60 {
        bail!("OUTPOST_IDLE_MINUTES is {minutes}; a workstation must sign its user out within a day (at most 1440)");
    }
    Ok(Duration::from_secs(minutes * 60))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idle_limit_defaults_to_ten_minutes_and_seconds_win() {
        assert_eq!(
            idle_limit_from(None, None).unwrap(),
            Duration::from_secs(600)
        );
        assert_eq!(
            idle_limit_from(None, Some("3".into())).unwrap(),
            Duration::from_secs(180)
        );
        assert_eq!(
            idle_limit_from(Some("7".into()), Some("3".into())).unwrap(),
            Duration::from_secs(7)
        );
    }

    #[test]
    fn a_bad_idle_limit_is_refused_naming_the_setting() {
        let e = idle_limit_from(None, Some("ten".into())).unwrap_err();
        assert!(e.to_string().contains("OUTPOST_IDLE_MINUTES"), "{e}");
        let e = idle_limit_from(Some("0".into()), None).unwrap_err();
        assert!(e.to_string().contains("OUTPOST_IDLE_SECONDS"), "{e}");
        let e = idle_limit_from(None, Some("100000".into())).unwrap_err();
        assert!(e.to_string().contains("within a day"), "{e}");
    }
}
