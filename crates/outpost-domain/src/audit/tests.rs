//! The chain: built entries verify; editing, deleting, reordering or inserting one is
//! named at its position; a stretch verifies against the entry before it.

use super::*;
use proptest::prelude::*;

fn chain(n: u64) -> Vec<AuditEntry> {
    let mut out: Vec<AuditEntry> = Vec::new();
    for i in 0..n {
        let prev = out.last().map(|e| (e.seq, e.hash.as_str()));
        let action = AuditAction::ALL[(i as usize) % AuditAction::ALL.len()];
        out.push(AuditEntry::next(
            prev,
            format!("2026-12-03T09:{:02}:00.000Z", i % 60),
            "dr.osei".into(),
            action,
            "encounter.read".into(),
            Some(format!("0190f000-0000-7000-8000-{i:012}")),
        ));
    }
    out
}

#[test]
fn a_built_chain_verifies_whole_and_in_stretches() {
    let c = chain(10);
    assert_eq!(c[0].prev_hash, GENESIS);
    assert_eq!(c[0].seq, 1);
    verify_chain(None, &c).unwrap();
    verify_chain(Some((c[3].seq, &c[3].hash)), &c[4..]).unwrap();
    assert_eq!(
        verify_chain(Some((c[2].seq, &c[2].hash)), &c[4..])
            .unwrap_err()
            .seq,
        4
    );
}

#[test]
fn the_hash_is_the_documented_canonical_form() {
    let e = AuditEntry::next(
        None,
        "2026-12-03T09:00:00.000Z".into(),
        "dr.osei".into(),
        AuditAction::Read,
        "encounter.read".into(),
        None,
    );
    let bytes = format!(
        "outpost.audit.v1\n{{\"seq\":1,\"at\":\"2026-12-03T09:00:00.000Z\",\"user\":\"dr.osei\",\
         \"action\":\"read\",\"detail\":\"encounter.read\",\"record_id\":null,\"prev_hash\":\"{GENESIS}\"}}"
    );
    assert_eq!(
        e.hash,
        hex::encode(ring::digest::digest(
            &ring::digest::SHA256,
            bytes.as_bytes()
        ))
    );
}

#[test]
fn a_reason_is_hashed_after_the_other_fields_and_an_edited_reason_is_named() {
    let e = AuditEntry::next(
        None,
        "2026-12-03T09:00:00.000Z".into(),
        "dr.osei".into(),
        AuditAction::BreakTheGlass,
        "patient.break_the_glass".into(),
        None,
    )
    .with_reason("unconscious in the emergency room".into());
    let bytes = format!(
        "outpost.audit.v1\n{{\"seq\":1,\"at\":\"2026-12-03T09:00:00.000Z\",\"user\":\"dr.osei\",\
         \"action\":\"break_the_glass\",\"detail\":\"patient.break_the_glass\",\"record_id\":null,\
         \"prev_hash\":\"{GENESIS}\",\"reason\":\"unconscious in the emergency room\"}}"
    );
    assert_eq!(
        e.hash,
        hex::encode(ring::digest::digest(
            &ring::digest::SHA256,
            bytes.as_bytes()
        ))
    );
    let mut c = vec![e];
    assert!(verify_chain(None, &c).is_ok());
    c[0].reason = Some("curiosity".into());
    assert_eq!(verify_chain(None, &c).unwrap_err().seq, 1);
    c[0].reason = None;
    assert_eq!(verify_chain(None, &c).unwrap_err().seq, 1);
}

#[test]
fn an_edited_entry_is_named() {
    let mut c = chain(6);
    c[3].user = "someone.else".into();
    let err = verify_chain(None, &c).unwrap_err();
    assert_eq!(err.seq, 4);
    assert!(err.reason.contains("edited"), "{err}");
}

#[test]
fn an_edited_entry_rehashed_breaks_the_next_link() {
    let mut c = chain(6);
    c[3].action = AuditAction::Export;
    c[3].hash = c[3].expected_hash();
    let err = verify_chain(None, &c).unwrap_err();
    assert_eq!(err.seq, 5);
    assert!(err.reason.contains("previous-hash"), "{err}");
}

proptest! {
    /// Deleting or swapping any entries is detected at the first position they affect.
    #[test]
    fn deleting_or_reordering_is_detected_where_it_happened(n in 2u64..30, i in 0usize..30, j in 0usize..30, delete in any::<bool>()) {
        let mut c = chain(n);
        let i = i % c.len();
        let j = j % c.len();
        if delete {
            c.remove(i);
            // Removing the last entry is a truncation: only a checkpoint reveals it.
            prop_assume!(i < c.len());
            prop_assert_eq!(verify_chain(None, &c).unwrap_err().seq, i as u64 + 1);
        } else {
            prop_assume!(i != j);
            c.swap(i, j);
            prop_assert_eq!(verify_chain(None, &c).unwrap_err().seq, i.min(j) as u64 + 1);
        }
    }
}

fn checkpoint_of(entries: &[AuditEntry], at: usize) -> (AuditCheckpoint, String) {
    use base64::Engine as _;
    use ring::signature::{Ed25519KeyPair, KeyPair};
    let rng = ring::rand::SystemRandom::new();
    let pair =
        Ed25519KeyPair::from_pkcs8(Ed25519KeyPair::generate_pkcs8(&rng).unwrap().as_ref()).unwrap();
    let public = base64::engine::general_purpose::STANDARD.encode(pair.public_key().as_ref());
    let (clinic, device) = (crate::ids::ClinicId::new(), crate::ids::DeviceId::new());
    let e = &entries[at];
    let at_text = "2026-12-03T10:00:00Z";
    let bytes = AuditCheckpoint::signing_bytes(clinic, device, e.seq, &e.hash, at_text);
    let cp = AuditCheckpoint {
        clinic_id: clinic,
        device_id: device,
        seq: e.seq,
        hash: e.hash.clone(),
        at: at_text.into(),
        public_key: public.clone(),
        signature: base64::engine::general_purpose::STANDARD.encode(pair.sign(&bytes)),
    };
    (cp, public)
}

#[test]
fn a_checkpoint_reveals_a_cut_off_tail_that_the_links_cannot() {
    let c = chain(8);
    let (cp, public) = checkpoint_of(&c, 5);
    assert!(cp.signed_by(&public));
    cp.check(&c).unwrap();
    // Cutting off entries 6..8 leaves every remaining link intact...
    let cut = &c[..5];
    verify_chain(None, cut).unwrap();
    // ...but not the checkpoint at entry 6.
    let err = cp.check(cut).unwrap_err();
    assert_eq!(err.seq, 6);
    assert!(err.reason.contains("cut off"), "{err}");
    // A forged checkpoint (other seq) does not verify.
    let forged = AuditCheckpoint {
        seq: 3,
        ..cp.clone()
    };
    assert!(!forged.signed_by(&public));
}
