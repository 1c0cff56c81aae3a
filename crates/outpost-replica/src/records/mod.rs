//! The operations on each record kind, one file per kind: local writes (each one
//! transaction through `Replica::commit`) and the reads the screens and the CLI need,
//! answered from the projection tables.

pub(crate) mod encounters;
pub(crate) mod handovers;
pub(crate) mod library;
pub(crate) mod patient_queries;
pub(crate) mod patient_search;
pub(crate) mod patients;
pub(crate) mod templates;
pub(crate) mod vitals;

/// Today's date on this workstation's clock (dates of birth, medication dates).
pub(crate) fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}
