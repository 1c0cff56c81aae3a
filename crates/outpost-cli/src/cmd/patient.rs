//! `outpost patient add|edit|list|show|import` (the allergy, medication and problem lists
//! are in `patient_lists`). `patient import` commits and prints one patient at a time, so
//! every id it has printed is durable even if the process is killed right after.

use super::{created, emit, patient_lists, BadInput, Ctx};
use crate::args::{ContactArgs, PatientCommand};
use crate::output::patient_line;
use anyhow::{Context, Result};
use outpost_replica::outpost_domain::document::DocKind;
use outpost_replica::outpost_domain::patient::{
    DemographicsUpdate, EmergencyContactInput, NewPatient,
};
use outpost_replica::outpost_domain::roles::Action;
use outpost_replica::{ContactDetails, PatientDetails};
use std::io::{BufRead, Write};

pub fn run(ctx: &Ctx, cmd: PatientCommand) -> Result<()> {
    match cmd {
        PatientCommand::Add {
            name,
            dob,
            sex,
            mrn,
            contact,
            json,
        } => {
            let (mut replica, user) = ctx.for_write(DocKind::Patient, Action::Create)?;
            let input = NewPatient {
                name,
                date_of_birth: dob,
                sex,
                mrn,
            };
            let p = replica.register_patient_with_details(&input, &details(contact), &user)?;
            created(json, p.id, &p)
        }
        PatientCommand::Edit {
            id,
            name,
            dob,
            sex,
            mrn,
            contact,
            json,
        } => {
            let (mut replica, user) = ctx.for_write(DocKind::Patient, Action::Edit)?;
            let contact = details(contact);
            let update = DemographicsUpdate {
                name,
                date_of_birth: dob,
                sex,
                mrn,
                phone: contact.phone,
                address: contact.address,
                emergency_contact: contact.emergency_contact,
            };
            let p = replica.edit_patient(id, &update, &user)?;
            emit(json, &p, |p| {
                vec![format!("{}  {}  {}", p.id, p.name, p.mrn)]
            })
        }
        PatientCommand::List { json } => {
            let list = ctx.open()?.list_patients()?;
            if list.is_empty() && !json {
                eprintln!("no patients yet; add one with `outpost patient add`");
            }
            emit(json, &list, |l| l.iter().map(patient_line).collect())
        }
        PatientCommand::Show {
            id,
            break_the_glass,
            json,
        } => {
            let mut replica = ctx.open()?;
            if let Some(reason) = break_the_glass {
                let access = replica.break_the_glass(id, &reason)?;
                eprintln!(
                    "break-the-glass access to {id} until {} (audited; the clinic's admins \
                     are alerted at the next sync)",
                    access.expires_at.format("%Y-%m-%d %H:%M UTC")
                );
            }
            let d = replica.patient_details(id)?;
            emit(json, &d, details_lines)
        }
        PatientCommand::Import => import(ctx),
        PatientCommand::Allergy(cmd) => patient_lists::allergy(ctx, cmd),
        PatientCommand::Medication(cmd) => patient_lists::medication(ctx, cmd),
        PatientCommand::Problem(cmd) => patient_lists::problem(ctx, cmd),
    }
}

/// The contact options as the library's input; an emergency contact when any part is given.
fn details(c: ContactArgs) -> ContactDetails {
    let given =
        c.contact_name.is_some() || c.contact_relationship.is_some() || c.contact_phone.is_some();
    ContactDetails {
        phone: c.phone,
        address: c.address,
        emergency_contact: given.then(|| EmergencyContactInput {
            name: c.contact_name.unwrap_or_default(),
            relationship: c.contact_relationship.unwrap_or_default(),
            phone: c.contact_phone.unwrap_or_default(),
        }),
    }
}

fn details_lines(d: &PatientDetails) -> Vec<String> {
    let p = &d.patient;
    let mut out = vec![format!(
        "{}  {}  {}  {}  MRN {}{}",
        p.id,
        p.name,
        p.date_of_birth,
        p.sex.as_str(),
        p.mrn,
        if p.provisional { " (provisional)" } else { "" }
    )];
    if let Some(phone) = &p.phone {
        out.push(format!("phone: {phone}"));
    }
    if let Some(address) = &p.address {
        out.push(format!("address: {address}"));
    }
    if let Some(c) = &p.emergency_contact {
        out.push(format!(
            "emergency contact: {} ({}) {}",
            c.name, c.relationship, c.phone
        ));
    }
    out.extend(p.allergies.iter().map(patient_lists::allergy_line));
    out.extend(p.medications.iter().map(patient_lists::medication_line));
    out.extend(p.problems.iter().map(patient_lists::problem_line));
    if let Some(into) = d.merged_into {
        out.push(format!("merged into {into}"));
    }
    out.extend(d.merged.iter().map(|m| format!("merged here: {m}")));
    out
}

fn import(ctx: &Ctx) -> Result<()> {
    let (mut replica, user) = ctx.for_write(DocKind::Patient, Action::Create)?;
    let stdin = std::io::stdin().lock();
    let mut stdout = std::io::stdout().lock();
    let mut count = 0u64;
    for (i, line) in stdin.lines().enumerate() {
        let n = i + 1;
        let line = line.context("reading stdin")?;
        if line.trim().is_empty() {
            continue;
        }
        let input: NewPatient = serde_json::from_str(&line).map_err(|e| {
            BadInput(format!(
                "line {n}: not a patient ({e}); each line must be JSON like \
                 {{\"name\":\"…\",\"date_of_birth\":\"YYYY-MM-DD\",\"sex\":\"female\",\"mrn\":\"…\"}}"
            ))
        })?;
        let patient = replica
            .register_patient(&input, &user)
            .with_context(|| format!("line {n}"))?;
        writeln!(stdout, "{}", patient.id).context("writing to stdout")?;
        stdout.flush().context("writing to stdout")?;
        count += 1;
    }
    tracing::info!(count, "import finished");
    Ok(())
}
