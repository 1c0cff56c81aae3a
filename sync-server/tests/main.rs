//! One test binary for the sync server's integration tests: every file beside this one is
//! a module of it, so the crate and its dependencies are linked once rather than once
//! per file (each link was hundreds of megabytes of disk and seconds of CI time).
//! nextest still runs every test in its own process.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;
mod ops;

mod api;
mod binary;
mod bootstrap;
mod compat;
mod integrity;
mod kinds;
mod mrn_blocks;
mod openapi;
mod oversight;
mod pull;
mod push;
mod quarantine;
mod quarantine_cli;
mod ready;
mod receipt;
mod reporting;
mod role_matrix;
mod schema_tenancy;
mod shutdown;
mod tls;
mod users;
mod users_cli;
