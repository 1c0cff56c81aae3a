//! `outpost vitals add|list|show|error`. A set marked entered-in-error is listed struck
//! through (marked, with its reason), values still shown.

use super::{created, emit, Ctx};
use crate::args::{VitalsAdd, VitalsCommand};
use crate::output::vitals_line;
use anyhow::Result;
use outpost_replica::outpost_domain::document::DocKind;
use outpost_replica::outpost_domain::roles::Action;
use outpost_replica::outpost_domain::vitals::NewVitals;

pub fn run(ctx: &Ctx, cmd: VitalsCommand) -> Result<()> {
    match cmd {
        VitalsCommand::Add(add) => {
            let (mut replica, user) = ctx.for_write(DocKind::Vitals, Action::Create)?;
            let json = add.json;
            let (position, notes) = (add.position.clone(), add.notes.clone());
            let v = replica.record_vitals_with_notes(
                &new_vitals(add),
                position.as_deref(),
                notes.as_deref(),
                &user,
            )?;
            created(json, v.id, &v)
        }
        VitalsCommand::List { patient, json } => {
            let replica = ctx.open()?;
            replica.patient(patient)?;
            let list = replica.vitals_history(patient)?;
            emit(json, &list, |l| l.iter().map(vitals_line).collect())
        }
        VitalsCommand::Show { id, json } => {
            let v = ctx.open()?.vitals(id)?;
            emit(json, &v, |v| vec![vitals_line(v)])
        }
        VitalsCommand::Error { id, reason, json } => {
            let (mut replica, user) = ctx.for_write(DocKind::Vitals, Action::Edit)?;
            let v = replica.mark_vitals_entered_in_error(id, &reason, &user)?;
            emit(json, &v, |v| vec![vitals_line(v)])
        }
    }
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
