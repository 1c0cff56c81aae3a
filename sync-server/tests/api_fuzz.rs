//! Fuzzing the HTTP API from its own OpenAPI document with schemathesis (from PyPI,
//! installed into `.venv/` by `scripts/install-deps.sh`): the real server binary on a real
//! Postgres, a clinic with records, a real device token and an admin's online session on
//! that device (so the admin endpoints are fuzzed past authorization). Every generated
//! request must get an answer the document describes — never a 5xx, never a body or status
//! outside it, and malformed input refused with a 4xx.
//!
//! Needs Python; so it runs only with `--features api-fuzz` (`scripts/test.sh` does):
//! `cargo nextest run --workspace --features outpost-sync-server/api-fuzz --test api_fuzz`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod ops;

use axum::http::StatusCode;
use common::records::Desk;
use common::Server;
use ops::ServerProcess;
use std::path::PathBuf;
use std::process::Command;

fn schemathesis() -> PathBuf {
    let bin = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.venv/bin/schemathesis");
    assert!(
        bin.exists(),
        "{} is missing: run scripts/install-deps.sh (it installs schemathesis into .venv/)",
        bin.display()
    );
    bin
}

fn env_or(key: &str, default: &str) -> String {
    std::env::var(key).unwrap_or_else(|_| default.to_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn schemathesis_finds_no_server_error_and_no_answer_outside_the_document() {
    let bin = schemathesis();
    let s = Server::start().await;
    let clinic = s.clinic("Fuzz Clinic").await;
    let d = s.device(clinic).await;
    let mut desk = Desk::new(d.replica);
    let mut changes = Vec::new();
    for _ in 0..10 {
        changes.push(desk.patient("nurse.test").1);
    }
    let (status, body) = s.push(&d, &changes).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let password = "correct horse battery staple";
    outpost_sync_server::users::add_user(
        &s.db,
        clinic,
        "fuzz.admin",
        "Fuzz Admin",
        outpost_domain::roles::Role::Admin,
        &outpost_domain::credentials::Password::new(password),
    )
    .await
    .unwrap();
    let (status, body) = s
        .call(
            "POST",
            "/v1/login",
            Some(&d.token),
            Some(serde_json::json!({ "username": "fuzz.admin", "password": password })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let session = body["session_token"].as_str().unwrap().to_owned();

    let server = ServerProcess::spawn(&s.pg.url(), &[], &[]);
    let report = tempfile::tempdir().unwrap();
    let config = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/api_fuzz/schemathesis.toml");
    let out = Command::new(bin)
        .arg("--config-file")
        .arg(&config)
        .arg("run")
        .arg(format!("{}/openapi.json", server.base))
        .args(["--url", &server.base])
        .args(["--header", &format!("Authorization: Bearer {}", d.token)])
        .args(["--header", &format!("X-Outpost-Session: {session}")])
        .args(["--checks", "all"])
        // A request the schema allows can still be refused for what it says (a push of
        // another replica's changes, an unknown enrollment code): that is a 4xx, not a bug.
        .args(["--exclude-checks", "positive_data_acceptance"])
        .args(["--phases", "examples,coverage,fuzzing"])
        // More with OUTPOST_FUZZ_EXAMPLES / another seed with OUTPOST_FUZZ_SEED.
        .args(["--max-examples", &env_or("OUTPOST_FUZZ_EXAMPLES", "60")])
        .args(["--seed", &env_or("OUTPOST_FUZZ_SEED", "1")])
        // One worker: with two, hypothesis describes its filters (`ast.parse`) on two
        // threads at once, which CPython before 3.11.8 (this machine's 3.11.7) can fail
        // with "AST constructor recursion depth mismatch" (CPython issue 106905), a
        // runtime error in the fuzzer that fails the run whatever the server answered.
        .args(["--workers", "1"])
        .args(["--no-color"])
        .env("SCHEMATHESIS_HOOKS", "")
        .current_dir(report.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    // The summary (operations, phases, test cases), shown with --nocapture.
    let lines: Vec<&str> = stdout.lines().collect();
    eprintln!("{}", lines[lines.len().saturating_sub(30)..].join("\n"));
    assert!(
        out.status.success(),
        "schemathesis found problems:\n{stdout}\n{stderr}"
    );
}
