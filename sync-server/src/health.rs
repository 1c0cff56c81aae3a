//! `GET /ready`: whether this instance should get traffic — Postgres answers and its schema
//! is the one this build expects (no migration pending). A load balancer polls it;
//! `/health` (process up, database answering) stays the liveness check.

use crate::error::ServerError;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use outpost_domain::protocol::ErrorBody;
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use std::collections::BTreeSet;
use std::time::Duration;

/// How long `/ready` waits for the database.
const READY_TIMEOUT: Duration = Duration::from_secs(2);

/// The answer of `/health` and `/ready` when all is well.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Status {
    /// Always `ok`.
    #[schema(example = "ok")]
    pub status: String,
}

/// `GET /ready`: 200 `{"status":"ok"}`, or 503 with code `unavailable` (database not
/// answering) or `migrations_pending` (run `outpost-server migrate`).
#[tracing::instrument(skip_all)]
pub async fn ready(State(state): State<AppState>) -> Response {
    let answer = tokio::time::timeout(READY_TIMEOUT, state.db().pending_migrations()).await;
    let (code, message) = match answer {
        Ok(Ok(pending)) if pending.is_empty() => {
            return Json(Status {
                status: "ok".into(),
            })
            .into_response()
        }
        Ok(Ok(pending)) => {
            tracing::warn!(?pending, "not ready: migrations pending");
            (
                "migrations_pending",
                format!(
                    "{} database migration(s) pending; run `outpost-server migrate` or start \
                     with migrate_on_start = true",
                    pending.len()
                ),
            )
        }
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "not ready: the database does not answer");
            unavailable()
        }
        Err(_) => {
            tracing::warn!("not ready: the database did not answer in time");
            unavailable()
        }
    };
    let body = ErrorBody {
        code: code.into(),
        message,
        expected_counter: None,
    };
    (StatusCode::SERVICE_UNAVAILABLE, Json(body)).into_response()
}

fn unavailable() -> (&'static str, String) {
    (
        "unavailable",
        "the database is not answering; check that Postgres is running".into(),
    )
}

/// Versions of the migrations this build embeds that the database has not applied
/// successfully.
pub async fn pending_migrations(pool: &PgPool) -> Result<Vec<i64>, ServerError> {
    let embedded = sqlx::migrate!("../migrations/server");
    let table_exists: bool =
        sqlx::query_scalar("SELECT to_regclass('public._sqlx_migrations') IS NOT NULL")
            .fetch_one(pool)
            .await?;
    let applied: BTreeSet<i64> = if table_exists {
        sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success")
            .fetch_all(pool)
            .await?
            .into_iter()
            .collect()
    } else {
        BTreeSet::new()
    };
    Ok(embedded
        .iter()
        .filter(|m| !m.migration_type.is_down_migration())
        .map(|m| m.version)
        .filter(|v| !applied.contains(v))
        .collect())
}
