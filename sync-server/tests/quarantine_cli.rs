//! What an admin runs to review quarantine: `outpost-server quarantine list` and
//! `outpost-server device flagged` (the real binary, on the real database), as text and JSON.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::records::Desk;
use common::Server;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_outpost-server");

fn run(s: &Server, args: &[&str]) -> String {
    let out = Command::new(BIN)
        .args(args)
        .env("OUTPOST_DATABASE_URL", s.pg.url())
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[tokio::test]
async fn an_admin_lists_quarantined_changes_and_flagged_devices() {
    let s = Server::start().await;
    let clinic = s.clinic("Riverside Clinic").await;
    let (good, bad) = (s.device(clinic).await, s.device(clinic).await);
    let (patient, p) = Desk::new(good.replica).patient("nurse.test");
    assert_eq!(s.push(&good, &[p]).await.0, axum::http::StatusCode::OK);
    let (_, hot) = Desk::new(bad.replica).vitals("nurse.test", patient.id, 47.0);
    assert_eq!(
        s.push(&bad, std::slice::from_ref(&hot)).await.0,
        axum::http::StatusCode::OK
    );
    let id = clinic.to_string();

    let listed: serde_json::Value =
        serde_json::from_str(&run(&s, &["quarantine", "list", "--clinic", &id, "--json"])).unwrap();
    let entries = listed.as_array().unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["device_id"], bad.id.to_string());
    assert_eq!(entries[0]["counter"], 1);
    assert_eq!(entries[0]["doc_id"], hot.doc_id.to_string());
    assert_eq!(entries[0]["kind"], "vitals");
    assert_eq!(entries[0]["author"], "nurse.test");
    assert_eq!(entries[0]["reason_code"], "invalid_record");
    let text = run(&s, &["quarantine", "list", "--clinic", &id]);
    assert!(
        text.contains("invalid_record") && text.contains(&bad.id.to_string()),
        "{text}"
    );

    let flagged: serde_json::Value =
        serde_json::from_str(&run(&s, &["device", "flagged", "--clinic", &id, "--json"])).unwrap();
    let flagged = flagged.as_array().unwrap();
    assert_eq!(flagged.len(), 1, "only the device that pushed it");
    assert_eq!(flagged[0]["id"], bad.id.to_string());
    let text = run(&s, &["device", "list", "--clinic", &id]);
    assert!(text.contains("FLAGGED"), "{text}");

    // Another clinic's admin sees none of it.
    let other = s.clinic("Hillside").await.to_string();
    assert_eq!(
        run(&s, &["quarantine", "list", "--clinic", &other, "--json"]).trim(),
        "[]"
    );
}
