//! Per-patient indexes set aside while a bootstrap (or a large catch-up of pulls) writes
//! its pages, and built once at the end. Such a page inserts its vitals sets and
//! encounters one patient after another, so each page lands at random places all over
//! `vitals_by_patient` and `encounters_by_patient`: keeping them up to date rewrites (and
//! encrypts, and logs) most of their pages on every page, where building each once, after
//! the last page, sorts its keys and writes every page of it once.
//!
//! Crash-safe by construction: an index is dropped in the same transaction that stores its
//! definition (as `sqlite_schema` holds it, so exactly what the migrations made) in
//! `deferred_indexes`, and built again in the transaction that deletes that row. The last
//! page restores them (as does every pulled page not applied in bulk); so does opening the
//! replica, which covers a bootstrap or catch-up cut off midway (its next page sets them
//! aside again). Queries in between are answered without them: the same rows, found by a
//! scan.

use crate::error::ReplicaError;
use rusqlite::{params, Connection, OptionalExtension};

/// The indexes a bootstrap or a bulk pull sets aside.
const DEFERRABLE: [&str; 2] = ["vitals_by_patient", "encounters_by_patient"];

/// SQLite's page cache while a bulk load writes, in KiB (SQLite's default is
/// [`DEFAULT_CACHE_KIB`]). Building the indexes set aside reads every row the load wrote:
/// with the default cache those pages have left it and are read back from the log and
/// decrypted, where 16 MiB still holds a large catch-up's (10,000 vitals sets fill 15 MiB).
pub(crate) const BULK_CACHE_KIB: i64 = 16 * 1024;
pub(crate) const DEFAULT_CACHE_KIB: i64 = 2_000;

/// Gives the connection [`BULK_CACHE_KIB`] of page cache, for a bulk load's pages (setting
/// it again on later pages costs nothing).
pub(crate) fn widen_cache(conn: &Connection) -> Result<(), ReplicaError> {
    conn.pragma_update(None, "cache_size", -BULK_CACHE_KIB)?;
    Ok(())
}

/// Sets SQLite's default page cache back once a bulk load is done, and hands the memory
/// of the wider one back to the system.
pub(crate) fn narrow_cache(conn: &Connection) -> Result<(), ReplicaError> {
    conn.pragma_update(None, "cache_size", -DEFAULT_CACHE_KIB)?;
    conn.execute_batch("PRAGMA shrink_memory;")?;
    Ok(())
}

/// Sets the [`DEFERRABLE`] indexes aside, inside the caller's transaction. An index
/// already set aside (or not in this schema) is left as it is.
pub(crate) fn defer(conn: &Connection) -> Result<(), ReplicaError> {
    for name in DEFERRABLE {
        let Some(sql) = index_sql(conn, name)? else {
            continue;
        };
        conn.execute(
            "INSERT OR REPLACE INTO deferred_indexes (name, sql) VALUES (?1, ?2)",
            params![name, sql],
        )?;
        // `name` is one of the constants above, never input.
        conn.execute_batch(&format!("DROP INDEX {name}"))?;
    }
    Ok(())
}

/// Builds every index set aside again, inside the caller's transaction. Returns how many
/// were built.
pub(crate) fn restore(conn: &Connection) -> Result<usize, ReplicaError> {
    // Every pulled page asks; nearly always there is nothing to build.
    let deferred: Vec<(String, String)> = conn
        .prepare_cached("SELECT name, sql FROM deferred_indexes ORDER BY name")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let mut built = 0;
    for (name, sql) in &deferred {
        if index_sql(conn, name)?.is_none() {
            conn.execute_batch(sql)?;
            built += 1;
        }
        conn.execute("DELETE FROM deferred_indexes WHERE name = ?1", [name])?;
    }
    Ok(built)
}

/// [`restore`] in its own transaction, for a replica being opened; nothing to do before
/// the migration that adds `deferred_indexes` has run.
pub(crate) fn restore_on_open(conn: &mut Connection) -> Result<(), ReplicaError> {
    let has_table: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'deferred_indexes')",
        [],
        |r| r.get(0),
    )?;
    if !has_table {
        return Ok(());
    }
    let tx = conn.transaction()?;
    let built = restore(&tx)?;
    tx.commit()?;
    if built > 0 {
        tracing::info!(
            built,
            "built the indexes an interrupted bulk load had set aside"
        );
    }
    Ok(())
}

/// The `CREATE INDEX` statement of index `name`, if it exists.
pub(crate) fn index_sql(conn: &Connection, name: &str) -> Result<Option<String>, ReplicaError> {
    Ok(conn
        .query_row(
            "SELECT sql FROM sqlite_schema WHERE type = 'index' AND name = ?1",
            [name],
            |r| r.get(0),
        )
        .optional()?)
}

#[cfg(test)]
mod tests;
