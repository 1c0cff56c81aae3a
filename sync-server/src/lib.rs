//! The sync server library.
