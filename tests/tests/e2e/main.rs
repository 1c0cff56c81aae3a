//! End-to-end scenarios, one module each: real Postgres, the real sync server over HTTP,
//! real replicas. Run under `scripts/with-keyring.sh` (the replicas' keys live in the OS
//! keyring).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod bootstrap;
mod charting_allergies;
mod charting_conflicts;
mod charting_duplicates;
mod charting_notes;
mod charting_templates;
mod charting_vitals_error;
mod clinic_ca;
mod common;
mod offline_login;
mod offline_merge;
mod postgres_restart;
mod pull_cut;
mod reconnect;
mod server_restart;
mod tenant_isolation;
