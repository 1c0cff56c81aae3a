//! Local writes. Input is validated before anything is touched; then one SQLite
//! transaction holds the whole write: the document, its projection row, the change-log row
//! (the outbox), the advanced counter, clock and version vector, and the audit row. A crash
//! at any point leaves either all of it or none of it.

use crate::audit::{self, Action};
use crate::error::ReplicaError;
use crate::meta::{self, to_i64, Clock};
use crate::replica::Replica;
use crate::{peer_clock, projection};
use chrono::{DateTime, Local, Utc};
use outpost_domain::document::{ChangeMeta, Document, LocalChange};
use outpost_domain::ids::{DocId, ReplicaId};
use outpost_domain::patient::{NewPatient, Patient};
use outpost_domain::vitals::{NewVitals, VitalsSet};
use rusqlite::{params, TransactionBehavior};

impl Replica {
    /// Registers a patient; `author` is the user doing it.
    #[tracing::instrument(skip_all)]
    pub fn register_patient(
        &mut self,
        input: &NewPatient,
        author: &str,
    ) -> Result<Patient, ReplicaError> {
        let now = Utc::now();
        let author = checked_author(author)?;
        let patient = input.validate(DocId::new(), Local::now().date_naive())?;
        self.commit_local(author, now, Action::RegisterPatient, |actor, meta| {
            Document::create_patient(actor, &patient, meta).map_err(ReplicaError::from)
        })?;
        tracing::info!(doc_id = %patient.id, "registered patient");
        Ok(patient)
    }

    /// Records a vitals set for a patient this replica holds; `author` took the values.
    #[tracing::instrument(skip_all)]
    pub fn record_vitals(
        &mut self,
        input: &NewVitals,
        author: &str,
    ) -> Result<VitalsSet, ReplicaError> {
        let now = Utc::now();
        let vitals = input.validate(DocId::new(), author, now)?;
        let known: bool = self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM patients WHERE id = ?1)",
            [input.patient_id.to_string()],
            |r| r.get(0),
        )?;
        if !known {
            return Err(ReplicaError::invalid(
                "patient_id",
                format!(
                    "no patient with id {} on this workstation; register the patient or sync first",
                    input.patient_id
                ),
            ));
        }
        self.commit_local(
            &vitals.taken_by,
            now,
            Action::RecordVitals,
            |actor, meta| Document::create_vitals(actor, &vitals, meta).map_err(ReplicaError::from),
        )?;
        tracing::info!(doc_id = %vitals.id, "recorded vitals");
        Ok(vitals)
    }

    /// Makes one local change durable: document + projection + change log + clock + audit,
    /// in one IMMEDIATE transaction (so a concurrent writer waits instead of failing late).
    fn commit_local(
        &mut self,
        author: &str,
        now: DateTime<Utc>,
        action: Action,
        make: impl FnOnce(ReplicaId, &ChangeMeta) -> Result<(Document, LocalChange), ReplicaError>,
    ) -> Result<(), ReplicaError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let before = meta::clock(&tx)?;
        let wall_ms = now.timestamp_millis();
        let clock = Clock {
            counter: before.counter + 1,
            hlc: before.hlc.tick(wall_ms),
        };
        let change_meta = ChangeMeta {
            author: author.to_owned(),
            wall_ms,
            hlc: clock.hlc,
        };
        let (doc, change) = make(self.id, &change_meta)?;
        projection::save(&tx, &doc)?;
        tx.execute(
            "INSERT INTO changes (replica_id, counter, doc_id, kind, bytes, digest, author,
                                  hlc_wall_ms, hlc_logical, wall_ms, pushed)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 0)",
            params![
                self.id.to_string(),
                to_i64(clock.counter)?,
                doc.id.to_string(),
                doc.kind.as_str(),
                change.bytes,
                change.digest,
                author,
                clock.hlc.wall_ms,
                clock.hlc.logical,
                wall_ms,
            ],
        )?;
        meta::set_clock(&tx, clock)?;
        peer_clock::set(&tx, self.id, clock.counter)?;
        audit::append(&tx, now, author, action, doc.id)?;
        tx.commit()?;
        Ok(())
    }
}

fn checked_author(author: &str) -> Result<&str, ReplicaError> {
    let author = author.trim();
    if author.is_empty() {
        Err(ReplicaError::invalid(
            "author",
            "say who is making this entry (the signed-in user)",
        ))
    } else {
        Ok(author)
    }
}
