//! The replica's single `meta` row: its id, its change counter and clock, and the
//! enrollment (which server, clinic and device) once there is one.

use crate::error::ReplicaError;
use chrono::{DateTime, Utc};
use outpost_domain::clock::Hlc;
use outpost_domain::ids::{ClinicId, DeviceId, ReplicaId};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Where this workstation syncs and who the server says it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct Enrollment {
    pub server_url: String,
    pub clinic_id: ClinicId,
    pub clinic_name: String,
    pub device_id: DeviceId,
    pub device_name: String,
}

/// Counter and clock of the last local change.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Clock {
    pub counter: u64,
    pub hlc: Hlc,
}

pub(crate) fn insert(conn: &Connection, replica_id: ReplicaId) -> Result<(), ReplicaError> {
    conn.execute(
        "INSERT INTO meta (id, replica_id) VALUES (1, ?1)",
        [replica_id.to_string()],
    )?;
    Ok(())
}

/// The replica id, or `None` when the row was never written (creation was interrupted).
pub(crate) fn replica_id(conn: &Connection) -> Result<Option<ReplicaId>, ReplicaError> {
    let id: Option<String> = conn
        .query_row("SELECT replica_id FROM meta WHERE id = 1", [], |r| r.get(0))
        .optional()?;
    id.map(|s| parse(&s, "replica id")).transpose()
}

pub(crate) fn clock(conn: &Connection) -> Result<Clock, ReplicaError> {
    let (counter, wall_ms, logical): (i64, i64, i64) = conn
        .prepare_cached("SELECT counter, hlc_wall_ms, hlc_logical FROM meta WHERE id = 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(Clock {
        counter: to_u64(counter)?,
        hlc: Hlc {
            wall_ms,
            logical: u32::try_from(logical)
                .map_err(|_| ReplicaError::Corrupt(format!("clock logical part {logical}")))?,
        },
    })
}

pub(crate) fn set_clock(conn: &Connection, clock: Clock) -> Result<(), ReplicaError> {
    conn.prepare_cached(
        "UPDATE meta SET counter = ?1, hlc_wall_ms = ?2, hlc_logical = ?3 WHERE id = 1",
    )?
    .execute(params![
        to_i64(clock.counter)?,
        clock.hlc.wall_ms,
        clock.hlc.logical
    ])?;
    Ok(())
}

/// How far the server holds this replica's changes (`1..=n`, contiguous).
pub(crate) fn pushed_through(conn: &Connection) -> Result<u64, ReplicaError> {
    let n: i64 = conn
        .prepare_cached("SELECT pushed_through FROM meta WHERE id = 1")?
        .query_row([], |r| r.get(0))?;
    to_u64(n)
}

pub(crate) fn set_pushed_through(conn: &Connection, through: u64) -> Result<(), ReplicaError> {
    conn.execute(
        "UPDATE meta SET pushed_through = ?1 WHERE id = 1",
        [to_i64(through)?],
    )?;
    Ok(())
}

pub(crate) fn set_hlc(conn: &Connection, hlc: Hlc) -> Result<(), ReplicaError> {
    conn.execute(
        "UPDATE meta SET hlc_wall_ms = ?1, hlc_logical = ?2 WHERE id = 1",
        params![hlc.wall_ms, hlc.logical],
    )?;
    Ok(())
}

pub(crate) fn server_url(conn: &Connection) -> Result<Option<String>, ReplicaError> {
    Ok(conn.query_row("SELECT server_url FROM meta WHERE id = 1", [], |r| r.get(0))?)
}

pub(crate) fn set_server_url(conn: &Connection, url: &str) -> Result<(), ReplicaError> {
    conn.execute("UPDATE meta SET server_url = ?1 WHERE id = 1", [url])?;
    Ok(())
}

pub(crate) fn enrollment(conn: &Connection) -> Result<Option<Enrollment>, ReplicaError> {
    type Row = (
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
    );
    let row: Row = conn.query_row(
        "SELECT server_url, clinic_id, clinic_name, device_id, device_name FROM meta WHERE id = 1",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
    )?;
    match row {
        (Some(server_url), Some(clinic), Some(clinic_name), Some(device), Some(device_name)) => {
            Ok(Some(Enrollment {
                server_url,
                clinic_id: parse(&clinic, "clinic id")?,
                clinic_name,
                device_id: parse(&device, "device id")?,
                device_name,
            }))
        }
        _ => Ok(None),
    }
}

pub(crate) fn set_enrollment(conn: &Connection, e: &Enrollment) -> Result<(), ReplicaError> {
    conn.execute(
        "UPDATE meta SET server_url = ?1, clinic_id = ?2, clinic_name = ?3, device_id = ?4,
                device_name = ?5 WHERE id = 1",
        params![
            e.server_url,
            e.clinic_id.to_string(),
            e.clinic_name,
            e.device_id.to_string(),
            e.device_name
        ],
    )?;
    Ok(())
}

pub(crate) fn last_sync_at(conn: &Connection) -> Result<Option<DateTime<Utc>>, ReplicaError> {
    let at: Option<String> =
        conn.query_row("SELECT last_sync_at FROM meta WHERE id = 1", [], |r| {
            r.get(0)
        })?;
    at.map(|s| {
        DateTime::parse_from_rfc3339(&s)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|e| ReplicaError::Corrupt(format!("last sync time {s:?}: {e}")))
    })
    .transpose()
}

pub(crate) fn set_last_sync_at(conn: &Connection, at: DateTime<Utc>) -> Result<(), ReplicaError> {
    conn.execute(
        "UPDATE meta SET last_sync_at = ?1 WHERE id = 1",
        [at.to_rfc3339()],
    )?;
    Ok(())
}

/// Parses an id or other value stored as text.
pub(crate) fn parse<T: std::str::FromStr>(s: &str, what: &str) -> Result<T, ReplicaError>
where
    T::Err: std::fmt::Display,
{
    s.parse()
        .map_err(|e| ReplicaError::Corrupt(format!("{what} {s:?}: {e}")))
}

pub(crate) fn to_i64(n: u64) -> Result<i64, ReplicaError> {
    i64::try_from(n).map_err(|_| ReplicaError::Corrupt(format!("counter {n} is out of range")))
}

pub(crate) fn to_u64(n: i64) -> Result<u64, ReplicaError> {
    u64::try_from(n).map_err(|_| ReplicaError::Corrupt(format!("negative counter {n}")))
}
