//! A real sync server for the replica's HTTP tests: a throwaway Postgres cluster, the
//! migrated Outpost schema and `outpost_sync_server::serve` on a free local port; clinics
//! with the users the tests write as, and workstations that sign them in (the server
//! accepts a change only from a user who signed in on that workstation).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use outpost_pgtest::PgCluster;
use outpost_replica::outpost_domain::credentials::{Password, PasswordVerifier};
use outpost_replica::outpost_domain::ids::{ClinicId, UserId};
use outpost_replica::outpost_domain::roles::Role;
use outpost_replica::{sync, Replica, ReplicaError};
use outpost_sync_server::Database;
use outpost_sync_server::{admin, AppState, PgDatabase};
use std::path::Path;
use std::sync::{Mutex, OnceLock};
use tokio::sync::oneshot;

/// The users the tests write as, and their password.
pub const AUTHORS: [(&str, Role); 4] = [
    ("desk.ana", Role::FrontDesk),
    ("desk.bo", Role::FrontDesk),
    ("nurse.kim", Role::Nurse),
    ("nurse.lee", Role::Nurse),
];
pub const PASSWORD: &str = "correct horse battery";

/// One real argon2id verifier of [`PASSWORD`], made once per test binary.
fn verifier() -> &'static PasswordVerifier {
    static V: OnceLock<PasswordVerifier> = OnceLock::new();
    V.get_or_init(|| PasswordVerifier::create(&Password::new(PASSWORD)).unwrap())
}

/// Enrolls a workstation, then signs every one of [`AUTHORS`] in on it as people do: the
/// users come from the server, each signs in against them, and the sign-ins are reported
/// (what every sync does before it pushes).
pub async fn enroll_signed_in(dir: &Path, url: &str, code: &str) -> Result<Replica, ReplicaError> {
    let replica = outpost_replica::enroll(dir, url, code).await?;
    let transport = sync::transport_for(&replica).unwrap();
    let replica = Mutex::new(replica);
    outpost_replica::sync_users(&replica, &transport, chrono::Utc::now())
        .await
        .unwrap();
    for (username, _) in AUTHORS {
        replica
            .lock()
            .unwrap()
            .login(username, &Password::new(PASSWORD), chrono::Utc::now())
            .unwrap();
    }
    outpost_replica::sync_users(&replica, &transport, chrono::Utc::now())
        .await
        .unwrap();
    Ok(replica.into_inner().unwrap())
}

pub struct TestServer {
    pub url: String,
    pub db: PgDatabase,
    stop: Option<oneshot::Sender<()>>,
    _pg: PgCluster,
}

impl TestServer {
    pub async fn start() -> TestServer {
        let pg = PgCluster::start().unwrap();
        let db = outpost_sync_server::connect(&pg.url()).await.unwrap();
        outpost_sync_server::migrate(&db).await.unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let (tx, rx) = oneshot::channel::<()>();
        let state = AppState::new(db.clone());
        tokio::spawn(async move {
            let shutdown = async move {
                let _ = rx.await;
            };
            outpost_sync_server::serve(listener, state, shutdown)
                .await
                .unwrap();
        });
        TestServer {
            url,
            db,
            stop: Some(tx),
            _pg: pg,
        }
    }

    /// A clinic with [`AUTHORS`] as its users.
    pub async fn clinic(&self, name: &str) -> ClinicId {
        let clinic = admin::create_clinic(&self.db, name).await.unwrap();
        for (username, role) in AUTHORS {
            self.db
                .add_user(clinic, UserId::new(), username, username, role, verifier())
                .await
                .unwrap();
        }
        clinic
    }

    /// A clinic named `name` whose users are `users` (username, full name, role), added as
    /// an admin adds them (each with a signing key).
    pub async fn clinic_with(&self, name: &str, users: &[(&str, &str, Role)]) -> ClinicId {
        let clinic = admin::create_clinic(&self.db, name).await.unwrap();
        for (username, full_name, role) in users {
            outpost_sync_server::users::add_user(
                &self.db,
                clinic,
                username,
                full_name,
                *role,
                &Password::new(PASSWORD),
            )
            .await
            .unwrap();
        }
        clinic
    }

    /// A workstation of `clinic` (enrolled as `device`) on which each of `sign_ins` signed
    /// in, in order, the last one staying signed in; the sign-ins are reported to the
    /// server, which accepts a change only from a user who signed in on that workstation.
    pub async fn workstation(
        &self,
        clinic: ClinicId,
        device: &str,
        sign_ins: &[&str],
    ) -> (tempfile::TempDir, Mutex<Replica>) {
        let dir = tempfile::tempdir().unwrap();
        let code = self.code(clinic, device).await;
        let replica = outpost_replica::enroll(dir.path(), &self.url, &code)
            .await
            .unwrap();
        let transport = sync::transport_for(&replica).unwrap();
        let replica = Mutex::new(replica);
        outpost_replica::sync_users(&replica, &transport, chrono::Utc::now())
            .await
            .unwrap();
        for username in sign_ins {
            replica
                .lock()
                .unwrap()
                .login(username, &Password::new(PASSWORD), chrono::Utc::now())
                .unwrap();
        }
        outpost_replica::sync_users(&replica, &transport, chrono::Utc::now())
            .await
            .unwrap();
        (dir, replica)
    }

    pub async fn code(&self, clinic: ClinicId, device: &str) -> String {
        admin::create_enrollment_code(&self.db, clinic, device, chrono::Duration::hours(1))
            .await
            .unwrap()
    }
}

/// One sync round of `r` with its server (push, then pull); insists on success.
pub async fn sync_round(r: &Mutex<Replica>) {
    let transport = sync::transport_for(&r.lock().unwrap()).unwrap();
    sync::sync_once(r, &transport).await.unwrap();
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
    }
}
