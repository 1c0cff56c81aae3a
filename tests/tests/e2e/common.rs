//! Record builders shared by the scenarios.

use outpost_domain::ids::DocId;
use outpost_domain::patient::{NewPatient, Sex};
use outpost_domain::vitals::NewVitals;

pub fn patient(name: &str, mrn: &str) -> NewPatient {
    NewPatient {
        name: name.into(),
        date_of_birth: "1970-05-12".into(),
        sex: Sex::Female,
        mrn: mrn.into(),
    }
}

pub fn vitals(patient_id: DocId, heart_rate: f64) -> NewVitals {
    NewVitals {
        patient_id,
        temperature_c: Some(37.0),
        heart_rate_per_min: Some(heart_rate),
        spo2_percent: Some(97.0),
        ..Default::default()
    }
}
