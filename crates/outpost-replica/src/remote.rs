//! The replica's side of sync: what the outbox holds, recording what the server
//! acknowledged, and applying pulled changes. A pulled page is applied in one transaction:
//! documents, projections and the version vector move together, and a change the vector
//! already covers is skipped, so applying a page twice changes nothing. Pulled changes
//! are not added to the local change log (they are not this replica's to push).
//!
//! Applying is mostly CPU work on each document (parse each change once, apply, read the
//! record, project it); that needs no database, so the page's documents are worked out
//! on every core and then written one after another in the page's transaction. Documents
//! new to the replica are read before the transaction begins (`read_ahead`), which lets
//! a sync round read the next page while the current one is written.
//!
//! A large catch-up (a small clinic's first pulls, a workstation back after a long time
//! offline) applies its pages in bulk: the per-patient indexes are set aside and built
//! once by the last page, with a wider page cache meanwhile, as a bootstrap does.

mod read_ahead;

use crate::error::ReplicaError;
use crate::meta::{self, parse, to_u64};
use crate::replica::Replica;
use crate::{deferred_index, duplicates, peer_clock, projection};
use chrono::{DateTime, Utc};
use outpost_domain::clock::Hlc;
use outpost_domain::document::{parse_change, ChangeMeta, DocKind, Document};
use outpost_domain::ids::{DocId, ReplicaId};
use outpost_domain::protocol::{Bytes, WireChange};
use outpost_domain::version_vector::VersionVector;
use outpost_domain::DomainError;
use projection::{Stored, StoredDoc};
pub use read_ahead::PreparedPull;
use read_ahead::ReadAhead;
use rusqlite::{params, TransactionBehavior};
use std::collections::{BTreeSet, HashMap};
use std::num::NonZeroUsize;

impl Replica {
    /// This replica's changes the server does not hold yet, in counter order, at most
    /// `limit` of them.
    pub fn unpushed_changes(&self, limit: usize) -> Result<Vec<WireChange>, ReplicaError> {
        let mut stmt = self.conn.prepare(
            "SELECT counter, doc_id, kind, digest, bytes FROM changes
             WHERE replica_id = ?1 AND counter > (SELECT pushed_through FROM meta WHERE id = 1)
             ORDER BY counter LIMIT ?2",
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
    /// how many changes became pushed. Pushed changes are always a prefix of this
    /// replica's counters, so the mark (`meta.pushed_through`) is all that is written. The
    /// caller has checked that the server claims no change this replica has not made
    /// (`plan::server_holds`).
    #[tracing::instrument(skip_all, fields(through = through))]
    pub fn acknowledge_pushed(&mut self, through: u64) -> Result<u64, ReplicaError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let before = meta::pushed_through(&tx)?;
        meta::set_pushed_through(&tx, through)?;
        tx.commit()?;
        if through < before {
            tracing::warn!(
                reopened = before - through,
                "the server lacks changes it had acknowledged; resending"
            );
        }
        Ok(through.saturating_sub(before))
    }

    /// How many documents this replica holds.
    pub fn document_count(&self) -> Result<u64, ReplicaError> {
        let n: i64 = self
            .conn
            .query_row("SELECT count(*) FROM documents", [], |r| r.get(0))?;
        to_u64(n)
    }

    /// What this replica holds of every replica, its own included.
    pub fn version_vector(&self) -> Result<VersionVector, ReplicaError> {
        peer_clock::load(&self.conn)
    }

    /// Applies a page of changes pulled from the server, in one transaction. Changes the
    /// version vector covers are skipped; a change that does not match its digest, leaves
    /// a gap in its replica's counters or cannot be applied refuses the whole page.
    /// Builds back any per-patient index a bulk page set aside. Returns how many changes
    /// were new.
    #[tracing::instrument(skip_all, fields(offered = changes.len()))]
    pub fn apply_remote_changes(&mut self, changes: &[WireChange]) -> Result<u64, ReplicaError> {
        self.apply_page(changes, ReadAhead::of(changes), false)
    }

    /// [`Replica::apply_remote_changes`] for a page of a large catch-up with more pages to
    /// come: the per-patient indexes are set aside (`deferred_index`) and built once by
    /// the round's last page, applied with [`Replica::apply_remote_changes`]. Until then,
    /// or until the replica is next opened, queries find the same rows by a scan.
    #[tracing::instrument(skip_all, fields(offered = changes.len()))]
    pub fn apply_remote_changes_in_bulk(
        &mut self,
        changes: &[WireChange],
    ) -> Result<u64, ReplicaError> {
        self.apply_page(changes, ReadAhead::of(changes), true)
    }

    /// [`Replica::apply_remote_changes`] for a page read ahead ([`PreparedPull::read`]).
    #[tracing::instrument(skip_all, fields(offered = prepared.len()))]
    pub fn apply_prepared_pull(&mut self, prepared: PreparedPull) -> Result<u64, ReplicaError> {
        let PreparedPull { changes, ahead } = prepared;
        self.apply_page(&changes, ahead, false)
    }

    /// [`Replica::apply_remote_changes_in_bulk`] for a page read ahead
    /// ([`PreparedPull::read`]).
    #[tracing::instrument(skip_all, fields(offered = prepared.len()))]
    pub fn apply_prepared_pull_in_bulk(
        &mut self,
        prepared: PreparedPull,
    ) -> Result<u64, ReplicaError> {
        let PreparedPull { changes, ahead } = prepared;
        self.apply_page(&changes, ahead, true)
    }

    fn apply_page(
        &mut self,
        changes: &[WireChange],
        mut ahead: ReadAhead,
        bulk: bool,
    ) -> Result<u64, ReplicaError> {
        if bulk {
            deferred_index::widen_cache(&self.conn)?;
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        if bulk {
            deferred_index::defer(&tx)?;
        }
        let mut vv = peer_clock::load(&tx)?;
        let mut advanced: BTreeSet<ReplicaId> = BTreeSet::new();
        let mut jobs: Vec<Job> = Vec::new();
        let mut job_of: HashMap<DocId, usize> = HashMap::new();
        let mut fresh = 0u64;
        for (index, c) in changes.iter().enumerate() {
            if vv.covers(&c.replica_id, c.counter) {
                continue;
            }
            let at = || format!("change {} of replica {}", c.counter, c.replica_id);
            if !ahead.digest_ok(index) {
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
            let slot = *job_of.entry(c.doc_id).or_insert_with(|| {
                jobs.push(Job {
                    id: c.doc_id,
                    kind: c.kind,
                    stored: None,
                    changes: Vec::new(),
                });
                jobs.len() - 1
            });
            jobs[slot].changes.push((index, &c.bytes.0));
        }
        // A document read ahead is taken when it is still new here; the rest are worked
        // out now, on every core.
        let mut ready: Vec<Option<Applied>> = Vec::with_capacity(jobs.len());
        for job in &mut jobs {
            job.stored = projection::stored(&tx, job.id)?;
            ready.push(match (&job.stored, job.changes.as_slice()) {
                (None, [(index, _)]) => ahead.take_fresh(*index)?,
                _ => None,
            });
        }
        let rest: Vec<&Job> = jobs
            .iter()
            .zip(&ready)
            .filter(|(_, done)| done.is_none())
            .map(|(job, _)| job)
            .collect();
        let mut worked = in_parallel(&rest, |job| job.apply()).into_iter();
        let mut applied: Vec<Applied> = Vec::with_capacity(jobs.len());
        for done in ready {
            let done = match done {
                Some(done) => done,
                None => worked.next().ok_or_else(|| {
                    ReplicaError::Corrupt("a pulled document was left unread".into())
                })??,
            };
            applied.push(done);
        }
        // The clock observes the changes in the order they arrived, as if applied one by one.
        let mut hlcs: Vec<(usize, Hlc)> = Vec::with_capacity(changes.len());
        for done in &mut applied {
            hlcs.append(&mut done.hlcs);
        }
        hlcs.sort_by_key(|(index, _)| *index);
        let mut clock = meta::clock(&tx)?;
        let now_ms = Utc::now().timestamp_millis();
        for (_, hlc) in hlcs {
            clock.hlc = clock.hlc.observe(hlc, now_ms);
        }
        let mut patients: BTreeSet<DocId> = BTreeSet::new();
        let mut links_changed = false;
        for (job, done) in jobs.iter().zip(&applied) {
            done.stored.write(&tx)?;
            match done.stored.kind() {
                DocKind::Patient => {
                    patients.insert(job.id);
                }
                DocKind::PatientLink => links_changed = true,
                _ => {}
            }
        }
        if links_changed {
            duplicates::recompute(&tx)?;
        } else if !patients.is_empty() {
            duplicates::recompute_for(&tx, &patients)?;
        }
        for r in &advanced {
            peer_clock::set(&tx, *r, vv.get(r))?;
        }
        meta::set_hlc(&tx, clock.hlc)?;
        let built = if bulk {
            0
        } else {
            deferred_index::restore(&tx)?
        };
        tx.commit()?;
        if built > 0 {
            deferred_index::narrow_cache(&self.conn)?;
        }
        tracing::debug!(fresh, documents = jobs.len(), "applied pulled changes");
        Ok(fresh)
    }

    pub(crate) fn set_last_sync_at(&mut self, at: DateTime<Utc>) -> Result<(), ReplicaError> {
        meta::set_last_sync_at(&self.conn, at)
    }
}

/// One document of a pulled page: what is stored of it, and its new changes (with their
/// position in the page).
struct Job<'a> {
    id: DocId,
    kind: DocKind,
    stored: Option<StoredDoc>,
    changes: Vec<(usize, &'a [u8])>,
}

/// A document of the page, ready to write, and the clocks its changes carry.
struct Applied {
    stored: Stored,
    hlcs: Vec<(usize, Hlc)>,
}

impl Job<'_> {
    /// Parses each change once (for its clock and to apply it), applies them and derives
    /// what is stored. Needs no database. A new document made by one change the fast path
    /// reads was read ahead already (`read_ahead`); this is the engine's way.
    fn apply(&self) -> Result<Applied, ReplicaError> {
        let id = self.id;
        if let Some(StoredDoc { kind, .. }) = &self.stored {
            if *kind != self.kind {
                return Err(ReplicaError::BadRemoteChange(format!(
                    "document {id} is a {} here but arrived as a {}",
                    kind.as_str(),
                    self.kind.as_str()
                )));
            }
        }
        let refused = |e: DomainError| ReplicaError::BadRemoteChange(format!("document {id}: {e}"));
        let mut parsed: Vec<_> = Vec::with_capacity(self.changes.len());
        let mut hlcs = Vec::new();
        for (index, bytes) in &self.changes {
            let change = parse_change(bytes).map_err(refused)?;
            if let Some(meta) = ChangeMeta::of_change(&change) {
                hlcs.push((*index, meta.hlc));
            }
            parsed.push(change);
        }
        let stored = match &self.stored {
            // One change the fast path does not describe (or a foreign, compressed form of
            // one, or one whose page also held a change this replica had): the engine
            // applies it, stored as the change.
            None if parsed.len() == 1 => {
                let (doc, bytes) = Document::from_remote(id, self.kind, parsed).map_err(refused)?;
                Stored::of(&doc, bytes, true)?
            }
            // Made and edited before this pull (an encounter charted in several saves):
            // stored as a compacted save, which holds each operation once in compressed
            // columns where its changes would repeat their headers and actor; the engine
            // has built the document already, so saving it is the only extra work.
            None => {
                let (doc, _) = Document::from_remote(id, self.kind, parsed).map_err(refused)?;
                Stored::of(&doc, doc.save(), true)?
            }
            Some(StoredDoc { kind, bytes, tail }) => {
                let mut doc = Document::load(id, *kind, bytes)?;
                doc.apply_remote_parsed(parsed).map_err(refused)?;
                // Appended as they arrived: a change the document held already is skipped
                // again when the stored bytes load.
                let chunks = self.changes.iter().map(|(_, c)| c.to_vec()).collect();
                Stored::edited(&doc, *tail, chunks)?
            }
        };
        Ok(Applied { stored, hlcs })
    }
}

/// Fewer documents than this per thread are not worth a thread.
const MIN_JOBS_PER_THREAD: usize = 4;

/// `f` of every item, in order, spread over the machine's cores.
pub(crate) fn in_parallel<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let cores = std::thread::available_parallelism().map_or(1, NonZeroUsize::get);
    let threads = cores.min(items.len() / MIN_JOBS_PER_THREAD).max(1);
    if threads == 1 {
        return items.iter().map(f).collect();
    }
    let per_thread = items.len().div_ceil(threads);
    let f = &f;
    std::thread::scope(|scope| {
        let mut chunks = items.chunks(per_thread);
        let mine = chunks.next().unwrap_or_default();
        let others: Vec<_> = chunks
            .map(|chunk| scope.spawn(move || chunk.iter().map(f).collect::<Vec<R>>()))
            .collect();
        let mut out: Vec<R> = mine.iter().map(f).collect();
        for handle in others {
            match handle.join() {
                Ok(part) => out.extend(part),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        out
    })
}
