//! One test binary for the domain's integration tests: every file beside this one is
//! a module of it, so the crate and its dependencies are linked once rather than once
//! per file (each link was hundreds of megabytes of disk and seconds of CI time).
//! nextest still runs every test in its own process.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod replicas;

mod conflicts;
mod convergence;
mod links;
mod patient_record;
mod schema_v1;
mod vitals_record;
