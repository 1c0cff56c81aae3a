//! Issue 7's acceptance on real workstations and a real server over HTTP: an encounter
//! signed on workstation A while workstation B, offline and without the signature, edits
//! its assessment; after both sync (either one first) A, B and the server hold the same
//! signature over the same content hash, and B's edit is an addendum by B flagged
//! concurrent with signature. A chart opened offline leaves a read event that reaches the
//! server's copy of A's audit chain.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use crate::common;
use crate::server;
use crate::staff;

use common::{new_patient, operative_template};
use outpost_replica::outpost_domain::credentials::Password;
use outpost_replica::outpost_domain::document::encounter::{
    EncounterType, NewEncounter, NoteKind, NoteTexts,
};
use outpost_replica::outpost_domain::document::Document;
use outpost_replica::outpost_domain::ids::DocId;
use outpost_replica::outpost_domain::signature::lock::AddendumTiming;
use outpost_replica::outpost_domain::signature::{SignatureMeaning, SignedManifest};
use outpost_replica::Replica;
use outpost_sync_server::Database;
use server::{TestServer, PASSWORD};
use staff::{clinic, sync_round, workstation};
use std::collections::BTreeMap;

/// A published template, a patient and an encounter charted on it, made on `r`.
fn chart(r: &mut Replica) -> DocId {
    let t = operative_template(r);
    let p = r
        .register_patient(&new_patient("Amara Okafor", "MRN-1"), "dr.osei")
        .unwrap();
    r.open_encounter(
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
    .unwrap()
    .id
}

async fn signed_while_the_other_edits_offline(b_syncs_first: bool) {
    let s = TestServer::start().await;
    let clinic = clinic(&s).await;
    let (_da, a) = workstation(&s, clinic, "dr.osei").await;
    let (_db, b) = workstation(&s, clinic, "dr.mensah").await;
    let e = chart(&mut a.lock().unwrap());
    sync_round(&a).await;
    sync_round(&b).await;

    // Both offline: A signs, B edits the assessment without having seen the signature.
    let signed = a
        .lock()
        .unwrap()
        .sign_encounter(
            e,
            &Password::new(PASSWORD),
            SignatureMeaning::Authorship,
            chrono::DateTime::parse_from_rfc3339("2026-12-03T10:00:00+01:00").unwrap(),
        )
        .unwrap();
    b.lock()
        .unwrap()
        .edit_encounter_note(
            e,
            NoteKind::Assessment,
            "Appendicitis, perforated",
            "dr.mensah",
        )
        .unwrap();
    // Opening the chart offline on A is audited.
    a.lock().unwrap().encounter(e).unwrap();

    if b_syncs_first {
        sync_round(&b).await;
        sync_round(&a).await;
    } else {
        sync_round(&a).await;
        sync_round(&b).await;
    }
    // One more round each, so each has what the other sent last.
    sync_round(&a).await;
    sync_round(&b).await;

    // Before anything else is read: A's offline read of the chart is in the server's copy of A's chain, which verifies.
    let reads: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_entries WHERE clinic_id = $1 AND action = 'read' AND record_id = $2",
    )
    .bind(clinic.0)
    .bind(e.to_string())
    .fetch_one(s.db.pool())
    .await
    .unwrap();
    assert!(reads >= 1, "no read event reached the server");
    let held: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_entries WHERE clinic_id = $1")
        .bind(clinic.0)
        .fetch_one(s.db.pool())
        .await
        .unwrap();
    let a_entries = a.lock().unwrap().audit_entries(0, 100_000).unwrap().len();
    let b_entries = b.lock().unwrap().audit_entries(0, 100_000).unwrap().len();
    assert_eq!(
        held as usize,
        a_entries + b_entries,
        "every entry of both chains reached the server"
    );
    for device in s.db.list_devices(clinic).await.unwrap() {
        let chain = outpost_sync_server::integrity::verify_device_chain(&s.db, &device)
            .await
            .unwrap();
        assert!(chain.is_ok(), "{chain:?}");
    }

    for r in [&a, &b] {
        let r = r.lock().unwrap();
        let locked = r.locked_encounter(e).unwrap().expect("signed on both");
        assert_eq!(locked.signed.notes.assessment, "Appendicitis");
        assert_eq!(locked.current.notes.assessment, "Appendicitis, perforated");
        assert_eq!(locked.signatures.len(), 1);
        assert_eq!(locked.signatures[0].problem, None);
        assert_eq!(locked.signatures[0].manifest, signed.manifest);
        assert_eq!(locked.addenda.len(), 1, "{:?}", locked.addenda);
        assert_eq!(locked.addenda[0].author.as_deref(), Some("dr.mensah"));
        assert_eq!(
            locked.addenda[0].timing,
            AddendumTiming::ConcurrentWithSignature
        );
    }

    // The server holds the same signature and its copy of the encounter hashes the same.
    let stored: Vec<(String, String)> =
        sqlx::query_as("SELECT manifest, signature FROM signatures WHERE clinic_id = $1")
            .bind(clinic.0)
            .fetch_all(s.db.pool())
            .await
            .unwrap();
    assert_eq!(stored.len(), 1);
    let on_server = SignedManifest {
        manifest: stored[0].0.clone(),
        signature: stored[0].1.clone(),
    };
    let key =
        s.db.public_key(clinic, signed.manifest.signer_id)
            .await
            .unwrap()
            .unwrap();
    let (kind, bytes) = s.db.document(clinic, e).await.unwrap().unwrap();
    let doc = Document::load(e, kind, &bytes).unwrap();
    let (manifest, _) = on_server.verify(&key, &doc).unwrap();
    assert_eq!(manifest.content_sha256, signed.manifest.content_sha256);

    // Cutting off the tail of A's chain leaves every remaining link intact, but the
    // checkpoint the server signed names where the chain must still reach.
    let a = a.into_inner().unwrap();
    let checkpoint = a.audit_checkpoint().unwrap().expect("a signed checkpoint");
    assert_eq!(a.verify_audit_chain().unwrap().map(|_| ()), Ok(()));
    let conn = common::raw(a.db_path());
    conn.execute_batch("DROP TRIGGER audit_log_no_delete;")
        .unwrap();
    conn.execute(
        "DELETE FROM audit_log WHERE seq >= ?1",
        [i64::try_from(checkpoint.seq).unwrap()],
    )
    .unwrap();
    let broken = a.verify_audit_chain().unwrap().unwrap_err();
    assert_eq!(broken.seq, checkpoint.seq, "{broken}");
    assert!(broken.reason.contains("cut off"), "{broken}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signature_and_a_concurrent_offline_edit_agree_on_both_workstations_and_the_server() {
    signed_while_the_other_edits_offline(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_when_the_concurrent_edit_reaches_the_server_first() {
    signed_while_the_other_edits_offline(true).await;
}
