//! Shared value rules for record fields: text limits, how dates and times are stored in a
//! document (ISO strings, as schema 1 wrote them), and the small checks every kind's
//! validation uses so each refused field gets one clear sentence.

use crate::error::FieldError;
use chrono::{DateTime, NaiveDate, Utc};

/// Longest short text (a name, a dose, a reason), in characters.
pub const SHORT_TEXT_MAX: usize = 500;
/// Longest narrative note, in characters.
pub const NARRATIVE_MAX: usize = 50_000;

pub(crate) fn field_error(field: &str, message: impl Into<String>) -> FieldError {
    FieldError {
        field: field.to_owned(),
        message: message.into(),
    }
}

/// Trims `value`; records an error if it is empty (when `required`) or too long.
pub(crate) fn short_text(
    errors: &mut Vec<FieldError>,
    field: &str,
    value: &str,
    required: bool,
) -> String {
    let value = value.trim();
    if required && value.is_empty() {
        errors.push(field_error(field, "this field is required"));
    } else if value.chars().count() > SHORT_TEXT_MAX {
        errors.push(field_error(
            field,
            format!("at most {SHORT_TEXT_MAX} characters are allowed"),
        ));
    }
    value.to_owned()
}

/// Like [`short_text`] for an optional field: empty means "not recorded".
pub(crate) fn optional_text(
    errors: &mut Vec<FieldError>,
    field: &str,
    value: Option<&str>,
) -> Option<String> {
    let text = short_text(errors, field, value.unwrap_or_default(), false);
    (!text.is_empty()).then_some(text)
}

/// Parses an ISO date (`YYYY-MM-DD`) that may not lie after `today`.
pub(crate) fn past_date(
    errors: &mut Vec<FieldError>,
    field: &str,
    value: &str,
    today: NaiveDate,
) -> Option<NaiveDate> {
    match NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d") {
        Ok(d) if d > today => {
            errors.push(field_error(field, "the date is in the future"));
            None
        }
        Ok(d) => Some(d),
        Err(_) => {
            errors.push(field_error(
                field,
                "enter the date as YYYY-MM-DD, e.g. 2024-03-07",
            ));
            None
        }
    }
}

/// A `NaiveDate` stored as `YYYY-MM-DD`.
pub(crate) mod iso_date {
    use autosurgeon::{Hydrate, HydrateError, Prop, ReadDoc, Reconciler};
    use chrono::NaiveDate;

    pub(crate) fn reconcile<R: Reconciler>(d: &NaiveDate, mut r: R) -> Result<(), R::Error> {
        r.str(d.format("%Y-%m-%d").to_string())
    }

    pub(crate) fn hydrate<D: ReadDoc>(
        doc: &D,
        obj: &automerge::ObjId,
        prop: Prop<'_>,
    ) -> Result<NaiveDate, HydrateError> {
        super::parse_date(&String::hydrate(doc, obj, prop)?)
    }
}

/// An optional `NaiveDate` stored as `YYYY-MM-DD` or null.
pub(crate) mod opt_iso_date {
    use autosurgeon::{Hydrate, HydrateError, Prop, ReadDoc, Reconcile, Reconciler};
    use chrono::NaiveDate;

    pub(crate) fn reconcile<R: Reconciler>(d: &Option<NaiveDate>, r: R) -> Result<(), R::Error> {
        d.map(|d| d.format("%Y-%m-%d").to_string()).reconcile(r)
    }

    pub(crate) fn hydrate<D: ReadDoc>(
        doc: &D,
        obj: &automerge::ObjId,
        prop: Prop<'_>,
    ) -> Result<Option<NaiveDate>, HydrateError> {
        Option::<String>::hydrate(doc, obj, prop)?
            .map(|s| super::parse_date(&s))
            .transpose()
    }
}

/// A UTC time stored as RFC 3339 text.
pub(crate) mod rfc3339 {
    use autosurgeon::{Hydrate, HydrateError, Prop, ReadDoc, Reconciler};
    use chrono::{DateTime, Utc};

    pub(crate) fn reconcile<R: Reconciler>(t: &DateTime<Utc>, mut r: R) -> Result<(), R::Error> {
        r.str(t.to_rfc3339())
    }

    pub(crate) fn hydrate<D: ReadDoc>(
        doc: &D,
        obj: &automerge::ObjId,
        prop: Prop<'_>,
    ) -> Result<DateTime<Utc>, HydrateError> {
        super::parse_time(&String::hydrate(doc, obj, prop)?)
    }
}

/// An optional UTC time stored as RFC 3339 text or null.
pub(crate) mod opt_rfc3339 {
    use autosurgeon::{Hydrate, HydrateError, Prop, ReadDoc, Reconcile, Reconciler};
    use chrono::{DateTime, Utc};

    pub(crate) fn reconcile<R: Reconciler>(
        t: &Option<DateTime<Utc>>,
        r: R,
    ) -> Result<(), R::Error> {
        t.map(|t| t.to_rfc3339()).reconcile(r)
    }

    pub(crate) fn hydrate<D: ReadDoc>(
        doc: &D,
        obj: &automerge::ObjId,
        prop: Prop<'_>,
    ) -> Result<Option<DateTime<Utc>>, HydrateError> {
        Option::<String>::hydrate(doc, obj, prop)?
            .map(|s| super::parse_time(&s))
            .transpose()
    }
}

/// A keyed map (entry id → entry) that is not written while it is empty. A schema-1
/// document has no such map; creating an empty one on every edit would let two
/// workstations' first edits each create their own map, and Automerge would show only one
/// of them. Schema-2 documents get their maps when created (see `Document::create`).
pub(crate) mod keyed_map {
    use autosurgeon::{Hydrate, HydrateError, Prop, ReadDoc, Reconcile, Reconciler};
    use std::collections::BTreeMap;

    pub(crate) fn reconcile<V: Reconcile, R: Reconciler>(
        map: &BTreeMap<String, V>,
        r: R,
    ) -> Result<(), R::Error> {
        if map.is_empty() {
            return Ok(());
        }
        map.reconcile(r)
    }

    /// An empty map (how most records hold them) is answered from its length, which a
    /// [`FreshDocument`](crate::document::FreshDocument) knows without the engine; entries
    /// are read through the map's range.
    pub(crate) fn hydrate<V: Hydrate, D: ReadDoc>(
        doc: &D,
        obj: &automerge::ObjId,
        prop: Prop<'_>,
    ) -> Result<BTreeMap<String, V>, HydrateError> {
        if let Some((automerge::Value::Object(automerge::ObjType::Map), map)) =
            doc.get(obj, &prop)?
        {
            if doc.length(&map) == 0 {
                return Ok(BTreeMap::new());
            }
        }
        BTreeMap::hydrate(doc, obj, prop)
    }
}

fn parse_date(s: &str) -> Result<NaiveDate, autosurgeon::HydrateError> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|e| autosurgeon::HydrateError::unexpected("a YYYY-MM-DD date", e.to_string()))
}

fn parse_time(s: &str) -> Result<DateTime<Utc>, autosurgeon::HydrateError> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| autosurgeon::HydrateError::unexpected("an RFC 3339 time", e.to_string()))
}
