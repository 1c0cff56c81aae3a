//! Tauri's build step: reads tauri.conf.json and capabilities/, checks the icons, and
//! prepares what `tauri::generate_context!` embeds (config, ACL, the built ui/dist).
//! The front end is built by npm, not by cargo; say so plainly when it is missing.
use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=../ui/dist");
    if !Path::new("../ui/dist/index.html").exists() {
        panic!(
            "the front end is not built (ui/dist/index.html is missing): run `scripts/install-deps.sh && npm --prefix ui run build` from the repository root (the install step installs ui/'s npm packages the way its lock file needs), then build again"
        );
    }
    tauri_build::build();
}
