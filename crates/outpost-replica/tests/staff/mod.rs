//! A clinic of clinicians and an admin on the real test server, for the HTTP tests of
//! signatures and break-the-glass: its users with real passwords (so they have signing
//! keys), and workstations on which every one of them signed in.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

pub use crate::server::sync_round;
use crate::server::TestServer;
use outpost_replica::outpost_domain::ids::ClinicId;
use outpost_replica::outpost_domain::roles::Role;
use outpost_replica::Replica;
use std::sync::Mutex;

pub const USERS: [(&str, &str, Role); 3] = [
    ("admin.ada", "Ada Admin", Role::Admin),
    ("dr.osei", "Dr. Ama Osei", Role::Surgeon),
    ("dr.mensah", "Dr. Kofi Mensah", Role::Doctor),
];

pub async fn clinic(s: &TestServer) -> ClinicId {
    s.clinic_with("Hill Clinic", &USERS).await
}

/// A workstation where every user signed in once (reported to the server), `user` last.
pub async fn workstation(
    s: &TestServer,
    clinic: ClinicId,
    user: &str,
) -> (tempfile::TempDir, Mutex<Replica>) {
    let others = USERS.iter().map(|u| u.0).filter(|u| *u != user);
    let sign_ins: Vec<&str> = others.chain([user]).collect();
    s.workstation(clinic, user, &sign_ins).await
}
