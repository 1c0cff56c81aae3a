//! Why a throwaway Postgres cluster could not be started, stopped or restarted. Each
//! message names the step that failed and, where it helps, what to check.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum PgError {
    #[error("{what}: {source}")]
    Io {
        what: String,
        #[source]
        source: std::io::Error,
    },

    #[error(
        "could not find the Postgres server binaries ({name}); install Debian's postgresql-15 \
         package or set OUTPOST_PG_BINDIR to the directory holding initdb and pg_ctl"
    )]
    BinariesMissing { name: &'static str },

    #[error("`{command}` failed ({status}): {output}")]
    CommandFailed {
        command: String,
        status: String,
        output: String,
    },

    #[error(
        "Postgres on 127.0.0.1:{port} did not accept connections within {waited_secs} s; \
         server log {log}:\n{log_tail}"
    )]
    NotReady {
        port: u16,
        waited_secs: u64,
        log: PathBuf,
        log_tail: String,
    },
}

impl PgError {
    pub(crate) fn io(what: impl Into<String>, source: std::io::Error) -> Self {
        Self::Io {
            what: what.into(),
            source,
        }
    }
}
