//! Break-the-glass and the admins' alerts from the command line, against the real sync
//! server (real Postgres behind it): a restricted patient's chart is refused until a
//! reason is given; `outpost audit list` shows the entry with the reason; after `outpost
//! sync`, `outpost audit alerts --admin` lists it for an admin and refuses anyone else.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use crate::common;

use common::{add_patient, login, outpost, run, stderr, PASSWORD};
use outpost_domain::credentials::Password;
use outpost_domain::ids::DocId;
use outpost_domain::roles::Role;
use outpost_pgtest::PgCluster;
use outpost_sync_server::{admin, AppState};
use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};

/// Runs the CLI off the async runtime, so the in-process server keeps serving; `stdin`
/// is written to it.
async fn cli(dir: PathBuf, args: &[&str], stdin: &str) -> Output {
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    let stdin = stdin.to_owned();
    tokio::task::spawn_blocking(move || {
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        if stdin.is_empty() {
            return run(&dir, &refs);
        }
        let mut child = outpost(&dir, &refs)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        writeln!(child.stdin.take().unwrap(), "{stdin}").unwrap();
        child.wait_with_output().unwrap()
    })
    .await
    .unwrap()
}

fn stdout(out: &Output) -> String {
    assert!(out.status.success(), "{}", stderr(out));
    String::from_utf8(out.stdout.clone()).unwrap()
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    tokio::task::spawn_blocking(f).await.unwrap()
}

fn dir(p: &Path) -> PathBuf {
    p.to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restricted_chart_needs_a_reason_and_the_admin_sees_the_alert() {
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
    for (name, role) in [("admin.ada", Role::Admin), ("dr.mensah", Role::Doctor)] {
        outpost_sync_server::users::add_user(
            &db,
            clinic,
            name,
            name,
            role,
            &Password::new(PASSWORD),
        )
        .await
        .unwrap();
    }
    let code = admin::create_enrollment_code(&db, clinic, "Desk A", chrono::Duration::hours(1))
        .await
        .unwrap();
    let a = tempfile::tempdir().unwrap();
    let pa = dir(a.path());
    stdout(
        &cli(
            pa.clone(),
            &["enroll", "--server", &url, "--code", &code],
            "",
        )
        .await,
    );
    let p = pa.clone();
    blocking(move || login(&p, "dr.mensah")).await;
    let p = pa.clone();
    let patient = blocking(move || add_patient(&p, "Amara Okafor", "MRN-1")).await;
    stdout(&cli(pa.clone(), &["sync"], "").await);
    outpost_sync_server::oversight::set_restricted(
        &db,
        clinic,
        patient.parse::<DocId>().unwrap(),
        true,
    )
    .await
    .unwrap();
    stdout(&cli(pa.clone(), &["sync"], "").await);

    let show = ["patient", "show", "--id", patient.as_str()];
    let refused = cli(pa.clone(), &show, "").await;
    assert!(!refused.status.success());
    let err = stderr(&refused);
    assert!(
        err.contains("restricted") && err.contains("--break-the-glass"),
        "{err}"
    );
    let blank = cli(
        pa.clone(),
        &[&show[..], &["--break-the-glass", "  "]].concat(),
        "",
    )
    .await;
    assert!(
        stderr(&blank).contains("give a reason"),
        "{}",
        stderr(&blank)
    );

    let opened = cli(
        pa.clone(),
        &[
            &show[..],
            &[
                "--break-the-glass",
                "Unconscious in the emergency room",
                "--json",
            ],
        ]
        .concat(),
        "",
    )
    .await;
    let details: Value = serde_json::from_str(&stdout(&opened)).unwrap();
    assert_eq!(details["name"], "Amara Okafor");
    assert!(
        stderr(&opened).contains("break-the-glass access"),
        "{}",
        stderr(&opened)
    );
    // Within the access, the chart opens without a reason again.
    stdout(&cli(pa.clone(), &show, "").await);

    let listed: Vec<Value> = serde_json::from_str(&stdout(
        &cli(
            pa.clone(),
            &[
                "audit",
                "list",
                "--patient",
                &patient,
                "--user",
                "dr.mensah",
                "--json",
            ],
            "",
        )
        .await,
    ))
    .unwrap();
    let glass: Vec<&Value> = listed
        .iter()
        .filter(|e| e["action"] == "break_the_glass")
        .collect();
    assert_eq!(glass.len(), 1, "{listed:?}");
    assert_eq!(glass[0]["reason"], "Unconscious in the emergency room");

    stdout(&cli(pa.clone(), &["sync"], "").await);
    let alerts = stdout(
        &cli(
            pa.clone(),
            &["audit", "alerts", "--admin", "admin.ada"],
            PASSWORD,
        )
        .await,
    );
    assert_eq!(alerts.lines().count(), 1, "{alerts}");
    assert!(
        alerts.contains("dr.mensah") && alerts.contains(&patient),
        "{alerts}"
    );
    assert!(
        alerts.contains("reason: Unconscious in the emergency room"),
        "{alerts}"
    );
    let wrong = cli(
        pa.clone(),
        &["audit", "alerts", "--admin", "admin.ada"],
        "not it",
    )
    .await;
    assert!(!wrong.status.success());
    let not_admin = cli(
        pa.clone(),
        &["audit", "alerts", "--admin", "dr.mensah"],
        PASSWORD,
    )
    .await;
    assert!(!not_admin.status.success());
    assert!(
        stderr(&not_admin).contains("admin"),
        "{}",
        stderr(&not_admin)
    );
}
