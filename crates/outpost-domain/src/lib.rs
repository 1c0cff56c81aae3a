//! The pure core of Outpost: what a clinical record is, which values are allowed, how a
//! record is laid out as an Automerge document, and what travels over the sync wire.
//!
//! Nothing here touches disk, network or clocks of its own (the caller passes the time in),
//! so the replica, the sync server and the tests all share one definition of the rules.

pub mod audit;
pub mod clock;
pub mod credentials;
pub mod document;
pub mod error;
pub mod ids;
pub mod protocol;
pub mod roles;
pub mod signature;
pub mod version_vector;

/// Record kinds keep their historical paths (`outpost_domain::patient::Patient`, ...).
pub use document::{link, patient, vitals};

pub use error::{BrokenLink, DomainError, FieldError, SignatureError};
