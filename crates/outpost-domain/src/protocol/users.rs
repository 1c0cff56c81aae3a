//! Wire types for users and sign-ins: online login (a session bound to the device), the
//! clinic's users with their verifiers for offline login, and the report of offline
//! sign-ins and failures a workstation sends on its next sync. Passwords, tokens and
//! verifiers have redacted `Debug`.

use crate::credentials::PasswordVerifier;
use crate::ids::UserId;
use crate::roles::Role;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use ts_rs::TS;
use uuid::Uuid;

/// `POST /v1/login`.
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

impl fmt::Debug for LoginRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoginRequest")
            .field("username", &self.username)
            .field("password", &"<redacted>")
            .finish()
    }
}

/// Who signed in, as the UI shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/bindings/")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignedInUser {
    pub id: UserId,
    pub username: String,
    pub full_name: String,
    pub role: Role,
}

/// The answer to a successful online login: a session token for this device and user.
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginResponse {
    pub session_token: String,
    pub expires_at: DateTime<Utc>,
    pub user: SignedInUser,
}

impl fmt::Debug for LoginResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoginResponse")
            .field("session_token", &"<redacted>")
            .field("expires_at", &self.expires_at)
            .field("user", &self.user)
            .finish()
    }
}

/// One user of the clinic as workstations cache it for offline login.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SyncedUser {
    pub id: UserId,
    pub username: String,
    pub full_name: String,
    pub role: Role,
    /// The argon2id verifier as a PHC string.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub verifier: PasswordVerifier,
    pub disabled: bool,
    /// The user's signing key (public half, and private half wrapped under their
    /// password), so they can sign offline on any workstation; absent for users whose key
    /// was never made and from servers older than signatures.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signing_key: Option<UserSigningKey>,
}

/// A user's Ed25519 signing key as it travels: the public key (base64, 32 bytes) and the
/// private key wrapped under the user's password (see [`crate::signature::key`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserSigningKey {
    pub public_key: String,
    pub wrapped: crate::signature::WrappedSigningKey,
}

impl From<crate::signature::NewSigningKey> for UserSigningKey {
    /// A key just generated for a user, as it travels to the clinic's workstations.
    fn from(key: crate::signature::NewSigningKey) -> Self {
        use base64::Engine as _;
        Self {
            public_key: base64::engine::general_purpose::STANDARD.encode(&key.public_key),
            wrapped: key.wrapped,
        }
    }
}

/// `GET /v1/users`: every user of the calling device's clinic, disabled ones included
/// (so a workstation stops accepting them offline).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UsersResponse {
    pub users: Vec<SyncedUser>,
}

/// A sign-in or a failed attempt made on the workstation, with the workstation's own id
/// for it so a report sent twice is counted once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportedAttempt {
    pub id: Uuid,
    pub user_id: UserId,
    pub at: DateTime<Utc>,
}

/// `POST /v1/sign-ins`: offline sign-ins and failed attempts since the last report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignInReport {
    #[serde(default)]
    pub sign_ins: Vec<ReportedAttempt>,
    #[serde(default)]
    pub failures: Vec<ReportedAttempt>,
}

/// What the server did with a report: every attempt it holds now (new or seen before) is
/// acknowledged; attempts of users it does not know are listed apart and dropped.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignInReportResponse {
    pub acknowledged: Vec<Uuid>,
    #[serde(default)]
    pub unknown_users: Vec<Uuid>,
}
