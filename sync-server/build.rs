//! `sqlx::migrate!` embeds `migrations/server` at compile time; this makes Cargo rebuild
//! the server when a migration is added or changed, so a build never ships stale SQL.

fn main() {
    println!("cargo:rerun-if-changed=../migrations/server");
}
