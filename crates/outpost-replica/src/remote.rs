//! The replica's side of sync: what the outbox holds, recording what the server
//! acknowledged, and applying pulled changes. A pulled page is applied in one transaction:
//! documents, projections and the version vector move together, and a change the vector
//! already covers is skipped, so applying a page twice changes nothing. Pulled changes
//! are not added to the local change log (they are not this replica's to push).

use crate::error::ReplicaError;
use crate::meta::{self, parse, to_i64, to_u64};
use crate::replica::Replica;
use crate::{duplicates, peer_clock, projection};
use chrono::{DateTime, Utc};
use outpost_domain::document::{digest, ChangeMeta, DocKind, Document};
use outpost_domain::ids::{DocId, ReplicaId};
use outpost_domain::protocol::{Bytes, WireChange};
use outpost_domain::version_vector::VersionVector;
use rusqlite::{params, TransactionBehavior};
use std::collections::{BTreeSet, HashMap};

impl Replica {
    /// This replica's changes the server does not hold yet, in counter order, at most
    /// `limit` of them.
    pub fn unpushed_changes(&self, limit: usize) -> Result<Vec<WireChange>, ReplicaError> {
        let mut stmt = self.conn.prepare(
            "SELECT counter, doc_id, kind, digest, bytes FROM changes
             WHERE replica_id = ?1 AND pushed = 0 ORDER BY counter LIMIT ?2",
        )?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = stmt.query_map(params![self.id.to_string(), limit], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Vec<u8>>(4)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (counter, doc_id, kind, digest, bytes) = row?;
            out.push(WireChange {
                replica_id: self.id,
                counter: to_u64(counter)?,
                doc_id: parse(&doc_id, "document id")?,
                kind: DocKind::parse(&kind)?,
                digest,
                bytes: Bytes(bytes),
                received_at: None,
            });
        }
        Ok(out)
    }

    /// The counter of this replica's latest local change (0 before the first).
    pub fn local_counter(&self) -> Result<u64, ReplicaError> {
        Ok(meta::clock(&self.conn)?.counter)
    }

    /// Records that the server holds this replica's changes `1..=through` and nothing
    /// after: those become pushed, later ones unpushed (so they are sent again). Returns
    /// how many changes became pushed.
    #[tracing::instrument(skip_all, fields(through = through))]
    pub fn acknowledge_pushed(&mut self, through: u64) -> Result<u64, ReplicaError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let id = self.id.to_string();
        let through = to_i64(through)?;
        let newly = tx.execute(
            "UPDATE changes SET pushed = 1 WHERE replica_id = ?1 AND counter <= ?2 AND pushed = 0",
            params![id, through],
        )?;
        let reopened = tx.execute(
            "UPDATE changes SET pushed = 0 WHERE replica_id = ?1 AND counter > ?2 AND pushed = 1",
            params![id, through],
        )?;
        tx.commit()?;
        if reopened > 0 {
            tracing::warn!(
                reopened,
                "the server lacks changes it had acknowledged; resending"
            );
        }
        Ok(newly as u64)
    }

    /// What this replica holds of every replica, its own included.
    pub fn version_vector(&self) -> Result<VersionVector, ReplicaError> {
        peer_clock::load(&self.conn)
    }

    /// Applies a page of changes pulled from the server, in one transaction. Changes the
    /// version vector covers are skipped; a change that does not match its digest, leaves
    /// a gap in its replica's counters or cannot be applied refuses the whole page.
    /// Returns how many changes were new.
    #[tracing::instrument(skip_all, fields(offered = changes.len()))]
    pub fn apply_remote_changes(&mut self, changes: &[WireChange]) -> Result<u64, ReplicaError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut vv = peer_clock::load(&tx)?;
        let mut advanced: BTreeSet<ReplicaId> = BTreeSet::new();
        let mut order: Vec<(DocId, DocKind)> = Vec::new();
        let mut by_doc: HashMap<DocId, Vec<&[u8]>> = HashMap::new();
        let mut clock = meta::clock(&tx)?;
        let now_ms = Utc::now().timestamp_millis();
        let mut fresh = 0u64;
        for c in changes {
            if vv.covers(&c.replica_id, c.counter) {
                continue;
            }
            let at = || format!("change {} of replica {}", c.counter, c.replica_id);
            if digest(&c.bytes.0) != c.digest {
                return Err(ReplicaError::BadRemoteChange(format!(
                    "{} does not match its digest",
                    at()
                )));
            }
            if !vv.advance(c.replica_id, c.counter) {
                return Err(ReplicaError::BadRemoteChange(format!(
                    "{} arrived before change {}",
                    at(),
                    vv.get(&c.replica_id) + 1
                )));
            }
            advanced.insert(c.replica_id);
            fresh += 1;
            if let Some(meta) = automerge::Change::from_bytes(c.bytes.0.clone())
                .ok()
                .and_then(|ch| ChangeMeta::of_change(&ch))
            {
                clock.hlc = clock.hlc.observe(meta.hlc, now_ms);
            }
            let slot = by_doc.entry(c.doc_id).or_insert_with(|| {
                order.push((c.doc_id, c.kind));
                Vec::new()
            });
            slot.push(&c.bytes.0);
        }
        let mut patients_changed = false;
        for (id, kind) in &order {
            let mut doc =
                projection::load(&tx, *id)?.unwrap_or_else(|| Document::empty(*id, *kind));
            if doc.kind != *kind {
                return Err(ReplicaError::BadRemoteChange(format!(
                    "document {id} is a {} here but arrived as a {}",
                    doc.kind.as_str(),
                    kind.as_str()
                )));
            }
            let bytes = by_doc.remove(id).unwrap_or_default();
            doc.apply_remote(bytes)
                .map_err(|e| ReplicaError::BadRemoteChange(format!("document {id}: {e}")))?;
            projection::save(&tx, &doc)?;
            patients_changed |= matches!(doc.kind, DocKind::Patient | DocKind::PatientLink);
        }
        if patients_changed {
            duplicates::recompute(&tx)?;
        }
        for r in &advanced {
            peer_clock::set(&tx, *r, vv.get(r))?;
        }
        meta::set_hlc(&tx, clock.hlc)?;
        tx.commit()?;
        tracing::debug!(fresh, documents = order.len(), "applied pulled changes");
        Ok(fresh)
    }

    pub(crate) fn set_last_sync_at(&mut self, at: DateTime<Utc>) -> Result<(), ReplicaError> {
        meta::set_last_sync_at(&self.conn, at)
    }
}
