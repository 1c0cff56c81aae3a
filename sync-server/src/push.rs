//! The rules a push must pass, as pure functions (compute, then apply): the batch is the
//! caller's own replica's changes, contiguous, each one real Automerge change bytes whose
//! digest matches; and how a batch lines up with what the server already holds. Each
//! change is parsed here once ([`CheckedChange`]); the judgement, the author lookup and
//! quarantine reuse the parsed change and its metadata.

use crate::error::ServerError;
use automerge::Change;
use outpost_domain::document::{digest, ChangeMeta};
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

/// A pushed change that passed [`check_batch`]: as it came, its parsed Automerge change,
/// and the Outpost metadata (author, clocks) the change carries, if any.
#[derive(Debug, Clone)]
pub struct CheckedChange {
    pub wire: WireChange,
    pub change: Change,
    pub meta: Option<ChangeMeta>,
}

impl CheckedChange {
    /// Parses `wire` without the push rules (for callers that checked it already).
    pub fn parse(wire: WireChange) -> Result<Self, ServerError> {
        let change = Change::from_bytes(wire.bytes.0.clone()).map_err(|e| {
            ServerError::invalid(
                "malformed_change",
                format!("change {} is not an Automerge change: {e}", wire.counter),
            )
        })?;
        let meta = ChangeMeta::of_change(&change);
        Ok(Self { wire, change, meta })
    }
}

/// Everything about a push that can be checked without the database. `device_replica`
/// is the replica the authenticated device was enrolled with. Returns the changes parsed.
pub fn check_batch(
    device_replica: ReplicaId,
    req: &PushRequest,
) -> Result<Vec<CheckedChange>, ServerError> {
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
    let mut checked = Vec::with_capacity(req.changes.len());
    for c in &req.changes {
        checked.push(check_change(req.replica_id, c)?);
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
    Ok(checked)
}

fn check_change(replica: ReplicaId, c: &WireChange) -> Result<CheckedChange, ServerError> {
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
    let checked = CheckedChange::parse(c.clone())?;
    let change = &checked.change;
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
    Ok(checked)
}

/// Splits a checked batch into the changes the server already holds (counter <=
/// `stored`) and the new ones; refuses a batch that starts beyond `stored + 1`.
pub fn split_at_stored(
    stored: u64,
    batch: &[CheckedChange],
) -> Result<(&[CheckedChange], &[CheckedChange]), ServerError> {
    if let Some(first) = batch.first() {
        if first.wire.counter > stored + 1 {
            return Err(ServerError::Gap {
                expected: stored + 1,
            });
        }
    }
    let new_from = batch
        .iter()
        .position(|c| c.wire.counter > stored)
        .unwrap_or(batch.len());
    Ok(batch.split_at(new_from))
}

/// The first change the server already holds under the same `(replica, counter)` with a
/// different digest, if any.
pub fn first_conflict(already: &[CheckedChange], stored: &HashMap<u64, String>) -> Option<u64> {
    already
        .iter()
        .map(|c| &c.wire)
        .find(|c| stored.get(&c.counter).is_some_and(|d| *d != c.digest))
        .map(|c| c.counter)
}

#[cfg(test)]
mod tests;
