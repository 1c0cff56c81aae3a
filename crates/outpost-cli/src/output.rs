//! How results look on stdout: one plain line per record for people and scripts, or JSON
//! with `--json`; and which command-line flag sets each validated field.

use anyhow::{Context, Result};
use outpost_replica::outpost_domain::vitals::{VitalsSet, VitalsStatus, SPECS};
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

/// `id  name  date of birth  sex  MRN  [latest vitals]`
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
    if let Some(v) = &s.latest_vitals {
        line.push_str(&format!(
            "  latest {}: {}",
            v.taken_at.format("%Y-%m-%d %H:%M UTC"),
            values(v)
        ));
    }
    line
}

/// `id  taken at  taken by  values [entered in error]`
pub fn vitals_line(v: &VitalsSet) -> String {
    let mut line = format!(
        "{}  {}  {}  {}",
        v.id,
        v.taken_at.to_rfc3339(),
        v.taken_by,
        values(v)
    );
    if v.status == VitalsStatus::EnteredInError {
        line.push_str("  [entered in error]");
    }
    line
}

/// The values of a set in a fixed order, with units; blood pressure as SYS/DIA.
fn values(v: &VitalsSet) -> String {
    let mut parts = Vec::new();
    for spec in SPECS {
        match spec.field {
            "diastolic_mmhg" => continue,
            "systolic_mmhg" => {
                if let (Some(s), Some(d)) = (v.value("systolic_mmhg"), v.value("diastolic_mmhg")) {
                    parts.push(format!("BP {s}/{d} mmHg"));
                }
            }
            field => {
                if let Some(x) = v.value(field) {
                    parts.push(format!("{} {x} {}", spec.label, spec.unit));
                }
            }
        }
    }
    parts.join(", ")
}
