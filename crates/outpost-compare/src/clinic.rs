//! The one generator of synthetic clinic data. Every record is built once through the
//! domain's API; Outpost gets it as the change a workstation would push, PouchDB (and the
//! SQLite/SQLCipher limits) get the same record as a JSON document from a JSON-lines file
//! the Node contenders read. Plus an Outpost clinic on a real server with its users.

use anyhow::{Context, Result};
use chrono::NaiveDate;
use outpost_bench::samples::{self, meta};
use outpost_domain::document::encounter::EncounterProjection;
use outpost_domain::document::{DocKind, Document, LocalChange};
use outpost_domain::ids::ClinicId;
use outpost_domain::ids::{DocId, ReplicaId};
use outpost_domain::patient::{NewPatient, Patient, Sex};
use outpost_domain::protocol::{Bytes, WireChange, MAX_BATCH};
use outpost_server_bench::fixtures::{clinic_with_users, push_all, Desk, InProcess};
use serde_json::{json, Value};
use std::io::{BufWriter, Write};
use std::path::Path;

/// The users every benchmark clinic has (username, role).
pub const USERS: &[(&str, &str)] = &[
    ("admin.bench", "admin"),
    ("dr.bench", "doctor"),
    ("nurse.bench", "nurse"),
    ("desk.bench", "front_desk"),
];

/// Row (a)'s clinic: 1,000 patients, 10,000 encounters (300-character notes), 40,000
/// vitals sets (the sizes of issue 4's bootstrap benchmark).
pub const PATIENTS: usize = 1_000;
pub const ENCOUNTERS: usize = 10_000;
pub const VITALS: usize = 40_000;
const NOTE_CHARS: usize = 300;

/// A record as a PouchDB document: its id, its kind and the record's own JSON fields.
pub fn pouch_doc(id: DocId, kind: DocKind, record: &impl serde::Serialize) -> Result<Value> {
    let mut doc = serde_json::to_value(record)?;
    let obj = doc.as_object_mut().context("a record is a JSON object")?;
    obj.insert("_id".into(), json!(id.to_string()));
    obj.insert("kind".into(), json!(kind.as_str()));
    Ok(doc)
}

pub fn write_jsonl(path: &Path, docs: &[Value]) -> Result<()> {
    let mut out = BufWriter::new(std::fs::File::create(path)?);
    for d in docs {
        serde_json::to_writer(&mut out, d)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(())
}

/// The `i`-th patient as the front desk enters it.
pub fn new_patient(i: usize) -> NewPatient {
    NewPatient {
        name: format!("Patient Number{i:05} Mensah"),
        date_of_birth: format!("19{:02}-0{}-1{}", 30 + i % 60, 1 + i % 9, i % 9),
        sex: Sex::Female,
        mrn: format!("BENCH-{i:05}"),
    }
}

pub fn patient(i: usize) -> Result<Patient> {
    let today = NaiveDate::from_ymd_opt(2026, 11, 22).context("a date")?;
    Ok(new_patient(i).validate(DocId::new(), today)?)
}

/// The changes one workstation (`actor`) pushes, numbered from 1.
#[derive(Debug)]
pub struct Outbox {
    actor: ReplicaId,
    pub changes: Vec<WireChange>,
}

impl Outbox {
    pub fn new(actor: ReplicaId) -> Self {
        Outbox {
            actor,
            changes: Vec::new(),
        }
    }

    pub fn push(&mut self, doc: &Document, change: LocalChange) -> Result<()> {
        self.changes.push(WireChange {
            replica_id: self.actor,
            counter: self.changes.len() as u64 + 1,
            doc_id: doc.id,
            kind: doc.kind,
            digest: change.digest,
            bytes: Bytes(change.bytes),
            received_at: None,
        });
        Ok(())
    }
}

/// Row (a)'s clinic made on workstation `actor`: its changes (a published template, then
/// patients, encounters, vitals) and the same records as PouchDB documents.
pub fn bootstrap_clinic(actor: ReplicaId) -> Result<(Outbox, Vec<Value>)> {
    let mut out = Outbox::new(actor);
    let mut docs = Vec::with_capacity(PATIENTS + ENCOUNTERS + VITALS);
    let template = samples::published_template()?;
    let (doc, change) = Document::create(
        actor,
        template.id,
        DocKind::Template,
        &template,
        &meta("admin.bench", 0),
    )?;
    out.push(&doc, change)?;
    let mut patients = Vec::with_capacity(PATIENTS);
    for i in 0..PATIENTS {
        let p = patient(i)?;
        let (doc, change) = Document::create_patient(actor, &p, &meta("desk.bench", i as i64))?;
        out.push(&doc, change)?;
        docs.push(pouch_doc(p.id, DocKind::Patient, &p)?);
        patients.push(p.id);
    }
    for i in 0..ENCOUNTERS {
        let (e, doc, change) =
            samples::encounter_document(&template, NOTE_CHARS, patients[i % PATIENTS], actor, i)?;
        out.push(&doc, change)?;
        docs.push(pouch_doc(
            e.id,
            DocKind::Encounter,
            &EncounterProjection::of(&e),
        )?);
    }
    for i in 0..VITALS {
        let v = samples::vitals(i, patients[i % PATIENTS])?;
        let (doc, change) = Document::create_vitals(actor, &v, &meta("nurse.bench", i as i64))?;
        out.push(&doc, change)?;
        docs.push(pouch_doc(v.id, DocKind::Vitals, &v)?);
    }
    Ok((out, docs))
}

/// A clinic with [`USERS`] on the server at `base` over the database `db`, and one
/// enrolled workstation on which they have signed in (to load records through push).
pub async fn outpost_clinic(
    db: &outpost_sync_server::PgDatabase,
    base: &str,
    http: &reqwest::Client,
    name: &str,
) -> Result<(ClinicId, Desk)> {
    let s = InProcess {
        db: db.clone(),
        base: base.to_owned(),
    };
    let (clinic, desks) = clinic_with_users(&s, http, name, 1, USERS).await?;
    let desk = desks.into_iter().next().context("one workstation")?;
    Ok((clinic, desk))
}

/// Pushes `changes` from `desk` to the server at `base`, a full batch at a time.
pub async fn load(
    http: &reqwest::Client,
    base: &str,
    desk: &Desk,
    changes: &[WireChange],
) -> Result<()> {
    push_all(http, base, desk, changes, MAX_BATCH).await
}
