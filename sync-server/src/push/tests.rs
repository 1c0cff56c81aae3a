//! The push rules without a database: what a batch must look like, and how it lines up
//! with what the server holds.

#![allow(clippy::unwrap_used)]

use super::*;
use crate::error::ServerError;
use chrono::NaiveDate;
use outpost_domain::clock::Hlc;
use outpost_domain::document::{ChangeMeta, Document};
use outpost_domain::ids::DocId;
use outpost_domain::patient::{Patient, Sex};
use outpost_domain::protocol::Bytes;

fn change(replica: ReplicaId, counter: u64) -> WireChange {
    let patient = Patient {
        id: DocId::new(),
        name: "Test Patient".into(),
        date_of_birth: NaiveDate::from_ymd_opt(1980, 1, 1).unwrap(),
        sex: Sex::Female,
        mrn: format!("MRN-{counter}"),
    };
    let meta = ChangeMeta {
        author: "nurse.test".into(),
        wall_ms: 1_763_800_000_000,
        hlc: Hlc::default(),
    };
    let (doc, local) = Document::create_patient(replica, &patient, &meta).unwrap();
    WireChange {
        replica_id: replica,
        counter,
        doc_id: doc.id,
        kind: doc.kind,
        digest: local.digest,
        bytes: Bytes(local.bytes),
        received_at: None,
    }
}

fn checked(replica: ReplicaId, counter: u64) -> CheckedChange {
    CheckedChange::parse(change(replica, counter)).unwrap()
}

fn request(replica: ReplicaId, changes: Vec<WireChange>) -> PushRequest {
    PushRequest {
        protocol: PROTOCOL_VERSION,
        replica_id: replica,
        changes,
    }
}

fn code(e: ServerError) -> &'static str {
    e.status_and_code().1
}

#[test]
fn a_contiguous_batch_of_own_changes_passes() {
    let r = ReplicaId::new();
    let req = request(r, (3..=5).map(|n| change(r, n)).collect());
    check_batch(r, &req).unwrap();
    check_batch(r, &request(r, vec![])).unwrap();
}

#[test]
fn another_replicas_changes_are_forbidden() {
    let (mine, theirs) = (ReplicaId::new(), ReplicaId::new());
    let req = request(theirs, vec![change(theirs, 1)]);
    assert_eq!(code(check_batch(mine, &req).unwrap_err()), "forbidden");
    let smuggled = request(mine, vec![change(mine, 1), change(theirs, 2)]);
    assert_eq!(code(check_batch(mine, &smuggled).unwrap_err()), "forbidden");
}

#[test]
fn holes_zero_counters_and_damaged_changes_are_refused() {
    let r = ReplicaId::new();
    let holes = request(r, vec![change(r, 1), change(r, 3)]);
    assert_eq!(code(check_batch(r, &holes).unwrap_err()), "not_contiguous");
    assert_eq!(
        code(check_batch(r, &request(r, vec![change(r, 0)])).unwrap_err()),
        "bad_counter"
    );

    let mut bad_digest = change(r, 1);
    bad_digest.digest = digest(b"something else");
    assert_eq!(
        code(check_batch(r, &request(r, vec![bad_digest])).unwrap_err()),
        "bad_digest"
    );

    let mut garbage = change(r, 1);
    garbage.bytes = Bytes(b"not an automerge change".to_vec());
    garbage.digest = digest(&garbage.bytes.0);
    assert_eq!(
        code(check_batch(r, &request(r, vec![garbage])).unwrap_err()),
        "malformed_change"
    );
}

#[test]
fn a_change_made_under_another_actor_is_refused() {
    let (r, other) = (ReplicaId::new(), ReplicaId::new());
    let mut c = change(other, 1);
    c.replica_id = r;
    assert_eq!(
        code(check_batch(r, &request(r, vec![c])).unwrap_err()),
        "wrong_actor"
    );
}

#[test]
fn oversized_batches_and_unknown_protocols_are_refused() {
    let r = ReplicaId::new();
    let one = change(r, 1);
    let big: Vec<WireChange> = (1..=MAX_BATCH as u64 + 1)
        .map(|n| WireChange {
            counter: n,
            ..one.clone()
        })
        .collect();
    assert_eq!(
        code(check_batch(r, &request(r, big)).unwrap_err()),
        "batch_too_large"
    );
    let mut old = request(r, vec![]);
    old.protocol = PROTOCOL_VERSION + 1;
    let e = check_batch(r, &old).unwrap_err();
    assert_eq!(code(e), "unsupported_protocol");
}

#[test]
fn a_batch_splits_into_held_and_new_or_reports_the_gap() {
    let r = ReplicaId::new();
    let batch: Vec<CheckedChange> = (3..=6).map(|n| checked(r, n)).collect();

    let (held, new) = split_at_stored(4, &batch).unwrap();
    let counters = |cs: &[CheckedChange]| cs.iter().map(|c| c.wire.counter).collect::<Vec<_>>();
    assert_eq!(counters(held), [3, 4]);
    assert_eq!(counters(new), [5, 6]);

    let (held, new) = split_at_stored(2, &batch).unwrap();
    assert!(held.is_empty() && new.len() == 4);

    let (held, new) = split_at_stored(9, &batch).unwrap();
    assert!(held.len() == 4 && new.is_empty());

    match split_at_stored(1, &batch).unwrap_err() {
        ServerError::Gap { expected } => assert_eq!(expected, 2),
        other => panic!("expected a gap, got {other:?}"),
    }
}

#[test]
fn only_a_different_digest_under_a_held_counter_is_a_conflict() {
    let r = ReplicaId::new();
    let batch: Vec<CheckedChange> = (1..=3).map(|n| checked(r, n)).collect();
    let mut stored: HashMap<u64, String> = batch
        .iter()
        .map(|c| (c.wire.counter, c.wire.digest.clone()))
        .collect();
    assert_eq!(first_conflict(&batch, &stored), None);
    stored.insert(2, digest(b"other bytes"));
    assert_eq!(first_conflict(&batch, &stored), Some(2));
}
