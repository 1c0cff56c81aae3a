//! Provisional medical record numbers. The server hands each workstation blocks of its
//! clinic's numbers while it is online (`sync_once` asks for one when fewer than
//! [`MRN_LOW_WATER`] are left); a patient registered without an MRN takes the next number
//! of the oldest block inside the registration's own transaction, so a number is used at
//! most once, survives restarts, and goes back unused if the registration is refused.

use crate::error::ReplicaError;
use crate::meta::{to_i64, to_u64};
use crate::projection::timestamp;
use crate::replica::Replica;
use chrono::Utc;
use outpost_domain::patient::provisional_mrn;
use outpost_domain::protocol::MrnBlock;
use rusqlite::{params, Connection, OptionalExtension};

/// When fewer numbers than this are left, a sync round asks the server for a new block.
pub const MRN_LOW_WATER: u64 = 20;

/// What a registration without an MRN is told when no number is left (the domain's words).
pub const NO_MRN_LEFT: &str = outpost_domain::patient::NO_PROVISIONAL_MRN_LEFT;

impl Replica {
    /// Provisional MRN numbers this workstation can still hand out.
    pub fn provisional_mrns_left(&self) -> Result<u64, ReplicaError> {
        numbers_left(&self.conn)
    }

    /// Keeps a block the server handed out. Receiving the same block again changes
    /// nothing; a block that overlaps a different one already held is refused (the server
    /// must never hand out a number twice).
    #[tracing::instrument(skip_all, fields(size = block.len()))]
    pub fn add_mrn_block(&mut self, block: &MrnBlock) -> Result<(), ReplicaError> {
        if block.first == 0 || block.is_empty() || block.prefix.trim().is_empty() {
            return Err(ReplicaError::BadMrnBlock(format!(
                "{}..={} with prefix {:?} is not a usable block",
                block.first, block.last, block.prefix
            )));
        }
        let tx = self.conn.transaction()?;
        let (first, last) = (to_i64(block.first)?, to_i64(block.last)?);
        let same: Option<(i64, String)> = tx
            .query_row(
                "SELECT last, prefix FROM mrn_blocks WHERE first = ?1",
                [first],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        match same {
            Some((l, p)) if l == last && p == block.prefix => return Ok(()),
            Some(_) => {}
            None => {
                let overlapping: bool = tx.query_row(
                    "SELECT EXISTS (SELECT 1 FROM mrn_blocks WHERE first <= ?2 AND last >= ?1)",
                    params![first, last],
                    |r| r.get(0),
                )?;
                if !overlapping {
                    tx.execute(
                        "INSERT INTO mrn_blocks (first, last, prefix, next, received_at)
                         VALUES (?1, ?2, ?3, ?1, ?4)",
                        params![first, last, block.prefix, timestamp(Utc::now())],
                    )?;
                    tx.commit()?;
                    tracing::info!("received a block of provisional MRNs");
                    return Ok(());
                }
            }
        }
        Err(ReplicaError::BadMrnBlock(format!(
            "numbers {}..={} overlap a block this workstation already holds",
            block.first, block.last
        )))
    }
}

pub(crate) fn numbers_left(conn: &Connection) -> Result<u64, ReplicaError> {
    let n: i64 = conn.query_row(
        "SELECT coalesce(sum(last + 1 - next), 0) FROM mrn_blocks",
        [],
        |r| r.get(0),
    )?;
    to_u64(n)
}

/// Takes the next provisional MRN (formatted) inside the caller's transaction.
pub(crate) fn take_next(conn: &Connection) -> Result<String, ReplicaError> {
    let next: Option<(i64, String, i64)> = conn
        .query_row(
            "SELECT first, prefix, next FROM mrn_blocks WHERE next <= last
             ORDER BY first LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let Some((first, prefix, n)) = next else {
        return Err(ReplicaError::invalid("mrn", NO_MRN_LEFT));
    };
    conn.execute(
        "UPDATE mrn_blocks SET next = next + 1 WHERE first = ?1",
        [first],
    )?;
    Ok(provisional_mrn(&prefix, to_u64(n)?))
}
