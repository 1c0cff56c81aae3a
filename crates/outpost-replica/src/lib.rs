//! The workstation replica.
