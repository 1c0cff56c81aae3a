//! `outpost audit verify`: a chain of sign-ins, writes and chart reads holds; after
//! someone with the database key edits one entry in the file, the command fails naming
//! exactly that entry.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use crate::common;

use common::{add_patient, json, login, ok, replica_dir, run, stderr};
use outpost_replica::DB_FILE;

#[test]
fn verify_passes_on_an_untouched_chain_and_names_the_edited_entry() {
    let dir = replica_dir();
    let id = add_patient(dir.path(), "Amara Okafor", "MRN-1");
    ok(dir.path(), &["patient", "show", "--id", &id]);
    login(dir.path(), "dr.ode");
    let v = json(dir.path(), &["audit", "verify", "--json"]);
    assert_eq!(v["ok"], true);
    let entries = v["entries"].as_u64().unwrap();
    assert!(entries >= 4, "sign-in, registration, read, sign-in: {v}");
    assert!(ok(dir.path(), &["audit", "verify"]).contains(&format!("{entries} entries")));

    let path = std::fs::canonicalize(dir.path().join(DB_FILE)).unwrap();
    let key = keyring::Entry::new("outpost", &format!("replica-key:{}", path.display()))
        .unwrap()
        .get_password()
        .unwrap();
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(&format!(
        "PRAGMA key = \"x'{key}'\"; PRAGMA cipher_compatibility = 4;
         DROP TRIGGER audit_log_no_update;
         UPDATE audit_log SET doc_id = NULL WHERE seq = 3;"
    ))
    .unwrap();
    drop(conn);
    let out = run(dir.path(), &["audit", "verify"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("broken at entry 3"), "{err}");
}
