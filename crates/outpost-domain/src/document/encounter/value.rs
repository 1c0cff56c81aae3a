//! The value of one structured encounter field, and the check of a value against the
//! template field it fills. A value is stored as one Automerge scalar (a multi-select as a
//! list of strings), so two workstations setting one field to different values leave a
//! visible conflict on exactly that field rather than a merged mixture.

use crate::document::template::{FieldType, TemplateField};
use crate::document::values::{NARRATIVE_MAX, SHORT_TEXT_MAX};
use crate::ids::DocId;
use autosurgeon::reconcile::LoadKey;
use autosurgeon::{Hydrate, HydrateError, Prop, ReadDoc, Reconcile, ReconcileError, Reconciler};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A structured field's value. Which variant a field takes is set by its template field
/// type: text, long text, select, date and vitals block take `Text` (a date as
/// `YYYY-MM-DD`, a vitals block as the vitals set's id); number takes `Number`; checkbox
/// takes `Flag`; multi-select takes `Choices`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(untagged)]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub enum FieldValue {
    Flag(bool),
    Number(f64),
    Text(String),
    Choices(Vec<String>),
}

impl FieldValue {
    fn kind(&self) -> &'static str {
        match self {
            Self::Flag(_) => "yes/no",
            Self::Number(_) => "a number",
            Self::Text(_) => "text",
            Self::Choices(_) => "a list of choices",
        }
    }
}

/// A multi-select is one value, not a list to merge item by item: a changed selection is
/// written as a new list (the key below differs from the stored one, so autosurgeon replaces
/// the list instead of diffing it). Two workstations changing one selection differently
/// therefore leave a conflict showing both selections, like any other structured field.
impl Reconcile for FieldValue {
    type Key<'a> = Option<Vec<String>>;

    fn reconcile<R: Reconciler>(&self, mut reconciler: R) -> Result<(), R::Error> {
        match self {
            Self::Flag(b) => reconciler.boolean(*b),
            Self::Number(n) => reconciler.f64(*n),
            Self::Text(s) => reconciler.str(s),
            Self::Choices(v) => v.reconcile(reconciler),
        }
    }

    fn key(&self) -> LoadKey<Self::Key<'_>> {
        LoadKey::Found(match self {
            Self::Choices(v) => Some(v.clone()),
            _ => None,
        })
    }

    fn hydrate_key<'a, D: ReadDoc>(
        doc: &D,
        obj: &automerge::ObjId,
        prop: Prop<'_>,
    ) -> Result<LoadKey<Self::Key<'a>>, ReconcileError> {
        Ok(match Self::hydrate(doc, obj, prop) {
            Ok(Self::Choices(v)) => LoadKey::Found(Some(v)),
            Ok(_) => LoadKey::Found(None),
            Err(_) => LoadKey::KeyNotFound,
        })
    }
}

impl Hydrate for FieldValue {
    fn hydrate_bool(b: bool) -> Result<Self, HydrateError> {
        Ok(Self::Flag(b))
    }

    fn hydrate_f64(f: f64) -> Result<Self, HydrateError> {
        Ok(Self::Number(f))
    }

    fn hydrate_int(i: i64) -> Result<Self, HydrateError> {
        Ok(Self::Number(i as f64))
    }

    fn hydrate_uint(u: u64) -> Result<Self, HydrateError> {
        Ok(Self::Number(u as f64))
    }

    fn hydrate_string(s: &str) -> Result<Self, HydrateError> {
        Ok(Self::Text(s.to_owned()))
    }

    fn hydrate_seq<D: ReadDoc>(doc: &D, obj: &automerge::ObjId) -> Result<Self, HydrateError> {
        Ok(Self::Choices(Vec::<String>::hydrate_seq(doc, obj)?))
    }
}

/// Checks `value` against the template field it fills. Returns the value to store
/// (multi-select choices in template order, without repeats) or a sentence saying what
/// the field accepts.
pub(crate) fn check(field: &TemplateField, value: &FieldValue) -> Result<FieldValue, String> {
    let wrong = |expected: &str| {
        Err(format!(
            "\"{}\" is {expected} field; got {}",
            field.label,
            value.kind()
        ))
    };
    match (&field.field_type, value) {
        (FieldType::Text, FieldValue::Text(s)) => limit(s, SHORT_TEXT_MAX, value),
        (FieldType::LongText, FieldValue::Text(s)) => limit(s, NARRATIVE_MAX, value),
        (FieldType::Number { unit, min, max }, FieldValue::Number(n)) => {
            number(*n, *min, *max, unit).map(|()| value.clone())
        }
        (FieldType::Select { options }, FieldValue::Text(s)) => {
            if options.contains(s) {
                Ok(value.clone())
            } else {
                Err(format!("\"{s}\" is not one of: {}", options.join(", ")))
            }
        }
        (FieldType::MultiSelect { options }, FieldValue::Choices(chosen)) => {
            if let Some(bad) = chosen.iter().find(|c| !options.contains(c)) {
                return Err(format!("\"{bad}\" is not one of: {}", options.join(", ")));
            }
            Ok(FieldValue::Choices(
                options
                    .iter()
                    .filter(|o| chosen.contains(o))
                    .cloned()
                    .collect(),
            ))
        }
        (FieldType::Checkbox, FieldValue::Flag(_)) => Ok(value.clone()),
        (FieldType::Date, FieldValue::Text(s)) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map(|_| value.clone())
            .map_err(|_| format!("\"{s}\" is not a date; write it as YYYY-MM-DD")),
        (FieldType::VitalsBlock, FieldValue::Text(s)) => s
            .parse::<DocId>()
            .map(|_| value.clone())
            .map_err(|_| format!("\"{s}\" is not the id of a vitals set")),
        (FieldType::Text | FieldType::LongText, _) => wrong("a text"),
        (FieldType::Number { .. }, _) => wrong("a number"),
        (FieldType::Select { .. }, _) => wrong("a single-choice"),
        (FieldType::MultiSelect { .. }, _) => wrong("a multiple-choice"),
        (FieldType::Checkbox, _) => wrong("a yes/no"),
        (FieldType::Date, _) => wrong("a date"),
        (FieldType::VitalsBlock, _) => wrong("a vitals"),
    }
}

fn limit(s: &str, max: usize, value: &FieldValue) -> Result<FieldValue, String> {
    let n = s.chars().count();
    if n > max {
        Err(format!("at most {max} characters (got {n})"))
    } else {
        Ok(value.clone())
    }
}

fn number(n: f64, min: Option<f64>, max: Option<f64>, unit: &str) -> Result<(), String> {
    if !n.is_finite() {
        return Err("enter a number".into());
    }
    let unit = if unit.is_empty() {
        String::new()
    } else {
        format!(" {unit}")
    };
    let range = match (min, max) {
        (Some(lo), Some(hi)) => format!("between {lo} and {hi}{unit}"),
        (Some(lo), None) => format!("at least {lo}{unit}"),
        (None, Some(hi)) => format!("at most {hi}{unit}"),
        (None, None) => return Ok(()),
    };
    if min.is_some_and(|lo| n < lo) || max.is_some_and(|hi| n > hi) {
        return Err(format!("must be {range} (got {n})"));
    }
    Ok(())
}
