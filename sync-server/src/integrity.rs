//! The integrity step of a sync round (`POST /v1/integrity`): signatures and audit
//! chains from a workstation.
//!
//! Each signature is checked before it is stored: the signer's role must permit the act
//! (sign, co-sign when a colleague signed first, amend when it carries a reason: the
//! domain's [`permits`]), its Ed25519 signature must verify against the
//! signer's public key (kept with the user, made when the password was set), and its
//! manifest against the server's own copy of the encounter — same encounter, signed
//! heads held, canonical content at those heads hashing to the signed hash. One that fails
//! is refused with the reason and logged; the others are stored.
//!
//! Audit entries continue the device's chain: the first new one must link to the last
//! held, and every later one to the one before (seq, previous hash, own hash). A break
//! refuses the request from that entry on, naming it. Entries already held are skipped;
//! entries starting beyond the held tail store nothing and the answer tells the device
//! where to resume. Each answer carries a checkpoint: the last entry held, signed with
//! the clinic's Ed25519 checkpoint key, so a chain later cut short on the workstation is
//! caught by its verify.

use crate::db::{Database, Device};
use crate::error::ServerError;
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use outpost_domain::audit::{verify_chain, AuditCheckpoint, AuditEntry};
use outpost_domain::document::{DocKind, Document};
use outpost_domain::ids::UserId;
use outpost_domain::protocol::integrity::{
    IntegrityRequest, IntegrityResponse, RefusedSignature, MAX_INTEGRITY_BATCH,
};
use outpost_domain::roles::{permits, Action, Role};
use outpost_domain::signature::{SignatureManifest, SignedManifest};
use outpost_domain::BrokenLink;
use ring::rand::SystemRandom;
use ring::signature::{Ed25519KeyPair, KeyPair};
use std::collections::HashMap;

/// Checks and stores what `device` sent; answers with the clinic's newer signatures.
#[tracing::instrument(skip_all, fields(device = %device.id))]
pub async fn exchange(
    db: &dyn Database,
    device: &Device,
    req: &IntegrityRequest,
) -> Result<IntegrityResponse, ServerError> {
    crate::push::check_protocol(req.protocol)?;
    if req.signatures.len() > MAX_INTEGRITY_BATCH || req.audit.len() > MAX_INTEGRITY_BATCH {
        return Err(ServerError::PayloadTooLarge(format!(
            "send at most {MAX_INTEGRITY_BATCH} signatures and {MAX_INTEGRITY_BATCH} audit \
             entries per request"
        )));
    }
    let mut refused = Vec::new();
    let mut accepted = Vec::new();
    let roles: HashMap<UserId, Role> = if req.signatures.is_empty() {
        HashMap::new()
    } else {
        db.list_users(device.clinic_id)
            .await?
            .into_iter()
            .map(|u| (u.id, u.role))
            .collect()
    };
    for signed in &req.signatures {
        match check_signature(db, device, &roles, signed).await? {
            Ok(manifest) => accepted.push((signed.clone(), manifest)),
            Err(reason) => {
                tracing::warn!(signature = %signed.id(), %reason, "signature refused");
                refused.push(RefusedSignature {
                    id: signed.id(),
                    reason,
                });
            }
        }
    }
    db.store_signatures(device.clinic_id, device.id, &accepted)
        .await?;

    let audit_held_through = append_audit(db, device, &req.audit).await?;
    let checkpoint = checkpoint(db, device).await?;

    let (signatures, signatures_cursor) = db
        .signatures_after(device.clinic_id, req.signatures_after, MAX_INTEGRITY_BATCH)
        .await?;
    Ok(IntegrityResponse {
        audit_held_through,
        refused_signatures: refused,
        more: signatures.len() == MAX_INTEGRITY_BATCH,
        signatures,
        signatures_cursor,
        checkpoint,
        restricted_patients: Some(db.restricted_patients(device.clinic_id).await?),
    })
}

/// The server's signed word on the last entry it holds of `device`'s chain.
async fn checkpoint(
    db: &dyn Database,
    device: &Device,
) -> Result<Option<AuditCheckpoint>, ServerError> {
    let Some((seq, hash)) = db.audit_tail(device.clinic_id, device.id).await? else {
        return Ok(None);
    };
    let rng = SystemRandom::new();
    let fresh = Ed25519KeyPair::generate_pkcs8(&rng).map_err(|_| ServerError::Randomness)?;
    let fresh_public = Ed25519KeyPair::from_pkcs8(fresh.as_ref())
        .map_err(|_| ServerError::Inconsistent("generated checkpoint key".into()))?
        .public_key()
        .as_ref()
        .to_vec();
    let (private, public) = db
        .checkpoint_key(device.clinic_id, (fresh.as_ref(), &fresh_public))
        .await?;
    let pair = Ed25519KeyPair::from_pkcs8(&private)
        .map_err(|_| ServerError::Inconsistent("stored checkpoint key".into()))?;
    let at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let bytes = AuditCheckpoint::signing_bytes(device.clinic_id, device.id, seq, &hash, &at);
    Ok(Some(AuditCheckpoint {
        clinic_id: device.clinic_id,
        device_id: device.id,
        seq,
        hash,
        at,
        public_key: B64.encode(public),
        signature: B64.encode(pair.sign(&bytes)),
    }))
}

/// The manifest a valid signature vouches for, or why it is not valid.
async fn check_signature(
    db: &dyn Database,
    device: &Device,
    roles: &HashMap<UserId, Role>,
    signed: &SignedManifest,
) -> Result<Result<SignatureManifest, String>, ServerError> {
    let manifest = match signed.parse() {
        Ok(m) => m,
        Err(e) => return Ok(Err(e.to_string())),
    };
    let Some(key) = db.public_key(device.clinic_id, manifest.signer_id).await? else {
        return Ok(Err(format!(
            "signer {} is not a user of this clinic with a signing key",
            manifest.signer_id
        )));
    };
    let Some(&role) = roles.get(&manifest.signer_id) else {
        return Ok(Err(format!(
            "signer {} is not a user of this clinic",
            manifest.signer_id
        )));
    };
    let action = if manifest.reason.is_some() {
        Action::Amend
    } else if db
        .signers_of(device.clinic_id, manifest.encounter_id)
        .await?
        .iter()
        .any(|s| *s != manifest.signer_id)
    {
        Action::CoSign
    } else {
        Action::Sign
    };
    if !permits(role, DocKind::Encounter, action) {
        return Ok(Err(format!(
            "the signer is a {role}, and a {role} may not {action} encounters"
        )));
    }
    let Some((kind, bytes)) = db.document(device.clinic_id, manifest.encounter_id).await? else {
        return Ok(Err(format!(
            "the server holds no encounter {}; push its changes first",
            manifest.encounter_id
        )));
    };
    let doc = Document::load(manifest.encounter_id, kind, &bytes)
        .map_err(|e| ServerError::Inconsistent(format!("stored document: {e}")))?;
    Ok(signed
        .verify(&key, &doc)
        .map(|(m, _)| m)
        .map_err(|e| e.to_string()))
}

/// Appends the entries that continue `device`'s chain; returns the seq now held.
async fn append_audit(
    db: &dyn Database,
    device: &Device,
    entries: &[AuditEntry],
) -> Result<u64, ServerError> {
    let tail = db.audit_tail(device.clinic_id, device.id).await?;
    let held = tail.as_ref().map_or(0, |(s, _)| *s);
    let fresh: Vec<AuditEntry> = entries.iter().filter(|e| e.seq > held).cloned().collect();
    for e in &fresh {
        check_entry_fields(e)?;
    }
    match fresh.first() {
        None => return Ok(held),
        Some(first) if first.seq != held + 1 => return Ok(held),
        Some(_) => {}
    }
    let after = tail.as_ref().map(|(s, h)| (*s, h.as_str()));
    if let Err(broken) = verify_chain(after, &fresh) {
        tracing::warn!(seq = broken.seq, "audit chain broken; entries refused");
        // The entries before the break are sound: keep them.
        let sound: Vec<AuditEntry> = fresh
            .iter()
            .filter(|e| e.seq < broken.seq)
            .cloned()
            .collect();
        db.append_audit(device.clinic_id, device.id, &sound).await?;
        return Err(ServerError::AuditChainBroken(broken));
    }
    db.append_audit(device.clinic_id, device.id, &fresh).await?;
    Ok(fresh.last().map_or(held, |e| e.seq))
}

/// Refuses an entry the admin listing could not read back: a time that is not RFC 3339,
/// or a reason that is empty or too long.
fn check_entry_fields(e: &AuditEntry) -> Result<(), ServerError> {
    if chrono::DateTime::parse_from_rfc3339(&e.at).is_err() {
        return Err(ServerError::invalid(
            "bad_audit_entry",
            format!("audit entry {}: its time is not RFC 3339", e.seq),
        ));
    }
    if e.reason.as_ref().is_some_and(|r| {
        r.trim().is_empty() || r.chars().count() > outpost_domain::audit::MAX_AUDIT_REASON_CHARS
    }) {
        return Err(ServerError::invalid(
            "bad_audit_entry",
            format!(
                "audit entry {}: a reason must be 1 to {} characters",
                e.seq,
                outpost_domain::audit::MAX_AUDIT_REASON_CHARS
            ),
        ));
    }
    Ok(())
}

/// Checks `device`'s stored chain from its first entry; names the first broken link.
/// `Ok(n)`: all `n` entries hold.
pub async fn verify_device_chain(
    db: &dyn Database,
    device: &Device,
) -> Result<Result<u64, BrokenLink>, ServerError> {
    let stored = db.audit_chain(device.clinic_id, device.id).await?;
    let mut entries = Vec::with_capacity(stored.len());
    for row in stored {
        match row {
            Ok(e) => entries.push(e),
            Err((seq, action)) => {
                if let Err(broken) = verify_chain(None, &entries) {
                    return Ok(Err(broken));
                }
                return Ok(Err(BrokenLink {
                    seq,
                    reason: format!(
                        "its action \"{action}\" is not one Outpost writes: the entry was edited"
                    ),
                }));
            }
        }
    }
    Ok(verify_chain(None, &entries).map(|()| entries.len() as u64))
}
