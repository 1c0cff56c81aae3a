//! What the crate's unit tests start from: a new replica in a temporary directory with
//! one registered patient.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use crate::Replica;
use outpost_domain::ids::DocId;
use outpost_domain::patient::{NewPatient, Sex};

/// A new replica (its directory lives as long as the first value) holding one patient.
pub(crate) fn replica_with_patient() -> (tempfile::TempDir, Replica, DocId) {
    let dir = tempfile::tempdir().unwrap();
    let mut r = Replica::create(dir.path()).unwrap();
    let patient = r
        .register_patient(
            &NewPatient {
                name: "Amara Okafor".into(),
                date_of_birth: "1984-03-07".into(),
                sex: Sex::Female,
                mrn: "MRN-1".into(),
            },
            "desk.ana",
        )
        .unwrap();
    (dir, r, patient.id)
}
