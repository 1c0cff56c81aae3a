//! HTTPS with rustls from certificate and key files: a workstation that trusts the
//! clinic's certificate talks to the server; one that does not is refused; bad files stop
//! the server at start with a message naming the file.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::ops;

use ops::{ServerProcess, BIN};
use outpost_pgtest::PgCluster;
use std::process::Command;

/// A self-signed certificate for localhost and 127.0.0.1, written as PEM files.
fn self_signed(dir: &std::path::Path) -> (String, String, String) {
    let ck =
        rcgen::generate_simple_self_signed(vec!["localhost".into(), "127.0.0.1".into()]).unwrap();
    let cert = dir.join("cert.pem");
    let key = dir.join("key.pem");
    std::fs::write(&cert, ck.cert.pem()).unwrap();
    std::fs::write(&key, ck.key_pair.serialize_pem()).unwrap();
    (
        cert.to_str().unwrap().to_owned(),
        key.to_str().unwrap().to_owned(),
        ck.cert.pem(),
    )
}

#[tokio::test]
async fn https_from_pem_files_for_a_client_that_trusts_the_certificate() {
    let pg = PgCluster::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (cert, key, pem) = self_signed(dir.path());
    let server = ServerProcess::spawn(&pg.url(), &["--tls-cert", &cert, "--tls-key", &key], &[]);
    assert!(
        server.base.starts_with("https://127.0.0.1:"),
        "{}",
        server.base
    );

    let trusting = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(pem.as_bytes()).unwrap())
        .build()
        .unwrap();
    let res = trusting
        .get(format!("{}/ready", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.json::<serde_json::Value>().await.unwrap(),
        serde_json::json!({ "status": "ok" })
    );

    let stranger = reqwest::Client::new();
    let refused = stranger.get(format!("{}/ready", server.base)).send().await;
    assert!(refused.is_err(), "an untrusted certificate must be refused");

    let plain = server.base.replacen("https://", "http://", 1);
    let res = trusting.get(format!("{plain}/ready")).send().await;
    assert!(
        res.map(|r| !r.status().is_success()).unwrap_or(true),
        "plain HTTP is not served on the TLS port"
    );
}

#[tokio::test]
async fn tls_from_the_environment_and_bad_files_named_at_start() {
    let pg = PgCluster::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (cert, key, pem) = self_signed(dir.path());
    let server = ServerProcess::spawn(
        &pg.url(),
        &[],
        &[("OUTPOST_TLS__CERT", &cert), ("OUTPOST_TLS__KEY", &key)],
    );
    assert!(server.base.starts_with("https://"), "{}", server.base);
    let client = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(pem.as_bytes()).unwrap())
        .build()
        .unwrap();
    let res = client
        .get(format!("{}/health", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);

    let garbage = dir.path().join("garbage.pem");
    std::fs::write(&garbage, "not a certificate").unwrap();
    let out = Command::new(BIN)
        .args(["serve", "--listen", "127.0.0.1:0", "--tls-cert"])
        .arg(&garbage)
        .args(["--tls-key", &key])
        .env("OUTPOST_DATABASE_URL", pg.url())
        .env("RUST_LOG", "error")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("garbage.pem") && err.contains("cert"), "{err}");

    let out = Command::new(BIN)
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--tls-cert",
            &cert,
            "--tls-key",
        ])
        .arg(dir.path().join("missing-key.pem"))
        .env("OUTPOST_DATABASE_URL", pg.url())
        .env("RUST_LOG", "error")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("missing-key.pem"), "{err}");
}
