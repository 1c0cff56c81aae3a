//! `outpost patient allergy|med|problem …`: a patient's keyed lists. Entries are never
//! deleted: an allergy is refuted, a medication stopped. `edit` starts from the entry as
//! stored and changes only the options given, so only those fields are written.

use super::{emit, BadInput, Ctx};
use crate::args::{AllergyCommand, MedicationArgs, MedicationCommand, ProblemArgs, ProblemCommand};
use anyhow::Result;
use outpost_replica::outpost_domain::document::DocKind;
use outpost_replica::outpost_domain::ids::{DocId, EntryId};
use outpost_replica::outpost_domain::patient::{
    Allergy, AllergyInput, Entry, Medication, MedicationInput, MedicationStatus, PatientProjection,
    Problem, ProblemInput,
};
use outpost_replica::outpost_domain::roles::Action;
use outpost_replica::Replica;

pub fn allergy(ctx: &Ctx, cmd: AllergyCommand) -> Result<()> {
    match cmd {
        AllergyCommand::Add {
            patient,
            allergen,
            reaction,
            severity,
            status,
        } => {
            let (mut r, user) = ctx.for_write(DocKind::Patient, Action::Edit)?;
            let input = AllergyInput {
                allergen,
                reaction,
                severity,
                status,
            };
            println!("{}", r.add_allergy(patient, &input, &user)?);
        }
        AllergyCommand::Edit {
            patient,
            entry,
            allergen,
            reaction,
            severity,
            status,
        } => {
            let (mut r, user) = ctx.for_write(DocKind::Patient, Action::Edit)?;
            let now = find(&stored(&r, patient)?.allergies, entry)?;
            let input = AllergyInput {
                allergen: allergen.unwrap_or(now.allergen),
                reaction: reaction.or(now.reaction),
                severity: severity.unwrap_or(now.severity),
                status: status.unwrap_or(now.status),
            };
            r.update_allergy(patient, entry, &input, &user)?;
        }
        AllergyCommand::Refute { patient, entry } => {
            let (mut r, user) = ctx.for_write(DocKind::Patient, Action::Edit)?;
            r.refute_allergy(patient, entry, &user)?;
        }
        AllergyCommand::List { patient, json } => {
            let p = stored(&ctx.open()?, patient)?;
            emit(json, &p.allergies, |l| l.iter().map(allergy_line).collect())?;
        }
    }
    Ok(())
}

pub fn medication(ctx: &Ctx, cmd: MedicationCommand) -> Result<()> {
    match cmd {
        MedicationCommand::Add {
            patient,
            name,
            details,
        } => {
            let (mut r, user) = ctx.for_write(DocKind::Patient, Action::Edit)?;
            let input = medication_input(name, details, None, MedicationStatus::Active);
            println!("{}", r.add_medication(patient, &input, &user)?);
        }
        MedicationCommand::Edit {
            patient,
            entry,
            name,
            details,
            status,
        } => {
            let (mut r, user) = ctx.for_write(DocKind::Patient, Action::Edit)?;
            let now = find(&stored(&r, patient)?.medications, entry)?;
            let iso = |d: Option<chrono::NaiveDate>| d.map(|d| d.format("%Y-%m-%d").to_string());
            let input = MedicationInput {
                name: name.unwrap_or(now.name),
                dose: details.dose.or(now.dose),
                route: details.route.or(now.route),
                frequency: details.frequency.or(now.frequency),
                start: details.start.or(iso(now.start)),
                stop: iso(now.stop),
                status: status.unwrap_or(now.status),
            };
            r.update_medication(patient, entry, &input, &user)?;
        }
        MedicationCommand::Stop {
            patient,
            entry,
            date,
        } => {
            let (mut r, user) = ctx.for_write(DocKind::Patient, Action::Edit)?;
            let date = date.unwrap_or_else(|| chrono::Local::now().format("%Y-%m-%d").to_string());
            r.stop_medication(patient, entry, &date, &user)?;
        }
        MedicationCommand::List { patient, json } => {
            let p = stored(&ctx.open()?, patient)?;
            emit(json, &p.medications, |l| {
                l.iter().map(medication_line).collect()
            })?;
        }
    }
    Ok(())
}

pub fn problem(ctx: &Ctx, cmd: ProblemCommand) -> Result<()> {
    match cmd {
        ProblemCommand::Add {
            patient,
            description,
            details,
            status,
        } => {
            let (mut r, user) = ctx.for_write(DocKind::Patient, Action::Edit)?;
            let input = problem_input(description, details, status);
            println!("{}", r.add_problem(patient, &input, &user)?);
        }
        ProblemCommand::Edit {
            patient,
            entry,
            description,
            details,
            status,
        } => {
            let (mut r, user) = ctx.for_write(DocKind::Patient, Action::Edit)?;
            let now = find(&stored(&r, patient)?.problems, entry)?;
            let input = ProblemInput {
                description: description.unwrap_or(now.description),
                icd10: details.icd10.or(now.icd10),
                onset: details
                    .onset
                    .or(now.onset.map(|d| d.format("%Y-%m-%d").to_string())),
                status: status.unwrap_or(now.status),
            };
            r.update_problem(patient, entry, &input, &user)?;
        }
        ProblemCommand::List { patient, json } => {
            let p = stored(&ctx.open()?, patient)?;
            emit(json, &p.problems, |l| l.iter().map(problem_line).collect())?;
        }
    }
    Ok(())
}

fn medication_input(
    name: String,
    d: MedicationArgs,
    stop: Option<String>,
    status: MedicationStatus,
) -> MedicationInput {
    MedicationInput {
        name,
        dose: d.dose,
        route: d.route,
        frequency: d.frequency,
        start: d.start,
        stop,
        status,
    }
}

fn problem_input(
    description: String,
    d: ProblemArgs,
    status: outpost_replica::outpost_domain::patient::ProblemStatus,
) -> ProblemInput {
    ProblemInput {
        description,
        icd10: d.icd10,
        onset: d.onset,
        status,
    }
}

fn stored(r: &Replica, patient: DocId) -> Result<PatientProjection> {
    Ok(r.patient_details(patient)?.patient)
}

fn find<T: Clone>(entries: &[Entry<T>], id: EntryId) -> Result<T> {
    let key = id.to_string();
    entries
        .iter()
        .find(|e| e.id == key)
        .map(|e| e.entry.clone())
        .ok_or_else(|| {
            BadInput(format!(
                "this patient has no entry {id} in that list; list them to find its id"
            ))
            .into()
        })
}

/// `allergy ENTRY  allergen  severity  status  [reaction]`
pub fn allergy_line(a: &Entry<Allergy>) -> String {
    let e = &a.entry;
    let mut line = format!(
        "allergy {}  {}  {}  {}",
        a.id,
        e.allergen,
        e.severity.as_str(),
        e.status.as_str()
    );
    if let Some(r) = &e.reaction {
        line.push_str(&format!("  reaction: {r}"));
    }
    line
}

/// `medication ENTRY  name  dose route frequency  status  [start..stop]`
pub fn medication_line(m: &Entry<Medication>) -> String {
    let e = &m.entry;
    let parts: Vec<&str> = [&e.dose, &e.route, &e.frequency]
        .into_iter()
        .filter_map(|p| p.as_deref())
        .collect();
    let mut line = format!(
        "medication {}  {}  {}  {}",
        m.id,
        e.name,
        parts.join(" "),
        e.status.as_str()
    );
    if e.start.is_some() || e.stop.is_some() {
        let day = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        line.push_str(&format!("  {}..{}", day(e.start), day(e.stop)));
    }
    line
}

/// `problem ENTRY  description  [ICD-10]  status  [onset]`
pub fn problem_line(p: &Entry<Problem>) -> String {
    let e = &p.entry;
    let mut line = format!("problem {}  {}", p.id, e.description);
    if let Some(code) = &e.icd10 {
        line.push_str(&format!("  {code}"));
    }
    line.push_str(&format!("  {}", e.status.as_str()));
    if let Some(onset) = e.onset {
        line.push_str(&format!("  since {onset}"));
    }
    line
}
