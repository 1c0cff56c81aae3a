//! Typed identifiers. Records use UUIDv7 (time-ordered, creatable offline); a replica id is
//! also the replica's Automerge actor id, so every change names the workstation that made it.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use ts_rs::TS;
use uuid::Uuid;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
        #[ts(export, export_to = "../../../ui/src/bindings/", type = "string")]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = String, format = Uuid))]
        pub struct $name(pub Uuid);

        impl $name {
            /// A new time-ordered id.
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }

        /// Stored in documents as its hyphenated string, as schema 1 wrote ids.
        impl autosurgeon::Reconcile for $name {
            type Key<'a> = autosurgeon::reconcile::NoKey;
            fn reconcile<R: autosurgeon::Reconciler>(&self, mut r: R) -> Result<(), R::Error> {
                r.str(self.0.hyphenated().to_string())
            }
        }

        impl autosurgeon::Hydrate for $name {
            fn hydrate_string(s: &str) -> Result<Self, autosurgeon::HydrateError> {
                s.parse().map_err(|e: uuid::Error| {
                    autosurgeon::HydrateError::unexpected("a UUID string", e.to_string())
                })
            }
        }
    };
}

id_type!(
    /// A clinic: the tenant every record and device belongs to.
    ClinicId
);
id_type!(
    /// A workstation replica; also its Automerge actor id.
    ReplicaId
);
id_type!(
    /// An enrolled device as the server knows it.
    DeviceId
);
id_type!(
    /// Any record document (patient, vitals set, ...).
    DocId
);
id_type!(
    /// One entry of a keyed map inside a record: an allergy, a medication, a problem.
    EntryId
);
id_type!(
    /// A user of a clinic (a person who signs in).
    UserId
);

impl ReplicaId {
    pub fn actor(&self) -> automerge::ActorId {
        automerge::ActorId::from(self.0.as_bytes().as_slice())
    }
}
