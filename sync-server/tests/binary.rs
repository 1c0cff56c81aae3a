//! The real `outpost-server` binary as an admin and a deployment script use it: create a
//! clinic, make an enrollment code, serve on port 0, and answer over real HTTP.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use outpost_domain::ids::ReplicaId;
use outpost_domain::protocol::{EnrollRequest, EnrollResponse, PROTOCOL_VERSION};
use outpost_pgtest::PgCluster;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_outpost-server");

fn run(pg: &PgCluster, args: &[&str]) -> std::process::Output {
    Command::new(BIN)
        .args(args)
        .env("OUTPOST_DATABASE_URL", pg.url())
        .env("RUST_LOG", "warn")
        .output()
        .unwrap()
}

fn stdout_json(out: &std::process::Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Stops the child on drop, so a failing test leaves no server behind.
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn admin_commands_then_serve_on_port_0_then_enroll_over_http() {
    let pg = PgCluster::start().unwrap();
    let migrated = run(&pg, &["migrate"]);
    assert!(
        migrated.status.success(),
        "{}",
        String::from_utf8_lossy(&migrated.stderr)
    );

    let clinic = stdout_json(&run(
        &pg,
        &["clinic", "create", "--name", "Hill Clinic", "--json"],
    ));
    let clinic_id = clinic["id"].as_str().unwrap().to_owned();
    let listed = stdout_json(&run(&pg, &["clinic", "list", "--json"]));
    assert_eq!(listed[0]["name"], "Hill Clinic");
    assert_eq!(listed[0]["mrn_prefix"], "P-");

    let enroll = stdout_json(&run(
        &pg,
        &[
            "device", "enroll", "--clinic", &clinic_id, "--name", "Desk 1", "--json",
        ],
    ));
    let code = enroll["code"].as_str().unwrap().to_owned();

    let mut child = Child(
        Command::new(BIN)
            .args(["serve", "--listen", "127.0.0.1:0"])
            .env("OUTPOST_DATABASE_URL", pg.url())
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap(),
    );
    let mut line = String::new();
    BufReader::new(child.0.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let base = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected first line: {line:?}"))
        .to_owned();

    let http = reqwest::Client::new();
    let health: serde_json::Value = http
        .get(format!("{base}/health"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health, serde_json::json!({ "status": "ok" }));

    let replica = ReplicaId::new();
    let res = http
        .post(format!("{base}/v1/enroll"))
        .json(&EnrollRequest {
            protocol: PROTOCOL_VERSION,
            code,
            replica_id: replica,
        })
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let enrolled: EnrollResponse = res.json().await.unwrap();
    assert_eq!(enrolled.clinic_id.to_string(), clinic_id);

    let block: serde_json::Value = http
        .post(format!("{base}/v1/mrn-blocks"))
        .bearer_auth(&enrolled.device_token)
        .json(&serde_json::json!({ "protocol": PROTOCOL_VERSION, "size": 50 }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        block,
        serde_json::json!({ "prefix": "P-", "first": 1, "last": 50 })
    );

    let devices = stdout_json(&run(
        &pg,
        &["device", "list", "--clinic", &clinic_id, "--json"],
    ));
    assert_eq!(devices[0]["replica_id"], replica.to_string());
    let device_id = enrolled.device_id.to_string();
    let revoked = run(
        &pg,
        &[
            "device", "revoke", "--clinic", &clinic_id, "--device", &device_id,
        ],
    );
    assert!(revoked.status.success());

    // SIGTERM: a graceful stop with exit code 0.
    let killed = Command::new("kill")
        .args(["-TERM", &child.0.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    assert!(child.0.wait().unwrap().success());
}

#[test]
fn errors_say_what_to_do_and_exit_non_zero() {
    let out = Command::new(BIN)
        .args(["clinic", "list"])
        .env_remove("OUTPOST_DATABASE_URL")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("OUTPOST_DATABASE_URL"), "{err}");

    let out = Command::new(BIN)
        .args([
            "migrate",
            "--database-url",
            "postgres://nobody@127.0.0.1:1/none",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("Postgres is running"), "{err}");

    for args in [
        &["--help"][..],
        &["serve", "--help"],
        &["device", "enroll", "--help"],
    ] {
        let out = Command::new(BIN).args(args).output().unwrap();
        assert!(out.status.success(), "{args:?}");
    }
}
