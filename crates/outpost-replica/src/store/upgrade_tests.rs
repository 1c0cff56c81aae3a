//! A replica written by the first schema (the walking skeleton) upgrades in place: its
//! documents and change log survive the rebuilt `documents` table with every foreign key
//! intact, and its projections are rebuilt from the documents on the next open.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use super::{migrations, MIGRATIONS};
use crate::projection::rebuild_if_stale;
use rusqlite::{params, Connection};
use rusqlite_migration::Migrations;

const PATIENT_V1: &[u8] =
    include_bytes!("../../../outpost-domain/tests/fixtures/patient-v1.automerge");
const PATIENT_ID: &str = "0193a000-0000-7000-8000-0000000000a1";
const HEAD_A: &str = "0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9";
const HEAD_B: &str = "f0e1d2c3b4a5968778695a4b3c2d1e0ff0e1d2c3b4a5968778695a4b3c2d1e0f";
/// The replica the upgraded databases belong to.
const ME: &str = "0193a000-0000-7000-8000-00000000ffff";

fn count(conn: &Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

/// A database with the schema of the first `n` migrations (a replica written by that
/// build).
fn schema_of_first(n: usize) -> Connection {
    let mut conn = Connection::open_in_memory().unwrap();
    Migrations::from_slice(&MIGRATIONS[..n])
        .to_latest(&mut conn)
        .unwrap();
    conn
}

/// A change log from a build that still had `changes.pushed`: document `d`, and one change
/// per `(counter, pushed)` by this replica.
fn flagged_change_log(conn: &Connection, changes: &[(i64, i64)]) {
    conn.execute(
        "INSERT INTO documents (id, kind, bytes, heads) VALUES ('d', 'patient', x'00', x'')",
        [],
    )
    .unwrap();
    for (counter, pushed) in changes {
        conn.execute(
            "INSERT INTO changes (replica_id, counter, doc_id, kind, bytes, digest, author,
                                  hlc_wall_ms, hlc_logical, wall_ms, pushed)
             VALUES (?1, ?2, 'd', 'patient', x'00', 'd', 'a', 1, 0, 1, ?3)",
            params![ME, counter, pushed],
        )
        .unwrap();
    }
}

/// Runs the remaining migrations as opening a replica does: foreign keys off while
/// migrating, on afterwards.
fn upgrade(conn: &mut Connection) {
    conn.execute_batch("PRAGMA foreign_keys = OFF;").unwrap();
    migrations().to_latest(conn).unwrap();
    conn.execute_batch("PRAGMA foreign_keys = ON;").unwrap();
}

#[test]
fn migrations_are_valid() {
    migrations().validate().unwrap();
}

#[test]
fn a_schema_one_replica_keeps_its_documents_and_log_and_rebuilds_its_projections() {
    let mut conn = schema_of_first(1);
    conn.execute_batch("PRAGMA foreign_keys = ON;").unwrap();
    conn.execute(
        "INSERT INTO meta (id, replica_id, counter) VALUES (1, ?1, 1)",
        [ME],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO documents (id, kind, bytes, heads) VALUES (?1, 'patient', ?2, ?3)",
        params![
            PATIENT_ID,
            PATIENT_V1,
            format!("[\"{HEAD_A}\",\"{HEAD_B}\"]")
        ],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO patients (id, name, date_of_birth, sex, mrn) VALUES (?1, 'x', '1961-02-03', 'male', 'V1-0001')",
        [PATIENT_ID],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO changes (replica_id, counter, doc_id, kind, bytes, digest, author,
                              hlc_wall_ms, hlc_logical, wall_ms)
         VALUES (?1, 1, ?2, 'patient', x'00', 'd', 'a', 1, 0, 1)",
        [ME, PATIENT_ID],
    )
    .unwrap();

    upgrade(&mut conn);

    assert_eq!(count(&conn, "SELECT count(*) FROM documents"), 1);
    assert_eq!(count(&conn, "SELECT count(*) FROM changes"), 1);
    assert_eq!(
        count(&conn, "SELECT count(*) FROM patients"),
        0,
        "projections are derived"
    );
    let fk_problems: i64 = count(&conn, "SELECT count(*) FROM pragma_foreign_key_check");
    assert_eq!(fk_problems, 0);
    let heads: Vec<u8> = conn
        .query_row("SELECT heads FROM documents", [], |r| r.get(0))
        .unwrap();
    assert_eq!(
        crate::projection::heads_of_bytes(&heads).unwrap(),
        [HEAD_A, HEAD_B],
        "the JSON heads became their hashes' bytes, in order"
    );
    conn.execute(
        "INSERT INTO documents (id, kind, bytes, heads) VALUES ('e', 'encounter', x'00', x'')",
        [],
    )
    .expect("the widened kind check accepts every record kind");
    conn.execute("DELETE FROM documents WHERE id = 'e'", [])
        .unwrap();

    rebuild_if_stale(&mut conn).unwrap();
    let (name, mrn, provisional): (String, String, bool) = conn
        .query_row(
            "SELECT name, mrn, provisional FROM patients WHERE id = ?1",
            [PATIENT_ID],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(
        (name.as_str(), mrn.as_str(), provisional),
        ("Version One Patient", "V1-0001", false)
    );
    assert_eq!(
        count(&conn, "SELECT projection_version FROM meta"),
        crate::projection::PROJECTION_VERSION
    );
    // Up to date: a second call changes nothing.
    conn.execute("DELETE FROM patients", []).unwrap();
    rebuild_if_stale(&mut conn).unwrap();
    assert_eq!(count(&conn, "SELECT count(*) FROM patients"), 0);
}

#[test]
fn a_projection_written_in_another_shape_is_rebuilt_when_read() {
    let mut conn = Connection::open_in_memory().unwrap();
    migrations().to_latest(&mut conn).unwrap();
    conn.execute("INSERT INTO meta (id, replica_id) VALUES (1, ?1)", [ME])
        .unwrap();
    conn.execute(
        "INSERT INTO documents (id, kind, bytes, heads) VALUES (?1, 'patient', ?2, x'')",
        params![PATIENT_ID, PATIENT_V1],
    )
    .unwrap();
    rebuild_if_stale(&mut conn).unwrap();
    // As a build whose PatientProjection had other fields would have left it.
    conn.execute(
        "UPDATE patients SET detail = '{\"id\":\"0193a000-0000-7000-8000-0000000000a1\",\"nom\":1}'",
        [],
    )
    .unwrap();
    let read: Vec<outpost_domain::patient::PatientProjection> =
        crate::projection::details(&conn, "SELECT detail FROM patients", []).unwrap();
    assert_eq!(read[0].name, "Version One Patient");
    let healed: String = conn
        .query_row("SELECT detail FROM patients", [], |r| r.get(0))
        .unwrap();
    assert!(healed.contains("Version One Patient"), "rebuilt for good");
}

/// The migration that spared a charting save two pages: the audit log, rebuilt without
/// AUTOINCREMENT, keeps its rows and stays append-only; and the mark of what the server
/// holds starts at the first change not marked pushed, so none is skipped (a change marked
/// pushed after a gap is sent again, which the server answers idempotently).
#[test]
fn a_replica_from_before_the_push_mark_keeps_its_audit_chain_and_every_unpushed_change() {
    // Every migration before `fewer_pages_per_save`, the thirteenth.
    let mut conn = schema_of_first(12);
    conn.execute(
        "INSERT INTO meta (id, replica_id, counter) VALUES (1, ?1, 5)",
        [ME],
    )
    .unwrap();
    flagged_change_log(&conn, &[(1, 1), (2, 1), (3, 0), (4, 1), (5, 0)]);
    for seq in 1..=2 {
        conn.execute(
            "INSERT INTO audit_log (seq, at, actor, action, doc_id, prev_hash, hash, category)
             VALUES (?1, 'now', 'dr.ito', 'encounter.edit', 'd', 'p', ?2, 'write')",
            params![seq, format!("hash-{seq}")],
        )
        .unwrap();
    }

    upgrade(&mut conn);

    assert_eq!(count(&conn, "SELECT pushed_through FROM meta"), 2);
    let kept: Vec<(i64, String)> = conn
        .prepare("SELECT seq, hash FROM audit_log ORDER BY seq")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(kept, [(1, "hash-1".into()), (2, "hash-2".into())]);
    assert!(conn
        .execute("DELETE FROM audit_log WHERE seq = 1", [])
        .is_err());
    assert!(conn
        .execute("UPDATE audit_log SET actor = 'x' WHERE seq = 2", [])
        .is_err());
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM sqlite_master WHERE name = 'audit_log' AND sql LIKE '%AUTOINCREMENT%'"
        ),
        0
    );
}

/// The migration that checks a document's kind without a list: SQLite built a temporary
/// b-tree of an `IN (…)` list of seven kinds for every document it inserted. The rows
/// stay, every kind is still accepted and any other word refused, and inserting a
/// document opens no temporary table.
#[test]
fn a_document_insert_checks_its_kind_without_building_a_temporary_table() {
    // Every migration before `kind_check_without_list`, the fourteenth.
    let mut conn = schema_of_first(13);
    conn.execute(
        "INSERT INTO documents (id, kind, bytes, heads, tail) VALUES ('d', 'vitals', x'0102', x'', 3)",
        [],
    )
    .unwrap();

    upgrade(&mut conn);

    let kept: (String, Vec<u8>, i64) = conn
        .query_row(
            "SELECT kind, bytes, tail FROM documents WHERE id = 'd'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(kept, ("vitals".into(), vec![1, 2], 3));
    for kind in outpost_domain::document::DocKind::ALL {
        conn.execute(
            "INSERT INTO documents (id, kind, bytes, heads) VALUES (?1, ?1, x'00', x'')",
            [kind.as_str()],
        )
        .unwrap_or_else(|e| panic!("{} is a record kind: {e}", kind.as_str()));
    }
    let refused = conn
        .execute(
            "INSERT INTO documents (id, kind, bytes, heads) VALUES ('x', 'invoice', x'00', x'')",
            [],
        )
        .unwrap_err();
    assert!(refused.to_string().contains("CHECK"), "{refused}");
    let program: Vec<String> = conn
        .prepare(
            "EXPLAIN INSERT INTO documents (id, kind, bytes, heads, tail)
             VALUES ('n', 'vitals', x'00', x'', 0)",
        )
        .unwrap()
        .query_map([], |r| r.get(1))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(program.iter().any(|op| op == "Insert"), "{program:?}");
    assert!(
        !program.iter().any(|op| op == "OpenEphemeral"),
        "the insert builds a temporary table: {program:?}"
    );
}

/// The migration that drops `changes.pushed` (the push mark says the same): the change
/// log keeps every row and what is unpushed, and a new change is logged without it.
#[test]
fn the_change_log_loses_its_pushed_flag_and_keeps_its_rows_and_outbox() {
    // Every migration before `changes_without_pushed_flag`, the fifteenth.
    let mut conn = schema_of_first(14);
    conn.execute(
        "INSERT INTO meta (id, replica_id, counter, pushed_through) VALUES (1, ?1, 3, 2)",
        [ME],
    )
    .unwrap();
    flagged_change_log(&conn, &[(1, 1), (2, 1), (3, 0)]);

    upgrade(&mut conn);

    assert_eq!(count(&conn, "SELECT count(*) FROM changes"), 3);
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM changes
             WHERE counter > (SELECT pushed_through FROM meta WHERE id = 1)"
        ),
        1,
        "change 3 still waits to be pushed"
    );
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM pragma_table_info('changes') WHERE name = 'pushed'"
        ),
        0
    );
    conn.execute(
        "INSERT INTO changes (replica_id, counter, doc_id, kind, bytes, digest, author,
                              hlc_wall_ms, hlc_logical, wall_ms)
         VALUES (?1, 4, 'd', 'patient', x'00', 'd', 'a', 1, 0, 1)",
        [ME],
    )
    .expect("a change is logged without the flag");
}
