//! One test binary for the `outpost` command's integration tests: every file beside this one is
//! a module of it, so the crate and its dependencies are linked once rather than once
//! per file (each link was hundreds of megabytes of disk and seconds of CI time).
//! nextest still runs every test in its own process.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod common;

mod audit;
mod charting;
mod cli;
mod crash;
mod enroll_sync;
mod glass;
mod login;
mod patients;
mod review;
mod signing;
mod template_files;
