//! Bootstrap pages on Postgres (see [`crate::bootstrap`]): the snapshot is read in one
//! repeatable-read transaction, pages by primary key order after the cursor.

use crate::bootstrap::{cut_page, PAGE_BYTE_BUDGET};
use crate::error::ServerError;
use outpost_domain::document::DocKind;
use outpost_domain::ids::{ClinicId, DocId, ReplicaId};
use outpost_domain::protocol::{BootstrapCursor, BootstrapDocument, BootstrapResponse, Bytes};
use outpost_domain::version_vector::VersionVector;
use sqlx::postgres::PgPool;
use sqlx::{PgConnection, Row};

fn to_u64(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

#[tracing::instrument(skip_all, fields(clinic = %clinic, resumed = after.is_some(), limit))]
pub(super) async fn page(
    pool: &PgPool,
    clinic: ClinicId,
    after: Option<&BootstrapCursor>,
    limit: usize,
) -> Result<BootstrapResponse, ServerError> {
    let mut tx = pool.begin().await?;
    // No sorting in this transaction: a page must walk the primary key from its cursor and
    // stop after `limit` documents. With stale statistics (a new server, a clinic just
    // loaded) the planner took the clinic's documents through `documents_by_created` and
    // sorted them all, for every page: a bootstrap read the clinic once per page.
    sqlx::raw_sql(
        "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY; SET LOCAL enable_sort = off",
    )
    .execute(&mut *tx)
    .await?;
    let cursor = match after {
        Some(c) => c.clone(),
        None => snapshot(&mut tx, clinic).await?,
    };
    // Two statements rather than `($3 IS NULL OR doc_id > $3)`: a plan made for any cursor
    // (Postgres' generic plan, after a few pages) cannot start the key walk at the cursor
    // through an OR, and would read all the documents before it again.
    let first = cursor.after_doc.is_none();
    let query = sqlx::query(if first {
        "SELECT doc_id, kind, bytes, heads FROM documents \
         WHERE clinic_id = $1 AND created_seq <= $2 \
         ORDER BY doc_id LIMIT $3"
    } else {
        "SELECT doc_id, kind, bytes, heads FROM documents \
         WHERE clinic_id = $1 AND created_seq <= $2 AND doc_id > $4 \
         ORDER BY doc_id LIMIT $3"
    })
    .bind(clinic.0)
    .bind(to_i64(cursor.snapshot_seq))
    .bind(i64::try_from(limit).unwrap_or(i64::MAX).saturating_add(1));
    let query = match cursor.after_doc {
        Some(after) => query.bind(after.0),
        None => query,
    };
    let rows = query.fetch_all(&mut *tx).await?;
    tx.commit().await?;
    let mut fetched = Vec::with_capacity(rows.len());
    for r in rows {
        let kind: String = r.try_get("kind")?;
        fetched.push(BootstrapDocument {
            doc_id: DocId(r.try_get("doc_id")?),
            kind: DocKind::parse(&kind).map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
            bytes: Bytes(r.try_get("bytes")?),
            heads: r.try_get("heads")?,
        });
    }
    let (documents, more) = cut_page(fetched, limit, PAGE_BYTE_BUDGET);
    let next = BootstrapCursor {
        after_doc: documents.last().map(|d| d.doc_id).or(cursor.after_doc),
        ..cursor.clone()
    };
    tracing::debug!(sent = documents.len(), more, "bootstrap page");
    Ok(BootstrapResponse {
        total_documents: cursor.total_documents,
        total_bytes: cursor.total_bytes,
        covers: cursor.covers,
        documents,
        next,
        more,
    })
}

/// The snapshot a new bootstrap starts from.
async fn snapshot(
    conn: &mut PgConnection,
    clinic: ClinicId,
) -> Result<BootstrapCursor, ServerError> {
    // Each highest value is the first entry of a backward walk of a key, so neither read
    // grows with the clinic's history whatever the planner's statistics say.
    let seq: i64 = sqlx::query_scalar(
        "SELECT server_seq FROM changes WHERE clinic_id = $1 ORDER BY server_seq DESC LIMIT 1",
    )
    .bind(clinic.0)
    .fetch_optional(&mut *conn)
    .await?
    .unwrap_or(0);
    // Applied counters are contiguous per replica (a held replica's stop at its first
    // quarantined change), so the highest one is what the documents cover. Every change
    // was pushed by a device bound to its replica, and devices are never deleted.
    let rows = sqlx::query(
        "SELECT d.replica_id, c.counter \
         FROM (SELECT DISTINCT replica_id FROM devices WHERE clinic_id = $1) d \
         CROSS JOIN LATERAL ( \
           SELECT counter FROM changes WHERE clinic_id = $1 AND replica_id = d.replica_id \
           ORDER BY counter DESC LIMIT 1 \
         ) c",
    )
    .bind(clinic.0)
    .fetch_all(&mut *conn)
    .await?;
    let mut covers = VersionVector::default();
    for r in rows {
        covers.0.insert(
            ReplicaId(r.try_get("replica_id")?),
            to_u64(r.try_get("counter")?),
        );
    }
    let totals = sqlx::query(
        "SELECT count(*) AS n, COALESCE(sum(octet_length(bytes)), 0)::bigint AS size \
         FROM documents WHERE clinic_id = $1 AND created_seq <= $2",
    )
    .bind(clinic.0)
    .bind(seq)
    .fetch_one(&mut *conn)
    .await?;
    Ok(BootstrapCursor {
        after_doc: None,
        snapshot_seq: to_u64(seq),
        total_documents: to_u64(totals.try_get("n")?),
        total_bytes: to_u64(totals.try_get("size")?),
        covers,
    })
}
