//! One projection row per document, by kind. The domain computes each projection purely
//! from the record (`PatientProjection::of`, `EncounterProjection::of`, ...); this file
//! only maps it to the columns queries filter and sort on, plus the whole projection as
//! JSON in `detail` (vitals sets and encounters have rows of their own, `vitals_row` and
//! `encounter_row`). A row is computed without the database ([`row`]) and written
//! separately ([`Row::write`]), so a pulled page can compute its rows in parallel.

use super::to_detail;
use crate::error::ReplicaError;
use outpost_domain::document::encounter::{EncounterProjection, EncounterRecord};
use outpost_domain::document::handover::{HandoverProjection, HandoverRecord};
use outpost_domain::document::template::{SavedSection, TemplateProjection, TemplateRecord};
use outpost_domain::document::{DocKind, ReadRecord};
use outpost_domain::link::LinkStatus;
use outpost_domain::patient::PatientProjection;
use outpost_domain::vitals::{VitalsProjection, VitalsRecord};
use rusqlite::types::Value;
use rusqlite::{params_from_iter, Connection};

/// Every projection table (one per kind).
pub(super) const TABLES: [&str; 7] = [
    "patients",
    "vitals",
    "encounters",
    "handovers",
    "templates",
    "patient_links",
    "library_sections",
];

/// The statements that store a projection row, from `table: first_column, column, …`
/// (the first column is the document id, the table's key).
/// - `insert`: a document stored for the first time has no row yet (every projection table
///   references `documents`), so its row is a plain insert: `INSERT OR REPLACE` makes
///   SQLite keep a statement journal, a copy of every page the statement touches.
/// - `unchanged`: finds the stored row only if it already holds these values. An edit
///   that leaves the row as it was (typing a note changes no column of the encounter's
///   row) then writes nothing: replacing it rewrote the row and every index on it, three
///   of the dozen pages a charting save wrote, encrypted and flushed.
/// - `replace`: every other edit.
macro_rules! row_sql {
    ($table:ident : $first:ident $(, $column:ident)* $(,)?) => {
        $crate::projection::kinds::RowSql {
            replace: concat!(
                "INSERT OR REPLACE INTO ", stringify!($table),
                " (", stringify!($first), $(", ", stringify!($column),)* ")",
                " VALUES (?", $(", ?", $crate::projection::kinds::row_sql!(@nothing $column),)* ")"
            ),
            insert: concat!(
                "INSERT INTO ", stringify!($table),
                " (", stringify!($first), $(", ", stringify!($column),)* ")",
                " VALUES (?", $(", ?", $crate::projection::kinds::row_sql!(@nothing $column),)* ")"
            ),
            unchanged: concat!(
                "SELECT 1 FROM ", stringify!($table), " WHERE ", stringify!($first), " = ?",
                $(" AND ", stringify!($column), " IS ?",)*
            ),
        }
    };
    // Expands to nothing: it lets a repetition write one `?` per column (a repetition
    // must use one of its variables).
    (@nothing $column:ident) => {
        ""
    };
}
pub(super) use row_sql;

/// See [`row_sql`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct RowSql {
    pub(super) replace: &'static str,
    pub(super) insert: &'static str,
    pub(super) unchanged: &'static str,
}

/// The projection row of one document: the statements that store it and its values.
#[derive(Debug)]
pub(crate) struct Row {
    sql: RowSql,
    values: Vec<Value>,
}

impl Row {
    pub(super) fn new(sql: RowSql, values: Vec<Value>) -> Self {
        Self { sql, values }
    }

    /// Stores the row, replacing the document's previous one unless that already holds
    /// the same values. `fresh`: the document was not stored before, so it has no row.
    pub(super) fn write(&self, conn: &Connection, fresh: bool) -> Result<(), ReplicaError> {
        let values = || params_from_iter(self.values.iter());
        if fresh {
            conn.prepare_cached(self.sql.insert)?.execute(values())?;
        } else if !conn.prepare_cached(self.sql.unchanged)?.exists(values())? {
            conn.prepare_cached(self.sql.replace)?.execute(values())?;
        }
        Ok(())
    }

    /// Whether the document's stored row holds exactly these values.
    pub(super) fn is_stored(&self, conn: &Connection) -> Result<bool, ReplicaError> {
        Ok(conn
            .prepare_cached(self.sql.unchanged)?
            .exists(params_from_iter(self.values.iter()))?)
    }
}

/// Computes the projection row of `doc` (reads the record once), built by the engine or
/// read from a new document's one change.
pub(super) fn row(doc: &impl ReadRecord) -> Result<Row, ReplicaError> {
    match doc.kind() {
        DocKind::Patient => patient(&PatientProjection::of(&doc.read_record()?)),
        DocKind::Vitals => {
            super::vitals_row::row(&VitalsProjection::from(doc.read_record::<VitalsRecord>()?))
        }
        DocKind::Encounter => super::encounter_row::row(&EncounterProjection::of(
            &doc.read_record::<EncounterRecord>()?,
        )),
        DocKind::Handover => handover(&HandoverProjection::of(
            &doc.read_record::<HandoverRecord>()?,
        )),
        DocKind::Template => template(&TemplateProjection::of(
            &doc.read_record::<TemplateRecord>()?,
        )),
        DocKind::PatientLink => link(&doc.read_record()?),
        DocKind::LibrarySection => saved_section(&doc.read_record()?),
    }
}

fn text(s: impl Into<String>) -> Value {
    Value::Text(s.into())
}

fn patient(p: &PatientProjection) -> Result<Row, ReplicaError> {
    Ok(Row {
        sql: row_sql!(patients: id, name, date_of_birth, mrn, provisional, duplicate_key, detail),
        values: vec![
            text(p.id.to_string()),
            text(p.name.as_str()),
            text(p.date_of_birth.format("%Y-%m-%d").to_string()),
            text(p.mrn.as_str()),
            Value::Integer(i64::from(p.provisional)),
            p.duplicate_key.clone().map_or(Value::Null, Value::Text),
            text(to_detail(p)?),
        ],
    })
}

fn handover(h: &HandoverProjection) -> Result<Row, ReplicaError> {
    Ok(Row {
        sql: row_sql!(handovers: id, ward, sort_key, detail),
        values: vec![
            text(h.id.to_string()),
            text(h.ward.as_str()),
            text(format!("{} {}", h.from_shift.date, h.from_shift.name)),
            text(to_detail(h)?),
        ],
    })
}

fn template(t: &TemplateProjection) -> Result<Row, ReplicaError> {
    let latest = t.latest_version.map(crate::meta::to_i64).transpose()?;
    Ok(Row {
        sql: row_sql!(templates: id, name, latest_version, detail),
        values: vec![
            text(t.id.to_string()),
            text(t.name.as_str()),
            latest.map_or(Value::Null, Value::Integer),
            text(to_detail(t)?),
        ],
    })
}

fn link(l: &outpost_domain::link::PatientLink) -> Result<Row, ReplicaError> {
    let status = match l.status {
        LinkStatus::Active => "active",
        LinkStatus::Undone => "undone",
    };
    Ok(Row {
        sql: row_sql!(patient_links: id, survivor_id, merged_id, status, detail),
        values: vec![
            text(l.id.to_string()),
            text(l.survivor.to_string()),
            text(l.merged.to_string()),
            text(status),
            text(to_detail(l)?),
        ],
    })
}

/// A saved section is listed by its title; a withdrawn one stays, no longer offered.
fn saved_section(s: &SavedSection) -> Result<Row, ReplicaError> {
    Ok(Row {
        sql: row_sql!(library_sections: id, title, offered, detail),
        values: vec![
            text(s.id.to_string()),
            text(s.section.title.as_str()),
            Value::Integer(i64::from(s.offered())),
            text(to_detail(&s.entry())?),
        ],
    })
}

/// A unit enum's serde word (e.g. `in_progress`), for a status column.
pub(super) fn word<T: serde::Serialize>(value: &T) -> Result<String, ReplicaError> {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => Ok(s),
        other => Err(ReplicaError::Corrupt(format!(
            "expected a word, got {other:?}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    /// The three statements one column list makes: a placeholder per column, the key
    /// compared with `=`, every other column with `IS` (so a NULL equals a NULL).
    #[test]
    fn one_column_list_makes_the_insert_the_replace_and_the_unchanged_lookup() {
        let sql = row_sql!(templates: id, name, latest_version);
        assert_eq!(
            sql.insert,
            "INSERT INTO templates (id, name, latest_version) VALUES (?, ?, ?)"
        );
        assert_eq!(
            sql.replace,
            "INSERT OR REPLACE INTO templates (id, name, latest_version) VALUES (?, ?, ?)"
        );
        assert_eq!(
            sql.unchanged,
            "SELECT 1 FROM templates WHERE id = ? AND name IS ? AND latest_version IS ?"
        );
    }
}
