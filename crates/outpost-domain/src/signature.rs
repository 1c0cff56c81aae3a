//! Electronic signatures of encounters (21 CFR Part 11 §11.50, §11.70): what a signature
//! says, how it is made and how anyone holding the signer's public key checks it.
//!
//! A [`SignatureManifest`] names the encounter, the Automerge heads signed (the exact
//! version), the SHA-256 of that version's canonical content ([`canonical`]), the signer's
//! id and printed name, the time with its UTC offset, the meaning (authorship, review,
//! approval) and, for an amendment, its reason. The signer's Ed25519 key ([`key`]) signs
//! the manifest's JSON prefixed by a domain tag; the JSON exactly as signed is what is
//! stored and sent ([`SignedManifest`]), so nobody has to re-serialize it to check it.
//!
//! Checking ([`SignedManifest::verify`]) refuses a manifest altered by one byte, a
//! signature by another key, a signature copied onto another encounter, and content that
//! no longer hashes to what was signed. Signatures live outside the CRDT, append-only; the
//! locking rule ([`lock`]) says what became of changes the signed heads do not cover.

pub mod canonical;
pub mod key;
pub mod lock;

#[cfg(test)]
mod tests;

use crate::document::encounter::EncounterRecord;
use crate::document::{DocKind, Document};
use crate::error::SignatureError;
use crate::ids::{DocId, UserId};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use chrono::{DateTime, FixedOffset};
use ring::signature::{UnparsedPublicKey, ED25519};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use canonical::content_sha256;
pub use key::{generate, NewSigningKey, SigningKey, WrappedSigningKey};

/// The tag signed in front of every manifest, so these bytes mean nothing elsewhere.
pub const SIGNATURE_DOMAIN: &str = "outpost.signature.v1\n";

/// Longest amendment reason, in characters.
pub const MAX_REASON_CHARS: usize = 1000;

/// What a signature means (§11.50(a)(3)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub enum SignatureMeaning {
    Authorship,
    Review,
    Approval,
}

impl SignatureMeaning {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Authorship => "authorship",
            Self::Review => "review",
            Self::Approval => "approval",
        }
    }
}

/// What one signature says. Shown on screen and in every export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct SignatureManifest {
    pub encounter_id: DocId,
    /// The Automerge heads of the signed version, hex, sorted.
    pub heads: Vec<String>,
    /// SHA-256 (hex) of the canonical content at `heads`.
    pub content_sha256: String,
    pub signer_id: UserId,
    pub printed_name: String,
    /// When it was signed, with the signer's UTC offset.
    #[ts(type = "string")]
    pub signed_at: DateTime<FixedOffset>,
    pub meaning: SignatureMeaning,
    /// Why the signed version changes an earlier signed one (amendments only).
    #[serde(default)]
    #[ts(optional)]
    pub reason: Option<String>,
}

impl SignatureManifest {
    /// The manifest for `record` as it is at `heads` (the document's current heads when
    /// signing what is on screen).
    pub fn for_record(
        record: &EncounterRecord,
        heads: Vec<String>,
        signer_id: UserId,
        printed_name: &str,
        signed_at: DateTime<FixedOffset>,
        meaning: SignatureMeaning,
        reason: Option<String>,
    ) -> Result<Self, SignatureError> {
        let mut heads = heads;
        heads.sort();
        heads.dedup();
        let manifest = Self {
            encounter_id: record.id,
            heads,
            content_sha256: content_sha256(record),
            signer_id,
            printed_name: printed_name.trim().to_owned(),
            signed_at,
            meaning,
            reason: reason
                .map(|r| r.trim().to_owned())
                .filter(|r| !r.is_empty()),
        };
        manifest.check()?;
        Ok(manifest)
    }

    fn check(&self) -> Result<(), SignatureError> {
        if self.heads.is_empty() {
            return Err(SignatureError::Manifest("it names no version".into()));
        }
        let name = self.printed_name.chars().count();
        if name == 0 || name > 200 {
            return Err(SignatureError::Manifest(
                "the printed name must be 1 to 200 characters".into(),
            ));
        }
        if self
            .reason
            .as_ref()
            .is_some_and(|r| r.chars().count() > MAX_REASON_CHARS)
        {
            return Err(SignatureError::Manifest(format!(
                "the reason may be at most {MAX_REASON_CHARS} characters"
            )));
        }
        Ok(())
    }

    /// Signs this manifest with `key`.
    pub fn sign(&self, key: &SigningKey) -> Result<SignedManifest, SignatureError> {
        self.check()?;
        let manifest =
            serde_json::to_string(self).map_err(|e| SignatureError::Manifest(e.to_string()))?;
        let signature = key.sign(&signing_bytes(&manifest));
        Ok(SignedManifest {
            manifest,
            signature: B64.encode(signature),
        })
    }
}

fn signing_bytes(manifest_json: &str) -> Vec<u8> {
    [SIGNATURE_DOMAIN.as_bytes(), manifest_json.as_bytes()].concat()
}

/// A manifest as signed (its JSON, byte for byte) and the Ed25519 signature (base64):
/// what is stored append-only and sent to the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignedManifest {
    pub manifest: String,
    pub signature: String,
}

impl SignedManifest {
    /// A stable id: SHA-256 (hex) of the manifest as signed.
    pub fn id(&self) -> String {
        hex::encode(ring::digest::digest(
            &ring::digest::SHA256,
            self.manifest.as_bytes(),
        ))
    }

    /// The manifest, parsed (not checked: see [`Self::verify_signature`]).
    pub fn parse(&self) -> Result<SignatureManifest, SignatureError> {
        let m: SignatureManifest = serde_json::from_str(&self.manifest)
            .map_err(|e| SignatureError::Manifest(e.to_string()))?;
        m.check()?;
        Ok(m)
    }

    /// Checks the Ed25519 signature over the manifest with `public_key`; returns the
    /// manifest it vouches for.
    pub fn verify_signature(&self, public_key: &[u8]) -> Result<SignatureManifest, SignatureError> {
        let signature = B64
            .decode(&self.signature)
            .map_err(|_| SignatureError::BadSignature)?;
        UnparsedPublicKey::new(&ED25519, public_key)
            .verify(&signing_bytes(&self.manifest), &signature)
            .map_err(|_| SignatureError::BadSignature)?;
        self.parse()
    }

    /// Checks everything: the signature with `public_key`, that it is `doc`'s signature,
    /// that `doc` holds the signed version and that this version's canonical content
    /// still hashes to what was signed. Returns the manifest and the signed record.
    pub fn verify(
        &self,
        public_key: &[u8],
        doc: &Document,
    ) -> Result<(SignatureManifest, EncounterRecord), SignatureError> {
        let manifest = self.verify_signature(public_key)?;
        if manifest.encounter_id != doc.id || doc.kind != DocKind::Encounter {
            return Err(SignatureError::OtherRecord {
                signed: manifest.encounter_id.to_string(),
                shown: doc.id.to_string(),
            });
        }
        if let Some(missing) = doc.missing_head(&manifest.heads) {
            return Err(SignatureError::MissingHeads(missing.to_owned()));
        }
        let record: EncounterRecord = doc
            .read_at(&manifest.heads)
            .map_err(|e| SignatureError::Record(e.to_string()))?;
        let actual = content_sha256(&record);
        if record.id != manifest.encounter_id {
            return Err(SignatureError::OtherRecord {
                signed: manifest.encounter_id.to_string(),
                shown: record.id.to_string(),
            });
        }
        if actual != manifest.content_sha256 {
            return Err(SignatureError::ContentMismatch {
                signed: manifest.content_sha256,
                actual,
            });
        }
        Ok((manifest, record))
    }
}
