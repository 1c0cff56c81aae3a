//! The sync server's benchmark workloads as a library: the `outpost-server-bench` binary
//! runs them on their own, and `outpost-compare` (the side-by-side benchmark command)
//! runs the same workloads next to PouchDB and pgbench.

pub mod fixtures;
pub mod ingest;
pub mod memory;
pub mod pgbench;

/// Workstations pushing at once, and changes per push.
pub const CLIENTS: usize = 8;
pub const BATCH: usize = 100;
/// Rounds of the ingest comparison.
pub const ROUNDS: usize = 3;
