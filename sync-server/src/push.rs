//! The rules a push must pass, as pure functions (compute, then apply): the batch is the
//! caller's own replica's changes, contiguous, each one real Automerge change bytes whose
//! digest matches; and how a batch lines up with what the server already holds.

use crate::error::ServerError;
use outpost_domain::document::digest;
use outpost_domain::ids::ReplicaId;
use outpost_domain::protocol::{PushRequest, WireChange, MAX_BATCH, PROTOCOL_VERSION};
use std::collections::HashMap;

/// Protocol versions this server accepts.
pub const SUPPORTED_PROTOCOLS: &[u32] = &[PROTOCOL_VERSION];

pub fn check_protocol(got: u32) -> Result<(), ServerError> {
    if SUPPORTED_PROTOCOLS.contains(&got) {
        Ok(())
    } else {
        Err(ServerError::UnsupportedProtocol { got })
    }
}

/// Everything about a push that can be checked without the database. `device_replica`
/// is the replica the authenticated device was enrolled with.
pub fn check_batch(device_replica: ReplicaId, req: &PushRequest) -> Result<(), ServerError> {
    check_protocol(req.protocol)?;
    if req.replica_id != device_replica {
        return Err(ServerError::Forbidden(format!(
            "this device is enrolled as replica {device_replica} and may push only that \
             replica's changes, not replica {}",
            req.replica_id
        )));
    }
    if req.changes.len() > MAX_BATCH {
        return Err(ServerError::invalid(
            "batch_too_large",
            format!(
                "a push carries at most {MAX_BATCH} changes; this one has {}: send them in \
                 several pushes",
                req.changes.len()
            ),
        ));
    }
    let mut previous: Option<u64> = None;
    for c in &req.changes {
        check_change(req.replica_id, c)?;
        if let Some(p) = previous {
            if c.counter != p + 1 {
                return Err(ServerError::invalid(
                    "not_contiguous",
                    format!(
                        "changes in a push must have consecutive counters; {} follows {p}",
                        c.counter
                    ),
                ));
            }
        }
        previous = Some(c.counter);
    }
    Ok(())
}

fn check_change(replica: ReplicaId, c: &WireChange) -> Result<(), ServerError> {
    if c.replica_id != replica {
        return Err(ServerError::Forbidden(format!(
            "change {} names replica {}; a device may push only its own replica's changes",
            c.counter, c.replica_id
        )));
    }
    if c.counter == 0 {
        return Err(ServerError::invalid(
            "bad_counter",
            "change counters start at 1",
        ));
    }
    if digest(&c.bytes.0) != c.digest {
        return Err(ServerError::invalid(
            "bad_digest",
            format!(
                "change {} arrived with a digest that is not the SHA-256 of its bytes; \
                 it was damaged on the way or by the sender",
                c.counter
            ),
        ));
    }
    let change = automerge::Change::from_bytes(c.bytes.0.clone()).map_err(|e| {
        ServerError::invalid(
            "malformed_change",
            format!("change {} is not an Automerge change: {e}", c.counter),
        )
    })?;
    if *change.actor_id() != replica.actor() {
        return Err(ServerError::invalid(
            "wrong_actor",
            format!(
                "change {} was made by Automerge actor {}, not by replica {replica}; a \
                 replica must use its replica id as its actor id",
                c.counter,
                change.actor_id()
            ),
        ));
    }
    Ok(())
}

/// Splits a checked batch into the changes the server already holds (counter <=
/// `stored`) and the new ones; refuses a batch that starts beyond `stored + 1`.
pub fn split_at_stored(
    stored: u64,
    batch: &[WireChange],
) -> Result<(&[WireChange], &[WireChange]), ServerError> {
    if let Some(first) = batch.first() {
        if first.counter > stored + 1 {
            return Err(ServerError::Gap {
                expected: stored + 1,
            });
        }
    }
    let new_from = batch
        .iter()
        .position(|c| c.counter > stored)
        .unwrap_or(batch.len());
    Ok(batch.split_at(new_from))
}

/// The first change the server already holds under the same `(replica, counter)` with a
/// different digest, if any.
pub fn first_conflict(already: &[WireChange], stored: &HashMap<u64, String>) -> Option<u64> {
    already
        .iter()
        .find(|c| stored.get(&c.counter).is_some_and(|d| *d != c.digest))
        .map(|c| c.counter)
}

#[cfg(test)]
mod tests;
