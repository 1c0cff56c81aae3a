//! How `outpost-server` is configured: one [`ServerConfig`], read from a TOML file
//! (`--config FILE`), then `OUTPOST_*` environment variables, then command-line flags, each
//! overriding the one before. Nested keys use a double underscore in the environment
//! (`OUTPOST_POOL__MAX_CONNECTIONS`, `OUTPOST_TLS__CERT`). A bad file or value fails with
//! an error naming the key and where it came from.

use crate::settings::{DatabaseUrl, Settings, DEFAULT_BODY_LIMIT_BYTES, DEFAULT_LISTEN};
use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use serde::{Deserialize, Deserializer, Serialize};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The environment variable prefix.
pub const ENV_PREFIX: &str = "OUTPOST_";

/// Top-level keys read from the environment; other `OUTPOST_*` variables (the desktop
/// app's, the CLI's) are not the server's and are left alone.
const ENV_KEYS: &[&str] = &[
    "listen",
    "database_url",
    "pool",
    "body_limit_bytes",
    "tls",
    "shutdown_grace_secs",
    "log_format",
    "migrate_on_start",
];

/// Everything the server process is configured with.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerConfig {
    /// Address to listen on; port 0 picks a free port.
    pub listen: SocketAddr,
    /// Postgres URL; `Debug` and `Display` hide its password.
    #[serde(default, deserialize_with = "database_url")]
    pub database_url: Option<DatabaseUrl>,
    pub pool: PoolSettings,
    /// Largest request body accepted, in bytes.
    pub body_limit_bytes: usize,
    /// Serve HTTPS with this certificate chain and key (PEM); plain HTTP when absent.
    #[serde(default)]
    pub tls: Option<TlsFiles>,
    /// After SIGTERM/SIGINT, how long requests in flight may take to finish.
    pub shutdown_grace_secs: u64,
    pub log_format: LogFormat,
    /// Apply pending migrations when `serve` starts (otherwise run `outpost-server migrate`
    /// first; `/ready` stays 503 while migrations are pending).
    pub migrate_on_start: bool,
}

/// The Postgres connection pool: bounded, so a burst of clients queues instead of
/// exhausting Postgres' connection slots.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PoolSettings {
    pub max_connections: u32,
    pub min_connections: u32,
    /// How long a request waits for a connection (e.g. while Postgres restarts) before
    /// failing with a 503 the client retries.
    pub acquire_timeout_secs: u64,
}

impl PoolSettings {
    pub fn acquire_timeout(&self) -> Duration {
        Duration::from_secs(self.acquire_timeout_secs)
    }
}

impl Default for PoolSettings {
    fn default() -> Self {
        Self {
            max_connections: 16,
            min_connections: 0,
            acquire_timeout_secs: 5,
        }
    }
}

/// Certificate chain and private key, PEM files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TlsFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
}

/// How log lines are written to stderr.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// One JSON object per line, for log collectors.
    Json,
    /// Human-readable lines.
    Pretty,
}

/// Values given on the command line; `None` leaves the file/environment value.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Overrides {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listen: Option<SocketAddr>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tls: Option<TlsFiles>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_format: Option<LogFormat>,
}

/// The defaults every source starts from (`Serialize` view of [`ServerConfig`]).
#[derive(Serialize)]
struct Defaults {
    listen: &'static str,
    pool: PoolSettings,
    body_limit_bytes: usize,
    shutdown_grace_secs: u64,
    log_format: LogFormat,
    migrate_on_start: bool,
}

const DEFAULTS: Defaults = Defaults {
    listen: DEFAULT_LISTEN,
    pool: PoolSettings {
        max_connections: 16,
        min_connections: 0,
        acquire_timeout_secs: 5,
    },
    body_limit_bytes: DEFAULT_BODY_LIMIT_BYTES,
    shutdown_grace_secs: 30,
    log_format: LogFormat::Pretty,
    migrate_on_start: true,
};

/// A configuration that could not be read; the message names the key and its source.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("the config file {0} does not exist; pass an existing file to --config")]
    MissingFile(PathBuf),
    #[error("invalid configuration: {0}")]
    Invalid(String),
}

impl ServerConfig {
    /// Defaults, then `file` (if any), then `OUTPOST_*` variables of `env`, then
    /// `overrides`.
    pub fn load(file: Option<&Path>, overrides: &Overrides) -> Result<Self, ConfigError> {
        let mut figment = Figment::from(Serialized::defaults(DEFAULTS));
        if let Some(path) = file {
            if !path.is_file() {
                return Err(ConfigError::MissingFile(path.to_owned()));
            }
            figment = figment.merge(Toml::file_exact(path));
        }
        let env = Env::prefixed(ENV_PREFIX).split("__").filter(|key| {
            // Keys arrive as written in the environment (upper case), split on `__`.
            let top = key.as_str().split('.').next().unwrap_or_default();
            ENV_KEYS.iter().any(|k| k.eq_ignore_ascii_case(top))
        });
        let config: ServerConfig = figment
            .merge(env)
            .merge(Serialized::globals(overrides))
            .extract()
            .map_err(|e| ConfigError::Invalid(describe(e)))?;
        config.check()?;
        Ok(config)
    }

    fn check(&self) -> Result<(), ConfigError> {
        let bad = |key: &str, why: &str| Err(ConfigError::Invalid(format!("`{key}` {why}")));
        if self.pool.max_connections == 0 {
            return bad("pool.max_connections", "must be at least 1");
        }
        if self.pool.min_connections > self.pool.max_connections {
            return bad(
                "pool.min_connections",
                "must not exceed pool.max_connections",
            );
        }
        if self.pool.acquire_timeout_secs == 0 {
            return bad("pool.acquire_timeout_secs", "must be at least 1");
        }
        if self.body_limit_bytes < 1024 {
            return bad("body_limit_bytes", "must be at least 1024");
        }
        Ok(())
    }

    /// The database URL, or what to do when there is none.
    pub fn require_database_url(&self) -> Result<&DatabaseUrl, ConfigError> {
        self.database_url.as_ref().ok_or_else(|| {
            ConfigError::Invalid(
                "no database given: set `database_url` in the config file, OUTPOST_DATABASE_URL, \
                 or pass --database-url postgres://USER@HOST:PORT/DB"
                    .into(),
            )
        })
    }

    pub fn shutdown_grace(&self) -> Duration {
        Duration::from_secs(self.shutdown_grace_secs)
    }

    /// What the router is built with.
    pub fn settings(&self) -> Settings {
        Settings {
            body_limit_bytes: self.body_limit_bytes,
        }
    }
}

/// One line per problem: the key, what is wrong, and where the value came from (the file
/// or the environment variable to fix).
fn describe(e: figment::Error) -> String {
    e.into_iter()
        .map(|e| {
            let key = e.path.join(".").to_lowercase();
            let from = match &e.metadata {
                Some(m) => match &m.source {
                    Some(figment::Source::File(p)) => format!(" (in {})", p.display()),
                    _ if m.name.contains("environment") => format!(
                        " (in environment variable {ENV_PREFIX}{})",
                        e.path.join("__").to_uppercase()
                    ),
                    _ => format!(" ({})", m.name),
                },
                None => String::new(),
            };
            if key.is_empty() {
                format!("{}{from}", e.kind)
            } else {
                format!("`{key}`: {}{from}", e.kind)
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn database_url<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DatabaseUrl>, D::Error> {
    Ok(Option::<String>::deserialize(d)?
        .filter(|s| !s.trim().is_empty())
        .map(DatabaseUrl::new))
}

#[cfg(test)]
mod tests;
