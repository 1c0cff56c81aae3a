//! Push and pull on Postgres. A push locks the device row, so pushes of one replica take
//! turns; it then lines the batch up with what is stored (applied or quarantined), judges
//! the new changes against the server's copies of their documents (see
//! [`crate::validate`]), inserts the applied ones in one statement, which assigns their
//! `server_seq` in counter order and stamps their `received_at` with the server's clock
//! (whatever the client sent is ignored), saves the documents and their reporting rows,
//! and quarantines the rest, all in one transaction. A pull
//! filters by the caller's version vector in SQL, pages by `server_seq` and hands each
//! change out with its `received_at`.

use super::device_lock::{lock_live_device, Lock};
use super::{documents, is_violation_of, quarantine, reporting};
use crate::db::{Device, PullPage, PushOutcome};
use crate::error::ServerError;
use crate::push::{first_conflict, split_at_stored, CheckedChange};
use crate::validate::{judge, Held, Inputs, Judged, NeedTemplates, Refusal, Working};
use chrono::Utc;
use outpost_domain::document::DocKind;
use outpost_domain::ids::{ClinicId, DocId, ReplicaId};
use outpost_domain::protocol::QuarantinedChange;
use outpost_domain::protocol::{Bytes, WireChange};
use outpost_domain::version_vector::VersionVector;
use sqlx::postgres::PgPool;
use sqlx::PgConnection;
use sqlx::Row;
use std::collections::HashMap;
use std::collections::HashSet;

mod authors;
mod received;

fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn to_u64(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

#[tracing::instrument(skip_all, fields(device = %device.id, changes = batch.len()))]
pub(super) async fn push(
    pool: &PgPool,
    device: &Device,
    batch: &[CheckedChange],
) -> Result<PushOutcome, ServerError> {
    let clinic = device.clinic_id.0;
    let replica = device.replica_id.0;
    let mut tx = pool.begin().await?;

    lock_live_device(&mut tx, device, Lock::Update).await?;

    // What the replica sent before (quarantined changes take their counters too:
    // received, not applied), whether its later changes are held, and who its authors are.
    let received::Received {
        stored,
        held,
        authors: authority,
    } = received::read(&mut tx, device, batch).await?;
    let (already, new) = split_at_stored(stored, batch)?;

    if let (Some(first), Some(last)) = (
        already.first().map(|c| &c.wire),
        already.last().map(|c| &c.wire),
    ) {
        let rows = sqlx::query(
            "SELECT counter, digest FROM changes \
             WHERE clinic_id = $1 AND replica_id = $2 AND counter BETWEEN $3 AND $4 \
             UNION ALL \
             SELECT counter, digest FROM quarantine \
             WHERE clinic_id = $1 AND replica_id = $2 AND counter BETWEEN $3 AND $4",
        )
        .bind(clinic)
        .bind(replica)
        .bind(to_i64(first.counter))
        .bind(to_i64(last.counter))
        .fetch_all(&mut *tx)
        .await?;
        let mut digests = HashMap::with_capacity(rows.len());
        for r in rows {
            digests.insert(
                to_u64(r.try_get("counter")?),
                r.try_get::<String, _>("digest")?,
            );
        }
        if let Some(counter) = first_conflict(already, &digests) {
            tracing::warn!(device = %device.id, counter, "conflicting change; flagging the device");
            sqlx::query(
                "UPDATE devices SET flagged_at = now(), flag_reason = $3 \
                 WHERE clinic_id = $1 AND device_id = $2",
            )
            .bind(clinic)
            .bind(device.id.0)
            .bind(format!(
                "pushed change {counter} of replica {} again with different content",
                device.replica_id
            ))
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            return Err(ServerError::ConflictingChange {
                replica_id: device.replica_id,
                counter,
            });
        }
    }

    if new.is_empty() {
        tx.commit().await?;
        return Ok(PushOutcome {
            stored_through: stored,
            quarantined: Vec::new(),
        });
    }

    let judged = judge_batch(&mut tx, device, new, &authority, &held).await?;
    let (applied, refused): (Vec<_>, Vec<_>) = new
        .iter()
        .zip(&judged.verdicts)
        .partition(|(_, verdict)| verdict.is_none());
    let applied: Vec<&WireChange> = applied.into_iter().map(|(c, _)| &c.wire).collect();
    let refused: Vec<(&CheckedChange, &Refusal)> = refused
        .into_iter()
        .filter_map(|(c, v)| v.as_ref().map(|r| (c, r)))
        .collect();

    insert_applied(&mut tx, device, &applied, &judged).await?;
    reporting::write_all(&mut tx, device.clinic_id, &judged).await?;
    quarantine::put(&mut tx, device, &refused).await?;
    tx.commit().await?;

    let through = new.last().map_or(stored, |c| c.wire.counter);
    tracing::debug!(
        applied = applied.len(),
        quarantined = refused.len(),
        through,
        "push stored"
    );
    Ok(PushOutcome {
        stored_through: through,
        quarantined: refused
            .iter()
            .map(|(c, r)| QuarantinedChange {
                counter: c.wire.counter,
                doc_id: c.wire.doc_id,
                code: r.code.to_owned(),
                reason: r.reason.clone(),
            })
            .collect(),
    })
}

/// Loads what the judgement reads (each document once, locked) and judges the batch;
/// loads the templates encounters need and judges again when it asks for them.
async fn judge_batch(
    tx: &mut PgConnection,
    device: &Device,
    new: &[CheckedChange],
    authority: &authors::Authors,
    held: &Held,
) -> Result<Judged, ServerError> {
    let mut ids: Vec<DocId> = new.iter().map(|c| c.wire.doc_id).collect();
    ids.sort_by_key(|d| d.0);
    ids.dedup();
    let (stored, foreign) = documents::lock(tx, device.clinic_id, &ids).await?;
    let mut templates = HashMap::new();
    let mut looked_for = HashSet::new();
    loop {
        let input = Inputs {
            stored: &stored,
            foreign: &foreign,
            authority,
            templates: &templates,
            looked_for: &looked_for,
            held,
            now: Utc::now(),
        };
        match judge(new, &input) {
            Ok(judged) => return Ok(judged),
            Err(NeedTemplates(need)) => {
                let need: Vec<DocId> = need.into_iter().collect();
                templates.extend(documents::templates(tx, device.clinic_id, &need).await?);
                looked_for.extend(need);
            }
        }
    }
}

/// Inserts the applied changes (their `server_seq` in counter order) and the documents
/// they created, in one statement; then saves the documents they changed that the server
/// held before. Each document is saved with the arrival position of its latest change. A
/// document the push creates that another push created meanwhile (it was not there to
/// lock) fails this push whole: the workstation retries and then finds it.
async fn insert_applied(
    tx: &mut PgConnection,
    device: &Device,
    applied: &[&WireChange],
    judged: &Judged,
) -> Result<(), ServerError> {
    if applied.is_empty() {
        return Ok(());
    }
    let counters: Vec<i64> = applied.iter().map(|c| to_i64(c.counter)).collect();
    let docs: Vec<uuid::Uuid> = applied.iter().map(|c| c.doc_id.0).collect();
    let kinds: Vec<&str> = applied.iter().map(|c| c.kind.as_str()).collect();
    let digests: Vec<&str> = applied.iter().map(|c| c.digest.as_str()).collect();
    let bytes: Vec<&[u8]> = applied.iter().map(|c| c.bytes.0.as_slice()).collect();
    let (created, updated): (Vec<&Working>, Vec<&Working>) = judged
        .changed
        .iter()
        .partition(|d| judged.created.contains(&d.id()));
    let rows = documents::Rows::created(&created)?;
    let saved = sqlx::query(concat!(
        "WITH ch AS ( \
           INSERT INTO changes (clinic_id, replica_id, counter, doc_id, kind, digest, bytes, device_id) \
           SELECT $1, $2, u.counter, u.doc_id, u.kind, u.digest, u.bytes, $3 \
           FROM unnest($4::bigint[], $5::uuid[], $6::text[], $7::text[], $8::bytea[]) \
                WITH ORDINALITY AS u(counter, doc_id, kind, digest, bytes, ord) \
           ORDER BY u.ord \
           RETURNING doc_id, server_seq, bytes \
         ), ",
        documents::create_ctes!(),
        " SELECT doc_id, seq FROM latest"
    ))
    .bind(device.clinic_id.0)
    .bind(device.replica_id.0)
    .bind(device.id.0)
    .bind(&counters)
    .bind(&docs)
    .bind(&kinds)
    .bind(&digests)
    .bind(&bytes)
    .bind(&rows.ids)
    .bind(&rows.kinds)
    .bind(rows.byte_slices())
    .bind(&rows.heads)
    .fetch_all(&mut *tx)
    .await
    .map_err(|e| {
        if is_violation_of(&e, "documents_pkey") {
            ServerError::Busy(
                "a document was created by another push at the same time; retry".into(),
            )
        } else {
            e.into()
        }
    })?;
    let mut seqs = HashMap::with_capacity(saved.len());
    for r in saved {
        seqs.insert(DocId(r.try_get("doc_id")?), r.try_get::<i64, _>("seq")?);
    }
    documents::update(tx, device.clinic_id, &updated, &seqs).await
}

/// Rows above the caller's vector, in arrival order. The `start` bound lets Postgres skip
/// the history everyone has: for each replica of the clinic (every change was pushed by
/// a device bound to its replica, and devices are never deleted) it finds the arrival of
/// the first change the caller lacks; nothing the caller lacks arrived earlier, because
/// each replica's counters are stored contiguously and in arrival order. That first change
/// is looked up by its key, one replica at a time (a lateral lookup; `LIMIT 1` keeps the
/// planner from folding it into a join): joined plainly, a planner with stale statistics
/// walked every change of every replica and filtered the counter afterwards.
const PULL_SQL: &str = "
WITH vv AS (
    SELECT * FROM unnest($2::uuid[], $3::bigint[]) AS t(replica_id, counter)
), start AS (
    SELECT min(c.server_seq) AS seq
    FROM (SELECT DISTINCT replica_id FROM devices WHERE clinic_id = $1) d
    LEFT JOIN vv ON vv.replica_id = d.replica_id
    CROSS JOIN LATERAL (
        SELECT server_seq FROM changes
        WHERE clinic_id = $1 AND replica_id = d.replica_id
          AND counter = COALESCE(vv.counter, 0) + 1
        LIMIT 1
    ) c
)
SELECT c.replica_id, c.counter, c.doc_id, c.kind, c.digest, c.bytes, c.received_at
FROM changes c
LEFT JOIN vv ON vv.replica_id = c.replica_id
WHERE c.clinic_id = $1
  AND c.server_seq >= (SELECT seq FROM start)
  AND c.counter > COALESCE(vv.counter, 0)
ORDER BY c.server_seq
LIMIT $4";

#[tracing::instrument(skip_all, fields(clinic = %clinic, limit = limit))]
pub(super) async fn pull(
    pool: &PgPool,
    clinic: ClinicId,
    have: &VersionVector,
    limit: usize,
) -> Result<PullPage, ServerError> {
    let replicas: Vec<uuid::Uuid> = have.0.keys().map(|r| r.0).collect();
    let counters: Vec<i64> = have.0.values().map(|c| to_i64(*c)).collect();
    // No sorting: a page walks `changes_by_seq` from where the caller starts and stops
    // after `limit` rows. With stale statistics the planner took every change from the
    // start on and sorted them, for every page: a long catch-up read the rest of the
    // history once per page.
    let mut tx = pool.begin().await?;
    sqlx::query("SET LOCAL enable_sort = off")
        .execute(&mut *tx)
        .await?;
    let rows = sqlx::query(PULL_SQL)
        .bind(clinic.0)
        .bind(&replicas)
        .bind(&counters)
        .bind(i64::try_from(limit).unwrap_or(i64::MAX).saturating_add(1))
        .fetch_all(&mut *tx)
        .await?;
    tx.commit().await?;
    let more = rows.len() > limit;
    let mut changes = Vec::with_capacity(rows.len().min(limit));
    for r in rows.iter().take(limit) {
        let kind: String = r.try_get("kind")?;
        changes.push(WireChange {
            replica_id: ReplicaId(r.try_get("replica_id")?),
            counter: to_u64(r.try_get("counter")?),
            doc_id: DocId(r.try_get("doc_id")?),
            kind: DocKind::parse(&kind).map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
            digest: r.try_get("digest")?,
            bytes: Bytes(r.try_get("bytes")?),
            received_at: Some(r.try_get("received_at")?),
        });
    }
    tracing::debug!(sent = changes.len(), more, "pull page");
    Ok(PullPage { changes, more })
}
