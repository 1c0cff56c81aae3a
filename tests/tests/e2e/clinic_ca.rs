//! A clinic that runs its own certificate authority: the server serves HTTPS with a
//! certificate the clinic's CA issued; a workstation that has not been given the CA refuses
//! the connection, one given the CA file enrolls and syncs over HTTPS.

use crate::common::patient;
use outpost_e2e::Backend;
use outpost_replica::sync;
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};

/// The clinic CA's PEM, and the server's certificate and key files it issued.
fn clinic_pki(dir: &std::path::Path) -> (std::path::PathBuf, String, String) {
    let ca_key = KeyPair::generate().unwrap();
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name
        .push(DnType::CommonName, "Harbour Clinic internal CA");
    let ca_cert = ca.self_signed(&ca_key).unwrap();

    let key = KeyPair::generate().unwrap();
    let leaf = CertificateParams::new(vec!["localhost".into(), "127.0.0.1".into()]).unwrap();
    let cert = leaf.signed_by(&key, &ca_cert, &ca_key).unwrap();

    let write = |name: &str, pem: String| {
        let path = dir.join(name);
        std::fs::write(&path, pem).unwrap();
        path
    };
    let ca_path = write("clinic-ca.pem", ca_cert.pem());
    let cert_path = write("server-cert.pem", cert.pem());
    let key_path = write("server-key.pem", key.serialize_pem());
    (
        ca_path,
        cert_path.to_str().unwrap().to_owned(),
        key_path.to_str().unwrap().to_owned(),
    )
}

/// Kills the server on drop.
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_workstation_given_the_clinic_ca_enrolls_and_syncs_over_https() {
    let backend = Backend::start().await.unwrap();
    let clinic = backend.clinic("Harbour Clinic").await.unwrap();
    let pki = tempfile::tempdir().unwrap();
    let (ca, cert, key) = clinic_pki(pki.path());

    let bin = std::env::current_exe()
        .unwrap()
        .parent()
        .and_then(|deps| deps.parent())
        .unwrap()
        .join("outpost-server");
    let mut child = Child(
        Command::new(bin)
            .args(["serve", "--listen", "127.0.0.1:0", "--tls-cert", &cert])
            .args(["--tls-key", &key])
            .env("OUTPOST_DATABASE_URL", backend.pg.url())
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let mut line = String::new();
    BufReader::new(child.0.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap()
        .to_owned();
    assert!(url.starts_with("https://"), "{url}");

    let code = backend.enrollment_code(clinic, "A").await.unwrap();
    let dir_a = tempfile::tempdir().unwrap();
    let refused = outpost_replica::enroll(dir_a.path(), &url, &code).await;
    assert!(
        refused.is_err(),
        "without the clinic CA the server's certificate is not trusted"
    );

    sync::trust_ca_file(&ca).unwrap();
    let a = outpost_replica::enroll(dir_a.path(), &url, &code)
        .await
        .unwrap();
    let dir_b = tempfile::tempdir().unwrap();
    let code_b = backend.enrollment_code(clinic, "B").await.unwrap();
    let b = outpost_replica::enroll(dir_b.path(), &url, &code_b)
        .await
        .unwrap();
    backend.add_test_users(clinic).await.unwrap();

    let (ta, tb) = (
        sync::transport_for(&a).unwrap(),
        sync::transport_for(&b).unwrap(),
    );
    let (a, b) = (Arc::new(Mutex::new(a)), Arc::new(Mutex::new(b)));
    outpost_e2e::sign_in_test_users(&a, &ta).await.unwrap();
    outpost_e2e::sign_in_test_users(&b, &tb).await.unwrap();
    a.lock()
        .unwrap()
        .register_patient(&patient("Ama Mensah", "H-1"), "clerk")
        .unwrap();
    assert_eq!(sync::sync_once(&a, &ta).await.unwrap().pushed, 1);
    assert_eq!(sync::sync_once(&b, &tb).await.unwrap().pulled, 1);
    let names: Vec<String> = b
        .lock()
        .unwrap()
        .list_patients()
        .unwrap()
        .into_iter()
        .map(|p| p.patient.name)
        .collect();
    assert_eq!(names, ["Ama Mensah"]);
}
