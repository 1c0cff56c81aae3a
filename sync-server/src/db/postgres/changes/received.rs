//! What a push reads before judging its batch, in one statement run after the device row
//! is locked (so it sees every earlier push of the replica that committed): the highest
//! counter received from the replica (applied or quarantined), the replica's quarantine so
//! far, and the roles of the batch's authors who may write on this device (an active user
//! of the clinic who signed in on it). The highest counter is the first entry of a
//! backward walk of the key (`ORDER BY counter DESC LIMIT 1`): `MAX(counter)` let the
//! planner, with stale statistics, read every change the replica ever pushed.

use super::authors::Authors;
use crate::db::Device;
use crate::error::ServerError;
use crate::push::CheckedChange;
use crate::validate::Held;
use outpost_domain::ids::DocId;
use sqlx::{PgConnection, Row};
use std::collections::HashSet;

/// What [`read`] found.
pub(super) struct Received {
    pub stored: u64,
    pub held: Held,
    pub authors: Authors,
}

pub(super) async fn read(
    conn: &mut PgConnection,
    device: &Device,
    batch: &[CheckedChange],
) -> Result<Received, ServerError> {
    let named = Authors::named(batch);
    let row = sqlx::query(
        "SELECT GREATEST( \
             (SELECT counter FROM changes WHERE clinic_id = $1 AND replica_id = $2 \
              ORDER BY counter DESC LIMIT 1), \
             (SELECT counter FROM quarantine WHERE clinic_id = $1 AND replica_id = $2 \
              ORDER BY counter DESC LIMIT 1), \
             0 \
         ) AS stored, q.since, q.docs, a.names, a.roles \
         FROM (SELECT min(counter) AS since, COALESCE(array_agg(DISTINCT doc_id), '{}') AS docs \
               FROM quarantine WHERE clinic_id = $1 AND replica_id = $2) q, \
              (SELECT COALESCE(array_agg(u.username), '{}') AS names, \
                      COALESCE(array_agg(u.role), '{}') AS roles \
               FROM users u \
               WHERE u.clinic_id = $1 AND u.username = ANY($4) AND u.disabled_at IS NULL \
                 AND EXISTS (SELECT 1 FROM sign_ins s WHERE s.clinic_id = $1 \
                             AND s.device_id = $3 AND s.user_id = u.user_id)) a",
    )
    .bind(device.clinic_id.0)
    .bind(device.replica_id.0)
    .bind(device.id.0)
    .bind(&named)
    .fetch_one(conn)
    .await?;
    let stored: i64 = row.try_get("stored")?;
    let since: Option<i64> = row.try_get("since")?;
    let docs: Vec<uuid::Uuid> = row.try_get("docs")?;
    let names: Vec<String> = row.try_get("names")?;
    let roles: Vec<String> = row.try_get("roles")?;
    Ok(Received {
        stored: u64::try_from(stored).unwrap_or(0),
        held: Held {
            since: since.map(|s| u64::try_from(s).unwrap_or(0)),
            docs: docs.into_iter().map(DocId).collect::<HashSet<_>>(),
        },
        authors: Authors::found(named, names.into_iter().zip(roles).collect())?,
    })
}
