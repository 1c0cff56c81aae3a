//! The server's storage, behind one trait so handlers and admin commands do not care how
//! it is kept. [`postgres::PgDatabase`] is the implementation. Every method takes the
//! clinic it acts for (or, for redeeming an enrollment code, discovers it), and every
//! query filters by it.

pub mod postgres;

use crate::error::ServerError;
use crate::secrets::SecretHash;
use chrono::{DateTime, Utc};
use outpost_domain::ids::{ClinicId, DeviceId, ReplicaId};
use outpost_domain::protocol::QuarantinedChange;
use outpost_domain::protocol::{BootstrapCursor, BootstrapResponse, MrnBlock, WireChange};
use outpost_domain::version_vector::VersionVector;
use serde::Serialize;

/// A tenant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Clinic {
    pub id: ClinicId,
    pub name: String,
    pub created_at: DateTime<Utc>,
    /// What the clinic's provisional MRNs start with, e.g. `P-` in `P-000123`.
    pub mrn_prefix: String,
}

/// An enrolled workstation as the server knows it (never its token).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Device {
    pub clinic_id: ClinicId,
    pub id: DeviceId,
    pub name: String,
    pub replica_id: ReplicaId,
    pub enrolled_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub flagged_at: Option<DateTime<Utc>>,
    pub flag_reason: Option<String>,
}

/// What redeeming an enrollment code produced.
#[derive(Debug, Clone)]
pub struct Enrolled {
    pub device: Device,
    pub clinic_name: String,
}

/// A new device to bind when an enrollment code is redeemed.
#[derive(Debug, Clone)]
pub struct NewDevice {
    pub id: DeviceId,
    pub replica_id: ReplicaId,
    pub token_hash: SecretHash,
}

/// One page of a pull.
#[derive(Debug, Clone)]
pub struct PullPage {
    pub changes: Vec<WireChange>,
    pub more: bool,
}

/// What a push did: the highest counter now received for the replica (applied or
/// quarantined) and the changes of this push that went to quarantine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushOutcome {
    pub stored_through: u64,
    pub quarantined: Vec<QuarantinedChange>,
}

/// Storage for clinics, devices, enrollment codes and changes.
#[async_trait::async_trait]
pub trait Database: Send + Sync + std::fmt::Debug + 'static {
    /// Succeeds when the database answers.
    async fn health(&self) -> Result<(), ServerError>;

    /// Versions of this build's migrations the database has not applied (empty when the
    /// schema is current); see [`crate::health`].
    async fn pending_migrations(&self) -> Result<Vec<i64>, ServerError>;

    async fn create_clinic(&self, id: ClinicId, name: &str) -> Result<Clinic, ServerError>;

    async fn list_clinics(&self) -> Result<Vec<Clinic>, ServerError>;

    /// Stores a one-time code for `device_name` in `clinic`, valid for `valid_for`.
    /// [`ServerError::NotFound`] if the clinic does not exist.
    async fn add_enrollment_code(
        &self,
        clinic: ClinicId,
        code_hash: SecretHash,
        device_name: &str,
        valid_for: chrono::Duration,
    ) -> Result<(), ServerError>;

    /// In one transaction: finds the unused, unexpired code, marks it used and creates
    /// the device. [`ServerError::EnrollmentCodeRefused`] otherwise.
    async fn redeem_enrollment_code(
        &self,
        code_hash: SecretHash,
        device: NewDevice,
    ) -> Result<Enrolled, ServerError>;

    /// The device holding this token in this clinic, revoked or not.
    async fn device_by_token(
        &self,
        clinic: ClinicId,
        token_hash: SecretHash,
    ) -> Result<Option<Device>, ServerError>;

    async fn list_devices(&self, clinic: ClinicId) -> Result<Vec<Device>, ServerError>;

    /// Marks the device revoked; `false` if the clinic has no such device.
    async fn revoke_device(&self, clinic: ClinicId, device: DeviceId) -> Result<bool, ServerError>;

    /// Stores a batch of the device's own changes, already checked by
    /// [`crate::push::check_batch`], atomically: each new change is applied to the
    /// server's copy of its document and validated ([`crate::validate`]); those that pass
    /// are stored, with the document and its reporting rows, the others quarantined and
    /// the device flagged. Returns the highest contiguous counter now received for the
    /// device's replica and what was quarantined. Refuses gaps ([`ServerError::Gap`]) and
    /// a known `(replica, counter)` with a different digest
    /// ([`ServerError::ConflictingChange`], after flagging the device).
    async fn push(
        &self,
        device: &Device,
        changes: &[crate::push::CheckedChange],
    ) -> Result<PushOutcome, ServerError>;

    /// The clinic's changes `have` does not cover, in arrival order, at most `limit`.
    async fn pull(
        &self,
        clinic: ClinicId,
        have: &VersionVector,
        limit: usize,
    ) -> Result<PullPage, ServerError>;

    /// The clinic's quarantined changes, oldest first.
    async fn list_quarantine(
        &self,
        clinic: ClinicId,
    ) -> Result<Vec<crate::quarantine::QuarantineEntry>, ServerError>;

    /// The clinic's flagged devices, earliest flag first.
    async fn flagged_devices(&self, clinic: ClinicId) -> Result<Vec<Device>, ServerError>;

    /// One page of a bootstrap of `clinic`: at most `limit` documents after the cursor
    /// (a new snapshot when there is none), see [`crate::bootstrap`].
    async fn bootstrap(
        &self,
        clinic: ClinicId,
        after: Option<&BootstrapCursor>,
        limit: usize,
    ) -> Result<BootstrapResponse, ServerError>;

    /// Hands `device` the next `size` provisional MRNs of its clinic and records the
    /// allocation. Blocks of one clinic never overlap, even when allocated concurrently;
    /// [`ServerError::DeviceRevoked`] if the device was revoked meanwhile.
    async fn allocate_mrn_block(&self, device: &Device, size: u32)
        -> Result<MrnBlock, ServerError>;

    /// `Some(role)` iff `username` is an active (not disabled) user of `clinic` who has
    /// signed in on `device` (an online session, or an offline sign-in the device
    /// reported): who may author that device's changes, and with which role.
    async fn author_role(
        &self,
        clinic: ClinicId,
        device: DeviceId,
        username: &str,
    ) -> Result<Option<outpost_domain::roles::Role>, ServerError>;

    /// Adds a user (username already canonical). [`ServerError::NotFound`] without the
    /// clinic; `username_taken` if the clinic has that username.
    async fn add_user(
        &self,
        clinic: ClinicId,
        id: outpost_domain::ids::UserId,
        username: &str,
        full_name: &str,
        role: outpost_domain::roles::Role,
        verifier: &outpost_domain::credentials::PasswordVerifier,
    ) -> Result<crate::users::User, ServerError>;

    /// The clinic's users, disabled ones included, by username.
    async fn list_users(&self, clinic: ClinicId) -> Result<Vec<crate::users::User>, ServerError>;

    /// Disables the user and ends its sessions; `false` if the clinic has no such user.
    async fn disable_user(&self, clinic: ClinicId, username: &str) -> Result<bool, ServerError>;

    /// The user (by canonical username) and its lockout state.
    async fn login_state(
        &self,
        clinic: ClinicId,
        username: &str,
    ) -> Result<Option<(crate::users::User, outpost_domain::credentials::Lockout)>, ServerError>;

    /// Counts a failed sign-in on `device` (online or reported), at most 100 per account
    /// and hour, idempotent per attempt id; `false` if the clinic has no such user.
    async fn record_failure(
        &self,
        device: &Device,
        attempt: &outpost_domain::protocol::users::ReportedAttempt,
        online: bool,
    ) -> Result<bool, ServerError>;

    /// Records a sign-in on `device` (online with its session token hash and expiry,
    /// or reported offline) and resets the failures before it; idempotent per attempt
    /// id; `false` if the clinic has no such user.
    async fn record_sign_in(
        &self,
        device: &Device,
        attempt: &outpost_domain::protocol::users::ReportedAttempt,
        session: Option<(SecretHash, DateTime<Utc>)>,
    ) -> Result<bool, ServerError>;

    /// Accounts of the clinic with failed sign-ins since their last success.
    async fn list_lockouts(
        &self,
        clinic: ClinicId,
        now: DateTime<Utc>,
    ) -> Result<Vec<crate::users::LockoutEntry>, ServerError>;

    /// Stores a user's signing key (public key, private key wrapped under the password);
    /// `false` if the clinic has no such user.
    async fn set_signing_key(
        &self,
        clinic: ClinicId,
        user: outpost_domain::ids::UserId,
        public_key: &[u8],
        wrapped: &outpost_domain::signature::WrappedSigningKey,
    ) -> Result<bool, ServerError>;

    /// A user's public signing key, if the user exists and has one.
    async fn public_key(
        &self,
        clinic: ClinicId,
        user: outpost_domain::ids::UserId,
    ) -> Result<Option<Vec<u8>>, ServerError>;

    /// The server's copy of one of the clinic's documents (kind and bytes).
    async fn document(
        &self,
        clinic: ClinicId,
        id: outpost_domain::ids::DocId,
    ) -> Result<Option<(outpost_domain::document::DocKind, Vec<u8>)>, ServerError>;

    /// Stores checked signatures made on `device` (append-only; re-sent ones ignored).
    async fn store_signatures(
        &self,
        clinic: ClinicId,
        device: DeviceId,
        signatures: &[(
            outpost_domain::signature::SignedManifest,
            outpost_domain::signature::SignatureManifest,
        )],
    ) -> Result<(), ServerError>;

    /// The clinic's signatures after cursor `after`, at most `limit`, and the new cursor.
    async fn signatures_after(
        &self,
        clinic: ClinicId,
        after: u64,
        limit: usize,
    ) -> Result<(Vec<outpost_domain::signature::SignedManifest>, u64), ServerError>;

    /// The last audit entry (seq, hash) held for `device`.
    async fn audit_tail(
        &self,
        clinic: ClinicId,
        device: DeviceId,
    ) -> Result<Option<(u64, String)>, ServerError>;

    /// Appends checked audit entries to `device`'s chain (append-only).
    async fn append_audit(
        &self,
        clinic: ClinicId,
        device: DeviceId,
        entries: &[outpost_domain::audit::AuditEntry],
    ) -> Result<(), ServerError>;

    /// The clinic's audit checkpoint key (PKCS#8, public key); `fresh` is stored when the
    /// clinic has none yet.
    async fn checkpoint_key(
        &self,
        clinic: ClinicId,
        fresh: (&[u8], &[u8]),
    ) -> Result<(Vec<u8>, Vec<u8>), ServerError>;

    /// `device`'s chain as stored; an entry with an unknown action comes back as its seq
    /// and that action.
    async fn audit_chain(
        &self,
        clinic: ClinicId,
        device: DeviceId,
    ) -> Result<Vec<Result<outpost_domain::audit::AuditEntry, (u64, String)>>, ServerError>;

    /// The clinic's audit entries matching `query` (see [`crate::oversight`]), oldest
    /// first, at most `limit` after the keyset cursor `after`; only alerts when
    /// `alerts_only`.
    async fn search_audit(
        &self,
        clinic: ClinicId,
        query: &crate::oversight::AuditSearch,
    ) -> Result<
        Vec<(
            outpost_domain::protocol::admin::AuditRecord,
            crate::oversight::Cursor,
        )>,
        ServerError,
    >;

    /// The admin whose online session `token_hash` is, on `device`, unexpired at `now`,
    /// with an active admin account: their username; `None` otherwise.
    async fn admin_session(
        &self,
        device: &Device,
        token_hash: SecretHash,
        now: DateTime<Utc>,
    ) -> Result<Option<String>, ServerError>;

    /// Marks (`true`) or unmarks patient `patient` of `clinic` restricted; `false` when the
    /// server holds no such patient document.
    async fn set_restricted(
        &self,
        clinic: ClinicId,
        patient: outpost_domain::ids::DocId,
        restricted: bool,
    ) -> Result<bool, ServerError>;

    /// The clinic's restricted patients.
    async fn restricted_patients(
        &self,
        clinic: ClinicId,
    ) -> Result<Vec<outpost_domain::ids::DocId>, ServerError>;

    /// Who signed the clinic's encounter `encounter` so far (stored signatures).
    async fn signers_of(
        &self,
        clinic: ClinicId,
        encounter: outpost_domain::ids::DocId,
    ) -> Result<Vec<outpost_domain::ids::UserId>, ServerError>;
}
