//! Signed checkpoints of an audit chain: after storing a device's entries, the server
//! signs (Ed25519, a key of the clinic's kept by the server) "device D's chain holds entry
//! N with hash H". The workstation keeps the latest; a chain that no longer reaches entry
//! N with hash H was cut off or rewritten after the server saw it, which the chain's own
//! links cannot show (cutting off the tail leaves every remaining link intact).

use super::AuditEntry;
use crate::error::BrokenLink;
use crate::ids::{ClinicId, DeviceId};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use ring::signature::{UnparsedPublicKey, ED25519};
use serde::{Deserialize, Serialize};

/// The tag signed in front of every checkpoint.
pub const CHECKPOINT_DOMAIN: &str = "outpost.audit-checkpoint.v1\n";

/// What the server vouches for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditCheckpoint {
    pub clinic_id: ClinicId,
    pub device_id: DeviceId,
    pub seq: u64,
    pub hash: String,
    /// When the server signed it (RFC 3339).
    pub at: String,
    /// The clinic's checkpoint public key, base64.
    pub public_key: String,
    /// Ed25519 signature (base64) over [`AuditCheckpoint::signing_bytes`].
    pub signature: String,
}

impl AuditCheckpoint {
    /// The tag, then `clinic|device|seq|hash|at`.
    pub fn signing_bytes(
        clinic: ClinicId,
        device: DeviceId,
        seq: u64,
        hash: &str,
        at: &str,
    ) -> Vec<u8> {
        format!("{CHECKPOINT_DOMAIN}{clinic}|{device}|{seq}|{hash}|{at}").into_bytes()
    }

    /// Whether the signature holds for `public_key` (base64).
    pub fn signed_by(&self, public_key: &str) -> bool {
        let (Ok(key), Ok(sig)) = (B64.decode(public_key), B64.decode(&self.signature)) else {
            return false;
        };
        let bytes = Self::signing_bytes(
            self.clinic_id,
            self.device_id,
            self.seq,
            &self.hash,
            &self.at,
        );
        UnparsedPublicKey::new(&ED25519, key)
            .verify(&bytes, &sig)
            .is_ok()
    }

    /// Checks that `entries` (the whole chain, seq order) still reach this checkpoint.
    pub fn check(&self, entries: &[AuditEntry]) -> Result<(), BrokenLink> {
        match entries.iter().find(|e| e.seq == self.seq) {
            Some(e) if e.hash == self.hash => Ok(()),
            Some(_) => Err(BrokenLink {
                seq: self.seq,
                reason: "it differs from the entry the server signed a checkpoint for: the \
                         chain was rewritten"
                    .into(),
            }),
            None => Err(BrokenLink {
                seq: self.seq,
                reason: format!(
                    "the chain ends at entry {} but the server signed a checkpoint at entry \
                     {}: entries were cut off",
                    entries.last().map_or(0, |e| e.seq),
                    self.seq
                ),
            }),
        }
    }
}
