//! Schema and value checks of one record after a pushed change was applied to the
//! server's copy of its document, with the domain's own readers and validation, so the
//! server refuses exactly what an honest workstation would have refused before writing.

use super::Refusal;
use chrono::{DateTime, Utc};
use outpost_domain::document::encounter::EncounterRecord;
use outpost_domain::document::handover::HandoverRecord;
use outpost_domain::document::link::PatientLink;
use outpost_domain::document::patient::PatientRecord;
use outpost_domain::document::template::{SavedSection, TemplateRecord};
use outpost_domain::document::{DocKind, Document, ReadRecord};
use outpost_domain::patient::{EmergencyContactInput, PatientRegistration};
pub use outpost_domain::vitals::VitalsRecord;
use outpost_domain::vitals::{check_vitals_change, spec, NewVitals};
use outpost_domain::DomainError;

/// What checking an encounter needs: the template record its pin names, if the server
/// holds it.
pub type TemplateLookup<'a> = &'a dyn Fn(outpost_domain::ids::DocId) -> Option<TemplateRecord>;

/// The vitals record before the change, when the document existed (vitals are immutable,
/// so the check compares both).
pub fn vitals_before(doc: &Document) -> Option<VitalsRecord> {
    if doc.kind == DocKind::Vitals && !doc.is_empty() {
        doc.vitals_record().ok()
    } else {
        None
    }
}

/// A record the check read and found valid, kept so the push's reporting rows need not
/// read it again (patients and vitals sets, what pushes mostly carry).
#[derive(Debug, Clone)]
pub enum Read {
    Patient(Box<PatientRecord>),
    Vitals(Box<VitalsRecord>),
    Other,
}

/// Reads the record `doc` holds (built by the engine, or read from its one change) and
/// checks it. `before` is the vitals record before the change (see [`vitals_before`]).
pub fn check(
    doc: &impl ReadRecord,
    before: Option<&VitalsRecord>,
    templates: TemplateLookup<'_>,
    now: DateTime<Utc>,
) -> Result<Read, Refusal> {
    match doc.kind() {
        DocKind::Patient => patient(doc, now).map(|r| Read::Patient(Box::new(r))),
        DocKind::Vitals => vitals(doc, before, now).map(|r| Read::Vitals(Box::new(r))),
        DocKind::Encounter => encounter(doc, templates).map(|()| Read::Other),
        DocKind::Handover => doc
            .read_record::<HandoverRecord>()
            .map(|_| Read::Other)
            .map_err(schema),
        DocKind::Template => doc
            .read_record::<TemplateRecord>()
            .map(|_| Read::Other)
            .map_err(schema),
        DocKind::PatientLink => doc
            .read_record::<PatientLink>()
            .map(|_| Read::Other)
            .map_err(schema),
        DocKind::LibrarySection => {
            let saved = doc.read_record::<SavedSection>().map_err(schema)?;
            match saved.problems() {
                problems if problems.is_empty() => Ok(Read::Other),
                problems => Err(invalid(DomainError::Invalid(problems))),
            }
        }
    }
}

/// A record that cannot be read as its kind at all.
fn schema(e: DomainError) -> Refusal {
    Refusal::new(
        "schema",
        format!("the document does not read as its record kind: {e}"),
    )
}

/// A record that reads but holds values the domain refuses.
fn invalid(e: DomainError) -> Refusal {
    Refusal::new("invalid_record", e.to_string())
}

fn patient(doc: &impl ReadRecord, now: DateTime<Utc>) -> Result<PatientRecord, Refusal> {
    let r = doc.read_record::<PatientRecord>().map_err(schema)?;
    let registration = PatientRegistration {
        name: r.name.clone(),
        date_of_birth: r.date_of_birth.format("%Y-%m-%d").to_string(),
        sex: r.sex,
        mrn: Some(r.mrn.clone()),
        phone: r.phone.clone(),
        address: r.address.clone(),
        emergency_contact: r.emergency_contact.as_ref().map(|c| EmergencyContactInput {
            name: c.name.clone(),
            relationship: c.relationship.clone(),
            phone: c.phone.clone(),
        }),
    };
    registration
        .validate(r.id, now.date_naive(), None)
        .map_err(invalid)?;
    Ok(r)
}

fn vitals(
    doc: &impl ReadRecord,
    before: Option<&VitalsRecord>,
    now: DateTime<Utc>,
) -> Result<VitalsRecord, Refusal> {
    let record = doc.read_record::<VitalsRecord>().map_err(schema)?;
    if let Some(before) = before {
        check_vitals_change(before, &record).map_err(invalid)?;
    }
    let set = record.set();
    let mut entered = NewVitals {
        patient_id: set.patient_id,
        taken_at: Some(set.taken_at),
        ..NewVitals::default()
    };
    for o in &set.observations {
        let Some(s) = spec(&o.field) else {
            return Err(Refusal::new(
                "invalid_record",
                format!("vitals: \"{}\" is not a known vital sign", o.field),
            ));
        };
        if o.loinc != s.loinc || o.ucum != s.ucum {
            return Err(Refusal::new(
                "invalid_record",
                format!(
                    "vitals: {} must be coded LOINC {} in {}",
                    s.label, s.loinc, s.ucum
                ),
            ));
        }
        let slot = match s.field {
            "weight_kg" => &mut entered.weight_kg,
            "height_cm" => &mut entered.height_cm,
            "temperature_c" => &mut entered.temperature_c,
            "systolic_mmhg" => &mut entered.systolic_mmhg,
            "diastolic_mmhg" => &mut entered.diastolic_mmhg,
            "heart_rate_per_min" => &mut entered.heart_rate_per_min,
            "respiratory_rate_per_min" => &mut entered.respiratory_rate_per_min,
            "spo2_percent" => &mut entered.spo2_percent,
            other => {
                return Err(Refusal::new(
                    "invalid_record",
                    format!("vitals: this server cannot check \"{other}\" yet"),
                ))
            }
        };
        if slot.replace(o.value).is_some() {
            return Err(Refusal::new(
                "invalid_record",
                format!("vitals: {} is recorded twice", s.label),
            ));
        }
    }
    // A set taken before the server's clock is fine; one from the future is refused
    // with the same allowance the workstation uses.
    entered
        .validate(set.id, &set.taken_by, now.max(set.taken_at))
        .map(drop)
        .map_err(invalid)?;
    if set.taken_at > now + chrono::Duration::minutes(10) {
        return Err(Refusal::new(
            "invalid_record",
            "taken_at: the time taken is in the future",
        ));
    }
    Ok(record)
}

fn encounter(doc: &impl ReadRecord, templates: TemplateLookup<'_>) -> Result<(), Refusal> {
    let record = doc.read_record::<EncounterRecord>().map_err(schema)?;
    let template_id = record.template.template_id;
    let Some(template) = templates(template_id) else {
        return Err(Refusal::new(
            "invalid_record",
            format!(
                "the encounter is charted on template {template_id}, which this clinic's \
                 server does not hold"
            ),
        ));
    };
    record.validate(&template).map_err(invalid)
}
