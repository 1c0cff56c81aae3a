//! Signatures made and checked on real encounter documents: round trip, every kind of
//! tampering refused, wrong passwords, the canonical content's stability, the locked view
//! and the locking rule after a concurrent offline edit.

use super::lock::{addenda, AddendumTiming, LaterSignature};
use super::*;
use crate::credentials::Password;
use crate::document::encounter::{EncounterRecord, NoteKind};
use crate::document::template::testing::{exchange, meta, published_intake, replica_copy};
use crate::document::template::TemplateRecord;
use crate::ids::ReplicaId;
use proptest::prelude::*;
use std::sync::OnceLock;

const PASSWORD: &str = "correct horse battery";

fn template() -> &'static TemplateRecord {
    static T: OnceLock<TemplateRecord> = OnceLock::new();
    T.get_or_init(published_intake)
}

fn encounter_doc(actor: ReplicaId) -> Document {
    let t = template();
    let input = crate::document::encounter::tests::new_encounter(t);
    let record = input.validate(DocId::new(), t).unwrap();
    let (doc, _) = Document::create(
        actor,
        record.id,
        DocKind::Encounter,
        &record,
        &meta("dr.osei", 1),
    )
    .unwrap();
    doc
}

fn edit_note(doc: &mut Document, actor: ReplicaId, author: &str, text: &str) {
    doc.edit::<EncounterRecord>(actor, &meta(author, 2), |r| {
        r.edit_note(NoteKind::Assessment, text)
    })
    .unwrap()
    .unwrap();
}

/// One key for the whole file: argon2id at OWASP's parameters is not free.
fn key_for(user: UserId) -> (NewSigningKey, SigningKey) {
    let new = generate(user, &Password::new(PASSWORD)).unwrap();
    let open = new
        .wrapped
        .unwrap_key(user, &Password::new(PASSWORD))
        .unwrap();
    (new, open)
}

fn signer() -> &'static (UserId, Vec<u8>, WrappedSigningKey, SigningKey) {
    static S: OnceLock<(UserId, Vec<u8>, WrappedSigningKey, SigningKey)> = OnceLock::new();
    S.get_or_init(|| {
        let user = UserId::new();
        let (new, open) = key_for(user);
        (user, new.public_key, new.wrapped, open)
    })
}

fn now() -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339("2026-12-03T09:15:00.123+02:00").unwrap()
}

fn sign(doc: &Document, meaning: SignatureMeaning) -> SignedManifest {
    let (user, _, _, key) = signer();
    let record: EncounterRecord = doc.read().unwrap();
    SignatureManifest::for_record(
        &record,
        doc.heads(),
        *user,
        "Dr. Ama Osei",
        now(),
        meaning,
        None,
    )
    .unwrap()
    .sign(key)
    .unwrap()
}

#[test]
fn a_signature_verifies_against_the_signed_document_and_says_what_was_signed() {
    let doc = encounter_doc(ReplicaId::new());
    let signed = sign(&doc, SignatureMeaning::Authorship);
    let (_, public, _, _) = signer();
    let (manifest, record) = signed.verify(public, &doc).unwrap();
    assert_eq!(manifest.encounter_id, doc.id);
    assert_eq!(manifest.heads, doc.heads());
    assert_eq!(manifest.printed_name, "Dr. Ama Osei");
    assert_eq!(manifest.meaning, SignatureMeaning::Authorship);
    assert_eq!(manifest.signed_at.offset().local_minus_utc(), 7200);
    assert_eq!(manifest.content_sha256, content_sha256(&record));
    assert_eq!(signed.parse().unwrap(), manifest);
    assert!(signed
        .manifest
        .contains("\"signed_at\":\"2026-12-03T09:15:00.123+02:00\""));
}

#[test]
fn changing_any_byte_of_the_manifest_or_signature_is_refused() {
    let doc = encounter_doc(ReplicaId::new());
    let signed = sign(&doc, SignatureMeaning::Authorship);
    let (_, public, _, _) = signer();
    let bytes = signed.manifest.as_bytes();
    for i in (0..bytes.len()).step_by(7) {
        let mut changed = bytes.to_vec();
        changed[i] ^= 0x01;
        let Ok(manifest) = String::from_utf8(changed) else {
            continue;
        };
        let forged = SignedManifest {
            manifest,
            signature: signed.signature.clone(),
        };
        assert!(
            forged.verify(public, &doc).is_err(),
            "byte {i} changed and still verified"
        );
    }
    let mut sig = B64.decode(&signed.signature).unwrap();
    sig[10] ^= 0x80;
    let forged = SignedManifest {
        manifest: signed.manifest.clone(),
        signature: B64.encode(sig),
    };
    assert_eq!(
        forged.verify(public, &doc).unwrap_err(),
        SignatureError::BadSignature
    );
}

#[test]
fn a_signature_copied_onto_another_encounter_is_refused() {
    let actor = ReplicaId::new();
    let doc = encounter_doc(actor);
    let other = encounter_doc(actor);
    let signed = sign(&doc, SignatureMeaning::Authorship);
    let (_, public, _, _) = signer();
    assert!(matches!(
        signed.verify(public, &other).unwrap_err(),
        SignatureError::OtherRecord { .. }
    ));
}

#[test]
fn another_users_key_does_not_verify_and_content_not_as_signed_is_refused() {
    let doc = encounter_doc(ReplicaId::new());
    let signed = sign(&doc, SignatureMeaning::Review);
    let (other_new, _) = key_for(UserId::new());
    assert_eq!(
        signed.verify(&other_new.public_key, &doc).unwrap_err(),
        SignatureError::BadSignature
    );
    // A manifest whose content hash is not the content at its heads.
    let (user, public, _, key) = signer();
    let mut record: EncounterRecord = doc.read().unwrap();
    record.notes.assessment.set("something never written");
    let lying = SignatureManifest::for_record(
        &record,
        doc.heads(),
        *user,
        "Dr. Ama Osei",
        now(),
        SignatureMeaning::Authorship,
        None,
    )
    .unwrap()
    .sign(key)
    .unwrap();
    assert!(matches!(
        lying.verify(public, &doc).unwrap_err(),
        SignatureError::ContentMismatch { .. }
    ));
}

#[test]
fn a_wrong_password_or_another_users_id_cannot_unwrap_the_key() {
    let (user, _, wrapped, _) = signer();
    assert_eq!(
        wrapped
            .unwrap_key(*user, &Password::new("correct horse batterz"))
            .unwrap_err(),
        SignatureError::WrongPassword
    );
    assert_eq!(
        wrapped
            .unwrap_key(UserId::new(), &Password::new(PASSWORD))
            .unwrap_err(),
        SignatureError::WrongPassword
    );
    let stored = WrappedSigningKey::from_json(&wrapped.to_json()).unwrap();
    assert_eq!(&stored, wrapped);
    assert!(!format!("{wrapped:?}").contains(&wrapped.sealed));
    let weak = WrappedSigningKey {
        m_kib: 1024,
        ..wrapped.clone()
    };
    assert!(matches!(
        weak.unwrap_key(*user, &Password::new(PASSWORD))
            .unwrap_err(),
        SignatureError::BadKey(_)
    ));
}

#[test]
fn the_canonical_content_is_the_documented_bytes() {
    let t = template();
    let mut record = crate::document::encounter::tests::new_encounter(t)
        .validate(DocId(uuid::Uuid::nil()), t)
        .unwrap();
    record.patient_id = DocId(uuid::Uuid::nil());
    record.template.template_id = DocId(uuid::Uuid::nil());
    record.template.content_hash = "abc".into();
    let text = String::from_utf8(canonical::CanonicalEncounter::of(&record).bytes()).unwrap();
    let nil = "00000000-0000-0000-0000-000000000000";
    assert_eq!(
        text,
        format!(
            "{{\"format\":\"outpost.encounter.v1\",\"id\":\"{nil}\",\"patient_id\":\"{nil}\",\
             \"provider\":\"dr.osei\",\"date\":\"2026-11-22\",\"encounter_type\":\"new_patient\",\
             \"specialty\":\"cardiology\",\"template\":{{\"template_id\":\"{nil}\",\"version\":1,\
             \"content_hash\":\"abc\"}},\"fields\":{{\"bp_sys\":142.0,\"rhythm\":\"sinus\"}},\
             \"notes\":{{\"chief_complaint\":\"Chest tightness on exertion\",\"history\":\"\",\
             \"assessment\":\"\",\"plan\":\"\"}}}}"
        )
    );
}

#[test]
fn the_locked_view_is_the_signed_version_and_later_changes_are_addenda() {
    let a = ReplicaId::new();
    let b = ReplicaId::new();
    let mut doc_a = encounter_doc(a);
    let mut doc_b = replica_copy(&doc_a);
    edit_note(&mut doc_a, a, "dr.osei", "Stable angina");
    let signed = sign(&doc_a, SignatureMeaning::Authorship);
    let manifest = signed.parse().unwrap();
    // B has not seen the signature (it lives outside the CRDT) nor A's edit.
    edit_note(&mut doc_b, b, "dr.mensah", "Possible reflux");
    exchange(&mut doc_a, &mut doc_b);
    let (_, public, _, _) = signer();
    for doc in [&doc_a, &doc_b] {
        let (_, locked) = signed.verify(public, doc).unwrap();
        assert_eq!(locked.notes.assessment.as_str(), "Stable angina");
        let current: EncounterRecord = doc.read().unwrap();
        assert_ne!(current.notes.assessment.as_str(), "Stable angina");
        let list = addenda(&doc.change_graph(), &manifest.heads, &[]);
        assert_eq!(list.len(), 1, "{list:?}");
        assert_eq!(list[0].author.as_deref(), Some("dr.mensah"));
        assert_eq!(list[0].replica_id, Some(b));
        assert_eq!(list[0].timing, AddendumTiming::ConcurrentWithSignature);
        assert!(!list[0].signed);
    }
    // An amendment on top of the merged version, signed with a reason: it is the one
    // change after the signature; B's stays concurrent, and both are now signed.
    edit_note(&mut doc_a, a, "dr.osei", "Stable angina; reflux ruled out");
    let unsigned = addenda(&doc_a.change_graph(), &manifest.heads, &[]);
    assert!(unsigned
        .iter()
        .all(|x| x.timing == AddendumTiming::ConcurrentWithSignature && !x.signed));
    let amendment = LaterSignature {
        heads: doc_a.heads(),
        amendment: true,
    };
    let list = addenda(&doc_a.change_graph(), &manifest.heads, &[amendment]);
    assert_eq!(
        list.iter().map(|x| x.timing).collect::<Vec<_>>(),
        [
            AddendumTiming::ConcurrentWithSignature,
            AddendumTiming::AfterSignature
        ]
    );
    assert!(list.iter().all(|x| x.signed));
    // A plain later signature (no reason) signs addenda without making them amendments.
    let cosign = LaterSignature {
        heads: doc_a.heads(),
        amendment: false,
    };
    let list = addenda(&doc_a.change_graph(), &manifest.heads, &[cosign]);
    assert!(list
        .iter()
        .all(|x| x.timing == AddendumTiming::ConcurrentWithSignature && x.signed));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Two replicas holding the same changes, received in either order, compute the same
    /// content hash; any edit of a note changes it.
    #[test]
    fn the_content_hash_depends_only_on_the_content(
        first in "[a-zA-Z °ü]{0,40}",
        second in "[a-zA-Z °ü]{0,40}",
    ) {
        let a = ReplicaId::new();
        let b = ReplicaId::new();
        let mut doc_a = encounter_doc(a);
        let mut doc_b = replica_copy(&doc_a);
        let before = content_sha256(&doc_a.read().unwrap());
        if !first.is_empty() { edit_note(&mut doc_a, a, "dr.osei", &first); }
        if !second.is_empty() {
            doc_b.edit::<EncounterRecord>(b, &meta("dr.mensah", 3), |r| r.edit_note(NoteKind::Plan, &second)).unwrap();
        }
        exchange(&mut doc_a, &mut doc_b);
        let ha = content_sha256(&doc_a.read().unwrap());
        let hb = content_sha256(&doc_b.read().unwrap());
        prop_assert_eq!(&ha, &hb);
        prop_assert_eq!(ha == before, first.is_empty() && second.is_empty());
    }
}
