//! (a)'s floor: what writing a bootstrapped replica's own rows costs with nothing else to
//! do. A replica must end a bootstrap holding every record's change (the document is the
//! record), the projection rows its screens query, and their indexes. This copies exactly
//! those rows, read out of the workstation's replica beforehand, into a new SQLCipher file
//! keyed and set up like it (WAL, synchronous=FULL, cipher_compatibility 4, a bulk load's
//! 16 MiB page cache), committing a bootstrap page's share at a time, with no HTTP,
//! server, JSON or CRDT work, and builds the indexes once at the end (the cheapest order).
//! No bootstrap can take less, so PouchDB's time over this one bounds what (a)'s PouchDB
//! ratio can reach.

use anyhow::{Context, Result};
use rusqlite::types::Value;
use std::path::Path;
use std::time::Instant;

/// One table of the replica: how it is created and what it holds.
struct Table {
    name: String,
    create: String,
    rows: Vec<Vec<Value>>,
}

/// Everything a replica file holds, in memory.
pub struct Contents {
    tables: Vec<Table>,
    indexes: Vec<String>,
}

impl Contents {
    /// Reads every table and index definition and every row of the replica at `db_path`.
    /// The key is the replica's own, from the OS keyring, under the entry the replica
    /// crate names for it (`outpost` / `replica-key:<database path>`).
    pub fn read(db_path: &Path) -> Result<Contents> {
        let user = format!("replica-key:{}", db_path.display());
        let key = keyring::Entry::new("outpost", &user)
            .and_then(|e| e.get_password())
            .context("reading the bootstrapped replica's key from the keyring")?;
        let conn = outpost_bench::open_sqlcipher_keyed(db_path, &key)?;
        let schema = |kind: &str| -> Result<Vec<(String, String)>> {
            let mut stmt = conn.prepare(
                "SELECT name, sql FROM sqlite_master WHERE type = ?1 AND sql IS NOT NULL \
                 AND name NOT LIKE 'sqlite_%' ORDER BY rowid",
            )?;
            let rows = stmt.query_map([kind], |r| Ok((r.get(0)?, r.get(1)?)))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        };
        let mut tables = Vec::new();
        for (name, create) in schema("table")? {
            let mut stmt = conn.prepare(&format!("SELECT * FROM \"{name}\""))?;
            let width = stmt.column_count();
            let rows = stmt
                .query_map([], |r| (0..width).map(|i| r.get::<_, Value>(i)).collect())?
                .collect::<rusqlite::Result<Vec<Vec<Value>>>>()?;
            tables.push(Table { name, create, rows });
        }
        let indexes = schema("index")?.into_iter().map(|(_, sql)| sql).collect();
        Ok(Contents { tables, indexes })
    }

    /// Bytes of stored values (integers and reals count 8), for the report.
    pub fn value_bytes(&self) -> usize {
        let size = |v: &Value| match v {
            Value::Null => 0,
            Value::Integer(_) | Value::Real(_) => 8,
            Value::Text(s) => s.len(),
            Value::Blob(b) => b.len(),
        };
        self.tables
            .iter()
            .flat_map(|t| t.rows.iter().flatten())
            .map(size)
            .sum()
    }

    /// Writes everything into a new SQLCipher file at `path` in `transactions` commits (each
    /// the same share of every table), then builds the indexes in one more. Returns the
    /// milliseconds from opening the file to the last commit.
    pub fn write(&self, path: &Path, transactions: usize) -> Result<f64> {
        let started = Instant::now();
        let mut conn = outpost_bench::open_sqlcipher(path)?;
        crate::limits::durable_like_the_replica(&conn)?;
        // Keys unchecked: the rows are a consistent replica's, copied a share at a time.
        // The page cache is the 16 MiB a replica's bulk load gives itself.
        conn.execute_batch(
            "PRAGMA wal_autocheckpoint = 4000; PRAGMA foreign_keys = OFF; \
             PRAGMA cache_size = -16384;",
        )?;
        let tx = conn.transaction()?;
        for t in &self.tables {
            tx.execute_batch(&t.create)?;
        }
        tx.commit()?;
        let transactions = transactions.max(1);
        for part in 0..transactions {
            let tx = conn.transaction()?;
            for t in &self.tables {
                let Some(width) = t.rows.first().map(Vec::len) else {
                    continue;
                };
                let marks = vec!["?"; width].join(", ");
                let mut stmt =
                    tx.prepare_cached(&format!("INSERT INTO \"{}\" VALUES ({marks})", t.name))?;
                let (from, to) = (
                    t.rows.len() * part / transactions,
                    t.rows.len() * (part + 1) / transactions,
                );
                for row in &t.rows[from..to] {
                    stmt.execute(rusqlite::params_from_iter(row))?;
                }
            }
            tx.commit()?;
        }
        let tx = conn.transaction()?;
        for sql in &self.indexes {
            tx.execute_batch(sql)?;
        }
        tx.commit()?;
        Ok(started.elapsed().as_secs_f64() * 1e3)
    }
}
