//! The closed vocabularies of patient entries (severity and statuses), each stored as a
//! lower-case word in documents and on the wire.
// autosurgeon's derive adds a key type without `Debug` to each enum declared by a local macro.
#![allow(missing_debug_implementations)]

use crate::error::DomainError;
use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Declares a unit enum stored as a lower-case word in documents and on the wire, with a
/// parser that names the allowed words.
macro_rules! word_enum {
    ($(#[$doc:meta])* $name:ident, $field:literal { $($variant:ident = $word:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Reconcile, Hydrate, Serialize, Deserialize, TS)]
        #[ts(export, export_to = "../../../ui/src/bindings/")]
        pub enum $name {
            $(
                #[autosurgeon(rename = $word)]
                #[serde(rename = $word)]
                $variant,
            )+
        }

        impl $name {
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $word,)+ }
            }

            pub fn parse(s: &str) -> Result<Self, DomainError> {
                match s.trim().to_ascii_lowercase().as_str() {
                    $($word => Ok(Self::$variant),)+
                    _ => Err(DomainError::invalid(
                        $field,
                        format!("\"{s}\" is not allowed; use one of: {}", [$($word),+].join(", ")),
                    )),
                }
            }
        }
    };
}

word_enum!(
    /// How severe a reaction to the allergen is.
    AllergySeverity, "severity" {
        Mild = "mild", Moderate = "moderate", Severe = "severe", Unknown = "unknown",
    }
);
word_enum!(
    /// `refuted`: the allergy was recorded but is known not to exist. Never deleted.
    AllergyStatus, "status" {
        Active = "active", Inactive = "inactive", Resolved = "resolved", Refuted = "refuted",
    }
);
word_enum!(
    MedicationStatus, "status" {
        Active = "active", Stopped = "stopped", EnteredInError = "entered-in-error",
    }
);
word_enum!(
    ProblemStatus, "status" {
        Active = "active", Resolved = "resolved", Inactive = "inactive",
    }
);
