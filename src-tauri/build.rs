//! Tauri's build step: reads tauri.conf.json and capabilities/, checks the icons, and
//! prepares what `tauri::generate_context!` embeds (config, ACL, the built ui/dist).
fn main() {
    tauri_build::build();
}
