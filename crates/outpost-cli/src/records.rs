//! `outpost patient …` and `outpost vitals …`: open the replica, make one library call per
//! record, print the result. `patient import` commits and prints one patient at a time, so
//! every id it has printed is durable even if the process is killed right after.

use crate::acting_user;
use crate::args::{PatientCommand, VitalsAdd, VitalsCommand};
use crate::output::{patient_line, print_json, vitals_line};
use anyhow::{Context, Result};
use outpost_replica::outpost_domain::ids::DocId;
use outpost_replica::outpost_domain::patient::NewPatient;
use outpost_replica::outpost_domain::vitals::NewVitals;
use outpost_replica::Replica;
use std::io::{BufRead, Write};
use std::path::Path;

/// Input that is not even shaped like a record (e.g. a line that is not JSON); reported
/// like a validation error, with exit status 2.
#[derive(Debug)]
pub struct BadInput(pub String);

impl std::fmt::Display for BadInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BadInput {}

pub fn open(data_dir: &Path) -> Result<Replica> {
    Replica::open(data_dir)
        .with_context(|| format!("opening the replica in {}", data_dir.display()))
}

pub fn patient(data_dir: &Path, user: Option<String>, cmd: PatientCommand) -> Result<()> {
    match cmd {
        PatientCommand::Add {
            name,
            dob,
            sex,
            mrn,
            json,
        } => {
            let user = acting_user(user)?;
            let mut replica = open(data_dir)?;
            let input = NewPatient {
                name,
                date_of_birth: dob,
                sex: sex.into(),
                mrn,
            };
            let patient = replica.register_patient(&input, &user)?;
            if json {
                print_json(&patient)
            } else {
                println!("{}", patient.id);
                Ok(())
            }
        }
        PatientCommand::List { json } => {
            let list = open(data_dir)?.list_patients()?;
            if json {
                return print_json(&list);
            }
            if list.is_empty() {
                eprintln!("no patients yet; add one with `outpost patient add`");
            }
            for s in &list {
                println!("{}", patient_line(s));
            }
            Ok(())
        }
        PatientCommand::Import => import(data_dir, user),
    }
}

fn import(data_dir: &Path, user: Option<String>) -> Result<()> {
    let user = acting_user(user)?;
    let mut replica = open(data_dir)?;
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

pub fn vitals(data_dir: &Path, user: Option<String>, cmd: VitalsCommand) -> Result<()> {
    match cmd {
        VitalsCommand::Add(add) => {
            let user = acting_user(user)?;
            let json = add.json;
            let mut replica = open(data_dir)?;
            let vitals = replica.record_vitals(&new_vitals(add), &user)?;
            if json {
                print_json(&vitals)
            } else {
                println!("{}", vitals.id);
                Ok(())
            }
        }
        VitalsCommand::List { patient, json } => {
            let replica = open(data_dir)?;
            ensure_patient(&replica, patient)?;
            let list = replica.list_vitals(patient)?;
            if json {
                return print_json(&list);
            }
            for v in &list {
                println!("{}", vitals_line(v));
            }
            Ok(())
        }
    }
}

fn ensure_patient(replica: &Replica, id: DocId) -> Result<()> {
    replica.patient(id)?;
    Ok(())
}

fn new_vitals(a: VitalsAdd) -> NewVitals {
    NewVitals {
        patient_id: a.patient,
        weight_kg: a.weight,
        height_cm: a.height,
        temperature_c: a.temp,
        systolic_mmhg: a.bp.map(|(s, _)| s),
        diastolic_mmhg: a.bp.map(|(_, d)| d),
        heart_rate_per_min: a.hr,
        respiratory_rate_per_min: a.rr,
        spo2_percent: a.spo2,
        taken_at: a.taken_at,
    }
}
