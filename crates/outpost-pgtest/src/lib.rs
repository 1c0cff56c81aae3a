//! Starts a throwaway Postgres cluster for tests.
