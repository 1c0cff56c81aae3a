//! Signatures and audit chains against real Postgres: a signature is stored only when it
//! verifies against the signer's public key and the server's own copy of the encounter
//! (a changed byte or a signature copied onto another encounter is refused), other
//! devices of the clinic receive it; audit entries are stored only when each links to the
//! one before (an edited or reordered entry is refused at its seq); and the server's
//! database role can neither UPDATE, DELETE nor TRUNCATE signatures or audit rows.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use axum::http::StatusCode;
use common::records::Desk;
use common::{Device, Server};
use outpost_domain::audit::{AuditAction, AuditEntry};
use outpost_domain::credentials::Password;
use outpost_domain::document::encounter::EncounterRecord;
use outpost_domain::document::Document;
use outpost_domain::ids::UserId;
use outpost_domain::protocol::integrity::{IntegrityRequest, IntegrityResponse};
use outpost_domain::protocol::WireChange;
use outpost_domain::signature::{self, SignatureManifest, SignatureMeaning, SignedManifest};
use outpost_sync_server::integrity::verify_device_chain;
use serde_json::Value;

const PASSWORD: &str = "correct horse battery staple";

async fn exchange(s: &Server, d: &Device, req: &IntegrityRequest) -> (StatusCode, Value) {
    s.integrity(d, req).await
}

async fn exchange_ok(s: &Server, d: &Device, req: &IntegrityRequest) -> IntegrityResponse {
    s.integrity_ok(d, req).await
}

async fn push_ok(s: &Server, d: &Device, changes: &[WireChange]) {
    let (status, body) = s.push(d, changes).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.get("quarantined").is_none(), "{body}");
}

async fn user_id(s: &Server, clinic: outpost_domain::ids::ClinicId, name: &str) -> UserId {
    UserId(
        sqlx::query_scalar("SELECT user_id FROM users WHERE clinic_id = $1 AND username = $2")
            .bind(clinic.0)
            .bind(name)
            .fetch_one(s.db.pool())
            .await
            .unwrap(),
    )
}

/// A clinic whose doctor has a signing key, two devices, and two encounters the server
/// holds; returns the doctor's unwrapped key with them.
struct Signed {
    s: Server,
    a: Device,
    b: Device,
    doctor: UserId,
    key: signature::SigningKey,
    encounters: [Document; 2],
}

async fn clinic_with_encounters() -> Signed {
    let s = Server::start().await;
    let clinic = s.clinic("Riverside Clinic").await;
    let (a, b) = (s.device(clinic).await, s.device(clinic).await);
    let doctor = user_id(&s, clinic, "dr.test").await;
    let new = signature::generate(doctor, &Password::new(PASSWORD)).unwrap();
    assert!(outpost_sync_server::db::Database::set_signing_key(
        &s.db,
        clinic,
        doctor,
        &new.public_key,
        &new.wrapped
    )
    .await
    .unwrap());
    let key = new
        .wrapped
        .unwrap_key(doctor, &Password::new(PASSWORD))
        .unwrap();
    let mut desk = Desk::new(a.replica);
    let (template, t) = desk.template("admin.test");
    let (patient, p) = desk.patient("nurse.test");
    let (e1, c1) = desk.encounter("dr.test", &template, patient.id);
    let (e2, c2) = desk.encounter("dr.test", &template, patient.id);
    push_ok(&s, &a, &[t, p, c1, c2]).await;
    Signed {
        s,
        a,
        b,
        doctor,
        key,
        encounters: [e1, e2],
    }
}

fn sign(c: &Signed, doc: &Document) -> SignedManifest {
    let record: EncounterRecord = doc.read().unwrap();
    SignatureManifest::for_record(
        &record,
        doc.heads(),
        c.doctor,
        "Dr. Test",
        chrono::DateTime::parse_from_rfc3339("2026-12-03T10:00:00+03:00").unwrap(),
        SignatureMeaning::Authorship,
        None,
    )
    .unwrap()
    .sign(&c.key)
    .unwrap()
}

#[tokio::test]
async fn a_valid_signature_is_stored_and_reaches_the_clinics_other_devices() {
    let c = clinic_with_encounters().await;
    let signed = sign(&c, &c.encounters[0]);
    let req = IntegrityRequest {
        signatures: vec![signed.clone()],
        ..Default::default()
    };
    let answer = exchange_ok(&c.s, &c.a, &req).await;
    assert!(answer.refused_signatures.is_empty(), "{answer:?}");
    // Sent again: stored once.
    exchange_ok(&c.s, &c.a, &req).await;
    let at_b = exchange_ok(&c.s, &c.b, &IntegrityRequest::default()).await;
    assert_eq!(at_b.signatures, [signed]);
    let again = exchange_ok(
        &c.s,
        &c.b,
        &IntegrityRequest {
            signatures_after: at_b.signatures_cursor,
            ..Default::default()
        },
    )
    .await;
    assert!(again.signatures.is_empty());
}

#[tokio::test]
async fn a_changed_byte_or_a_signature_copied_onto_another_encounter_is_refused() {
    let c = clinic_with_encounters().await;
    let signed = sign(&c, &c.encounters[0]);
    let other = c.encounters[1].id.to_string();
    let copied = SignedManifest {
        manifest: signed
            .manifest
            .replace(&c.encounters[0].id.to_string(), &other),
        signature: signed.signature.clone(),
    };
    let one_byte = SignedManifest {
        manifest: signed.manifest.replace("Dr. Test", "Dr. Tesu"),
        signature: signed.signature.clone(),
    };
    // A manifest signed honestly over content the encounter never had.
    let mut record: EncounterRecord = c.encounters[0].read().unwrap();
    record.notes.assessment.set("never charted");
    let lying = SignatureManifest::for_record(
        &record,
        c.encounters[0].heads(),
        c.doctor,
        "Dr. Test",
        chrono::DateTime::parse_from_rfc3339("2026-12-03T10:00:00Z").unwrap(),
        SignatureMeaning::Authorship,
        None,
    )
    .unwrap()
    .sign(&c.key)
    .unwrap();
    let answer = exchange_ok(
        &c.s,
        &c.a,
        &IntegrityRequest {
            signatures: vec![copied.clone(), one_byte.clone(), lying.clone()],
            ..Default::default()
        },
    )
    .await;
    let refused: Vec<(&str, &str)> = answer
        .refused_signatures
        .iter()
        .map(|r| (r.id.as_str(), r.reason.as_str()))
        .collect();
    assert_eq!(refused.len(), 3, "{refused:?}");
    assert_eq!(refused[0].0, copied.id());
    assert!(
        refused[0].1.contains("signature does not match"),
        "{}",
        refused[0].1
    );
    assert!(
        refused[1].1.contains("signature does not match"),
        "{}",
        refused[1].1
    );
    assert!(refused[2].1.contains("content hash"), "{}", refused[2].1);
    let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM signatures")
        .fetch_one(c.s.db.pool())
        .await
        .unwrap();
    assert_eq!(stored, 0);
}

fn chain(n: u64) -> Vec<AuditEntry> {
    let mut out: Vec<AuditEntry> = Vec::new();
    for i in 0..n {
        let prev = out.last().map(|e| (e.seq, e.hash.as_str()));
        out.push(AuditEntry::next(
            prev,
            format!("2026-12-03T09:00:{:02}.000000000Z", i % 60),
            "dr.test".into(),
            if i % 2 == 0 {
                AuditAction::Read
            } else {
                AuditAction::Write
            },
            "encounter.read".into(),
            None,
        ));
    }
    out
}

#[tokio::test]
async fn audit_entries_are_stored_link_by_link_and_a_broken_link_is_refused_at_its_seq() {
    let c = clinic_with_encounters().await;
    let entries = chain(10);
    let answer = exchange_ok(
        &c.s,
        &c.a,
        &IntegrityRequest {
            audit: entries[..5].to_vec(),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(answer.audit_held_through, 5);
    let cp = answer
        .checkpoint
        .expect("a checkpoint once entries are held");
    assert_eq!(
        (cp.seq, cp.hash.as_str(), cp.device_id),
        (5, entries[4].hash.as_str(), c.a.id)
    );
    assert!(cp.signed_by(&cp.public_key));
    cp.check(&entries[..5]).unwrap();
    assert_eq!(cp.check(&entries[..4]).unwrap_err().seq, 5);
    // Resending overlapping entries stores only the new ones.
    let answer = exchange_ok(
        &c.s,
        &c.a,
        &IntegrityRequest {
            audit: entries[3..6].to_vec(),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(answer.audit_held_through, 6);
    // Entry 8 edited: 7 is kept, the request is refused naming 8.
    let mut tampered = entries[6..].to_vec();
    tampered[1].user = "someone.else".into();
    let (status, body) = exchange(
        &c.s,
        &c.a,
        &IntegrityRequest {
            audit: tampered,
            ..Default::default()
        },
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["code"], "audit_chain_broken");
    assert!(
        body["message"].as_str().unwrap().contains("entry 8"),
        "{body}"
    );
    // Reordered: 9 before 8.
    let reordered = vec![entries[8].clone(), entries[7].clone()];
    let (status, body) = exchange(
        &c.s,
        &c.a,
        &IntegrityRequest {
            audit: reordered,
            ..Default::default()
        },
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["audit_held_through"], 7, "a gap stores nothing");
    let answer = exchange_ok(
        &c.s,
        &c.a,
        &IntegrityRequest {
            audit: entries[7..].to_vec(),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(answer.audit_held_through, 10);
    let last = answer.checkpoint.unwrap();
    assert_eq!(last.seq, 10);
    assert_eq!(last.public_key, cp.public_key, "one key per clinic");
    // The other device's chain is its own.
    let other = exchange_ok(&c.s, &c.b, &IntegrityRequest::default()).await;
    assert_eq!(other.audit_held_through, 0);
    assert!(other.checkpoint.is_none());

    let device = device_of(&c.s, &c.a).await;
    assert_eq!(verify_device_chain(&c.s.db, &device).await.unwrap(), Ok(10));
    let verify = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_outpost-server"))
            .args(["audit", "verify", "--clinic", &c.a.clinic.to_string()])
            .args(["--device", &c.a.id.to_string()])
            .env("OUTPOST_DATABASE_URL", c.s.pg.url())
            .env("RUST_LOG", "warn")
            .output()
            .unwrap()
    };
    let out = verify();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("holds: 10 entries"));
    // An operator with the power to disable triggers edits entry 4: verify names it.
    sqlx::raw_sql(
        "ALTER TABLE audit_entries DISABLE TRIGGER audit_entries_append_only; \
         UPDATE audit_entries SET detail = 'patient.read' WHERE seq = 4; \
         ALTER TABLE audit_entries ENABLE TRIGGER audit_entries_append_only;",
    )
    .execute(c.s.db.pool())
    .await
    .unwrap();
    let broken = verify_device_chain(&c.s.db, &device)
        .await
        .unwrap()
        .unwrap_err();
    assert_eq!(broken.seq, 4, "{broken}");
    let out = verify();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("broken at entry 4"), "{err}");
}

async fn device_of(s: &Server, d: &Device) -> outpost_sync_server::db::Device {
    outpost_sync_server::db::Database::list_devices(&s.db, d.clinic)
        .await
        .unwrap()
        .into_iter()
        .find(|x| x.id == d.id)
        .unwrap()
}

#[tokio::test]
async fn the_servers_database_role_cannot_update_delete_or_truncate_audit_rows_or_signatures() {
    let c = clinic_with_encounters().await;
    exchange_ok(
        &c.s,
        &c.a,
        &IntegrityRequest {
            audit: chain(3),
            signatures: vec![sign(&c, &c.encounters[0])],
            ..Default::default()
        },
    )
    .await;
    for sql in [
        "UPDATE audit_entries SET user_name = 'someone.else' WHERE seq = 2",
        "DELETE FROM audit_entries WHERE seq = 3",
        "TRUNCATE audit_entries",
        "UPDATE signatures SET manifest = '{}'",
        "DELETE FROM signatures",
        "TRUNCATE signatures",
    ] {
        let err = sqlx::query(sql)
            .execute(c.s.db.pool())
            .await
            .expect_err(sql)
            .to_string();
        assert!(err.contains("append-only"), "{sql}: {err}");
    }
    let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_entries")
        .fetch_one(c.s.db.pool())
        .await
        .unwrap();
    assert_eq!(rows, 3);
}

#[tokio::test]
async fn a_user_added_with_a_password_gets_a_signing_key_that_the_users_list_carries() {
    let s = Server::start().await;
    let clinic = s.clinic("Riverside Clinic").await;
    let d = s.device(clinic).await;
    let user = outpost_sync_server::users::add_user(
        &s.db,
        clinic,
        "dr.new",
        "Dr. New",
        outpost_domain::roles::Role::Surgeon,
        &Password::new(PASSWORD),
    )
    .await
    .unwrap();
    let (status, body) = s.call("GET", "/v1/users", Some(&d.token), None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let users: outpost_domain::protocol::users::UsersResponse =
        serde_json::from_value(body).unwrap();
    let listed = users.users.iter().find(|u| u.id == user.id).unwrap();
    let key = listed.signing_key.as_ref().expect("a signing key");
    let opened = key
        .wrapped
        .unwrap_key(user.id, &Password::new(PASSWORD))
        .unwrap();
    use base64::Engine as _;
    assert_eq!(
        base64::engine::general_purpose::STANDARD.encode(opened.public_key()),
        key.public_key
    );
    // Users made before signatures have none, and the list says nothing about it.
    let old = users
        .users
        .iter()
        .find(|u| u.username == "nurse.test")
        .unwrap();
    assert!(old.signing_key.is_none());
}
