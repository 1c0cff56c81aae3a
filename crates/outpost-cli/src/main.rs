//! `outpost` command line.
fn main() {}
