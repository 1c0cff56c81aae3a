//! One test binary for the replica's integration tests: every file beside this one is
//! a module of it, so the crate and its dependencies are linked once rather than once
//! per file (each link was hundreds of megabytes of disk and seconds of CI time).
//! nextest still runs every test in its own process.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;
mod server;
mod staff;

mod charting;
mod encryption;
mod exchange;
mod http_glass;
mod http_library;
mod http_mrn;
mod http_signing;
mod http_sync;
mod newer_server;
mod offline_login;
mod patients;
mod remote;
mod signing;
mod writes;
