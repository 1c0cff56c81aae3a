//! Pre-filling a new encounter from its template's auto-populate rules: a field may take
//! the value it had in the patient's previous encounter, or a number from the patient's
//! latest vitals. Pure: the caller looks up the previous encounter and the vitals set.

use super::value::check;
use super::{EncounterRecord, FieldValue};
use crate::document::template::{AutoPopulate, TemplateContent};
use crate::vitals::{VitalsSet, VitalsStatus};
use std::collections::BTreeMap;

/// Values for the fields of `template` whose auto-populate rule can be met. `previous` is
/// the patient's previous encounter, `vitals` their latest vitals set; a vitals set marked
/// entered-in-error is never used. A value that does not fit the field as this template
/// defines it (a select option since removed, a number out of range) is left out, so the
/// result always passes [`super::NewEncounter::validate`].
pub fn prefill(
    template: &TemplateContent,
    previous: Option<&EncounterRecord>,
    vitals: Option<&VitalsSet>,
) -> BTreeMap<String, FieldValue> {
    let vitals = vitals.filter(|v| v.status == VitalsStatus::Final);
    template
        .fields()
        .filter_map(|field| {
            let candidate = match &field.auto_populate {
                AutoPopulate::None => None,
                AutoPopulate::LastValueForPatient => {
                    previous.and_then(|e| e.fields.get(&field.id)).cloned()
                }
                AutoPopulate::FromVitals { field: vital } => {
                    vitals.and_then(|v| v.value(vital)).map(FieldValue::Number)
                }
            }?;
            check(field, &candidate).ok().map(|v| (field.id.clone(), v))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::encounter::tests::new_encounter;
    use crate::document::template::testing::{intake, published_intake};
    use crate::ids::DocId;
    use crate::vitals::Observation;

    fn vitals(systolic: f64, status: VitalsStatus) -> VitalsSet {
        VitalsSet {
            id: DocId::new(),
            patient_id: DocId::new(),
            taken_at: "2026-11-22T08:00:00Z".parse().unwrap(),
            taken_by: "nurse.kim".into(),
            status,
            observations: vec![Observation {
                field: "systolic_mmhg".into(),
                loinc: "8480-6".into(),
                ucum: "mm[Hg]".into(),
                value: systolic,
            }],
        }
    }

    #[test]
    fn fields_take_the_latest_vitals_and_the_previous_encounters_values() {
        let t = published_intake();
        let previous = new_encounter(&t).validate(DocId::new(), &t).unwrap();
        let mut content = intake();
        for f in content.pages[0].sections[0].fields.iter_mut() {
            if f.id == "rhythm" {
                f.auto_populate = AutoPopulate::LastValueForPatient;
            }
        }
        let v = vitals(131.0, VitalsStatus::Final);
        let filled = prefill(&content, Some(&previous), Some(&v));
        assert_eq!(
            filled,
            BTreeMap::from([
                ("bp_sys".to_owned(), FieldValue::Number(131.0)),
                ("rhythm".to_owned(), FieldValue::Text("sinus".into())),
            ])
        );
        assert!(prefill(&content, None, None).is_empty());
    }

    #[test]
    fn vitals_entered_in_error_and_values_that_no_longer_fit_are_left_out() {
        let content = intake();
        let wrong = vitals(131.0, VitalsStatus::EnteredInError);
        assert!(prefill(&content, None, Some(&wrong)).is_empty());
        let beyond = vitals(260.0, VitalsStatus::Final);
        assert!(prefill(&content, None, Some(&beyond)).is_empty());
    }
}
