//! The store at rest: real SQLCipher files keyed from the real Secret Service keyring.
//! Nothing readable on disk, the wrong or a missing key refuses to open (creating nothing,
//! saying what to do), and data survives closing and reopening.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use crate::common;

use common::{db_files, files_in, key_entry, new_patient, normal_vitals};
use outpost_replica::{Replica, ReplicaError, DB_FILE};

const SENTINEL: &str = "Zephyrine Quillfeather";

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn assert_no_plaintext(files: &[std::path::PathBuf]) -> usize {
    let mut read = 0;
    for f in files {
        let Ok(bytes) = std::fs::read(f) else {
            continue;
        };
        read += 1;
        for needle in [SENTINEL.as_bytes(), b"Quillfeather", b"SQLite format 3"] {
            assert!(
                !contains(&bytes, needle),
                "{} holds plaintext {:?}",
                f.display(),
                String::from_utf8_lossy(needle)
            );
        }
    }
    read
}

#[test]
fn no_patient_name_is_readable_in_the_database_or_its_wal_and_shm() {
    let dir = tempfile::tempdir().unwrap();
    let mut replica = Replica::create(dir.path()).unwrap();
    for i in 0..25 {
        let p = replica
            .register_patient(&new_patient(SENTINEL, &format!("MRN-{i}")), "nurse.kim")
            .unwrap();
        replica
            .record_vitals(&normal_vitals(p.id), "nurse.kim")
            .unwrap();
    }
    // The test is only meaningful if the name is really in what was written.
    let logged = replica.unpushed_changes(1).unwrap();
    assert!(contains(&logged[0].bytes.0, SENTINEL.as_bytes()));

    let files = db_files(replica.db_path());
    let wal_len = std::fs::metadata(&files[1]).unwrap().len();
    assert!(wal_len > 0, "writes should be in the WAL while open");
    assert_eq!(
        assert_no_plaintext(&files),
        3,
        "db, -wal and -shm exist while open"
    );

    drop(replica);
    assert!(assert_no_plaintext(&files) >= 1);
    let reopened = Replica::open(dir.path()).unwrap();
    assert_eq!(reopened.list_patients().unwrap().len(), 25);
}

#[test]
fn data_survives_close_and_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let (id, patient, vitals) = {
        let mut r = Replica::create(dir.path()).unwrap();
        let p = r
            .register_patient(&new_patient("Amara Okafor", "MRN-1"), "desk.ana")
            .unwrap();
        let v = r.record_vitals(&normal_vitals(p.id), "nurse.kim").unwrap();
        (r.replica_id(), p, v)
    };
    let r = Replica::open(dir.path()).unwrap();
    assert_eq!(r.replica_id(), id);
    assert_eq!(r.patient(patient.id).unwrap(), patient);
    assert_eq!(r.list_vitals(patient.id).unwrap(), vec![vitals.clone()]);
    let list = r.list_patients().unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].latest_vitals, Some(vitals));
    assert_eq!(r.pending_changes().unwrap(), 2);
    assert_eq!(r.enrollment().unwrap(), None);
    r.integrity_check().unwrap();
}

#[test]
fn a_different_key_in_the_keyring_is_refused_as_wrong_key() {
    let dir = tempfile::tempdir().unwrap();
    let db_path = {
        let mut r = Replica::create(dir.path()).unwrap();
        r.register_patient(&new_patient(SENTINEL, "MRN-1"), "desk.ana")
            .unwrap();
        r.db_path().to_owned()
    };
    let entry = key_entry(&db_path);
    let right = entry.get_password().unwrap();
    let other: String = std::iter::repeat_with(|| format!("{:02x}", rand_byte()))
        .take(32)
        .collect();
    assert_ne!(other, right);
    entry.set_password(&other).unwrap();

    let err = Replica::open(dir.path()).unwrap_err();
    assert!(matches!(err, ReplicaError::WrongKey { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(msg.contains("different key"), "{msg}");
    assert!(msg.contains("restore the right keyring entry"), "{msg}");

    // Putting the right key back opens it again, data intact.
    entry.set_password(&right).unwrap();
    let r = Replica::open(dir.path()).unwrap();
    assert_eq!(r.list_patients().unwrap()[0].patient.name, SENTINEL);
}

fn rand_byte() -> u8 {
    use ring::rand::SecureRandom;
    let mut b = [0u8; 1];
    ring::rand::SystemRandom::new().fill(&mut b).unwrap();
    b[0]
}

#[test]
fn a_missing_key_is_refused_with_what_to_do_and_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db_path = Replica::create(dir.path()).unwrap().db_path().to_owned();
    let entry = key_entry(&db_path);
    entry.delete_credential().unwrap();
    let before = files_in(dir.path());

    let err = Replica::open(dir.path()).unwrap_err();
    assert!(matches!(err, ReplicaError::KeyMissing { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(msg.contains("not in the OS keyring"), "{msg}");
    assert!(msg.contains("restore it from your backup"), "{msg}");
    assert!(msg.contains("outpost enroll"), "{msg}");

    assert_eq!(files_in(dir.path()), before, "no file was created");
    assert!(matches!(entry.get_password(), Err(keyring::Error::NoEntry)));
}

#[test]
fn opening_an_empty_directory_creates_no_file_and_no_keyring_entry() {
    let dir = tempfile::tempdir().unwrap();
    let err = Replica::open(dir.path()).unwrap_err();
    assert!(matches!(err, ReplicaError::NoReplica { .. }), "{err:?}");
    assert!(err.to_string().contains("outpost enroll"), "{err}");
    assert!(files_in(dir.path()).is_empty());
    let would_be = std::fs::canonicalize(dir.path()).unwrap().join(DB_FILE);
    assert!(matches!(
        key_entry(&would_be).get_password(),
        Err(keyring::Error::NoEntry)
    ));

    let missing = dir.path().join("not-there");
    assert!(matches!(
        Replica::open(&missing),
        Err(ReplicaError::NoReplica { .. })
    ));
    assert!(!missing.exists());
}

#[test]
fn create_refuses_to_overwrite_an_existing_replica() {
    let dir = tempfile::tempdir().unwrap();
    let first = Replica::create(dir.path()).unwrap();
    let key = key_entry(first.db_path()).get_password().unwrap();
    drop(first);
    let err = Replica::create(dir.path()).unwrap_err();
    assert!(matches!(err, ReplicaError::AlreadyExists { .. }), "{err:?}");
    let db_path = std::fs::canonicalize(dir.path().join(DB_FILE)).unwrap();
    assert_eq!(key_entry(&db_path).get_password().unwrap(), key);
    Replica::open(dir.path()).unwrap();
}
