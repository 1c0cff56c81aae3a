//! The sync round's integrity step, after push and pull (so the server already holds the
//! changes a signature covers): send the signatures made here and the audit entries the
//! server does not hold (break-the-glass accesses and signing blocks among them, which the
//! server lists to admins as alerts), store the clinic's signatures made elsewhere and the
//! clinic's restricted patients. A server without the endpoint is skipped; a server that
//! finds this workstation's audit chain broken is logged (the chain cannot be repaired
//! from here; `outpost audit verify` names the entry) and the round goes on.

use super::run::with;
use super::{SyncError, Transport, TransportError};
use crate::error::ReplicaError;
use crate::meta::{to_i64, to_u64};
use crate::replica::Replica;
use outpost_domain::protocol::integrity::{IntegrityRequest, MAX_INTEGRITY_BATCH};
use outpost_domain::protocol::PROTOCOL_VERSION;
use std::sync::Mutex;

/// The two cursors of the step: audit seq the server holds, clinic signatures seen.
fn cursors(r: &Replica) -> Result<(u64, u64), ReplicaError> {
    let (audit, signatures): (i64, i64) = r.conn.query_row(
        "SELECT audit_pushed_seq, signatures_pulled_after FROM meta_integrity WHERE id = 1",
        [],
        |row| Ok((row.get(0)?, row.get(1)?)),
    )?;
    Ok((to_u64(audit)?, to_u64(signatures)?))
}

fn set_cursors(r: &Replica, audit: u64, signatures: u64) -> Result<(), ReplicaError> {
    r.conn.execute(
        "UPDATE meta_integrity SET audit_pushed_seq = ?1, signatures_pulled_after = ?2
         WHERE id = 1",
        [to_i64(audit)?, to_i64(signatures)?],
    )?;
    Ok(())
}

/// Runs the step until nothing is left to send or fetch. Returns how many signatures
/// from elsewhere were stored.
#[tracing::instrument(skip_all)]
pub(super) async fn exchange<T: Transport>(
    replica: &Mutex<Replica>,
    transport: &T,
) -> Result<u64, SyncError> {
    let mut stored = 0;
    loop {
        let (req, last_signature) = with(replica, |r| {
            let (audit_after, signatures_after) = cursors(r)?;
            let (signatures, last) = r.unpushed_signatures(MAX_INTEGRITY_BATCH)?;
            let audit = r.audit_entries(audit_after, MAX_INTEGRITY_BATCH)?;
            Ok((
                IntegrityRequest {
                    protocol: PROTOCOL_VERSION,
                    signatures,
                    audit,
                    signatures_after,
                },
                last,
            ))
        })?;
        let answer = match transport.integrity(&req).await {
            Ok(a) => a,
            Err(TransportError::Unsupported(what)) => {
                tracing::debug!(
                    what,
                    "the server does not take signatures and audit entries"
                );
                return Ok(stored);
            }
            Err(TransportError::Server { code, message, .. }) if code == "audit_chain_broken" => {
                tracing::error!(%message, "the server refused this workstation's audit chain");
                return Ok(stored);
            }
            Err(e) => return Err(e.into()),
        };
        for refused in &answer.refused_signatures {
            tracing::warn!(signature = %refused.id, reason = %refused.reason, "the server refused a signature");
        }
        let audit_moved = answer.audit_held_through
            > req
                .audit
                .first()
                .map_or(u64::MAX, |e| e.seq.saturating_sub(1));
        stored += with(replica, |r| {
            r.acknowledge_signatures(last_signature)?;
            let fresh = r.apply_remote_signatures(&answer.signatures)?;
            set_cursors(r, answer.audit_held_through, answer.signatures_cursor)?;
            if let Some(checkpoint) = &answer.checkpoint {
                crate::audit::keep_checkpoint(&r.conn, checkpoint)?;
            }
            if let Some(restricted) = &answer.restricted_patients {
                crate::glass::store_restricted(&r.conn, restricted)?;
            }
            Ok(fresh)
        })?;
        let more_audit = req.audit.len() == MAX_INTEGRITY_BATCH && audit_moved;
        let more_signatures = req.signatures.len() == MAX_INTEGRITY_BATCH;
        // The server may hold less than we thought (a restored database): resend from
        // where it is, once per round.
        let behind = !req.audit.is_empty() && !audit_moved;
        if !(answer.more || more_audit || more_signatures) || behind {
            if behind {
                tracing::info!(
                    held = answer.audit_held_through,
                    "the server holds fewer audit entries than sent; resending next round"
                );
            }
            return Ok(stored);
        }
    }
}
