//! The vitals projection row, kept small. Vitals sets are the most numerous records a
//! clinic holds (tens of thousands), so their row stores each fact once: id, patient,
//! time (nanoseconds since 1970, UTC) and status in their columns, and in `detail` only
//! the rest, with each value under
//! its field name. A value's LOINC code and UCUM unit are the catalog's
//! (`outpost_domain::vitals::SPECS`) for nearly every set; they are written out only for a
//! value whose codes differ (or whose field the catalog does not know), so reading the row
//! gives back exactly the document's projection.
//!
//! The domain's full projection as JSON was four times the size of this row (the codes
//! and field names of eight observations, and the columns again).

use super::kinds::{row_sql, Row};
use crate::error::ReplicaError;
use chrono::{DateTime, Utc};
use outpost_domain::ids::DocId;
use outpost_domain::vitals::{spec, Observation, VitalsProjection, VitalsStatus};
use rusqlite::types::Value;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// What `detail` holds for a vitals set. Written from the projection's strings without
/// copying them (tens of thousands are written in a bootstrap); read back as owned ones.
#[derive(Debug, Serialize, Deserialize)]
struct Compact<'a> {
    #[serde(rename = "by")]
    taken_by: Cow<'a, str>,
    /// `[field, value]` per observation, in the record's order.
    #[serde(rename = "v")]
    values: Vec<(Cow<'a, str>, f64)>,
    /// `[index, loinc, ucum]` for each observation whose codes are not the catalog's.
    #[serde(rename = "c", default, skip_serializing_if = "Vec::is_empty")]
    codes: Vec<(usize, Cow<'a, str>, Cow<'a, str>)>,
    #[serde(rename = "p", default, skip_serializing_if = "Option::is_none")]
    position: Option<Cow<'a, str>>,
    #[serde(rename = "n", default, skip_serializing_if = "Option::is_none")]
    notes: Option<Cow<'a, str>>,
    #[serde(rename = "r", default, skip_serializing_if = "Option::is_none")]
    entered_in_error_reason: Option<Cow<'a, str>>,
}

const IN_ERROR: &str = "entered-in-error";

fn status_word(s: VitalsStatus) -> &'static str {
    match s {
        VitalsStatus::Final => "final",
        VitalsStatus::EnteredInError => IN_ERROR,
    }
}

/// `t` as the `taken_at` column holds it. Nanoseconds since 1970 reach the years
/// 1677–2262; a time outside them is refused rather than stored wrong.
fn taken_at_nanos(t: DateTime<Utc>) -> Result<i64, ReplicaError> {
    t.timestamp_nanos_opt().ok_or_else(|| {
        ReplicaError::invalid(
            "taken_at",
            "a time between the years 1677 and 2262 (check the date the values were taken)",
        )
    })
}

fn borrowed(s: &Option<String>) -> Option<Cow<'_, str>> {
    s.as_deref().map(Cow::from)
}

/// The row of one vitals set.
pub(super) fn row(v: &VitalsProjection) -> Result<Row, ReplicaError> {
    let codes = v
        .observations
        .iter()
        .enumerate()
        .filter(|(_, o)| spec(&o.field).is_none_or(|s| s.loinc != o.loinc || s.ucum != o.ucum))
        .map(|(i, o)| (i, Cow::from(o.loinc.as_str()), Cow::from(o.ucum.as_str())))
        .collect();
    let compact = Compact {
        taken_by: Cow::from(v.taken_by.as_str()),
        values: v
            .observations
            .iter()
            .map(|o| (Cow::from(o.field.as_str()), o.value))
            .collect(),
        codes,
        position: borrowed(&v.position),
        notes: borrowed(&v.notes),
        entered_in_error_reason: borrowed(&v.entered_in_error_reason),
    };
    Ok(Row::new(
        row_sql!(vitals: id, patient_id, taken_at, status, detail),
        vec![
            Value::Text(v.id.to_string()),
            Value::Text(v.patient_id.to_string()),
            Value::Integer(taken_at_nanos(v.taken_at)?),
            Value::Text(status_word(v.status).into()),
            Value::Text(super::to_detail(&compact)?),
        ],
    ))
}

/// The columns [`read`] takes, in its order.
const COLUMNS: &str = "SELECT id, patient_id, taken_at, status, detail FROM vitals";

fn stale(what: impl std::fmt::Display) -> ReplicaError {
    ReplicaError::StaleProjection(format!("vitals row: {what}"))
}

/// One stored row back as the projection it was written from.
fn read(r: &rusqlite::Row<'_>) -> Result<VitalsProjection, ReplicaError> {
    let id: String = r.get(0)?;
    let patient: String = r.get(1)?;
    let taken_at: i64 = r.get(2)?;
    let status: String = r.get(3)?;
    let detail: String = r.get(4)?;
    let c: Compact<'static> = serde_json::from_str(&detail).map_err(stale)?;
    let mut observations = Vec::with_capacity(c.values.len());
    for (i, (field, value)) in c.values.into_iter().enumerate() {
        let (loinc, ucum) = match c.codes.iter().find(|(at, ..)| *at == i) {
            Some((_, loinc, ucum)) => (loinc.to_string(), ucum.to_string()),
            None => {
                let s = spec(&field).ok_or_else(|| stale(format!("no codes for {field}")))?;
                (s.loinc.to_owned(), s.ucum.to_owned())
            }
        };
        observations.push(Observation {
            field: field.into_owned(),
            loinc,
            ucum,
            value,
        });
    }
    Ok(VitalsProjection {
        id: crate::meta::parse(&id, "vitals id")?,
        patient_id: crate::meta::parse(&patient, "patient id")?,
        taken_at: DateTime::<Utc>::from_timestamp_nanos(taken_at),
        taken_by: c.taken_by.into_owned(),
        status: if status == IN_ERROR {
            VitalsStatus::EnteredInError
        } else {
            VitalsStatus::Final
        },
        observations,
        position: c.position.map(Cow::into_owned),
        notes: c.notes.map(Cow::into_owned),
        entered_in_error_reason: c.entered_in_error_reason.map(Cow::into_owned),
    })
}

/// The vitals sets `rest` (a WHERE / ORDER BY / LIMIT clause over `vitals`) selects, in
/// its order.
pub(crate) fn select(
    conn: &Connection,
    rest: &str,
    params: impl rusqlite::Params + Clone,
) -> Result<Vec<VitalsProjection>, ReplicaError> {
    super::select_rows(conn, &format!("{COLUMNS} {rest}"), params, read)
}

/// A patient's latest vitals set that is `final`, if any.
pub(crate) fn latest_final(
    conn: &Connection,
    patient: DocId,
) -> Result<Option<VitalsProjection>, ReplicaError> {
    Ok(select(
        conn,
        "WHERE patient_id = ?1 AND status = 'final' ORDER BY taken_at DESC, id DESC LIMIT 1",
        [patient.to_string()],
    )?
    .pop())
}

#[cfg(test)]
mod tests;
