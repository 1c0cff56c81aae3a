//! How results look on stdout: one plain line per record for people and scripts, or JSON
//! with `--json`; and which command-line flag sets each validated field.

use anyhow::{Context, Result};
use outpost_replica::outpost_domain::vitals::{Observation, VitalsProjection, VitalsStatus, SPECS};
use outpost_replica::PatientSummary;
use serde::Serialize;
use std::io::Write;

/// The flag that sets a field the library validates, for error messages.
pub fn flag_for(field: &str) -> Option<&'static str> {
    Some(match field {
        "name" => "--name",
        "date_of_birth" => "--dob",
        "sex" => "--sex",
        "mrn" => "--mrn",
        "weight_kg" => "--weight",
        "height_cm" => "--height",
        "temperature_c" => "--temp",
        "systolic_mmhg" | "diastolic_mmhg" => "--bp",
        "heart_rate_per_min" => "--hr",
        "respiratory_rate_per_min" => "--rr",
        "spo2_percent" => "--spo2",
        "taken_at" => "--taken-at",
        "taken_by" | "author" => "--as",
        "patient_id" => "--patient",
        "server_url" => "--server",
        "code" => "--code",
        "phone" => "--phone",
        "address" => "--address",
        "emergency_contact.name" => "--contact-name",
        "emergency_contact.relationship" => "--contact-relationship",
        "emergency_contact.phone" => "--contact-phone",
        "allergen" => "--allergen",
        "reaction" => "--reaction",
        "severity" => "--severity",
        "dose" => "--dose",
        "route" => "--route",
        "frequency" => "--frequency",
        "start" => "--start",
        "stop" => "--date",
        "description" => "--description",
        "icd10" => "--icd10",
        "onset" => "--onset",
        "reason" => "--reason",
        "provider" => "--provider",
        "date" => "--date",
        "specialty" => "--specialty",
        "ward" => "--ward",
        "from_shift.date" => "--from-date",
        "from_shift.name" => "--from-shift",
        "to_shift.date" => "--to-date",
        "to_shift.name" => "--to-shift",
        "item_id" => "--item",
        "page_id" => "--page",
        "section_id" => "--section",
        "field_id" => "--field",
        "template" | "template.template_id" | "template.version" => "--template/--version",
        "version" => "--version",
        "path" => "--path",
        "chosen" => "--value",
        "survivor" => "--survivor",
        "merged" => "--merged",
        f if f.starts_with("fields.") => "--field/--value",
        f if f.starts_with("notes.") => "--text",
        _ => return None,
    })
}

/// Pretty JSON on stdout.
pub fn print_json<T: Serialize + ?Sized>(value: &T) -> Result<()> {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, value).context("writing JSON to stdout")?;
    writeln!(out).context("writing to stdout")?;
    Ok(())
}

/// `id  name  date of birth  sex  MRN [provisional]  [allergies]  [latest vitals]
/// [merged: ids]`
pub fn patient_line(s: &PatientSummary) -> String {
    let p = &s.patient;
    let mut line = format!(
        "{}  {}  {}  {}  {}",
        p.id,
        p.name,
        p.date_of_birth,
        p.sex.as_str(),
        p.mrn
    );
    if s.provisional {
        line.push_str(" (provisional)");
    }
    if !s.active_allergens.is_empty() {
        line.push_str(&format!("  allergies: {}", s.active_allergens.join(", ")));
    }
    if let Some(v) = &s.latest_vitals {
        line.push_str(&format!(
            "  latest {}: {}",
            v.taken_at.format("%Y-%m-%d %H:%M UTC"),
            values(&v.observations)
        ));
    }
    if !s.merged.is_empty() {
        let ids: Vec<String> = s.merged.iter().map(ToString::to_string).collect();
        line.push_str(&format!("  merged: {}", ids.join(", ")));
    }
    line
}

/// `id  taken at  taken by  values [entered in error: reason]`
pub fn vitals_line(v: &VitalsProjection) -> String {
    let mut line = format!(
        "{}  {}  {}  {}",
        v.id,
        v.taken_at.to_rfc3339(),
        v.taken_by,
        values(&v.observations)
    );
    if v.status == VitalsStatus::EnteredInError {
        line.push_str(&format!(
            "  [entered in error: {}]",
            v.entered_in_error_reason
                .as_deref()
                .unwrap_or("no reason given")
        ));
    }
    line
}

/// The values of a set in a fixed order, with units; blood pressure as SYS/DIA.
fn values(observations: &[Observation]) -> String {
    let value = |field: &str| {
        observations
            .iter()
            .find(|o| o.field == field)
            .map(|o| o.value)
    };
    let mut parts = Vec::new();
    for spec in SPECS {
        match spec.field {
            "diastolic_mmhg" => continue,
            "systolic_mmhg" => {
                if let (Some(s), Some(d)) = (value("systolic_mmhg"), value("diastolic_mmhg")) {
                    parts.push(format!("BP {s}/{d} mmHg"));
                }
            }
            field => {
                if let Some(x) = value(field) {
                    parts.push(format!("{} {x} {}", spec.label, spec.unit));
                }
            }
        }
    }
    parts.join(", ")
}
