//! Secrets the replica handles: the database key and the device token. Their `Debug`
//! prints a placeholder, so a stray `{:?}` or tracing field never leaks one.

use ring::rand::{SecureRandom, SystemRandom};
use std::fmt;

/// The raw 256-bit SQLCipher key, as 64 lowercase hex characters (how the keyring keeps it).
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct DbKey(String);

impl DbKey {
    /// A new random key from the operating system's CSPRNG.
    pub(crate) fn generate() -> Result<Self, ring::error::Unspecified> {
        let mut bytes = [0u8; 32];
        SystemRandom::new().fill(&mut bytes)?;
        let key = Self(hex::encode(bytes));
        bytes.fill(0);
        Ok(key)
    }

    /// A key read back from the keyring; `None` unless it is exactly 64 hex characters,
    /// which also keeps anything but hex out of the `PRAGMA key` statement.
    pub(crate) fn parse(s: &str) -> Option<Self> {
        (s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit()))
            .then(|| Self(s.to_ascii_lowercase()))
    }

    pub(crate) fn hex(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for DbKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DbKey(<redacted>)")
    }
}

/// The bearer token that proves this workstation is an enrolled device.
#[derive(Clone, PartialEq, Eq)]
pub struct DeviceToken(String);

impl DeviceToken {
    pub fn new(token: impl Into<String>) -> Self {
        Self(token.into())
    }

    /// The token itself, for the Authorization header and the keyring only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for DeviceToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DeviceToken(<redacted>)")
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_secret() {
        let key = DbKey::generate().unwrap();
        assert!(!format!("{key:?}").contains(key.hex()));
        let token = DeviceToken::new("s3cret-token");
        assert!(!format!("{token:?}").contains("s3cret"));
    }

    #[test]
    fn keys_are_random_and_only_hex_parses() {
        let (a, b) = (DbKey::generate().unwrap(), DbKey::generate().unwrap());
        assert_ne!(a, b);
        assert_eq!(DbKey::parse(a.hex()), Some(a));
        assert_eq!(DbKey::parse("x'; DROP TABLE patients; --"), None);
        assert_eq!(DbKey::parse(&"g".repeat(64)), None);
    }
}
