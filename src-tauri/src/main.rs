//! Outpost desktop app: a thin Tauri 2 shell. It opens this workstation's replica, starts
//! background sync, and exposes a handful of commands to the window (ui/). All record
//! logic lives in outpost-replica and outpost-domain; nothing here knows SQL or HTTP.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod commands;
mod error;
mod session;
mod settings;
mod state;

use anyhow::Context;
use tauri::{Manager, RunEvent};
use tracing_subscriber::EnvFilter;

fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();

    let app = tauri::Builder::default()
        .setup(|app| {
            let data_dir = settings::data_dir(app.handle())?;
            let idle_limit = settings::idle_limit()?;
            tracing::info!(
                data_dir = %data_dir.display(),
                idle_limit_seconds = idle_limit.as_secs(),
                "starting Outpost"
            );
            app.manage(state::AppState::start(&data_dir, idle_limit));
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::status,
            commands::session::sign_in,
            commands::session::sign_out,
            commands::session::current_user,
            commands::session::report_activity,
            commands::patients::list_patients,
            commands::patients::search_patients,
            commands::patients::register_patient,
            commands::patients::patient_details,
            commands::patients::break_the_glass,
            commands::oversight::admin_alerts_list,
            commands::patients::edit_demographics,
            commands::patients::save_allergy,
            commands::patients::refute_allergy,
            commands::patients::save_medication,
            commands::patients::stop_medication,
            commands::patients::save_problem,
            commands::vitals::vital_ranges,
            commands::vitals::record_vitals,
            commands::vitals::list_vitals,
            commands::vitals::vitals_history,
            commands::vitals::mark_vitals_entered_in_error,
            commands::charting::list_template_choices,
            commands::charting::open_encounter,
            commands::charting::encounter_view,
            commands::charting::list_encounters,
            commands::charting::set_encounter_fields,
            commands::charting::edit_encounter_note,
            commands::signing::signing_prompt,
            commands::signing::sign_encounter,
            commands::signing::amend_encounter,
            commands::signing::encounter_signatures,
            commands::signing::locked_encounter,
            commands::handovers::list_handovers,
            commands::handovers::open_handover,
            commands::handovers::add_handover_item,
            commands::handovers::acknowledge_handover_item,
            commands::conflicts::list_conflicts,
            commands::conflicts::resolve_conflict,
            commands::templates::list_templates,
            commands::templates::template_usage,
            commands::templates::create_template,
            commands::templates::edit_template,
            commands::templates::template_publish_problems,
            commands::templates::publish_template,
            commands::templates::template_version,
            commands::templates::export_template,
            commands::templates::import_template,
            commands::templates::section_library,
            commands::templates::save_library_section,
            commands::templates::withdraw_library_section,
        ])
        .build(tauri::generate_context!())
        .context("the Outpost window could not be created (is a display available? under a headless session use xvfb-run)")?;

    app.run(|handle, event| {
        if let RunEvent::Exit = event {
            if let Some(state) = handle.try_state::<state::AppState>() {
                state.shut_down();
            }
        }
    });
    Ok(())
}
