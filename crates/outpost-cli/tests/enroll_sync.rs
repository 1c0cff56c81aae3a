//! `outpost enroll`, `outpost sync` and `outpost status` against the real sync server
//! (real Postgres behind it): two workstations exchange a patient through it.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use crate::common;

use common::{add_patient, login, run, stderr, PASSWORD};
use outpost_domain::credentials::Password;
use outpost_domain::roles::Role;
use outpost_pgtest::PgCluster;
use outpost_sync_server::{admin, AppState};
use serde_json::Value;
use std::path::PathBuf;
use std::process::Output;

/// Runs the CLI off the async runtime, so the in-process server keeps serving.
async fn cli(dir: PathBuf, args: &[&str]) -> Output {
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    tokio::task::spawn_blocking(move || {
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        run(&dir, &refs)
    })
    .await
    .unwrap()
}

fn stdout(out: &Output) -> String {
    assert!(out.status.success(), "{}", stderr(out));
    String::from_utf8(out.stdout.clone()).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enroll_sync_and_status_work_against_the_real_server() {
    let pg = PgCluster::start().unwrap();
    let db = outpost_sync_server::connect(&pg.url()).await.unwrap();
    outpost_sync_server::migrate(&db).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let state = AppState::new(db.clone());
    tokio::spawn(async move {
        outpost_sync_server::serve(listener, state, std::future::pending())
            .await
            .unwrap();
    });
    let clinic = admin::create_clinic(&db, "Riverside Clinic").await.unwrap();
    let code = |device: &'static str| {
        let db = db.clone();
        async move {
            admin::create_enrollment_code(&db, clinic, device, chrono::Duration::hours(1))
                .await
                .unwrap()
        }
    };
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (pa, pb) = (a.path().to_owned(), b.path().to_owned());

    // A wrong code is refused and leaves nothing behind.
    let refused = cli(pa.clone(), &["enroll", "--server", &url, "--code", "nope"]).await;
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        stderr(&refused).contains("enrollment failed"),
        "{}",
        stderr(&refused)
    );
    assert!(std::fs::read_dir(&pa).unwrap().next().is_none());

    let code_a = code("Desk A").await;
    let out = stdout(&cli(pa.clone(), &["enroll", "--server", &url, "--code", &code_a]).await);
    assert!(out.contains("Riverside Clinic"), "{out}");
    let code_b = code("Desk B").await;
    stdout(&cli(pb.clone(), &["enroll", "--server", &url, "--code", &code_b]).await);
    // An admin adds the nurse on the server; `outpost login` fetches the clinic's users
    // from the server, signs her in, and the next sync reports that sign-in before the
    // push, so the server accepts her as the author.
    outpost_sync_server::users::add_user(
        &db,
        clinic,
        "nurse.kim",
        "Kim Asante",
        Role::Nurse,
        &Password::new(PASSWORD),
    )
    .await
    .unwrap();
    let pa1 = pa.clone();
    tokio::task::spawn_blocking(move || login(&pa1, "nurse.kim"))
        .await
        .unwrap();

    let pa2 = pa.clone();
    let id = tokio::task::spawn_blocking(move || add_patient(&pa2, "Amara Okafor", "MRN-1"))
        .await
        .unwrap();
    let pushed: Value =
        serde_json::from_str(&stdout(&cli(pa.clone(), &["sync", "--json"]).await)).unwrap();
    assert_eq!(pushed["pushed"], 1);
    assert_eq!(
        stdout(&cli(pb.clone(), &["sync"]).await).trim(),
        "pushed 0, pulled 1"
    );

    let list: Value = serde_json::from_str(&stdout(
        &cli(pb.clone(), &["patient", "list", "--json"]).await,
    ))
    .unwrap();
    assert_eq!(list[0]["id"], id.as_str());

    let status: Value =
        serde_json::from_str(&stdout(&cli(pb.clone(), &["status", "--json"]).await)).unwrap();
    assert_eq!(status["online"], true);
    assert_eq!(status["state"], "online");
    assert_eq!(status["enrollment"]["clinic_name"], "Riverside Clinic");
    assert_eq!(status["enrollment"]["device_name"], "Desk B");
    assert_eq!(status["pending_changes"], 0);
    assert!(status["last_sync_at"].is_string());
    assert!(stdout(&cli(pb.clone(), &["status"]).await).contains("online:    yes"));
}
