//! Passwords, usernames and the lockout rule, shared by the server (online login) and the
//! replica (offline login against synced verifiers) so both judge a sign-in the same way.
//!
//! A verifier is an argon2id PHC string (`$argon2id$v=19$m=19456,t=2,p=1$salt$hash`):
//! its parameters travel with it, so raising them later still verifies old ones. New
//! verifiers use OWASP's minimum for argon2id (19 MiB, 2 passes, 1 lane); a verifier
//! below that minimum is refused when read. Verifiers and passwords are secrets: their
//! `Debug` is redacted and nothing here logs.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier as _, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

/// OWASP's minimum argon2id parameters, used for every new verifier.
pub const MEMORY_KIB: u32 = 19_456;
pub const ITERATIONS: u32 = 2;
pub const PARALLELISM: u32 = 1;

/// Failures allowed before any delay.
pub const FREE_FAILURES: u32 = 5;
/// The longest delay between attempts once an account is locked.
pub const MAX_DELAY_SECONDS: i64 = 15 * 60;
/// At most this many failures of one account are counted per hour.
pub const MAX_FAILURES_COUNTED_PER_HOUR: u32 = 100;

/// Password lengths accepted for a new password.
pub const MIN_PASSWORD_CHARS: usize = 8;
pub const MAX_PASSWORD_CHARS: usize = 1024;

/// The same sentence for an unknown user and a wrong password, so a failed sign-in does
/// not tell which usernames exist.
pub const WRONG_CREDENTIALS: &str =
    "wrong username or password; check both and try again (after 5 failures each further \
     attempt must wait, longer each time)";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CredentialError {
    #[error(
        "username \"{0}\" is not allowed: use 1 to 64 lowercase letters, digits, '.', '_' or '-'"
    )]
    Username(String),
    #[error(
        "the password must be {MIN_PASSWORD_CHARS} to {MAX_PASSWORD_CHARS} characters long; \
         choose another"
    )]
    PasswordLength,
    #[error("the stored password verifier is not usable: {0}; set the password again")]
    Verifier(String),
    #[error("the system random number generator failed")]
    Randomness,
}

/// The stored form of a username: trimmed and lowercased, `[a-z0-9._-]{1,64}`.
pub fn canonical_username(given: &str) -> Result<String, CredentialError> {
    let u = given.trim().to_lowercase();
    let ok = (1..=64).contains(&u.len())
        && u.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
    if ok {
        Ok(u)
    } else {
        Err(CredentialError::Username(given.trim().into()))
    }
}

/// A password in memory. `Debug` never shows it.
#[derive(Clone)]
pub struct Password(String);

impl Password {
    /// A password as typed at sign-in (any length; only new passwords are checked).
    pub fn new(typed: impl Into<String>) -> Self {
        Self(typed.into())
    }

    /// A new password for an account: between the length limits.
    pub fn new_for_account(typed: impl Into<String>) -> Result<Self, CredentialError> {
        let p = Self(typed.into());
        let chars = p.0.chars().count();
        if (MIN_PASSWORD_CHARS..=MAX_PASSWORD_CHARS).contains(&chars) {
            Ok(p)
        } else {
            Err(CredentialError::PasswordLength)
        }
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

/// An argon2id PHC string. `Debug` never shows it; serializes as the string.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PasswordVerifier(String);

impl fmt::Debug for PasswordVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PasswordVerifier(<redacted>)")
    }
}

fn hasher() -> Result<Argon2<'static>, CredentialError> {
    let params = Params::new(MEMORY_KIB, ITERATIONS, PARALLELISM, None)
        .map_err(|e| CredentialError::Verifier(e.to_string()))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

impl PasswordVerifier {
    /// Hashes `password` with a fresh 16-byte salt and the OWASP parameters.
    pub fn create(password: &Password) -> Result<Self, CredentialError> {
        let mut salt = [0u8; 16];
        ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut salt)
            .map_err(|_| CredentialError::Randomness)?;
        let salt =
            SaltString::encode_b64(&salt).map_err(|e| CredentialError::Verifier(e.to_string()))?;
        let hash = hasher()?
            .hash_password(password.expose().as_bytes(), &salt)
            .map_err(|e| CredentialError::Verifier(e.to_string()))?;
        Ok(Self(hash.to_string()))
    }

    /// Reads a stored PHC string: argon2id, at or above the OWASP parameters.
    pub fn from_phc(phc: &str) -> Result<Self, CredentialError> {
        let parsed =
            PasswordHash::new(phc).map_err(|e| CredentialError::Verifier(e.to_string()))?;
        if parsed.algorithm.as_str() != "argon2id" {
            return Err(CredentialError::Verifier("not argon2id".into()));
        }
        let params =
            Params::try_from(&parsed).map_err(|e| CredentialError::Verifier(e.to_string()))?;
        if params.m_cost() < MEMORY_KIB || params.t_cost() < ITERATIONS || params.p_cost() < 1 {
            return Err(CredentialError::Verifier(
                "its parameters are below OWASP's minimum".into(),
            ));
        }
        Ok(Self(phc.into()))
    }

    /// Whether `password` is the one this verifier was made from (constant-time compare,
    /// with the parameters the verifier carries).
    pub fn verify(&self, password: &Password) -> bool {
        match PasswordHash::new(&self.0) {
            Ok(parsed) => Argon2::default()
                .verify_password(password.expose().as_bytes(), &parsed)
                .is_ok(),
            Err(_) => false,
        }
    }

    /// The PHC string, to store or send.
    pub fn as_phc(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for PasswordVerifier {
    type Error = CredentialError;
    fn try_from(s: String) -> Result<Self, CredentialError> {
        Self::from_phc(&s)
    }
}

impl From<PasswordVerifier> for String {
    fn from(v: PasswordVerifier) -> String {
        v.0
    }
}

/// The delay an account must wait after `failures` consecutive failures:
/// none for the first [`FREE_FAILURES`], then 1 s, 2 s, 4 s, ... capped at 15 minutes.
pub fn lockout_delay(failures: u32) -> Duration {
    if failures < FREE_FAILURES {
        return Duration::zero();
    }
    let exponent = (failures - FREE_FAILURES).min(20);
    Duration::seconds((1i64 << exponent).min(MAX_DELAY_SECONDS))
}

/// An account's failures since its last successful sign-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Lockout {
    pub failures: u32,
    pub last_failure_at: Option<DateTime<Utc>>,
}

impl Lockout {
    /// Whole seconds to wait before the next attempt is even checked, if any.
    pub fn retry_after(&self, now: DateTime<Utc>) -> Option<u64> {
        let last = self.last_failure_at?;
        let until = last + lockout_delay(self.failures);
        let left = until - now;
        if left <= Duration::zero() {
            return None;
        }
        // Round up: "retry after 0 seconds" would be refused again.
        let secs = (left.num_milliseconds() + 999) / 1000;
        u64::try_from(secs).ok().filter(|s| *s > 0)
    }

    /// One more failure at `at`, unless the account already had
    /// [`MAX_FAILURES_COUNTED_PER_HOUR`] counted in the hour before (`counted_last_hour`).
    /// Returns whether it was counted.
    pub fn record_failure(&mut self, at: DateTime<Utc>, counted_last_hour: u32) -> bool {
        if counted_last_hour >= MAX_FAILURES_COUNTED_PER_HOUR {
            return false;
        }
        self.failures = self.failures.saturating_add(1);
        self.last_failure_at = Some(self.last_failure_at.map_or(at, |l| l.max(at)));
        true
    }
}

/// Why a sign-in was refused: the same message for unknown users and wrong passwords.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignInRefused {
    #[error("{WRONG_CREDENTIALS}")]
    WrongCredentials,
    #[error(
        "too many failed sign-ins for this account: wait {retry_after_seconds} seconds and \
         try again, or ask an admin"
    )]
    LockedOut { retry_after_seconds: u64 },
}

#[cfg(test)]
mod tests;
