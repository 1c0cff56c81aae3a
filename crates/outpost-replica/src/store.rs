//! Opening the SQLCipher file: key first, then the cipher settings, a read that proves the
//! key is right, the durability settings (WAL, synchronous = FULL, the checkpoint
//! interval) and the embedded migrations from `migrations/replica/`.

use crate::error::ReplicaError;
use crate::secret::DbKey;
use rusqlite::{Connection, ErrorCode, OpenFlags};
use rusqlite_migration::{Migrations, M};
use std::path::Path;
use std::time::Duration;

/// The file name of the database inside the data directory.
pub const DB_FILE: &str = "replica.sqlite3";

/// Append-only: add a new timestamped file at the end; never edit a shipped one.
const MIGRATIONS: &[M<'static>] = &[
    M::up(include_str!(
        "../../../migrations/replica/20261122000000_init.sql"
    )),
    // Rebuilds `documents` (a widened CHECK), which other tables reference: every foreign
    // key is checked before it commits.
    M::up(include_str!(
        "../../../migrations/replica/20261123000000_all_record_kinds.sql"
    ))
    .foreign_key_check(),
    M::up(include_str!(
        "../../../migrations/replica/20261124000000_users.sql"
    )),
    M::up(include_str!(
        "../../../migrations/replica/20261126000000_bootstrap.sql"
    )),
    M::up(include_str!(
        "../../../migrations/replica/20261203000000_integrity.sql"
    )),
    M::up(include_str!(
        "../../../migrations/replica/20261203100000_audit_checkpoint.sql"
    )),
    M::up(include_str!(
        "../../../migrations/replica/20261203200000_break_the_glass.sql"
    )),
    // Rebuilds `documents` (a widened CHECK) like the second migration.
    M::up(include_str!(
        "../../../migrations/replica/20261203210000_library_sections.sql"
    ))
    .foreign_key_check(),
    M::up(include_str!(
        "../../../migrations/replica/20261203220000_document_tail.sql"
    )),
    M::up(include_str!(
        "../../../migrations/replica/20261204000000_compact_vitals.sql"
    )),
    // Rebuilds `documents` (heads as bytes) like the second migration.
    M::up(include_str!(
        "../../../migrations/replica/20261206000000_binary_heads.sql"
    ))
    .foreign_key_check(),
    M::up(include_str!(
        "../../../migrations/replica/20261207000000_deferred_indexes.sql"
    )),
    M::up(include_str!(
        "../../../migrations/replica/20261208000000_fewer_pages_per_save.sql"
    )),
    // Rebuilds `documents` (its kind checked without a list) like the second migration.
    M::up(include_str!(
        "../../../migrations/replica/20261209000000_kind_check_without_list.sql"
    ))
    .foreign_key_check(),
    M::up(include_str!(
        "../../../migrations/replica/20261210000000_changes_without_pushed_flag.sql"
    )),
];

fn migrations() -> Migrations<'static> {
    Migrations::from_slice(MIGRATIONS)
}

/// Prepared statements kept per connection (see [`open_connection`]).
const STATEMENT_CACHE: usize = 64;

/// Opens (or, with `create`, creates) the database at `path` with `key`, checks the key and
/// brings the schema up to date.
#[tracing::instrument(skip_all, fields(create = create))]
pub(crate) fn open_connection(
    path: &Path,
    key: &DbKey,
    create: bool,
) -> Result<Connection, ReplicaError> {
    let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    if create {
        flags |= OpenFlags::SQLITE_OPEN_CREATE;
    }
    let mut conn = Connection::open_with_flags(path, flags)?;
    // The key must be the first statement on the connection.
    conn.execute_batch(&format!("PRAGMA key = \"x'{}'\";", key.hex()))?;
    conn.execute_batch("PRAGMA cipher_compatibility = 4;")?;
    set_cipher_log_level_none(&conn)?;
    verify_key(&conn, path)?;

    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(ReplicaError::Corrupt(format!(
            "the database refused write-ahead logging (journal mode {mode})"
        )));
    }
    conn.execute_batch("PRAGMA synchronous = FULL;")?;
    // A save writes a dozen pages (document tail, projection, change log, audit, clocks),
    // mostly the same pages save after save. Checkpointing every 4,000 pages (16 MiB of
    // log) instead of SQLite's 1,000 writes each of those pages back a quarter as often.
    conn.execute_batch("PRAGMA wal_autocheckpoint = 4000;")?;
    conn.busy_timeout(Duration::from_secs(5))?;
    // Every save runs some twenty statements; rusqlite keeps 16 prepared by default, so
    // a save would parse some of its SQL again each time.
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    // Foreign keys stay off while migrating (SQLite's documented way to rebuild a table
    // that others reference; each such migration checks the keys before committing) and are
    // on for everything else.
    conn.execute_batch("PRAGMA foreign_keys = OFF;")?;
    // Before migrating: a migration may name an index a bootstrap cut off had set aside.
    crate::deferred_index::restore_on_open(&mut conn)?;
    migrations().to_latest(&mut conn)?;
    conn.execute_batch("PRAGMA foreign_keys = ON;")?;
    Ok(conn)
}

/// SQLCipher logs "hmac check failed" to stderr on a wrong key; the error we return says
/// it better. The pragma answers with the level now in force, which must be NONE.
fn set_cipher_log_level_none(conn: &Connection) -> Result<(), ReplicaError> {
    let level: Option<String> = conn
        .query_row("PRAGMA cipher_log_level = NONE", [], |r| r.get(0))
        .or_else(|e| match e {
            rusqlite::Error::QueryReturnedNoRows => Ok(None),
            other => Err(other),
        })?;
    let level = match level {
        Some(l) => l,
        None => conn.query_row("PRAGMA cipher_log_level", [], |r| r.get(0))?,
    };
    if level.eq_ignore_ascii_case("NONE") {
        Ok(())
    } else {
        Err(ReplicaError::Corrupt(format!(
            "SQLCipher did not accept cipher_log_level = NONE (it reports {level}); \
             this build's SQLCipher is not the one Outpost was made for"
        )))
    }
}

/// `PRAGMA key` never fails by itself; a wrong key shows at the first read as
/// "file is not a database".
fn verify_key(conn: &Connection, path: &Path) -> Result<(), ReplicaError> {
    match conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
        r.get::<_, i64>(0)
    }) {
        Ok(_) => Ok(()),
        Err(rusqlite::Error::SqliteFailure(e, _)) if e.code == ErrorCode::NotADatabase => {
            Err(ReplicaError::WrongKey {
                path: path.to_owned(),
            })
        }
        Err(e) => Err(e.into()),
    }
}

/// Removes the database and its WAL and shared-memory files; missing ones are fine.
pub(crate) fn remove_db_files(db_path: &Path) -> Result<(), ReplicaError> {
    for suffix in ["", "-wal", "-shm"] {
        let mut name = db_path.as_os_str().to_owned();
        name.push(suffix);
        match std::fs::remove_file(&name) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(ReplicaError::io("removing", Path::new(&name), e)),
        }
    }
    Ok(())
}

#[cfg(test)]
mod upgrade_tests;
