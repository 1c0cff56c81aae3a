//! Signing encounters on this workstation (ARCHITECTURE §5, issue 7): the signed-in
//! physician types their password again, which unwraps their Ed25519 key; the manifest
//! covers the document's current heads and content and is stored append-only in
//! `signatures` (outside the CRDT), with an audit entry, in one transaction. Three wrong
//! signing passwords in a row block signing for that user here and go into the audit
//! chain, which the next sync carries to the server as the alert.
//!
//! A signed encounter is locked: ordinary edits are refused, the locked view shows the
//! version the first signature covers, every change outside it is an addendum
//! ([`outpost_domain::signature::lock`]), and an amendment is an edit made together with
//! a new signature that carries its reason.

use crate::audit::{self, Action as AuditDetail};
use crate::auth::users::{by_id, signing_key_of};
use crate::error::ReplicaError;
use crate::projection::{self, timestamp};
use crate::records::encounters::template_record;
use crate::replica::Replica;
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use chrono::{DateTime, FixedOffset, Utc};
use outpost_domain::audit::AuditAction;
use outpost_domain::credentials::Password;
use outpost_domain::document::encounter::{EncounterProjection, EncounterRecord, EncounterStatus};
use outpost_domain::document::template::TemplateRecord;
use outpost_domain::document::{DocKind, Document};
use outpost_domain::ids::{DocId, UserId};
use outpost_domain::protocol::users::SignedInUser;
use outpost_domain::roles::{permits, Action};
use outpost_domain::signature::lock::{addenda, Addendum, LaterSignature};
use outpost_domain::signature::{
    SignatureManifest, SignatureMeaning, SignedManifest, SigningKey, WrappedSigningKey,
};
use outpost_domain::{DomainError, SignatureError};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Wrong signing passwords in a row that block signing.
pub const SIGNING_ATTEMPTS: i64 = 3;

/// One stored signature as shown: its manifest and whether it holds here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct SignatureView {
    /// SHA-256 (hex) of the manifest as signed.
    pub id: String,
    pub manifest: SignatureManifest,
    /// `None` when the signature, its signer's key and the signed content all check out;
    /// otherwise why not.
    #[ts(optional)]
    pub problem: Option<String>,
}

/// A signed encounter as it must be shown: exactly the signed version, its signatures,
/// and every change outside it as an addendum.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct LockedEncounter {
    /// The encounter at the heads of its first signature.
    pub signed: EncounterProjection,
    /// Every signature, oldest first; the first is the one that locked it.
    pub signatures: Vec<SignatureView>,
    pub addenda: Vec<Addendum>,
    /// The encounter with addenda and amendments merged in.
    pub current: EncounterProjection,
}

/// The signatures stored for `encounter`, oldest first.
pub(crate) fn stored(
    conn: &Connection,
    encounter: DocId,
) -> Result<Vec<SignedManifest>, ReplicaError> {
    let mut stmt = conn.prepare(
        "SELECT manifest, signature FROM signatures WHERE encounter_id = ?1 ORDER BY seq",
    )?;
    let rows = stmt.query_map([encounter.to_string()], |r| {
        Ok(SignedManifest {
            manifest: r.get(0)?,
            signature: r.get(1)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Whether `encounter` has any signature here.
pub(crate) fn is_signed(conn: &Connection, encounter: DocId) -> Result<bool, ReplicaError> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM signatures WHERE encounter_id = ?1 LIMIT 1")?
        .query_row([encounter.to_string()], |_| Ok(()))
        .optional()?
        .is_some())
}

/// The status an encounter shows given its signatures here: signed once any signature
/// holds it, amended once an amendment (a signature with a reason) followed. The stored
/// projection keeps the document's own draft / in-progress status, since signatures live
/// outside the document.
pub(crate) fn show_signed_status(
    conn: &Connection,
    encounters: &mut [EncounterProjection],
) -> Result<(), ReplicaError> {
    if encounters.is_empty() {
        return Ok(());
    }
    let mut stmt = conn.prepare_cached(
        "SELECT count(*), coalesce(sum(json_extract(manifest, '$.reason') IS NOT NULL), 0)
         FROM signatures WHERE encounter_id = ?1",
    )?;
    for e in encounters {
        let (signatures, amendments): (i64, i64) =
            stmt.query_row([e.id.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))?;
        if amendments > 0 {
            e.status = EncounterStatus::Amended;
        } else if signatures > 0 {
            e.status = EncounterStatus::Signed;
        }
    }
    Ok(())
}

/// Stores one signature (`made_here` when signed on this workstation); a signature
/// already held is left as it is.
pub(crate) fn insert(
    conn: &Connection,
    signed: &SignedManifest,
    manifest: &SignatureManifest,
    made_here: bool,
) -> Result<bool, ReplicaError> {
    let n = conn.execute(
        "INSERT INTO signatures (signature_id, encounter_id, signer_id, signed_at, manifest,
                                 signature, made_here)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (signature_id) DO NOTHING",
        params![
            signed.id(),
            manifest.encounter_id.to_string(),
            manifest.signer_id.to_string(),
            manifest.signed_at.to_rfc3339(),
            signed.manifest,
            signed.signature,
            i64::from(made_here),
        ],
    )?;
    Ok(n == 1)
}

/// The public key (bytes) of `user` as cached here.
pub(crate) fn public_key_of(
    conn: &Connection,
    user: UserId,
) -> Result<Option<Vec<u8>>, ReplicaError> {
    Ok(signing_key_of(conn, user)?.and_then(|(public, _)| B64.decode(public).ok()))
}

/// Checks one stored signature against `doc` with the signer's cached key.
fn check(
    conn: &Connection,
    signed: &SignedManifest,
    doc: &Document,
) -> Result<SignatureView, ReplicaError> {
    let manifest = signed.parse()?;
    let problem = match public_key_of(conn, manifest.signer_id)? {
        None => Some("the signer's public key is not known on this workstation; sync".to_owned()),
        Some(key) => signed.verify(&key, doc).err().map(|e| e.to_string()),
    };
    Ok(SignatureView {
        id: signed.id(),
        manifest,
        problem,
    })
}

fn failures_of(conn: &Connection, user: UserId) -> Result<(i64, bool), ReplicaError> {
    Ok(conn
        .query_row(
            "SELECT failures, blocked_at IS NOT NULL FROM signing_failures WHERE user_id = ?1",
            [user.to_string()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?
        .unwrap_or((0, false)))
}

impl Replica {
    /// The signed-in user allowed to sign `encounter` (sign, or co-sign when a colleague
    /// signed it already), with their unwrapped key. A wrong password is counted; the
    /// third in a row blocks signing for the user and is audited for the admins.
    fn signer(
        &mut self,
        encounter: DocId,
        password: &Password,
        action: Option<Action>,
        now: DateTime<Utc>,
    ) -> Result<(SignedInUser, SigningKey), ReplicaError> {
        let user = self.signed_in_user(now)?.ok_or(ReplicaError::NotSignedIn)?;
        let action = match action {
            Some(a) => a,
            None => {
                let others = stored(&self.conn, encounter)?
                    .iter()
                    .filter_map(|s| s.parse().ok())
                    .any(|m| m.signer_id != user.id);
                if others {
                    Action::CoSign
                } else {
                    Action::Sign
                }
            }
        };
        if !permits(user.role, DocKind::Encounter, action) {
            return Err(ReplicaError::NotPermitted {
                role: user.role,
                kind: DocKind::Encounter.as_str(),
                action,
            });
        }
        if failures_of(&self.conn, user.id)?.1 {
            return Err(ReplicaError::SigningBlocked);
        }
        let (_, wrapped) =
            signing_key_of(&self.conn, user.id)?.ok_or(ReplicaError::NoSigningKey)?;
        let wrapped = WrappedSigningKey::from_json(&wrapped)?;
        match wrapped.unwrap_key(user.id, password) {
            Ok(key) => Ok((user, key)),
            Err(SignatureError::WrongPassword) => {
                let blocked = self.count_signing_failure(&user, encounter, now)?;
                Err(if blocked {
                    ReplicaError::SigningBlocked
                } else {
                    ReplicaError::Signature(SignatureError::WrongPassword)
                })
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Counts a wrong signing password; returns whether signing is now blocked.
    fn count_signing_failure(
        &mut self,
        user: &SignedInUser,
        encounter: DocId,
        now: DateTime<Utc>,
    ) -> Result<bool, ReplicaError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let (failures, _) = failures_of(&tx, user.id)?;
        let failures = failures + 1;
        let blocked = failures >= SIGNING_ATTEMPTS;
        tx.execute(
            "INSERT INTO signing_failures (user_id, failures, blocked_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (user_id) DO UPDATE
             SET failures = excluded.failures, blocked_at = excluded.blocked_at",
            params![
                user.id.to_string(),
                failures,
                blocked.then(|| timestamp(now))
            ],
        )?;
        audit::record(
            &tx,
            now,
            &user.username,
            AuditAction::Signature,
            AuditDetail::SIGNING_PASSWORD_WRONG,
            Some(encounter),
        )?;
        if blocked {
            audit::record(
                &tx,
                now,
                &user.username,
                AuditAction::Signature,
                AuditDetail::SIGNING_BLOCKED,
                Some(encounter),
            )?;
            tracing::warn!(user = %user.id, "signing blocked after wrong signing passwords");
        }
        tx.commit()?;
        Ok(blocked)
    }

    /// How many wrong signing passwords `user` may still type here before signing is
    /// blocked; 0 when it is blocked.
    pub fn signing_attempts_left(&self, user: UserId) -> Result<i64, ReplicaError> {
        let (failures, blocked) = failures_of(&self.conn, user)?;
        Ok(if blocked {
            0
        } else {
            (SIGNING_ATTEMPTS - failures).max(0)
        })
    }

    /// Lifts a signing block (an admin's decision, after the alert).
    pub fn clear_signing_block(&mut self, user: UserId) -> Result<(), ReplicaError> {
        self.conn.execute(
            "DELETE FROM signing_failures WHERE user_id = ?1",
            [user.to_string()],
        )?;
        Ok(())
    }

    /// Signs encounter `id` as it is now, as the signed-in user, with `meaning`;
    /// `signed_at` carries the workstation's UTC offset. Stored with its audit entry in
    /// one transaction.
    #[tracing::instrument(skip_all)]
    pub fn sign_encounter(
        &mut self,
        id: DocId,
        password: &Password,
        meaning: SignatureMeaning,
        signed_at: DateTime<FixedOffset>,
    ) -> Result<SignatureView, ReplicaError> {
        let now = signed_at.with_timezone(&Utc);
        let (user, key) = self.signer(id, password, None, now)?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let doc = projection::load_kind(&tx, id, DocKind::Encounter)?;
        let view = sign_in_tx(&tx, &doc, &user, &key, meaning, signed_at, None)?;
        tx.commit()?;
        tracing::info!(doc_id = %id, "signed encounter");
        Ok(view)
    }

    /// Amends signed encounter `id`: `edit` changes it (checked against its pinned
    /// template like any edit) and a new signature with `reason` covers the result, in one
    /// transaction; the signed original stays as it was.
    #[tracing::instrument(skip_all)]
    pub fn amend_encounter(
        &mut self,
        id: DocId,
        password: &Password,
        reason: &str,
        signed_at: DateTime<FixedOffset>,
        edit: impl FnOnce(&mut EncounterRecord, &TemplateRecord) -> Result<(), DomainError>,
    ) -> Result<(EncounterProjection, SignatureView), ReplicaError> {
        if reason.trim().is_empty() {
            return Err(ReplicaError::invalid(
                "reason",
                "say why the signed encounter is amended",
            ));
        }
        if !is_signed(&self.conn, id)? {
            return Err(ReplicaError::NotSigned(id));
        }
        let now = signed_at.with_timezone(&Utc);
        let (user, key) = self.signer(id, password, Some(Action::Amend), now)?;
        let mut view = None;
        let doc = self.commit_change(
            id,
            DocKind::Encounter,
            &user.username,
            AuditDetail::AMEND_ENCOUNTER,
            |conn, doc, actor, meta| {
                let pinned: EncounterRecord = doc.read()?;
                let template = template_record(conn, pinned.template.template_id)?;
                let change = doc.edit(actor, meta, |r: &mut EncounterRecord| edit(r, &template))?;
                if change.is_some() {
                    view = Some(sign_in_tx(
                        conn,
                        doc,
                        &user,
                        &key,
                        SignatureMeaning::Authorship,
                        signed_at,
                        Some(reason.to_owned()),
                    )?);
                }
                Ok(change)
            },
        )?;
        let view = view.ok_or_else(|| {
            ReplicaError::invalid(
                "amendment",
                "the amendment changes nothing; nothing was signed",
            )
        })?;
        Ok((
            doc.read::<EncounterRecord>()
                .map(|r| EncounterProjection::of(&r))?,
            view,
        ))
    }

    /// The signatures of encounter `id`, oldest first, each checked here.
    pub fn encounter_signatures(&self, id: DocId) -> Result<Vec<SignatureView>, ReplicaError> {
        let doc = projection::load_kind(&self.conn, id, DocKind::Encounter)?;
        stored(&self.conn, id)?
            .iter()
            .map(|s| check(&self.conn, s, &doc))
            .collect()
    }

    /// A signed encounter as it must be shown (`None` when it is not signed): the version
    /// its first signature covers, the signatures, and the addenda. The read is audited.
    pub fn locked_encounter(&self, id: DocId) -> Result<Option<LockedEncounter>, ReplicaError> {
        let doc = projection::load_kind(&self.conn, id, DocKind::Encounter)?;
        let signatures: Vec<SignatureView> = stored(&self.conn, id)?
            .iter()
            .map(|s| check(&self.conn, s, &doc))
            .collect::<Result<_, _>>()?;
        let Some(first) = signatures.first() else {
            return Ok(None);
        };
        let signed: EncounterRecord = doc.read_at(&first.manifest.heads)?;
        let later: Vec<LaterSignature> = signatures[1..]
            .iter()
            .filter(|s| s.problem.is_none())
            .map(|s| LaterSignature {
                heads: s.manifest.heads.clone(),
                amendment: s.manifest.reason.is_some(),
            })
            .collect();
        let list = addenda(&doc.change_graph(), &first.manifest.heads, &later);
        let current: EncounterRecord = doc.read()?;
        let mut shown = [
            EncounterProjection::of(&signed),
            EncounterProjection::of(&current),
        ];
        shown[0].status = EncounterStatus::Signed;
        show_signed_status(&self.conn, &mut shown[1..])?;
        let [signed, current] = shown;
        self.check_chart_access(current.patient_id)?;
        self.audit_read(AuditDetail::READ_ENCOUNTER, id)?;
        Ok(Some(LockedEncounter {
            signed,
            signatures,
            addenda: list,
            current,
        }))
    }
}

/// Makes, checks and stores a signature of `doc` as it is, with its audit entry, inside
/// the caller's transaction.
fn sign_in_tx(
    conn: &Connection,
    doc: &Document,
    user: &SignedInUser,
    key: &SigningKey,
    meaning: SignatureMeaning,
    signed_at: DateTime<FixedOffset>,
    reason: Option<String>,
) -> Result<SignatureView, ReplicaError> {
    let record: EncounterRecord = doc.read()?;
    let printed = by_id(conn, user.id)?
        .map(|u| u.full_name)
        .unwrap_or_else(|| user.full_name.clone());
    let manifest = SignatureManifest::for_record(
        &record,
        doc.heads(),
        user.id,
        &printed,
        signed_at,
        meaning,
        reason,
    )?;
    let signed = manifest.sign(key)?;
    // Checked before it is stored: a key that does not match the user's public key would
    // make a signature nobody else accepts.
    let public = public_key_of(conn, user.id)?.ok_or(ReplicaError::NoSigningKey)?;
    signed.verify(&public, doc)?;
    insert(conn, &signed, &manifest, true)?;
    conn.execute(
        "DELETE FROM signing_failures WHERE user_id = ?1",
        [user.id.to_string()],
    )?;
    audit::record(
        conn,
        signed_at.with_timezone(&Utc),
        &user.username,
        AuditAction::Signature,
        AuditDetail::SIGN_ENCOUNTER,
        Some(doc.id),
    )?;
    Ok(SignatureView {
        id: signed.id(),
        manifest,
        problem: None,
    })
}

impl Replica {
    /// Signatures made here that the server does not hold yet, oldest first, with the
    /// seq of the last one.
    pub fn unpushed_signatures(
        &self,
        limit: usize,
    ) -> Result<(Vec<SignedManifest>, u64), ReplicaError> {
        let after: i64 = self.conn.query_row(
            "SELECT signatures_pushed_seq FROM meta_integrity WHERE id = 1",
            [],
            |r| r.get(0),
        )?;
        let mut stmt = self.conn.prepare(
            "SELECT seq, manifest, signature FROM signatures
             WHERE made_here = 1 AND seq > ?1 ORDER BY seq LIMIT ?2",
        )?;
        let rows = stmt.query_map(
            params![after, i64::try_from(limit).unwrap_or(i64::MAX)],
            |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    SignedManifest {
                        manifest: r.get(1)?,
                        signature: r.get(2)?,
                    },
                ))
            },
        )?;
        let mut last = after;
        let mut out = Vec::new();
        for row in rows {
            let (seq, signed) = row?;
            last = seq;
            out.push(signed);
        }
        Ok((out, crate::meta::to_u64(last)?))
    }

    /// The server holds every signature made here up to `seq`.
    pub fn acknowledge_signatures(&mut self, seq: u64) -> Result<(), ReplicaError> {
        self.conn.execute(
            "UPDATE meta_integrity SET signatures_pushed_seq = max(signatures_pushed_seq, ?1)
             WHERE id = 1",
            [crate::meta::to_i64(seq)?],
        )?;
        Ok(())
    }

    /// Stores signatures made elsewhere (from the server, or another workstation). Each
    /// must carry a valid Ed25519 signature by its signer's key when this workstation
    /// knows that key; whether the signed content holds is checked when it is shown.
    /// Returns how many were new here.
    pub fn apply_remote_signatures(
        &mut self,
        signatures: &[SignedManifest],
    ) -> Result<u64, ReplicaError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut fresh = 0;
        for signed in signatures {
            let manifest = match public_key_of(&tx, signed.parse()?.signer_id)? {
                Some(key) => signed.verify_signature(&key)?,
                None => signed.parse()?,
            };
            if insert(&tx, signed, &manifest, false)? {
                fresh += 1;
            }
        }
        tx.commit()?;
        Ok(fresh)
    }
}
