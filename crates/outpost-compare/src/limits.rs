//! The machine's limits Outpost is held against: SQLite files set up like the replica's
//! (WAL, synchronous=FULL), plain or encrypted with SQLCipher under the same key form and
//! cipher settings, and a bulk insert that reads the same JSON bytes PouchDB is served.

use anyhow::{Context, Result};
use rusqlite::{params, Connection};
use std::io::BufRead;
use std::path::Path;

const TABLES: &str = "
CREATE TABLE records (id TEXT PRIMARY KEY, kind TEXT NOT NULL, json TEXT NOT NULL);
CREATE INDEX records_by_kind ON records (kind);
CREATE TABLE edits (id INTEGER PRIMARY KEY, doc INTEGER NOT NULL, n INTEGER NOT NULL,
  text TEXT NOT NULL);";

/// An unencrypted SQLite file: WAL + synchronous=FULL, like the replica.
pub fn plain(path: &Path) -> Result<Connection> {
    let conn = Connection::open(path)?;
    setup(&conn)?;
    Ok(conn)
}

/// A SQLCipher file keyed like the replica (raw 256-bit key, cipher_compatibility 4).
pub fn sqlcipher(path: &Path) -> Result<Connection> {
    let conn = outpost_bench::open_sqlcipher(path)?;
    setup(&conn)?;
    Ok(conn)
}

fn setup(conn: &Connection) -> Result<()> {
    durable_like_the_replica(conn)?;
    conn.execute_batch(TABLES)?;
    Ok(())
}

/// The replica's journal and durability: WAL, every commit flushed (synchronous=FULL).
pub fn durable_like_the_replica(conn: &Connection) -> Result<()> {
    conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0))?;
    conn.execute_batch("PRAGMA synchronous = FULL;")?;
    Ok(())
}

/// Reads the JSON-lines file (the documents PouchDB is served) and inserts every record
/// (id, kind, its JSON) in transactions of `page`. Returns the number of records.
pub fn bulk_insert_jsonl(conn: &mut Connection, file: &Path, page: usize) -> Result<usize> {
    let reader = std::io::BufReader::new(std::fs::File::open(file)?);
    let mut lines = reader.lines();
    let mut count = 0;
    loop {
        let tx = conn.transaction()?;
        let mut in_page = 0;
        {
            let mut stmt = tx.prepare_cached("INSERT INTO records VALUES (?1, ?2, ?3)")?;
            for line in lines.by_ref() {
                let line = line?;
                let doc: serde_json::Value = serde_json::from_str(&line)?;
                let id = doc["_id"].as_str().context("a document without _id")?;
                let kind = doc["kind"].as_str().context("a document without kind")?;
                stmt.execute(params![id, kind, line])?;
                in_page += 1;
                if in_page == page {
                    break;
                }
            }
        }
        tx.commit()?;
        count += in_page;
        if in_page < page {
            return Ok(count);
        }
    }
}

/// One durable single-row insert (autocommit: one transaction, synced).
pub fn insert_edit(conn: &Connection, doc: usize, n: usize, text: &str) -> Result<()> {
    conn.prepare_cached("INSERT INTO edits (doc, n, text) VALUES (?1, ?2, ?3)")?
        .execute(params![doc as i64, n as i64, text])?;
    Ok(())
}
