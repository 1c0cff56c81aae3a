//! The `peer_clock` table: the version vector of everything this replica holds, its own
//! changes included. It is what a pull sends as `have`.

use crate::error::ReplicaError;
use crate::meta::{parse, to_i64, to_u64};
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
