//! Vitals commands: recording a set, the history (entered-in-error sets included, with
//! their reason), marking a set entered in error, and the accepted ranges, so the form
//! checks a value as it is typed with exactly the numbers the replica enforces.

use super::{read, write};
use crate::error::CommandError;
use crate::state::AppState;
use outpost_domain::document::DocKind;
use outpost_domain::ids::DocId;
use outpost_domain::roles::Action;
use outpost_domain::vitals::{NewVitals, VitalsProjection, VitalsSet, SPECS};
use serde::Serialize;
use tauri::State;
use ts_rs::TS;

/// One vital sign's accepted range, from the domain's table (ARCHITECTURE §2).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export_to = "../../../ui/src/bindings/")]
pub struct VitalRange {
    /// The `NewVitals` field, e.g. `temperature_c`.
    pub field: String,
    /// Lower-case name used in messages, e.g. `temperature`.
    pub label: String,
    pub unit: String,
    pub min: f64,
    /// `min` itself is refused ("greater than 0").
    pub min_exclusive: bool,
    pub max: f64,
    /// The range in words, as the replica's messages say it.
    pub range_text: String,
}

/// The ranges every vitals value is checked against.
pub fn vital_ranges_now() -> Vec<VitalRange> {
    SPECS
        .iter()
        .map(|s| VitalRange {
            field: s.field.to_owned(),
            label: s.label.to_owned(),
            unit: s.unit.to_owned(),
            min: s.min,
            min_exclusive: s.min_exclusive,
            max: s.max,
            range_text: s.range_text(),
        })
        .collect()
}

#[tauri::command]
pub async fn vital_ranges() -> Result<Vec<VitalRange>, CommandError> {
    Ok(vital_ranges_now())
}

#[tauri::command]
#[tracing::instrument(skip_all)]
pub async fn record_vitals(
    state: State<'_, AppState>,
    input: NewVitals,
) -> Result<VitalsSet, CommandError> {
    write(&state, DocKind::Vitals, Action::Create, move |r, author| {
        r.record_vitals(&input, author)
    })
    .await
}

#[tauri::command]
#[tracing::instrument(skip_all)]
pub async fn list_vitals(
    state: State<'_, AppState>,
    patient_id: DocId,
) -> Result<Vec<VitalsSet>, CommandError> {
    read(&state, DocKind::Vitals, move |r| r.list_vitals(patient_id)).await
}

/// The history with position, notes and the entered-in-error reason, newest first.
#[tauri::command]
#[tracing::instrument(skip_all)]
pub async fn vitals_history(
    state: State<'_, AppState>,
    patient_id: DocId,
) -> Result<Vec<VitalsProjection>, CommandError> {
    read(&state, DocKind::Vitals, move |r| {
        r.vitals_history(patient_id)
    })
    .await
}

#[tauri::command]
#[tracing::instrument(skip_all)]
pub async fn mark_vitals_entered_in_error(
    state: State<'_, AppState>,
    vitals_id: DocId,
    reason: String,
) -> Result<VitalsProjection, CommandError> {
    write(&state, DocKind::Vitals, Action::Edit, move |r, author| {
        r.mark_vitals_entered_in_error(vitals_id, &reason, author)
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_the_domains_with_its_wording() {
        let ranges = vital_ranges_now();
        assert_eq!(ranges.len(), SPECS.len());
        let t = ranges.iter().find(|r| r.field == "temperature_c").unwrap();
        assert_eq!((t.min, t.max, t.min_exclusive), (30.0, 45.0, false));
        assert_eq!(t.range_text, "between 30 and 45 °C");
        let w = ranges.iter().find(|r| r.field == "weight_kg").unwrap();
        assert!(w.min_exclusive);
    }
}
