//! The `Replica` handle: creating and opening the encrypted store, and the small facts
//! about it (identity, enrollment, what waits to be pushed, integrity).
//!
//! Refusing to open creates nothing: the file's existence and the keyring entry are checked
//! before SQLite is asked to open anything, and the file is opened without the create flag.

use crate::clock::Clock;
use crate::doc_cache::DocCache;
use crate::error::ReplicaError;
use crate::keys::{self, Slot};
use crate::meta::{self, Enrollment};
use crate::projection;
use crate::secret::DbKey;
use crate::store::{self, DB_FILE};
use chrono::{DateTime, Utc};
use outpost_domain::ids::ReplicaId;
use rusqlite::Connection;
use std::path::{Path, PathBuf};

/// One workstation's replica: an open SQLCipher connection and who it is.
#[derive(Debug)]
pub struct Replica {
    pub(crate) conn: Connection,
    pub(crate) id: ReplicaId,
    pub(crate) path: PathBuf,
    /// What time it is for checks that expire (break-the-glass access).
    pub(crate) clock: Clock,
    /// Documents changed lately, kept decoded for their next change.
    pub(crate) docs: DocCache,
}

impl Replica {
    /// Creates a new replica in `data_dir` (made if missing): a new random key in the OS
    /// keyring and a new encrypted database. Refuses if a database is already there.
    #[tracing::instrument(skip_all)]
    pub fn create(data_dir: &Path) -> Result<Replica, ReplicaError> {
        let db = data_dir.join(DB_FILE);
        if exists(&db)? {
            return Err(ReplicaError::AlreadyExists { path: db });
        }
        keys::probe()?;
        std::fs::create_dir_all(data_dir)
            .map_err(|e| ReplicaError::io("creating the data directory", data_dir, e))?;
        let dir = std::fs::canonicalize(data_dir)
            .map_err(|e| ReplicaError::io("resolving", data_dir, e))?;
        let path = dir.join(DB_FILE);
        let key = DbKey::generate().map_err(|_| ReplicaError::Random)?;
        keys::store_new_key(&path, &key)?;
        let made = store::open_connection(&path, &key, true).and_then(|mut conn| {
            let id = ReplicaId::new();
            meta::insert(&conn, id)?;
            projection::rebuild_if_stale(&mut conn)?;
            Ok(Replica {
                conn,
                id,
                path: path.clone(),
                clock: Clock::system(),
                docs: DocCache::default(),
            })
        });
        match made {
            Ok(replica) => {
                tracing::info!(replica_id = %replica.id, "created replica");
                Ok(replica)
            }
            Err(e) => {
                if let Err(cleanup) = discard_files_and_secrets(&path) {
                    tracing::warn!(error = %cleanup, "could not remove a half-created replica");
                }
                Err(e)
            }
        }
    }

    /// Opens the replica in `data_dir`. Refuses, creating nothing, when there is no
    /// database, no keyring, no key in it, or a key that does not open the database.
    #[tracing::instrument(skip_all)]
    pub fn open(data_dir: &Path) -> Result<Replica, ReplicaError> {
        let db = data_dir.join(DB_FILE);
        if !exists(&db)? {
            return Err(ReplicaError::NoReplica { path: db });
        }
        let path = std::fs::canonicalize(&db).map_err(|e| ReplicaError::io("resolving", &db, e))?;
        let key = keys::read_key(&path)?;
        let mut conn = store::open_connection(&path, &key, false)?;
        let id = meta::replica_id(&conn)?.ok_or_else(|| ReplicaError::Incomplete {
            path: path.clone(),
            reason: "it has no replica id".into(),
        })?;
        projection::rebuild_if_stale(&mut conn)?;
        crate::audit::seal_legacy(&mut conn)?;
        tracing::debug!(replica_id = %id, "opened replica");
        Ok(Replica {
            conn,
            id,
            path,
            clock: Clock::system(),
            docs: DocCache::default(),
        })
    }

    /// This replica's id (also its Automerge actor id).
    pub fn replica_id(&self) -> ReplicaId {
        self.id
    }

    /// The canonical path of the database file.
    pub fn db_path(&self) -> &Path {
        &self.path
    }

    /// The server, clinic and device this workstation is enrolled as, if it is.
    pub fn enrollment(&self) -> Result<Option<Enrollment>, ReplicaError> {
        meta::enrollment(&self.conn)
    }

    /// Points the replica at another sync server (an operator moved it).
    #[tracing::instrument(skip_all)]
    pub fn set_server_url(&mut self, url: &str) -> Result<(), ReplicaError> {
        let url = normalize_server_url(url)?;
        meta::set_server_url(&self.conn, &url)
    }

    /// The sync server URL, if one was set.
    pub fn server_url(&self) -> Result<Option<String>, ReplicaError> {
        meta::server_url(&self.conn)
    }

    /// Local changes the server does not hold yet.
    pub fn pending_changes(&self) -> Result<u64, ReplicaError> {
        let n: i64 = self.conn.query_row(
            "SELECT count(*) FROM changes
             WHERE replica_id = ?1 AND counter > (SELECT pushed_through FROM meta WHERE id = 1)",
            [self.id.to_string()],
            |r| r.get(0),
        )?;
        meta::to_u64(n)
    }

    /// When the last complete sync round ended.
    pub fn last_sync_at(&self) -> Result<Option<DateTime<Utc>>, ReplicaError> {
        meta::last_sync_at(&self.conn)
    }

    /// SQLite's own consistency check of every page and index.
    #[tracing::instrument(skip_all)]
    pub fn integrity_check(&self) -> Result<(), ReplicaError> {
        let mut stmt = self.conn.prepare("PRAGMA integrity_check")?;
        let rows: Vec<String> = stmt
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        if rows == ["ok"] {
            Ok(())
        } else {
            Err(ReplicaError::IntegrityCheck(rows.join("; ")))
        }
    }

    /// Closes and deletes this replica: its files, key and device token. Used only to undo
    /// a creation that did not complete (a refused enrollment).
    pub(crate) fn discard(self) -> Result<(), ReplicaError> {
        let path = self.path.clone();
        self.conn
            .close()
            .map_err(|(_, e)| ReplicaError::Sqlite(e))?;
        discard_files_and_secrets(&path)
    }
}

fn discard_files_and_secrets(path: &Path) -> Result<(), ReplicaError> {
    store::remove_db_files(path)?;
    keys::delete(Slot::DeviceToken, path)?;
    keys::delete(Slot::ReplicaKey, path)
}

fn exists(path: &Path) -> Result<bool, ReplicaError> {
    path.try_exists()
        .map_err(|e| ReplicaError::io("checking", path, e))
}

/// An `http://` or `https://` URL without a trailing slash.
pub(crate) fn normalize_server_url(url: &str) -> Result<String, ReplicaError> {
    let trimmed = url.trim().trim_end_matches('/');
    let bad = |why: &str| {
        ReplicaError::invalid(
            "server_url",
            format!("{why}; give the sync server's address, e.g. https://sync.example.org"),
        )
    };
    let parsed =
        reqwest::Url::parse(trimmed).map_err(|e| bad(&format!("\"{url}\" is not a URL ({e})")))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(bad(&format!("\"{url}\" is not an http or https URL")));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(bad(&format!("\"{url}\" has a query or fragment")));
    }
    Ok(trimmed.to_owned())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design
mod tests {
    use super::*;

    #[test]
    fn server_urls_are_checked_and_trimmed() {
        assert_eq!(
            normalize_server_url(" http://127.0.0.1:8080/ ").unwrap(),
            "http://127.0.0.1:8080"
        );
        let err = normalize_server_url("ftp://x").unwrap_err();
        assert_eq!(err.field_errors()[0].field, "server_url");
        assert!(normalize_server_url("not a url").is_err());
    }
}
