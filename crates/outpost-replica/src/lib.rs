//! The offline-first engine of a workstation (ARCHITECTURE §3): an encrypted SQLCipher
//! replica whose key lives in the OS keyring, local writes that are validated and made
//! durable in one transaction each, projections for queries, the outbox of local changes,
//! and the sync client that pushes and pulls them. Usable headless: the desktop app, the
//! `outpost` CLI and the end-to-end tests all drive this same API.

mod audit;
mod audit_list;
mod auth;
mod bootstrap;
mod clock;
mod commit;
mod conflicts;
mod deferred_index;
mod doc_cache;
mod duplicates;
mod enroll;
mod error;
mod glass;
mod keys;
mod meta;
mod mrn;
mod peer_clock;
mod projection;
mod records;
mod remote;
mod replica;
mod secret;
mod signing;
mod store;
pub mod sync;
#[cfg(test)]
mod test_support;

pub use audit_list::AuditFilter;
pub use auth::sync::sync_users;
pub use auth::{login_online_or_offline, CachedUser, SignedInVia, SESSION_HOURS};
pub use bootstrap::{BootstrapProgress, BootstrapStage, PreparedPage};
pub use clock::Clock;
pub use conflicts::OpenConflict;
pub use duplicates::DuplicateCandidate;
pub use enroll::enroll;
pub use error::{ReplicaError, ENROLL_HINT};
pub use glass::{GlassAccess, DEFAULT_GLASS_MINUTES};
pub use meta::Enrollment;
pub use mrn::{MRN_LOW_WATER, NO_MRN_LEFT};
pub use records::patient_queries::{PatientDetails, PatientSummary};
pub use records::patient_search::{PatientSearchPage, MAX_SEARCH_LIMIT};
pub use records::patients::ContactDetails;
pub use records::templates::{TemplateEdit, VersionUsage};
pub use remote::PreparedPull;
pub use replica::Replica;
pub use secret::DeviceToken;
pub use signing::{LockedEncounter, SignatureView, SIGNING_ATTEMPTS};
pub use store::DB_FILE;

/// The domain vocabulary this API speaks (ids, records, protocol types).
pub use outpost_domain;
