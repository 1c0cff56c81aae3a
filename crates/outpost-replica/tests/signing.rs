//! E-signatures and the audit chain on real encrypted replicas: an encounter signed on
//! one workstation while another, not having seen the signature, edits it offline — after
//! both exchange, both show the same signed content with the same hash and the other
//! edit as an addendum by its author flagged concurrent with signature; amendments carry
//! a reason and their own signature; three wrong signing passwords block signing and are
//! audited; signatures and audit rows refuse UPDATE and DELETE; a signature altered by
//! one byte or copied onto another encounter does not verify; and tampering with the
//! audit chain in the file is named at its exact entry.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use crate::common;

use chrono::{DateTime, FixedOffset, Utc};
use common::{new_patient, operative_template, raw};
use outpost_replica::outpost_domain::audit::AuditAction;
use outpost_replica::outpost_domain::credentials::{Password, PasswordVerifier};
use outpost_replica::outpost_domain::document::encounter::{
    EncounterStatus, EncounterType, NewEncounter, NoteKind, NoteTexts,
};
use outpost_replica::outpost_domain::ids::{DocId, UserId};
use outpost_replica::outpost_domain::protocol::users::{SyncedUser, UserSigningKey};
use outpost_replica::outpost_domain::roles::Role;
use outpost_replica::outpost_domain::signature::lock::AddendumTiming;
use outpost_replica::outpost_domain::signature::{self, SignatureMeaning};
use outpost_replica::outpost_domain::SignatureError;
use outpost_replica::{Replica, ReplicaError};
use std::collections::BTreeMap;
use std::sync::OnceLock;

const PASSWORD: &str = "correct horse battery";

/// The clinic's users, each with a signing key wrapped under [`PASSWORD`] (made once).
fn users() -> &'static Vec<SyncedUser> {
    static USERS: OnceLock<Vec<SyncedUser>> = OnceLock::new();
    USERS.get_or_init(|| {
        let password = Password::new(PASSWORD);
        let verifier = PasswordVerifier::create(&password).unwrap();
        [
            ("dr.osei", "Dr. Ama Osei", Role::Surgeon),
            ("dr.mensah", "Dr. Kofi Mensah", Role::Doctor),
            ("nurse.lee", "Nurse Lee", Role::Nurse),
            ("admin.ada", "Ada Admin", Role::Admin),
        ]
        .into_iter()
        .map(|(username, name, role)| {
            let id = UserId::new();
            let key = signature::generate(id, &password).unwrap();
            SyncedUser {
                id,
                username: username.into(),
                full_name: name.into(),
                role,
                verifier: verifier.clone(),
                disabled: false,
                signing_key: Some(UserSigningKey::from(key)),
            }
        })
        .collect()
    })
}

fn at(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(s).unwrap()
}

fn workstation(user: &str) -> (tempfile::TempDir, Replica) {
    let dir = tempfile::tempdir().unwrap();
    let mut r = Replica::create(dir.path()).unwrap();
    r.replace_users(users(), Utc::now()).unwrap();
    r.login(user, &Password::new(PASSWORD), Utc::now()).unwrap();
    (dir, r)
}

/// A patient, a published one-note template and an encounter on it, made on `r`.
fn encounter(r: &mut Replica) -> DocId {
    let p = r
        .register_patient(&new_patient("Amara Okafor", "MRN-1"), "desk.ana")
        .unwrap();
    let t = operative_template(r);
    let e = r
        .open_encounter(
            &NewEncounter {
                patient_id: p.id,
                provider: "dr.osei".into(),
                date: "2026-12-03".into(),
                encounter_type: EncounterType::Operative,
                specialty: "surgery".into(),
                template: r.template_pin(t, Some(1)).unwrap(),
                fields: BTreeMap::new(),
                notes: NoteTexts {
                    assessment: "Appendicitis".into(),
                    ..NoteTexts::default()
                },
            },
            "dr.osei",
        )
        .unwrap();
    e.id
}

/// Each replica applies the other's changes and signatures, as a sync through the
/// server would.
fn exchange(a: &mut Replica, b: &mut Replica) {
    let changes_a = a.unpushed_changes(10_000).unwrap();
    let changes_b = b.unpushed_changes(10_000).unwrap();
    b.apply_remote_changes(&changes_a).unwrap();
    a.apply_remote_changes(&changes_b).unwrap();
    let (sigs_a, _) = a.unpushed_signatures(1000).unwrap();
    let (sigs_b, _) = b.unpushed_signatures(1000).unwrap();
    b.apply_remote_signatures(&sigs_a).unwrap();
    a.apply_remote_signatures(&sigs_b).unwrap();
}

fn signed_then_concurrent_edit(b_first: bool) {
    let (_da, mut a) = workstation("dr.osei");
    let (_db, mut b) = workstation("dr.mensah");
    let e = encounter(&mut a);
    exchange(&mut a, &mut b);
    // A signs; B, offline and without the signature, edits the assessment.
    let signed = a
        .sign_encounter(
            e,
            &Password::new(PASSWORD),
            SignatureMeaning::Authorship,
            at("2026-12-03T10:00:00+01:00"),
        )
        .unwrap();
    b.edit_encounter_note(
        e,
        NoteKind::Assessment,
        "Appendicitis, perforated",
        "dr.mensah",
    )
    .unwrap();
    if b_first {
        let from_b = b.unpushed_changes(100).unwrap();
        a.apply_remote_changes(&from_b).unwrap();
    }
    exchange(&mut a, &mut b);

    for r in [&a, &b] {
        let locked = r.locked_encounter(e).unwrap().expect("signed");
        assert_eq!(locked.signed.notes.assessment, "Appendicitis");
        assert_eq!(locked.current.notes.assessment, "Appendicitis, perforated");
        assert_eq!(locked.signatures.len(), 1);
        let sig = &locked.signatures[0];
        assert_eq!(sig.problem, None);
        assert_eq!(sig.manifest.content_sha256, signed.manifest.content_sha256);
        assert_eq!(sig.manifest.heads, signed.manifest.heads);
        assert_eq!(sig.manifest.printed_name, "Dr. Ama Osei");
        assert_eq!(locked.addenda.len(), 1, "{:?}", locked.addenda);
        let add = &locked.addenda[0];
        assert_eq!(add.author.as_deref(), Some("dr.mensah"));
        assert_eq!(add.replica_id, Some(b.replica_id()));
        assert_eq!(add.timing, AddendumTiming::ConcurrentWithSignature);
        assert!(!add.signed);
    }
    // Now that B has seen the signature, an ordinary edit is refused there too.
    let err = b
        .edit_encounter_note(e, NoteKind::Plan, "Discharge", "dr.mensah")
        .unwrap_err();
    assert!(matches!(err, ReplicaError::Locked(id) if id == e), "{err}");
    // B signs its addendum: it counts as signed, co-signing A's encounter.
    b.sign_encounter(
        e,
        &Password::new(PASSWORD),
        SignatureMeaning::Authorship,
        at("2026-12-03T11:00:00+01:00"),
    )
    .unwrap();
    exchange(&mut a, &mut b);
    let locked = a.locked_encounter(e).unwrap().unwrap();
    assert_eq!(locked.signatures.len(), 2);
    assert!(locked.addenda.iter().all(|x| x.signed));
}

#[test]
fn a_concurrent_offline_edit_after_a_signature_becomes_an_addendum_on_both() {
    signed_then_concurrent_edit(false);
}

#[test]
fn the_same_when_the_concurrent_edit_arrives_first() {
    signed_then_concurrent_edit(true);
}

#[test]
fn an_amendment_needs_a_reason_and_is_signed_and_the_original_stays() {
    let (_d, mut a) = workstation("dr.osei");
    let e = encounter(&mut a);
    let pw = Password::new(PASSWORD);
    let err = a
        .amend_encounter(e, &pw, "typo", at("2026-12-03T10:00:00Z"), |r, _| {
            r.edit_note(NoteKind::Plan, "x")
        })
        .unwrap_err();
    assert!(matches!(err, ReplicaError::NotSigned(_)), "{err}");
    a.sign_encounter(
        e,
        &pw,
        SignatureMeaning::Authorship,
        at("2026-12-03T10:00:00Z"),
    )
    .unwrap();
    assert_eq!(a.encounter(e).unwrap().status, EncounterStatus::Signed);
    let err = a
        .amend_encounter(e, &pw, "  ", at("2026-12-03T10:05:00Z"), |r, _| {
            r.edit_note(NoteKind::Plan, "x")
        })
        .unwrap_err();
    assert_eq!(common::fields(&err), ["reason"]);
    let (current, sig) = a
        .amend_encounter(
            e,
            &pw,
            "Blood loss was recorded in the wrong field",
            at("2026-12-03T10:05:00Z"),
            |r, t| {
                r.set_field(
                    t,
                    "blood_loss",
                    outpost_replica::outpost_domain::document::encounter::FieldValue::Number(150.0),
                )
            },
        )
        .unwrap();
    assert_eq!(
        sig.manifest.reason.as_deref(),
        Some("Blood loss was recorded in the wrong field")
    );
    assert!(current.fields.contains_key("blood_loss"));
    let locked = a.locked_encounter(e).unwrap().unwrap();
    assert!(!locked.signed.fields.contains_key("blood_loss"));
    assert_eq!(locked.addenda.len(), 1);
    assert_eq!(locked.addenda[0].timing, AddendumTiming::AfterSignature);
    assert!(locked.addenda[0].signed);
    assert!(locked.signatures.iter().all(|s| s.problem.is_none()));
    assert_eq!(locked.signed.status, EncounterStatus::Signed);
    assert_eq!(locked.current.status, EncounterStatus::Amended);
    assert_eq!(
        a.list_encounters(None).unwrap()[0].status,
        EncounterStatus::Amended
    );
}

#[test]
fn nurses_and_admins_cannot_sign() {
    let (_d, mut a) = workstation("dr.osei");
    let e = encounter(&mut a);
    for user in ["nurse.lee", "admin.ada"] {
        a.login(user, &Password::new(PASSWORD), Utc::now()).unwrap();
        let err = a
            .sign_encounter(
                e,
                &Password::new(PASSWORD),
                SignatureMeaning::Review,
                at("2026-12-03T10:00:00Z"),
            )
            .unwrap_err();
        assert!(
            matches!(err, ReplicaError::NotPermitted { .. }),
            "{user}: {err}"
        );
    }
}

#[test]
fn three_wrong_signing_passwords_block_signing_and_are_audited() {
    let (dir, mut a) = workstation("dr.osei");
    let e = encounter(&mut a);
    let wrong = Password::new("not my password");
    let user = users()[0].id;
    assert_eq!(a.signing_attempts_left(user).unwrap(), 3);
    for left in [2, 1] {
        let err = a
            .sign_encounter(
                e,
                &wrong,
                SignatureMeaning::Authorship,
                at("2026-12-03T10:00:00Z"),
            )
            .unwrap_err();
        assert!(
            matches!(err, ReplicaError::Signature(SignatureError::WrongPassword)),
            "{err}"
        );
        assert_eq!(a.signing_attempts_left(user).unwrap(), left);
    }
    let err = a
        .sign_encounter(
            e,
            &wrong,
            SignatureMeaning::Authorship,
            at("2026-12-03T10:00:00Z"),
        )
        .unwrap_err();
    assert!(matches!(err, ReplicaError::SigningBlocked), "{err}");
    assert_eq!(a.signing_attempts_left(user).unwrap(), 0);
    // Even the right password is refused now, and nothing was signed.
    let err = a
        .sign_encounter(
            e,
            &Password::new(PASSWORD),
            SignatureMeaning::Authorship,
            at("2026-12-03T10:00:00Z"),
        )
        .unwrap_err();
    assert!(matches!(err, ReplicaError::SigningBlocked), "{err}");
    assert!(a.locked_encounter(e).unwrap().is_none());
    let entries = a.audit_entries(0, 1000).unwrap();
    let details: Vec<&str> = entries
        .iter()
        .filter(|x| x.action == AuditAction::Signature)
        .map(|x| x.detail.as_str())
        .collect();
    assert_eq!(
        details,
        [
            "signature.wrong_password",
            "signature.wrong_password",
            "signature.wrong_password",
            "signature.blocked"
        ]
    );
    // The block holds across a restart, until cleared.
    drop(a);
    let mut a = Replica::open(dir.path()).unwrap();
    assert!(matches!(
        a.sign_encounter(
            e,
            &Password::new(PASSWORD),
            SignatureMeaning::Authorship,
            at("2026-12-03T10:00:00Z")
        )
        .unwrap_err(),
        ReplicaError::SigningBlocked
    ));
    a.clear_signing_block(user).unwrap();
    assert_eq!(a.signing_attempts_left(user).unwrap(), 3);
    a.sign_encounter(
        e,
        &Password::new(PASSWORD),
        SignatureMeaning::Authorship,
        at("2026-12-03T10:00:00Z"),
    )
    .unwrap();
}

#[test]
fn signatures_and_audit_rows_refuse_update_and_delete() {
    let (dir, mut a) = workstation("dr.osei");
    let e = encounter(&mut a);
    a.sign_encounter(
        e,
        &Password::new(PASSWORD),
        SignatureMeaning::Authorship,
        at("2026-12-03T10:00:00Z"),
    )
    .unwrap();
    let conn = raw(a.db_path());
    for sql in [
        "UPDATE signatures SET manifest = 'x'",
        "DELETE FROM signatures",
        "UPDATE audit_log SET actor = 'someone.else'",
        "DELETE FROM audit_log WHERE seq = 1",
    ] {
        let err = conn.execute(sql, []).unwrap_err().to_string();
        assert!(err.contains("append-only"), "{sql}: {err}");
    }
    drop(dir);
}

#[test]
fn reads_writes_and_sign_ins_are_chained_and_tampering_is_named_at_its_entry() {
    let (_d, mut a) = workstation("dr.osei");
    let e = encounter(&mut a);
    a.encounter(e).unwrap();
    let entries = a.audit_entries(0, 1000).unwrap();
    assert_eq!(entries[0].action, AuditAction::SignIn);
    assert_eq!(entries[0].user, "dr.osei");
    let last = entries.last().unwrap();
    assert_eq!(
        (last.action, last.detail.as_str()),
        (AuditAction::Read, "encounter.read")
    );
    assert_eq!(last.record_id.as_deref(), Some(e.to_string().as_str()));
    let n = entries.len() as u64;
    assert_eq!(a.verify_audit_chain().unwrap(), Ok(n));

    // Someone with the database key drops the triggers and edits entry 3.
    let conn = raw(a.db_path());
    conn.execute_batch("DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;")
        .unwrap();
    conn.execute(
        "UPDATE audit_log SET actor = 'someone.else' WHERE seq = 3",
        [],
    )
    .unwrap();
    let broken = a.verify_audit_chain().unwrap().unwrap_err();
    assert_eq!(broken.seq, 3, "{broken}");
    conn.execute(
        "UPDATE audit_log SET actor = ?1 WHERE seq = 3",
        [&entries[2].user],
    )
    .unwrap();
    assert_eq!(a.verify_audit_chain().unwrap(), Ok(n));
    // Deleting entry 5 is named at 5.
    conn.execute("DELETE FROM audit_log WHERE seq = 5", [])
        .unwrap();
    let broken = a.verify_audit_chain().unwrap().unwrap_err();
    assert_eq!(broken.seq, 5, "{broken}");
}

#[test]
fn a_signature_altered_by_one_byte_or_copied_onto_another_encounter_does_not_verify_here() {
    let (_dir, mut a) = workstation("dr.osei");
    let e = encounter(&mut a);
    let first = a.encounter(e).unwrap();
    let other = a
        .open_encounter(
            &NewEncounter {
                patient_id: first.patient_id,
                provider: "dr.osei".into(),
                date: "2026-12-04".into(),
                encounter_type: EncounterType::Operative,
                specialty: "surgery".into(),
                template: first.template.clone(),
                fields: BTreeMap::new(),
                notes: NoteTexts {
                    assessment: "Appendicitis".into(),
                    ..NoteTexts::default()
                },
            },
            "dr.osei",
        )
        .unwrap()
        .id;
    a.sign_encounter(
        e,
        &Password::new(PASSWORD),
        SignatureMeaning::Authorship,
        at("2026-12-03T10:00:00Z"),
    )
    .unwrap();
    assert_eq!(a.encounter_signatures(e).unwrap()[0].problem, None);

    // Someone with the database key bypasses the append-only triggers.
    let conn = raw(a.db_path());
    conn.execute_batch("DROP TRIGGER signatures_no_update;")
        .unwrap();
    conn.execute(
        "INSERT INTO signatures
           (signature_id, encounter_id, signer_id, signed_at, manifest, signature, made_here)
         SELECT signature_id || '-copy', ?1, signer_id, signed_at, manifest, signature, made_here
         FROM signatures WHERE encounter_id = ?2",
        [other.to_string(), e.to_string()],
    )
    .unwrap();
    let copied = a.encounter_signatures(other).unwrap();
    assert_eq!(copied.len(), 1);
    assert!(
        copied[0].problem.is_some(),
        "a signature copied onto another encounter (same content) verified: {copied:?}"
    );

    conn.execute(
        "UPDATE signatures SET manifest = replace(manifest, 'Dr. Ama Osei', 'Dr. Ama Osej')
         WHERE encounter_id = ?1",
        [e.to_string()],
    )
    .unwrap();
    let altered = a.encounter_signatures(e).unwrap();
    assert!(
        altered[0].problem.is_some(),
        "a manifest changed by one byte verified: {altered:?}"
    );
}
