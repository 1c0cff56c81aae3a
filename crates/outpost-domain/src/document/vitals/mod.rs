//! A vitals set: one immutable observation of a patient's vital signs, each value with its
//! LOINC code and UCUM unit. Values outside the plausible ranges of ARCHITECTURE §2 are
//! refused before anything is written, with the field and the allowed range named.

mod record;

pub use record::*;

use crate::error::{DomainError, FieldError};
use crate::ids::DocId;
use crate::patient::field;
use autosurgeon::{Hydrate, Reconcile};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// One kind of vital sign: its field name, label, LOINC code, UCUM unit, display unit and
/// the accepted range.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VitalSpec {
    pub field: &'static str,
    pub label: &'static str,
    pub loinc: &'static str,
    pub ucum: &'static str,
    pub unit: &'static str,
    pub min: f64,
    /// `true` when `min` itself is not allowed ("greater than 0").
    pub min_exclusive: bool,
    pub max: f64,
}

impl VitalSpec {
    fn allows(&self, v: f64) -> bool {
        let above = if self.min_exclusive {
            v > self.min
        } else {
            v >= self.min
        };
        v.is_finite() && above && v <= self.max
    }

    /// The allowed range in words, as shown to the clinician.
    pub fn range_text(&self) -> String {
        if self.min_exclusive {
            format!(
                "greater than {} {} and at most {} {}",
                self.min, self.unit, self.max, self.unit
            )
        } else {
            format!("between {} and {} {}", self.min, self.max, self.unit)
        }
    }
}

/// Weight and height have no clinical upper bound in the design; the upper limits here
/// catch unit slips (grams typed as kilograms) without refusing any real patient.
pub const SPECS: [VitalSpec; 8] = [
    VitalSpec {
        field: "weight_kg",
        label: "weight",
        loinc: "29463-7",
        ucum: "kg",
        unit: "kg",
        min: 0.0,
        min_exclusive: true,
        max: 700.0,
    },
    VitalSpec {
        field: "height_cm",
        label: "height",
        loinc: "8302-2",
        ucum: "cm",
        unit: "cm",
        min: 0.0,
        min_exclusive: true,
        max: 300.0,
    },
    VitalSpec {
        field: "temperature_c",
        label: "temperature",
        loinc: "8310-5",
        ucum: "Cel",
        unit: "°C",
        min: 30.0,
        min_exclusive: false,
        max: 45.0,
    },
    VitalSpec {
        field: "systolic_mmhg",
        label: "systolic blood pressure",
        loinc: "8480-6",
        ucum: "mm[Hg]",
        unit: "mmHg",
        min: 50.0,
        min_exclusive: false,
        max: 250.0,
    },
    VitalSpec {
        field: "diastolic_mmhg",
        label: "diastolic blood pressure",
        loinc: "8462-4",
        ucum: "mm[Hg]",
        unit: "mmHg",
        min: 30.0,
        min_exclusive: false,
        max: 150.0,
    },
    VitalSpec {
        field: "heart_rate_per_min",
        label: "heart rate",
        loinc: "8867-4",
        ucum: "/min",
        unit: "/min",
        min: 30.0,
        min_exclusive: false,
        max: 220.0,
    },
    VitalSpec {
        field: "respiratory_rate_per_min",
        label: "respiratory rate",
        loinc: "9279-1",
        ucum: "/min",
        unit: "/min",
        min: 5.0,
        min_exclusive: false,
        max: 60.0,
    },
    VitalSpec {
        field: "spo2_percent",
        label: "SpO2",
        loinc: "59408-5",
        ucum: "%",
        unit: "%",
        min: 70.0,
        min_exclusive: false,
        max: 100.0,
    },
];

/// Looks up the spec of a field name such as `"temperature_c"`.
pub fn spec(field: &str) -> Option<&'static VitalSpec> {
    SPECS.iter().find(|s| s.field == field)
}

/// What a nurse enters. Every value is optional, but a set needs at least one.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct NewVitals {
    pub patient_id: DocId,
    #[serde(default)]
    #[ts(optional)]
    pub weight_kg: Option<f64>,
    #[serde(default)]
    #[ts(optional)]
    pub height_cm: Option<f64>,
    #[serde(default)]
    #[ts(optional)]
    pub temperature_c: Option<f64>,
    #[serde(default)]
    #[ts(optional)]
    pub systolic_mmhg: Option<f64>,
    #[serde(default)]
    #[ts(optional)]
    pub diastolic_mmhg: Option<f64>,
    #[serde(default)]
    #[ts(optional)]
    pub heart_rate_per_min: Option<f64>,
    #[serde(default)]
    #[ts(optional)]
    pub respiratory_rate_per_min: Option<f64>,
    #[serde(default)]
    #[ts(optional)]
    pub spo2_percent: Option<f64>,
    /// When the values were measured (RFC 3339); defaults to now.
    #[serde(default)]
    #[ts(optional)]
    pub taken_at: Option<DateTime<Utc>>,
}

/// One measured value with its codes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, Reconcile, Hydrate)]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct Observation {
    /// Field name, e.g. `temperature_c`.
    pub field: String,
    pub loinc: String,
    /// UCUM unit code, e.g. `Cel`.
    pub ucum: String,
    pub value: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, Reconcile, Hydrate)]
#[serde(rename_all = "kebab-case")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub enum VitalsStatus {
    #[autosurgeon(rename = "final")]
    Final,
    /// Wrong entry: shown struck through with the reason; the values stay readable.
    #[autosurgeon(rename = "entered-in-error")]
    EnteredInError,
}

/// A stored vitals set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct VitalsSet {
    pub id: DocId,
    pub patient_id: DocId,
    pub taken_at: DateTime<Utc>,
    pub taken_by: String,
    pub status: VitalsStatus,
    pub observations: Vec<Observation>,
}

impl VitalsSet {
    /// The value of one field, e.g. `value("spo2_percent")`.
    pub fn value(&self, field: &str) -> Option<f64> {
        self.observations
            .iter()
            .find(|o| o.field == field)
            .map(|o| o.value)
    }
}

/// A measurement more than this far in the future is a clock or typing error.
const MAX_FUTURE_SKEW_MINUTES: i64 = 10;

/// No vitals set is older than this: a date before it is a typing slip (and the
/// workstation's vitals index holds times as nanoseconds since 1970, which reach 1677).
fn earliest_taken_at() -> DateTime<Utc> {
    DateTime::<Utc>::from_timestamp(-2_208_988_800, 0).unwrap_or(DateTime::<Utc>::MIN_UTC)
}

impl NewVitals {
    fn values(&self) -> [(&'static VitalSpec, Option<f64>); 8] {
        [
            (&SPECS[0], self.weight_kg),
            (&SPECS[1], self.height_cm),
            (&SPECS[2], self.temperature_c),
            (&SPECS[3], self.systolic_mmhg),
            (&SPECS[4], self.diastolic_mmhg),
            (&SPECS[5], self.heart_rate_per_min),
            (&SPECS[6], self.respiratory_rate_per_min),
            (&SPECS[7], self.spo2_percent),
        ]
    }

    /// Validates every value and returns the set to store, or all problems at once.
    pub fn validate(
        &self,
        id: DocId,
        taken_by: &str,
        now: DateTime<Utc>,
    ) -> Result<VitalsSet, DomainError> {
        let mut errors: Vec<FieldError> = Vec::new();
        let mut observations = Vec::new();
        for (spec, value) in self.values() {
            let Some(v) = value else { continue };
            if spec.allows(v) {
                observations.push(Observation {
                    field: spec.field.to_owned(),
                    loinc: spec.loinc.to_owned(),
                    ucum: spec.ucum.to_owned(),
                    value: v,
                });
            } else {
                errors.push(field(
                    spec.field,
                    format!("{} must be {} (got {v})", spec.label, spec.range_text()),
                ));
            }
        }
        match (self.systolic_mmhg, self.diastolic_mmhg) {
            (Some(_), None) => errors.push(field(
                "diastolic_mmhg",
                "enter the diastolic pressure with the systolic",
            )),
            (None, Some(_)) => errors.push(field(
                "systolic_mmhg",
                "enter the systolic pressure with the diastolic",
            )),
            (Some(s), Some(d)) if s <= d && errors.is_empty() => errors.push(field(
                "diastolic_mmhg",
                format!("diastolic ({d}) must be lower than systolic ({s})"),
            )),
            _ => {}
        }
        if errors.is_empty() && observations.is_empty() {
            errors.push(field("vitals", "enter at least one vital sign"));
        }
        let taken_at = self.taken_at.unwrap_or(now);
        if taken_at > now + Duration::minutes(MAX_FUTURE_SKEW_MINUTES) {
            errors.push(field("taken_at", "the time taken is in the future"));
        }
        if taken_at < earliest_taken_at() {
            errors.push(field(
                "taken_at",
                "the time taken is before 1900; check the date the values were measured",
            ));
        }
        let taken_by = taken_by.trim();
        if taken_by.is_empty() {
            errors.push(field("taken_by", "say who took the vitals"));
        }
        if !errors.is_empty() {
            return Err(DomainError::Invalid(errors));
        }
        Ok(VitalsSet {
            id,
            patient_id: self.patient_id,
            taken_at,
            taken_by: taken_by.to_owned(),
            status: VitalsStatus::Final,
            observations,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        "2026-11-22T10:00:00Z".parse().unwrap()
    }

    fn normal() -> NewVitals {
        NewVitals {
            patient_id: DocId::new(),
            weight_kg: Some(70.5),
            temperature_c: Some(36.8),
            systolic_mmhg: Some(120.0),
            diastolic_mmhg: Some(80.0),
            heart_rate_per_min: Some(72.0),
            respiratory_rate_per_min: Some(14.0),
            spo2_percent: Some(98.0),
            ..Default::default()
        }
    }

    #[test]
    fn normal_values_are_coded() {
        let v = normal().validate(DocId::new(), "nurse.kim", now()).unwrap();
        assert_eq!(v.value("temperature_c"), Some(36.8));
        let t = v
            .observations
            .iter()
            .find(|o| o.field == "temperature_c")
            .unwrap();
        assert_eq!((t.loinc.as_str(), t.ucum.as_str()), ("8310-5", "Cel"));
        assert_eq!(v.taken_at, now());
        assert_eq!(v.status, VitalsStatus::Final);
    }

    #[test]
    fn each_range_edge_is_inclusive_and_beyond_is_refused() {
        for spec in SPECS {
            let mut inside = NewVitals {
                patient_id: DocId::new(),
                ..Default::default()
            };
            let mut outside = inside.clone();
            let (ok, bad) = if spec.min_exclusive {
                (spec.max, spec.min)
            } else {
                (spec.min, spec.max + 0.1)
            };
            set(&mut inside, spec.field, ok);
            set(&mut outside, spec.field, bad);
            if spec.field.contains("mmhg") {
                // blood pressure needs both halves; give the other half a normal value
                for v in [&mut inside, &mut outside] {
                    v.systolic_mmhg.get_or_insert(200.0);
                    v.diastolic_mmhg.get_or_insert(40.0);
                }
            }
            assert!(
                inside.validate(DocId::new(), "n", now()).is_ok(),
                "{} {ok}",
                spec.field
            );
            let err = outside.validate(DocId::new(), "n", now()).unwrap_err();
            assert_eq!(err.field_errors()[0].field, spec.field);
            assert!(err.to_string().contains(&spec.range_text()), "{err}");
        }
    }

    fn set(v: &mut NewVitals, field: &str, x: f64) {
        let slot = match field {
            "weight_kg" => &mut v.weight_kg,
            "height_cm" => &mut v.height_cm,
            "temperature_c" => &mut v.temperature_c,
            "systolic_mmhg" => &mut v.systolic_mmhg,
            "diastolic_mmhg" => &mut v.diastolic_mmhg,
            "heart_rate_per_min" => &mut v.heart_rate_per_min,
            "respiratory_rate_per_min" => &mut v.respiratory_rate_per_min,
            "spo2_percent" => &mut v.spo2_percent,
            other => panic!("unknown field {other}"),
        };
        *slot = Some(x);
    }

    #[test]
    fn temperature_message_names_field_and_range() {
        let mut v = normal();
        v.temperature_c = Some(47.0);
        let err = v.validate(DocId::new(), "n", now()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "temperature_c: temperature must be between 30 and 45 °C (got 47)"
        );
    }

    #[test]
    fn not_a_number_is_refused() {
        let mut v = normal();
        v.spo2_percent = Some(f64::NAN);
        assert_eq!(
            v.validate(DocId::new(), "n", now())
                .unwrap_err()
                .field_errors()[0]
                .field,
            "spo2_percent"
        );
    }

    #[test]
    fn empty_set_and_half_blood_pressure_are_refused() {
        let empty = NewVitals {
            patient_id: DocId::new(),
            ..Default::default()
        };
        assert!(empty
            .validate(DocId::new(), "n", now())
            .unwrap_err()
            .to_string()
            .contains("at least one"));
        let mut half = normal();
        half.diastolic_mmhg = None;
        assert_eq!(
            half.validate(DocId::new(), "n", now())
                .unwrap_err()
                .field_errors()[0]
                .field,
            "diastolic_mmhg"
        );
        let mut inverted = normal();
        inverted.systolic_mmhg = Some(70.0);
        inverted.diastolic_mmhg = Some(90.0);
        assert!(inverted.validate(DocId::new(), "n", now()).is_err());
    }

    #[test]
    fn a_time_before_1900_is_refused() {
        let mut v = normal();
        v.taken_at =
            Some(chrono::TimeZone::with_ymd_and_hms(&Utc, 1899, 12, 31, 23, 0, 0).unwrap());
        let err = v.validate(DocId::new(), "n", now()).unwrap_err();
        assert_eq!(err.field_errors()[0].field, "taken_at");
        v.taken_at = Some(chrono::TimeZone::with_ymd_and_hms(&Utc, 1900, 1, 1, 0, 0, 0).unwrap());
        assert!(v.validate(DocId::new(), "n", now()).is_ok());
    }

    #[test]
    fn future_time_is_refused() {
        let mut v = normal();
        v.taken_at = Some(now() + Duration::hours(2));
        assert_eq!(
            v.validate(DocId::new(), "n", now())
                .unwrap_err()
                .field_errors()[0]
                .field,
            "taken_at"
        );
    }
}
