//! What every handler shares: the storage. Cheap to clone (one `Arc`), so any number of
//! server instances can run side by side on the same database.

use crate::db::Database;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    db: Arc<dyn Database>,
}

impl AppState {
    pub fn new(db: impl Database) -> Self {
        Self { db: Arc::new(db) }
    }

    pub fn from_arc(db: Arc<dyn Database>) -> Self {
        Self { db }
    }

    pub fn db(&self) -> &dyn Database {
        self.db.as_ref()
    }
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState").field("db", &self.db).finish()
    }
}
