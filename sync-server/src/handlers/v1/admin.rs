//! `GET /v1/admin/audit` and `GET /v1/admin/alerts`: an admin lists their clinic's audit
//! entries by patient, user and time, a page at a time, and the alerts among them
//! (break-the-glass accesses, signing blocked). See [`crate::oversight`].

use crate::auth::AuthedAdmin;
use crate::error::{AppError, ServerError};
use crate::oversight::{self, AuditSearch};
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::Json;
use outpost_domain::protocol::admin::{AuditPage, AuditQuery};

fn query(
    q: Result<Query<AuditQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<AuditQuery, AppError> {
    q.map(|Query(q)| q).map_err(|e| {
        AppError(ServerError::invalid(
            "bad_query",
            format!(
                "{}; give patient (a patient id), user (a username), since and until \
                 (RFC 3339 times), after (a page's next) and limit (1 to 500)",
                e.body_text()
            ),
        ))
    })
}

#[tracing::instrument(skip_all, fields(device = %admin.device.id))]
pub async fn audit(
    State(state): State<AppState>,
    admin: AuthedAdmin,
    q: Result<Query<AuditQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<AuditPage>, AppError> {
    let search = AuditSearch::new(&query(q)?, false)?;
    Ok(Json(
        oversight::list(state.db(), admin.device.clinic_id, &search).await?,
    ))
}

#[tracing::instrument(skip_all, fields(device = %admin.device.id))]
pub async fn alerts(
    State(state): State<AppState>,
    admin: AuthedAdmin,
    q: Result<Query<AuditQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<AuditPage>, AppError> {
    let search = AuditSearch::new(&query(q)?, true)?;
    Ok(Json(
        oversight::list(state.db(), admin.device.clinic_id, &search).await?,
    ))
}
