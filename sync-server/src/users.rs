//! Users of a clinic and how they sign in: admins add and disable users (argon2id
//! verifiers), a workstation logs a user in online (a session bound to the device), gets
//! the clinic's verifiers for offline login, and reports offline sign-ins and failures.
//! Lockout follows [`outpost_domain::credentials`], the same rule the replica applies.

use crate::db::{Database, Device};
use crate::error::ServerError;
use crate::secrets::SecretHash;
use base64::Engine as _;
use chrono::{DateTime, Utc};
use outpost_domain::credentials::{canonical_username, Password, PasswordVerifier, SignInRefused};
use outpost_domain::ids::{ClinicId, UserId};
use outpost_domain::protocol::users::{
    LoginRequest, LoginResponse, ReportedAttempt, SignInReport, SignInReportResponse, SignedInUser,
    SyncedUser, UserSigningKey, UsersResponse,
};
use outpost_domain::roles::Role;
use outpost_domain::signature;
use serde::Serialize;
use std::sync::OnceLock;

/// How long an online session lasts.
pub const SESSION_HOURS: i64 = 12;

/// A user as the server keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    pub clinic_id: ClinicId,
    pub id: UserId,
    pub username: String,
    pub full_name: String,
    pub role: Role,
    #[serde(skip)]
    pub verifier: PasswordVerifier,
    pub created_at: DateTime<Utc>,
    pub disabled_at: Option<DateTime<Utc>>,
    /// The Ed25519 signing key made with the password (none for users added before
    /// signatures existed).
    #[serde(skip)]
    pub signing_key: Option<UserSigningKey>,
}

impl User {
    pub fn summary(&self) -> SignedInUser {
        SignedInUser {
            id: self.id,
            username: self.username.clone(),
            full_name: self.full_name.clone(),
            role: self.role,
        }
    }
}

/// An account with failed sign-ins since its last success, for admins.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LockoutEntry {
    pub username: String,
    pub full_name: String,
    pub failures: u32,
    pub last_failure_at: Option<DateTime<Utc>>,
    /// Seconds the account must still wait, at the time of listing.
    pub locked_for_seconds: Option<u64>,
    pub failures_last_24h: u32,
}

/// Adds a user with a new password; the username is stored lowercase.
#[tracing::instrument(skip_all)]
pub async fn add_user(
    db: &dyn Database,
    clinic: ClinicId,
    username: &str,
    full_name: &str,
    role: Role,
    password: &Password,
) -> Result<User, ServerError> {
    let username = canonical_username(username)
        .map_err(|e| ServerError::invalid("username", e.to_string()))?;
    let full_name = full_name.trim();
    if full_name.is_empty() || full_name.chars().count() > 200 {
        return Err(ServerError::invalid(
            "full_name",
            "the full name must be 1 to 200 characters",
        ));
    }
    let password = Password::new_for_account(password.expose())
        .map_err(|e| ServerError::invalid("password", e.to_string()))?;
    let id = UserId::new();
    let (verifier, key) = hash_with_key(id, password).await?;
    let mut user = db
        .add_user(clinic, id, &username, full_name, role, &verifier)
        .await?;
    db.set_signing_key(clinic, id, &key.public_key, &key.wrapped)
        .await?;
    user.signing_key = Some(UserSigningKey::from(key));
    Ok(user)
}

/// The verifier and the signing key (wrapped under the same password) of a new password:
/// each costs an argon2id run (~19 MiB, tens of milliseconds), off the async threads.
async fn hash_with_key(
    id: UserId,
    password: Password,
) -> Result<(PasswordVerifier, signature::NewSigningKey), ServerError> {
    tokio::task::spawn_blocking(move || {
        let verifier = PasswordVerifier::create(&password)
            .map_err(|e| ServerError::Inconsistent(e.to_string()))?;
        let key = signature::generate(id, &password)
            .map_err(|e| ServerError::Inconsistent(e.to_string()))?;
        Ok((verifier, key))
    })
    .await
    .map_err(|e| ServerError::Inconsistent(format!("hashing task: {e}")))?
}

async fn verify(verifier: PasswordVerifier, password: Password) -> Result<bool, ServerError> {
    tokio::task::spawn_blocking(move || verifier.verify(&password))
        .await
        .map_err(|e| ServerError::Inconsistent(format!("verifying task: {e}")))
}

/// A verifier no password matches, checked for unknown usernames so they take as long
/// as known ones.
fn decoy() -> Result<PasswordVerifier, ServerError> {
    static DECOY: OnceLock<PasswordVerifier> = OnceLock::new();
    if let Some(v) = DECOY.get() {
        return Ok(v.clone());
    }
    let v = PasswordVerifier::create(&Password::new("outpost-decoy-never-a-password"))
        .map_err(|e| ServerError::Inconsistent(e.to_string()))?;
    Ok(DECOY.get_or_init(|| v).clone())
}

/// Online login on `device`: refused during a lockout delay (without checking the
/// password), counted as a failure when wrong, otherwise a session bound to the device
/// and a recorded sign-in (which resets the account's failures).
#[tracing::instrument(skip_all, fields(device = %device.id))]
pub async fn login(
    db: &dyn Database,
    device: &Device,
    req: LoginRequest,
    now: DateTime<Utc>,
) -> Result<LoginResponse, ServerError> {
    let password = Password::new(req.password);
    let found = match canonical_username(&req.username) {
        Ok(u) => db.login_state(device.clinic_id, &u).await?,
        Err(_) => None,
    };
    let Some((user, lockout)) = found else {
        verify(decoy()?, password).await?;
        return Err(refused(SignInRefused::WrongCredentials));
    };
    if let Some(retry_after_seconds) = lockout.retry_after(now) {
        return Err(refused(SignInRefused::LockedOut {
            retry_after_seconds,
        }));
    }
    if !verify(user.verifier.clone(), password).await? {
        let attempt = ReportedAttempt {
            id: uuid::Uuid::now_v7(),
            user_id: user.id,
            at: now,
        };
        db.record_failure(device, &attempt, true).await?;
        tracing::info!("online sign-in refused: wrong credentials");
        return Err(refused(SignInRefused::WrongCredentials));
    }
    if user.disabled_at.is_some() {
        return Err(ServerError::Forbidden(
            "this account is disabled; ask an admin of your clinic".into(),
        ));
    }
    let (token, token_hash) = session_token()?;
    let expires_at = now + chrono::Duration::hours(SESSION_HOURS);
    let attempt = ReportedAttempt {
        id: uuid::Uuid::now_v7(),
        user_id: user.id,
        at: now,
    };
    db.record_sign_in(device, &attempt, Some((token_hash, expires_at)))
        .await?;
    tracing::info!(user = %user.id, "online sign-in");
    Ok(LoginResponse {
        session_token: token,
        expires_at,
        user: user.summary(),
    })
}

/// A new session token (`ops1.<32 random bytes, base64url>`) and the SHA-256 kept of it.
fn session_token() -> Result<(String, SecretHash), ServerError> {
    use ring::rand::SecureRandom as _;
    let mut bytes = [0u8; 32];
    ring::rand::SystemRandom::new()
        .fill(&mut bytes)
        .map_err(|_| ServerError::Randomness)?;
    let token = format!(
        "ops1.{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    );
    let digest = ring::digest::digest(&ring::digest::SHA256, token.as_bytes());
    let mut hash = [0u8; 32];
    hash.copy_from_slice(digest.as_ref());
    Ok((token, SecretHash(hash)))
}

fn refused(r: SignInRefused) -> ServerError {
    match r {
        SignInRefused::LockedOut {
            retry_after_seconds,
        } => ServerError::TooManyAttempts {
            retry_after_seconds,
            message: r.to_string(),
        },
        SignInRefused::WrongCredentials => ServerError::Unauthorized(r.to_string()),
    }
}

/// The clinic's users with their verifiers, for a workstation's offline login.
pub async fn users_for_device(
    db: &dyn Database,
    device: &Device,
) -> Result<UsersResponse, ServerError> {
    let users = db.list_users(device.clinic_id).await?;
    Ok(UsersResponse {
        users: users
            .into_iter()
            .map(|u| SyncedUser {
                id: u.id,
                username: u.username,
                full_name: u.full_name,
                role: u.role,
                verifier: u.verifier,
                disabled: u.disabled_at.is_some(),
                signing_key: u.signing_key,
            })
            .collect(),
    })
}

/// Records what a workstation reports: failures first (so a later sign-in resets them),
/// then sign-ins. Idempotent per attempt id.
#[tracing::instrument(skip_all, fields(device = %device.id))]
pub async fn report(
    db: &dyn Database,
    device: &Device,
    report: &SignInReport,
) -> Result<SignInReportResponse, ServerError> {
    const MAX: usize = 1000;
    if report.failures.len() + report.sign_ins.len() > MAX {
        return Err(ServerError::invalid(
            "too_many_attempts_reported",
            format!("report at most {MAX} sign-ins and failures per request"),
        ));
    }
    let mut out = SignInReportResponse::default();
    let mut failures = report.failures.clone();
    failures.sort_by_key(|a| a.at);
    for a in &failures {
        if db.record_failure(device, a, false).await? {
            out.acknowledged.push(a.id);
        } else {
            out.unknown_users.push(a.id);
        }
    }
    for a in &report.sign_ins {
        if db.record_sign_in(device, a, None).await? {
            out.acknowledged.push(a.id);
        } else {
            out.unknown_users.push(a.id);
        }
    }
    tracing::info!(
        acknowledged = out.acknowledged.len(),
        unknown = out.unknown_users.len(),
        "sign-in report recorded"
    );
    Ok(out)
}
