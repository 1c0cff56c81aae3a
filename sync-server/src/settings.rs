//! The server's tunables and their defaults, and a database URL whose `Debug`/`Display`
//! hide the password so it can be logged.

use std::fmt;

/// Where `outpost-server serve` listens unless told otherwise.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8700";

/// Largest request body accepted: a full push batch of large changes fits comfortably.
pub const DEFAULT_BODY_LIMIT_BYTES: usize = 16 * 1024 * 1024;

/// What [`crate::app_with`] is built with.
#[derive(Debug, Clone)]
pub struct Settings {
    pub body_limit_bytes: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            body_limit_bytes: DEFAULT_BODY_LIMIT_BYTES,
        }
    }
}

/// A Postgres URL; shown with its password replaced by `***`.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    pub fn new(url: impl Into<String>) -> Self {
        Self(url.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    fn redacted(&self) -> String {
        // postgres://user:password@host/db -> postgres://user:***@host/db
        let Some((scheme, rest)) = self.0.split_once("://") else {
            return "***".into();
        };
        match rest.split_once('@') {
            Some((userinfo, host)) => {
                let user = userinfo.split(':').next().unwrap_or_default();
                if userinfo.contains(':') {
                    format!("{scheme}://{user}:***@{host}")
                } else {
                    format!("{scheme}://{user}@{host}")
                }
            }
            None => format!("{scheme}://{}", rest.split('?').next().unwrap_or_default()),
        }
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DatabaseUrl({})", self.redacted())
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_never_shows() {
        let u = DatabaseUrl::new("postgres://outpost:s3cret@db:5432/outpost?sslmode=require");
        assert_eq!(
            u.to_string(),
            "postgres://outpost:***@db:5432/outpost?sslmode=require"
        );
        assert!(!format!("{u:?}").contains("s3cret"));
        let plain = DatabaseUrl::new("postgres://outpost@127.0.0.1:5555/outpost");
        assert_eq!(plain.to_string(), plain.expose());
    }
}
