//! The `peer_clock` table: the version vector of everything this replica holds. It is
//! what a pull sends as `have`. This replica's own entry is its counter in `meta`, which
//! every local write advances in its transaction anyway: a save does not also rewrite a
//! row here (one page fewer to write, encrypt and flush per charting save). The table
//! keeps an own row only where a pull or bootstrap set one; [`load`] takes the larger.

use crate::error::ReplicaError;
use crate::meta::{self, parse, to_i64, to_u64};
use outpost_domain::ids::ReplicaId;
use outpost_domain::version_vector::VersionVector;
use rusqlite::{params, Connection};

pub(crate) fn load(conn: &Connection) -> Result<VersionVector, ReplicaError> {
    let mut stmt = conn.prepare("SELECT replica_id, counter FROM peer_clock")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
    let mut vv = VersionVector::default();
    for row in rows {
        let (replica, counter) = row?;
        vv.0.insert(parse(&replica, "replica id")?, to_u64(counter)?);
    }
    let counter = meta::clock(conn)?.counter;
    if let (Some(own), true) = (meta::replica_id(conn)?, counter > 0) {
        let held = vv.0.entry(own).or_insert(0);
        *held = (*held).max(counter);
    }
    Ok(vv)
}

pub(crate) fn set(conn: &Connection, replica: ReplicaId, counter: u64) -> Result<(), ReplicaError> {
    conn.prepare_cached(
        "INSERT INTO peer_clock (replica_id, counter) VALUES (?1, ?2)
         ON CONFLICT (replica_id) DO UPDATE SET counter = excluded.counter",
    )?
    .execute(params![replica.to_string(), to_i64(counter)?])?;
    Ok(())
}
