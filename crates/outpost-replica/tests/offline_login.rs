//! Offline login against the real sync server (real Postgres) and a real encrypted
//! replica: after a sync, with the server DOWN, the right password signs in and a wrong
//! one is refused with a growing delay; when the server is back, the next sync reports
//! the offline sign-in first, so the server accepts that user as the author of what this
//! workstation pushes; a revoked workstation's next sync is refused.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use crate::common;

use chrono::{Duration, Utc};
use common::new_patient;
use outpost_domain::credentials::{Password, SignInRefused};
use outpost_domain::document::DocKind;
use outpost_domain::roles::{Action, Role};
use outpost_pgtest::PgCluster;
use outpost_replica::outpost_domain;
use outpost_replica::sync::{self, sync_once};
use outpost_replica::{enroll, login_online_or_offline, ReplicaError, SignedInVia};
use outpost_sync_server::{admin, users, AppState, Database, PgDatabase};
use std::net::SocketAddr;
use std::sync::Mutex;
use tokio::sync::oneshot;

const PASSWORD: &str = "correct horse battery";

/// The server on a fixed local port that can be stopped and started again at the same
/// address, with its Postgres kept.
struct Server {
    addr: SocketAddr,
    db: PgDatabase,
    stop: Option<(oneshot::Sender<()>, tokio::task::JoinHandle<()>)>,
    _pg: PgCluster,
}

impl Server {
    async fn start() -> Server {
        let pg = PgCluster::start().unwrap();
        let db = outpost_sync_server::connect(&pg.url()).await.unwrap();
        outpost_sync_server::migrate(&db).await.unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let mut s = Server {
            addr,
            db,
            stop: None,
            _pg: pg,
        };
        s.serve(listener);
        s
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn serve(&mut self, listener: tokio::net::TcpListener) {
        let (tx, rx) = oneshot::channel::<()>();
        let state = AppState::new(self.db.clone());
        let task = tokio::spawn(async move {
            let shutdown = async move {
                let _ = rx.await;
            };
            outpost_sync_server::serve(listener, state, shutdown)
                .await
                .unwrap();
        });
        self.stop = Some((tx, task));
    }

    async fn down(&mut self) {
        if let Some((tx, task)) = self.stop.take() {
            let _ = tx.send(());
            task.await.unwrap();
        }
    }

    async fn up(&mut self) {
        let listener = tokio::net::TcpListener::bind(self.addr).await.unwrap();
        self.serve(listener);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_login_works_with_the_server_down_and_reaches_it_on_the_next_sync() {
    let mut server = Server::start().await;
    let clinic = admin::create_clinic(&server.db, "Riverside Clinic")
        .await
        .unwrap();
    let code = admin::create_enrollment_code(&server.db, clinic, "Ward desk", Duration::hours(1))
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let replica = enroll(dir.path(), &server.url(), &code).await.unwrap();
    let device = replica.enrollment().unwrap().unwrap().device_id;
    let transport = sync::transport_for(&replica).unwrap();
    let replica = Mutex::new(replica);
    let nurse = users::add_user(
        &server.db,
        clinic,
        "nurse.joy",
        "Joy Mensah",
        Role::Nurse,
        &Password::new(PASSWORD),
    )
    .await
    .unwrap();

    sync_once(&replica, &transport).await.unwrap();
    let cached = replica.lock().unwrap().cached_users().unwrap();
    assert_eq!(cached.len(), 1);
    assert_eq!((cached[0].id, cached[0].role), (nurse.id, Role::Nurse));

    server.down().await;
    let offline = sync_once(&replica, &transport).await.unwrap_err();
    assert!(offline.is_offline(), "{offline}");

    let now = Utc::now();
    {
        let mut r = replica.lock().unwrap();
        for i in 0..5 {
            let e = r
                .login(
                    "nurse.joy",
                    &Password::new("wrong"),
                    now + Duration::seconds(i),
                )
                .unwrap_err();
            assert!(
                matches!(e, ReplicaError::SignIn(SignInRefused::WrongCredentials)),
                "{e}"
            );
        }
        let delay = |r: &mut outpost_replica::Replica, at| match r.login(
            "nurse.joy",
            &Password::new(PASSWORD),
            at,
        ) {
            Err(ReplicaError::SignIn(SignInRefused::LockedOut {
                retry_after_seconds,
            })) => retry_after_seconds,
            other => panic!("expected a lockout, got {other:?}"),
        };
        let first = delay(&mut r, now + Duration::seconds(4));
        r.login(
            "nurse.joy",
            &Password::new("wrong"),
            now + Duration::seconds(5),
        )
        .unwrap_err();
        let second = delay(&mut r, now + Duration::seconds(5));
        assert_eq!((first, second), (1, 2), "the delay grows");

        let me = r
            .login(
                "nurse.joy",
                &Password::new(PASSWORD),
                now + Duration::seconds(7),
            )
            .unwrap();
        assert_eq!(me.id, nurse.id);
        let author = r
            .author_for(DocKind::Patient, Action::Create, now + Duration::seconds(8))
            .unwrap();
        r.register_patient(&new_patient("Amara Okafor", "MRN-1"), &author.username)
            .unwrap();
    }
    assert_eq!(
        server
            .db
            .author_role(clinic, device, "nurse.joy")
            .await
            .unwrap(),
        None
    );

    server.up().await;
    let report = sync_once(&replica, &transport).await.unwrap();
    assert_eq!(report.pushed, 1);
    assert_eq!(
        server
            .db
            .author_role(clinic, device, "nurse.joy")
            .await
            .unwrap(),
        Some(Role::Nurse),
        "the offline sign-in reached the server"
    );
    let lockouts = server.db.list_lockouts(clinic, Utc::now()).await.unwrap();
    assert!(
        lockouts.is_empty(),
        "the later sign-in reset the reported failures: {lockouts:?}"
    );
    assert_eq!(
        replica.lock().unwrap().unreported_sign_ins(10).unwrap(),
        Default::default(),
        "the sign-in and the failures were all acknowledged"
    );

    admin::revoke_device(&server.db, clinic, device)
        .await
        .unwrap();
    let refused = sync_once(&replica, &transport).await.unwrap_err();
    assert!(refused.to_string().contains("revoked"), "{refused}");
    assert!(!refused.is_offline());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_the_server_up_the_server_signs_users_in_and_falls_back_when_it_goes_down() {
    let mut server = Server::start().await;
    let clinic = admin::create_clinic(&server.db, "Riverside Clinic")
        .await
        .unwrap();
    let code = admin::create_enrollment_code(&server.db, clinic, "Theatre", Duration::hours(1))
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let replica = enroll(dir.path(), &server.url(), &code).await.unwrap();
    let device = replica.enrollment().unwrap().unwrap().device_id;
    let transport = sync::transport_for(&replica).unwrap();
    let replica = Mutex::new(replica);
    users::add_user(
        &server.db,
        clinic,
        "dr.kofi",
        "Kofi Boateng",
        Role::Surgeon,
        &Password::new(PASSWORD),
    )
    .await
    .unwrap();

    // A user added a moment ago signs in at once: the users are fetched first.
    let wrong = login_online_or_offline(
        &replica,
        &transport,
        "dr.kofi",
        &Password::new("nope"),
        Utc::now(),
    )
    .await
    .unwrap_err();
    assert!(
        wrong.to_string().contains("wrong username or password"),
        "{wrong}"
    );
    let (me, via) = login_online_or_offline(
        &replica,
        &transport,
        "dr.kofi",
        &Password::new(PASSWORD),
        Utc::now(),
    )
    .await
    .unwrap();
    assert_eq!((me.role, via), (Role::Surgeon, SignedInVia::Server));
    assert_eq!(
        server
            .db
            .author_role(clinic, device, "dr.kofi")
            .await
            .unwrap(),
        Some(Role::Surgeon),
        "the server recorded the online sign-in itself"
    );
    let signed = replica.lock().unwrap().signed_in_user(Utc::now()).unwrap();
    assert_eq!(signed.map(|u| u.id), Some(me.id));

    server.down().await;
    let (_, via) = login_online_or_offline(
        &replica,
        &transport,
        "dr.kofi",
        &Password::new(PASSWORD),
        Utc::now(),
    )
    .await
    .unwrap();
    assert_eq!(via, SignedInVia::ThisWorkstation);
}
