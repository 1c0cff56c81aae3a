//! What one charting save writes: each page a save touches is written to the WAL,
//! encrypted and flushed, so the pages are the save's cost (issue 8's row (c)). A note
//! typed writes six: the clock, the document's heads, its tail, the change (its row and its
//! key) and the audit entry. It used to write twelve: the unchanged encounter row and its
//! two indexes again, this replica's own entry of its version vector (which is the clock's
//! counter), SQLite's AUTOINCREMENT record of the audit log, and an index of unpushed
//! changes. The WAL's frame headers name each written page; `dbstat` names its table.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use crate::test_support::replica_with_encounter as chart;
use crate::Replica;
use outpost_domain::document::encounter::{FieldValue, NoteKind};
use std::collections::{BTreeSet, HashMap};
use std::path::Path;

const PAGE: usize = 4096;
const WAL_HEADER: usize = 32;
const FRAME_HEADER: usize = 24;

/// Empties the WAL (a checkpoint), runs `save`, and names the table or index of every
/// page the save wrote.
fn pages_written(dir: &Path, r: &mut Replica, save: impl FnOnce(&mut Replica)) -> BTreeSet<String> {
    let owner: HashMap<u32, String> = r
        .conn
        .prepare("SELECT pageno, name FROM dbstat")
        .unwrap()
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    r.conn
        .execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
        .unwrap();
    save(r);
    let wal = std::fs::read(dir.join(format!("{}-wal", crate::store::DB_FILE))).unwrap();
    let mut pages = BTreeSet::new();
    let mut at = WAL_HEADER;
    while at + FRAME_HEADER + PAGE <= wal.len() {
        let page = u32::from_be_bytes(wal[at..at + 4].try_into().unwrap());
        pages.insert(
            owner
                .get(&page)
                .cloned()
                .unwrap_or_else(|| format!("new page {page}")),
        );
        at += FRAME_HEADER + PAGE;
    }
    pages
}

fn names(tables: &[&str]) -> BTreeSet<String> {
    tables.iter().map(|t| t.to_string()).collect()
}

#[test]
fn a_typed_note_writes_six_pages_and_leaves_the_encounter_row_alone() {
    let (dir, mut r, id) = chart();
    let mut note = String::new();
    // Past the first saves, so the tail and the change log have pages of their own.
    for i in 0..50 {
        note.push_str(&format!("word {i} "));
        r.edit_encounter_note(id, NoteKind::History, &note, "dr.ito")
            .unwrap();
    }
    note.push_str("and more.");
    let written = pages_written(dir.path(), &mut r, |r| {
        r.edit_encounter_note(id, NoteKind::History, &note, "dr.ito")
            .unwrap();
    });
    assert_eq!(
        written,
        names(&[
            "audit_log",
            "changes",
            "document_tail",
            "documents",
            "meta",
            "sqlite_autoindex_changes_1",
        ])
    );
}

#[test]
fn a_field_answered_rewrites_the_encounter_row() {
    let (dir, mut r, id) = chart();
    let written = pages_written(dir.path(), &mut r, |r| {
        r.set_encounter_field(id, "weight", FieldValue::Number(72.5), "dr.ito")
            .unwrap();
    });
    assert!(written.contains("encounters"), "{written:?}");
    let row = r.encounter(id).unwrap();
    assert_eq!(row.fields["weight"], FieldValue::Number(72.5));
}
