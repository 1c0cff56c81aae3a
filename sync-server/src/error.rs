//! What can go wrong in the server, and how each failure reaches an HTTP client: a status
//! and an [`ErrorBody`] whose message says what to do. Internal failures (database,
//! randomness) are logged in full and answered with a generic message, so no SQL, paths
//! or secrets leak to the network.

use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use outpost_domain::ids::ReplicaId;
use outpost_domain::protocol::{ErrorBody, PROTOCOL_VERSION};

/// How to get a new enrollment code, repeated wherever a device has to re-enroll.
pub const ENROLL_HINT: &str = "ask an admin for a new enrollment code \
    (`outpost-server device enroll --clinic CLINIC_ID --name NAME`) and enroll again \
    (`outpost enroll --server URL --code CODE`)";

#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error(
        "could not connect to Postgres: {0}; check --database-url / OUTPOST_DATABASE_URL \
         and that Postgres is running"
    )]
    Connect(#[source] sqlx::Error),

    #[error("could not apply the database migrations: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),

    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),

    #[error("the system random number generator failed")]
    Randomness,

    #[error("the HTTP server stopped: {0}")]
    Serve(#[source] std::io::Error),

    #[error("{message}")]
    Invalid { code: &'static str, message: String },

    #[error("{0}")]
    PayloadTooLarge(String),

    #[error("{0}")]
    Unauthorized(String),

    #[error("this device was revoked; {ENROLL_HINT}")]
    DeviceRevoked,

    #[error("this enrollment code is unknown, already used or expired; {ENROLL_HINT}")]
    EnrollmentCodeRefused,

    #[error("{0}")]
    Forbidden(String),

    #[error("{0}")]
    NotFound(String),

    #[error(
        "changes are missing before this batch: the server holds this replica's changes \
         through {} and expects counter {expected} next", expected - 1
    )]
    Gap { expected: u64 },

    #[error(
        "change {counter} of replica {replica_id} was already stored with different \
         content; the device has been flagged for an admin to review"
    )]
    ConflictingChange { replica_id: ReplicaId, counter: u64 },

    #[error(
        "replica {0} is already enrolled in this clinic by a device that is not revoked; \
         revoke that device first (`outpost-server device revoke`) or enroll a fresh replica"
    )]
    ReplicaInUse(ReplicaId),

    #[error(
        "{0}; the audit entries from that one on were not stored. The workstation's log was \
         altered: run `outpost audit verify` there and tell an admin"
    )]
    AuditChainBroken(outpost_domain::BrokenLink),

    /// A concurrent request got there first; retrying succeeds.
    #[error("{0}")]
    Busy(String),

    /// Stored data the server wrote itself does not read back (a bug, not the client's).
    #[error("stored data is inconsistent: {0}")]
    Inconsistent(String),

    #[error(
        "this server speaks sync protocol {PROTOCOL_VERSION}; the workstation sent protocol \
         {got}: update the Outpost app on this workstation"
    )]
    UnsupportedProtocol { got: u32 },

    /// A sign-in during the account's lockout delay; answered 429 with `Retry-After`.
    #[error("{message}")]
    TooManyAttempts {
        retry_after_seconds: u64,
        message: String,
    },
}

impl ServerError {
    /// A 400 with a stable code.
    pub fn invalid(code: &'static str, message: impl Into<String>) -> Self {
        Self::Invalid {
            code,
            message: message.into(),
        }
    }

    /// The HTTP status and stable error code this failure is answered with.
    pub fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            Self::Connect(_)
            | Self::Migrate(_)
            | Self::Database(_)
            | Self::Randomness
            | Self::Serve(_)
            | Self::Inconsistent(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
            Self::Busy(_) => (StatusCode::SERVICE_UNAVAILABLE, "busy"),
            Self::Invalid { code, .. } => (StatusCode::BAD_REQUEST, code),
            Self::PayloadTooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, "too_large"),
            Self::Unauthorized(_) => (StatusCode::UNAUTHORIZED, "unauthorized"),
            Self::DeviceRevoked => (StatusCode::UNAUTHORIZED, "device_revoked"),
            Self::EnrollmentCodeRefused => (StatusCode::UNAUTHORIZED, "enrollment_code_invalid"),
            Self::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden"),
            Self::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            Self::Gap { .. } => (StatusCode::CONFLICT, "gap"),
            Self::AuditChainBroken(_) => (StatusCode::CONFLICT, "audit_chain_broken"),
            Self::ConflictingChange { .. } => (StatusCode::CONFLICT, "conflicting_change"),
            Self::ReplicaInUse(_) => (StatusCode::CONFLICT, "replica_in_use"),
            Self::TooManyAttempts { .. } => (StatusCode::TOO_MANY_REQUESTS, "locked_out"),
            Self::UnsupportedProtocol { .. } => {
                (StatusCode::UPGRADE_REQUIRED, "unsupported_protocol")
            }
        }
    }
}

/// A [`ServerError`] on its way out of a handler.
#[derive(Debug)]
pub struct AppError(pub ServerError);

impl From<ServerError> for AppError {
    fn from(e: ServerError) -> Self {
        Self(e)
    }
}

impl From<JsonRejection> for AppError {
    fn from(r: JsonRejection) -> Self {
        let message = format!("the request body is not a valid request: {}", r.body_text());
        Self(if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ServerError::PayloadTooLarge(
                "the request body is too large; push fewer changes per request".into(),
            )
        } else {
            ServerError::invalid("bad_request", message)
        })
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, code) = self.0.status_and_code();
        let message = if status.is_server_error() {
            tracing::error!(error = %self.0, "request failed");
            "internal server error; the server log has the details".to_owned()
        } else {
            tracing::info!(code, "request refused");
            self.0.to_string()
        };
        let expected_counter = match self.0 {
            ServerError::Gap { expected } => Some(expected),
            _ => None,
        };
        let body = ErrorBody {
            code: code.to_owned(),
            message,
            expected_counter,
        };
        if let ServerError::TooManyAttempts {
            retry_after_seconds,
            ..
        } = self.0
        {
            let retry = [(
                axum::http::header::RETRY_AFTER,
                retry_after_seconds.to_string(),
            )];
            return (status, retry, Json(body)).into_response();
        }
        (status, Json(body)).into_response()
    }
}
