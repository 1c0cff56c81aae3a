//! The OS keyring (Secret Service on Linux, through the `keyring` crate with its real
//! backends). It holds the database key and, once enrolled, the device token, each under
//! an entry named after the canonical database path so several replicas can coexist.

use crate::error::ReplicaError;
use crate::secret::{DbKey, DeviceToken};
use std::path::Path;

const SERVICE: &str = "outpost";

/// Names one secret of one replica.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Slot {
    ReplicaKey,
    DeviceToken,
}

impl Slot {
    fn user(self, db_path: &Path) -> String {
        let prefix = match self {
            Self::ReplicaKey => "replica-key",
            Self::DeviceToken => "device-token",
        };
        format!("{prefix}:{}", db_path.display())
    }
}

fn entry(user: &str) -> Result<keyring::Entry, ReplicaError> {
    keyring::Entry::new(SERVICE, user).map_err(map_err)
}

fn map_err(e: keyring::Error) -> ReplicaError {
    match e {
        keyring::Error::NoStorageAccess(inner) | keyring::Error::PlatformFailure(inner) => {
            ReplicaError::KeyringUnavailable {
                detail: inner.to_string(),
            }
        }
        other => ReplicaError::Keyring(other.to_string()),
    }
}

/// Fails with `KeyringUnavailable` unless a keyring answers. Creates nothing.
#[tracing::instrument(skip_all)]
pub(crate) fn probe() -> Result<(), ReplicaError> {
    match entry("probe")?.get_password() {
        Ok(_) | Err(keyring::Error::NoEntry) => Ok(()),
        Err(e) => Err(map_err(e)),
    }
}

fn read(slot: Slot, db_path: &Path) -> Result<Option<String>, ReplicaError> {
    match entry(&slot.user(db_path))?.get_password() {
        Ok(s) => Ok(Some(s)),
        Err(keyring::Error::NoEntry) => Ok(None),
        Err(e) => Err(map_err(e)),
    }
}

fn write(slot: Slot, db_path: &Path, secret: &str) -> Result<(), ReplicaError> {
    entry(&slot.user(db_path))?
        .set_password(secret)
        .map_err(map_err)
}

/// Removes a secret; one that is already gone is fine.
#[tracing::instrument(skip_all, fields(slot = ?slot))]
pub(crate) fn delete(slot: Slot, db_path: &Path) -> Result<(), ReplicaError> {
    match entry(&slot.user(db_path))?.delete_credential() {
        Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
        Err(e) => Err(map_err(e)),
    }
}

/// The key of an existing database. A missing entry is `KeyMissing`; an entry that is not
/// a 64-hex key cannot be this database's key, so it is `WrongKey`.
#[tracing::instrument(skip_all)]
pub(crate) fn read_key(db_path: &Path) -> Result<DbKey, ReplicaError> {
    let stored = read(Slot::ReplicaKey, db_path)?.ok_or_else(|| ReplicaError::KeyMissing {
        path: db_path.to_owned(),
    })?;
    DbKey::parse(&stored).ok_or_else(|| ReplicaError::WrongKey {
        path: db_path.to_owned(),
    })
}

/// Stores a new key for a database about to be created. A leftover entry for the same path
/// (its database was moved away) is replaced: it cannot open anything that is still there.
#[tracing::instrument(skip_all)]
pub(crate) fn store_new_key(db_path: &Path, key: &DbKey) -> Result<(), ReplicaError> {
    if read(Slot::ReplicaKey, db_path)?.is_some() {
        tracing::warn!("replacing a leftover keyring entry whose database is gone");
    }
    write(Slot::ReplicaKey, db_path, key.hex())
}

#[tracing::instrument(skip_all)]
pub(crate) fn read_token(db_path: &Path) -> Result<DeviceToken, ReplicaError> {
    read(Slot::DeviceToken, db_path)?
        .map(DeviceToken::new)
        .ok_or_else(|| ReplicaError::TokenMissing {
            path: db_path.to_owned(),
        })
}

#[tracing::instrument(skip_all)]
pub(crate) fn store_token(db_path: &Path, token: &DeviceToken) -> Result<(), ReplicaError> {
    write(Slot::DeviceToken, db_path, token.expose())
}
