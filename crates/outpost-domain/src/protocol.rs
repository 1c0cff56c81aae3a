//! The sync wire format (JSON over HTTP), version 1. Fields added later must carry
//! `#[serde(default)]` so older peers keep working; unknown fields are ignored.

pub mod admin;
pub mod integrity;
pub mod users;

use crate::document::DocKind;
use crate::ids::{ClinicId, DeviceId, DocId, ReplicaId};
use crate::version_vector::VersionVector;
use base64::Engine as _;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The protocol version this build speaks.
pub const PROTOCOL_VERSION: u32 = 1;

/// Most changes one push or one pull page carries.
pub const MAX_BATCH: usize = 500;

/// Change bytes, base64 on the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bytes(pub Vec<u8>);

/// On the wire: a base64 string.
#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Bytes {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .content_encoding("base64")
            .description(Some("bytes, base64 (standard alphabet, padded)"))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Bytes {}

impl Serialize for Bytes {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&base64::engine::general_purpose::STANDARD.encode(&self.0))
    }
}

impl<'de> Deserialize<'de> for Bytes {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        base64::engine::general_purpose::STANDARD
            .decode(s)
            .map(Bytes)
            .map_err(serde::de::Error::custom)
    }
}

/// One change as it travels: who made it (replica, counter), which document, and the
/// Automerge change bytes with their SHA-256.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WireChange {
    pub replica_id: ReplicaId,
    pub counter: u64,
    pub doc_id: DocId,
    pub kind: DocKind,
    pub digest: String,
    pub bytes: Bytes,
    /// When the server received the change: set in pull answers, absent in pushes (the
    /// server stamps its own clock and ignores a value sent to it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub received_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EnrollRequest {
    pub protocol: u32,
    pub code: String,
    pub replica_id: ReplicaId,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EnrollResponse {
    pub device_id: DeviceId,
    pub clinic_id: ClinicId,
    pub clinic_name: String,
    pub device_name: String,
    /// Secret; the server keeps only its hash.
    pub device_token: String,
}

/// Changes of the caller's own replica, in counter order, starting right after what the
/// server already holds.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PushRequest {
    pub protocol: u32,
    pub replica_id: ReplicaId,
    pub changes: Vec<WireChange>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PushResponse {
    /// Highest contiguous counter the server now holds for the replica.
    pub stored_through: u64,
    /// Changes of this push the server received (they count in `stored_through`, so they
    /// are not sent again) but did not apply, with the reason: an honest client never
    /// produces one. Absent from older servers' answers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub quarantined: Vec<QuarantinedChange>,
}

/// A pushed change the server keeps in quarantine instead of applying.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuarantinedChange {
    pub counter: u64,
    pub doc_id: DocId,
    /// Stable machine-readable reason, e.g. `forbidden_role`, `invalid_record`.
    pub code: String,
    /// A sentence for the operator (never patient data).
    pub reason: String,
}

/// What the caller holds; the server answers with what it lacks.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PullRequest {
    pub protocol: u32,
    pub have: VersionVector,
    pub limit: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PullResponse {
    /// In server-arrival order, so every change comes after the changes it depends on.
    pub changes: Vec<WireChange>,
    /// More changes are waiting beyond this page.
    pub more: bool,
    pub server_time: DateTime<Utc>,
}

/// `POST /v1/bootstrap`: a new workstation downloads its clinic's documents, compacted,
/// instead of replaying every change. The first request has no cursor; each answer hands
/// the cursor for the next page, and a client that stops halfway asks again with the last
/// cursor it kept and gets only the rest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BootstrapRequest {
    pub protocol: u32,
    /// `None` to start; otherwise the `next` cursor of the last page applied.
    #[serde(default)]
    pub after: Option<BootstrapCursor>,
    /// Most documents wanted in one page; the server may send fewer (at most
    /// [`MAX_BOOTSTRAP_PAGE`], and fewer when the documents are large).
    pub limit: u32,
}

/// Most documents one bootstrap page carries.
pub const MAX_BOOTSTRAP_PAGE: usize = 500;

/// Where a bootstrap stands: the snapshot it started from (fixed on the first page, and
/// repeated so the client can keep one value to resume with) and the last document served.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BootstrapCursor {
    /// The last document served (documents come in `doc_id` order); `None` before any.
    #[serde(default)]
    pub after_doc: Option<DocId>,
    /// The server's arrival position when the snapshot was taken: documents the server
    /// first received after it are not part of the bootstrap (pull brings them).
    pub snapshot_seq: u64,
    pub total_documents: u64,
    pub total_bytes: u64,
    /// The version vector the whole snapshot covers.
    pub covers: VersionVector,
}

/// One document as the server holds it: a compacted Automerge save and its heads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BootstrapDocument {
    pub doc_id: DocId,
    pub kind: DocKind,
    pub bytes: Bytes,
    /// Change hashes, hex, sorted.
    pub heads: Vec<String>,
}

/// One page of a bootstrap. Every document served holds at least what `covers` says;
/// some may hold more (changed after the snapshot), which is harmless: after the last
/// page the client sets its version vector to `covers` and pulls from there, and the
/// changes it already has apply as no-ops.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BootstrapResponse {
    /// How many documents the whole bootstrap serves (fixed at the snapshot).
    pub total_documents: u64,
    /// Their size in bytes at the snapshot (documents changed since may be larger).
    pub total_bytes: u64,
    pub covers: VersionVector,
    pub documents: Vec<BootstrapDocument>,
    /// Ask with this cursor for the next page; keep it to resume after an interruption.
    pub next: BootstrapCursor,
    /// More documents are waiting beyond this page.
    pub more: bool,
}

/// `POST /v1/mrn-blocks`: a workstation asks for a block of provisional medical record
/// numbers to hand out to patients registered while offline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MrnBlockRequest {
    pub protocol: u32,
    /// How many numbers the workstation wants; [`DEFAULT_MRN_BLOCK_SIZE`] when left out.
    #[serde(default = "default_mrn_block_size")]
    pub size: u64,
}

/// The block size a workstation gets when it does not say.
pub const DEFAULT_MRN_BLOCK_SIZE: u64 = 100;

fn default_mrn_block_size() -> u64 {
    DEFAULT_MRN_BLOCK_SIZE
}

/// A block of provisional MRN numbers `first..=last`, reserved for one workstation. A
/// number `n` of the block is written `format!("{prefix}{n:06}")` (see
/// [`crate::patient::provisional_mrn`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MrnBlock {
    pub prefix: String,
    pub first: u64,
    pub last: u64,
}

impl MrnBlock {
    /// How many numbers the block holds.
    pub fn len(&self) -> u64 {
        (self.last + 1).saturating_sub(self.first)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether `n` belongs to the block.
    pub fn contains(&self, n: u64) -> bool {
        (self.first..=self.last).contains(&n)
    }
}

/// The body of every error answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    /// Stable machine-readable code, e.g. `gap`, `unauthorized`.
    pub code: String,
    /// A sentence for the operator.
    pub message: String,
    /// For `gap`: the counter the server expects next from this replica.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_counter: Option<u64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_travel_as_base64_and_unknown_fields_are_ignored() {
        let c = WireChange {
            replica_id: ReplicaId::new(),
            counter: 3,
            doc_id: DocId::new(),
            kind: DocKind::Vitals,
            digest: "ab".into(),
            bytes: Bytes(vec![0, 1, 2, 255]),
            received_at: None,
        };
        let mut json = serde_json::to_value(&c).unwrap();
        assert_eq!(json["bytes"], "AAEC/w==");
        assert!(
            json.get("received_at").is_none(),
            "older peers never see it"
        );
        json["added_in_a_later_version"] = serde_json::json!(true);
        let back: WireChange = serde_json::from_value(json).unwrap();
        assert_eq!(back, c);
    }

    #[test]
    fn a_push_answer_from_an_older_server_has_nothing_quarantined() {
        let r: PushResponse = serde_json::from_str(r#"{"stored_through":4}"#).unwrap();
        assert_eq!(r.stored_through, 4);
        assert!(r.quarantined.is_empty());
        let json = serde_json::to_value(&r).unwrap();
        assert!(
            json.get("quarantined").is_none(),
            "older clients never see it"
        );
    }

    #[test]
    fn a_bootstrap_cursor_round_trips_and_the_first_request_has_none() {
        let first: BootstrapRequest = serde_json::from_str(r#"{"protocol":1,"limit":50}"#).unwrap();
        assert_eq!(first.after, None);
        let mut covers = VersionVector::default();
        covers.0.insert(ReplicaId::new(), 7);
        let cursor = BootstrapCursor {
            after_doc: Some(DocId::new()),
            snapshot_seq: 42,
            total_documents: 3,
            total_bytes: 900,
            covers,
        };
        let req = BootstrapRequest {
            protocol: PROTOCOL_VERSION,
            after: Some(cursor.clone()),
            limit: 10,
        };
        let back: BootstrapRequest =
            serde_json::from_str(&serde_json::to_string(&req).unwrap()).unwrap();
        assert_eq!(back.after, Some(cursor));
    }

    #[test]
    fn an_error_body_without_the_optional_field_parses() {
        let e: ErrorBody = serde_json::from_str(r#"{"code":"gap","message":"m"}"#).unwrap();
        assert_eq!(e.expected_counter, None);
    }
}
