//! A clinic of clinicians and an admin on the real test server, for the HTTP tests of
//! signatures and break-the-glass: its users with real passwords (so they have signing
//! keys), and workstations on which every one of them signed in.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use crate::server::{TestServer, PASSWORD};
use chrono::Utc;
use outpost_replica::outpost_domain::credentials::Password;
use outpost_replica::outpost_domain::ids::ClinicId;
use outpost_replica::outpost_domain::roles::Role;
use outpost_replica::{sync, Replica};
use std::sync::Mutex;

pub const USERS: [(&str, &str, Role); 3] = [
    ("admin.ada", "Ada Admin", Role::Admin),
    ("dr.osei", "Dr. Ama Osei", Role::Surgeon),
    ("dr.mensah", "Dr. Kofi Mensah", Role::Doctor),
];

pub async fn clinic(s: &TestServer) -> ClinicId {
    let clinic = outpost_sync_server::admin::create_clinic(&s.db, "Hill Clinic")
        .await
        .unwrap();
    for (username, name, role) in USERS {
        outpost_sync_server::users::add_user(
            &s.db,
            clinic,
            username,
            name,
            role,
            &Password::new(PASSWORD),
        )
        .await
        .unwrap();
    }
    clinic
}

/// A workstation where every user signed in once (reported to the server), `user` last.
pub async fn workstation(
    s: &TestServer,
    clinic: ClinicId,
    user: &str,
) -> (tempfile::TempDir, Mutex<Replica>) {
    let dir = tempfile::tempdir().unwrap();
    let code = s.code(clinic, user).await;
    let replica = outpost_replica::enroll(dir.path(), &s.url, &code)
        .await
        .unwrap();
    let transport = sync::transport_for(&replica).unwrap();
    let replica = Mutex::new(replica);
    outpost_replica::sync_users(&replica, &transport, Utc::now())
        .await
        .unwrap();
    for (username, _, _) in USERS
        .iter()
        .filter(|u| u.0 != user)
        .chain(USERS.iter().filter(|u| u.0 == user))
    {
        replica
            .lock()
            .unwrap()
            .login(username, &Password::new(PASSWORD), Utc::now())
            .unwrap();
    }
    outpost_replica::sync_users(&replica, &transport, Utc::now())
        .await
        .unwrap();
    (dir, replica)
}

pub async fn sync_round(r: &Mutex<Replica>) {
    let transport = sync::transport_for(&r.lock().unwrap()).unwrap();
    sync::sync_once(r, &transport).await.unwrap();
}
