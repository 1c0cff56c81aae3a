//! HTTP handlers: `/health` here, the sync API under [`v1`], and the JSON body extractor
//! whose rejections answer with an [`ErrorBody`] like every other error.

pub mod v1;

use crate::error::{AppError, ServerError};
use crate::state::AppState;
use axum::extract::{FromRequest, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Json;
use outpost_domain::protocol::ErrorBody;

/// `axum::Json`, but a malformed or oversized body becomes an [`AppError`].
#[derive(Debug, FromRequest)]
#[from_request(via(axum::Json), rejection(AppError))]
pub struct ApiJson<T>(pub T);

/// How long `/health` waits for the database before calling it unavailable.
const HEALTH_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(2);

/// `GET /health`: 200 `{"status":"ok"}` when the database answers, 503 otherwise.
pub async fn health(State(state): State<AppState>) -> impl IntoResponse {
    let answer = tokio::time::timeout(HEALTH_TIMEOUT, state.db().health()).await;
    match answer.unwrap_or_else(|_| Err(ServerError::Database(sqlx::Error::PoolTimedOut))) {
        Ok(()) => (StatusCode::OK, Json(serde_json::json!({ "status": "ok" }))).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check: the database does not answer");
            let body = ErrorBody {
                code: "unavailable".into(),
                message: "the database is not answering; check that Postgres is running".into(),
                expected_counter: None,
            };
            (StatusCode::SERVICE_UNAVAILABLE, Json(body)).into_response()
        }
    }
}

/// Any other path.
pub async fn not_found() -> impl IntoResponse {
    let body = ErrorBody {
        code: "not_found".into(),
        message:
            "no such endpoint; this server offers /health and /v1/{enroll,push,pull,mrn-blocks}"
                .into(),
        expected_counter: None,
    };
    (StatusCode::NOT_FOUND, Json(body))
}
