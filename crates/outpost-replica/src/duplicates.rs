//! Possible duplicate patients and merging them. Two live patients with the same duplicate
//! key (normalized name + date of birth + phone, computed by the domain) are flagged for
//! review in `duplicate_candidates`, recomputed after every local registration or patient
//! edit, every merge or unmerge, and every pulled page that touched a patient or a link.
//!
//! A merge is its own small `patient_link` document; neither patient document is changed.
//! The merged patient is hidden from the patient list and shown under its survivor
//! (`PatientSummary::merged`); it can still be opened by id. Unmerging marks the link
//! undone: both patients are listed again, and the pair is not flagged again (a person
//! reviewed it), nor is any pair with a link between them, active or undone.

use crate::audit::Action;
use crate::error::ReplicaError;
use crate::projection::{self, details, from_detail};
use crate::replica::Replica;
use chrono::Utc;
use outpost_domain::document::{DocKind, Document};
use outpost_domain::ids::DocId;
use outpost_domain::link::PatientLink;
use outpost_domain::patient::PatientProjection;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use ts_rs::TS;

/// Two patients that look like the same person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct DuplicateCandidate {
    pub patient_a: PatientProjection,
    pub patient_b: PatientProjection,
}

/// Recomputes every duplicate candidate from the projections (inside the caller's
/// transaction).
pub(crate) fn recompute(conn: &Connection) -> Result<(), ReplicaError> {
    conn.execute("DELETE FROM duplicate_candidates", [])?;
    conn.execute(
        "INSERT INTO duplicate_candidates (patient_a, patient_b, duplicate_key)
         SELECT a.id, b.id, a.duplicate_key
         FROM patients a JOIN patients b ON b.duplicate_key = a.duplicate_key AND a.id < b.id
         WHERE a.duplicate_key IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM patient_links l
                           WHERE l.status = 'active' AND l.merged_id IN (a.id, b.id))
           AND NOT EXISTS (SELECT 1 FROM patient_links l
                           WHERE (l.survivor_id = a.id AND l.merged_id = b.id)
                              OR (l.survivor_id = b.id AND l.merged_id = a.id))",
        [],
    )?;
    Ok(())
}

/// Recomputes the duplicate candidates that involve `patients` (after those patients'
/// projections changed and no link did): their old pairs go, their pairs as they are now
/// come back. A pair of two other patients cannot have changed: both its keys and every
/// link are as they were.
pub(crate) fn recompute_for(
    conn: &Connection,
    patients: &BTreeSet<DocId>,
) -> Result<(), ReplicaError> {
    let ids: Vec<String> = patients.iter().map(ToString::to_string).collect();
    let ids = serde_json::to_string(&ids)
        .map_err(|e| ReplicaError::Corrupt(format!("patient ids: {e}")))?;
    conn.prepare_cached(
        "DELETE FROM duplicate_candidates
         WHERE patient_a IN (SELECT value FROM json_each(?1))
            OR patient_b IN (SELECT value FROM json_each(?1))",
    )?
    .execute([&ids])?;
    conn.prepare_cached(
        "INSERT INTO duplicate_candidates (patient_a, patient_b, duplicate_key)
         SELECT min(t.id, o.id), max(t.id, o.id), t.duplicate_key
         FROM patients t JOIN patients o ON o.duplicate_key = t.duplicate_key AND o.id <> t.id
         WHERE t.id IN (SELECT value FROM json_each(?1))
           AND t.duplicate_key IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM patient_links l
                           WHERE l.status = 'active' AND l.merged_id IN (t.id, o.id))
           AND NOT EXISTS (SELECT 1 FROM patient_links l
                           WHERE (l.survivor_id = t.id AND l.merged_id = o.id)
                              OR (l.survivor_id = o.id AND l.merged_id = t.id))
         ON CONFLICT (patient_a, patient_b) DO NOTHING",
    )?
    .execute([&ids])?;
    Ok(())
}

/// Who each merged patient is shown under: patient → its final survivor, following chains
/// of active links. In a cycle (two workstations merged A into B and B into A at once)
/// the smallest id of the cycle survives, the same on every workstation.
pub(crate) fn survivors(conn: &Connection) -> Result<BTreeMap<DocId, DocId>, ReplicaError> {
    let pairs: Vec<(String, String)> = conn
        .prepare(
            "SELECT merged_id, survivor_id FROM patient_links WHERE status = 'active'
             ORDER BY merged_id, survivor_id",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let mut into: BTreeMap<DocId, DocId> = BTreeMap::new();
    for (merged, survivor) in pairs {
        // Of two active links merging one patient, the first (smallest survivor) counts.
        into.entry(crate::meta::parse(&merged, "patient id")?)
            .or_insert(crate::meta::parse(&survivor, "patient id")?);
    }
    let mut out = BTreeMap::new();
    for &start in into.keys() {
        let mut seen = vec![start];
        let mut at = start;
        while let Some(&next) = into.get(&at) {
            if let Some(i) = seen.iter().position(|p| *p == next) {
                at = seen[i..].iter().copied().min().unwrap_or(next);
                break;
            }
            seen.push(next);
            at = next;
        }
        if at != start {
            out.insert(start, at);
        }
    }
    Ok(out)
}

impl Replica {
    /// Pairs of live patients that look like the same person, for review.
    pub fn list_duplicates(&self) -> Result<Vec<DuplicateCandidate>, ReplicaError> {
        projection::healing(&self.conn, |conn| {
            let rows: Vec<(String, String)> = conn
                .prepare(
                    "SELECT a.detail, b.detail FROM duplicate_candidates d
                     JOIN patients a ON a.id = d.patient_a JOIN patients b ON b.id = d.patient_b
                     ORDER BY a.name COLLATE NOCASE, d.patient_a, d.patient_b",
                )?
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<Result<_, _>>()?;
            rows.iter()
                .map(|(a, b)| {
                    Ok(DuplicateCandidate {
                        patient_a: from_detail(a)?,
                        patient_b: from_detail(b)?,
                    })
                })
                .collect()
        })
    }

    /// Records that `merged` is the same person as `survivor` (a new link document; neither
    /// patient document changes). Both must be on this workstation and not merged already.
    #[tracing::instrument(skip_all)]
    pub fn merge_patients(
        &mut self,
        survivor: DocId,
        merged: DocId,
        reason: &str,
        by: &str,
    ) -> Result<PatientLink, ReplicaError> {
        let doc = self.commit_new(by, Action::MERGE_PATIENTS, |conn, actor, meta| {
            let link = PatientLink::new(
                DocId::new(),
                survivor,
                merged,
                reason,
                &meta.author,
                Utc::now(),
            )?;
            projection::load_kind(conn, survivor, DocKind::Patient)?;
            projection::load_kind(conn, merged, DocKind::Patient)?;
            let taken = survivors(conn)?;
            for (field, id) in [("survivor", survivor), ("merged", merged)] {
                if let Some(into) = taken.get(&id) {
                    return Err(ReplicaError::invalid(
                        field,
                        format!(
                            "patient {id} is already merged into {into}; undo that merge first"
                        ),
                    ));
                }
            }
            Ok(Document::create_patient_link(actor, &link, meta)?)
        })?;
        tracing::info!(link_id = %doc.id, "merged two patients");
        Ok(doc.patient_link()?)
    }

    /// Undoes a merge: both patients are listed separately again. The link stays, marked
    /// undone with who, when and why.
    #[tracing::instrument(skip_all)]
    pub fn unmerge(
        &mut self,
        link_id: DocId,
        reason: &str,
        by: &str,
    ) -> Result<PatientLink, ReplicaError> {
        let by = by.trim().to_owned();
        let doc = self.edit_record(
            link_id,
            DocKind::PatientLink,
            &by,
            Action::UNMERGE_PATIENTS,
            |link: &mut PatientLink| link.undo(&by, Utc::now(), reason),
        )?;
        tracing::info!(%link_id, "undid a patient merge");
        Ok(doc.patient_link()?)
    }

    /// Every patient link, active and undone, oldest first.
    pub fn list_patient_links(&self) -> Result<Vec<PatientLink>, ReplicaError> {
        details(
            &self.conn,
            "SELECT detail FROM patient_links ORDER BY id",
            [],
        )
    }

    /// The links that name `patient` (as survivor or as merged), oldest first.
    pub fn patient_links(&self, patient: DocId) -> Result<Vec<PatientLink>, ReplicaError> {
        details(
            &self.conn,
            "SELECT detail FROM patient_links WHERE survivor_id = ?1 OR merged_id = ?1 ORDER BY id",
            [patient.to_string()],
        )
    }

    /// Patients currently hidden under a survivor: merged → survivor.
    pub fn merged_patients(&self) -> Result<BTreeMap<DocId, DocId>, ReplicaError> {
        survivors(&self.conn)
    }
}

/// The patients shown under each survivor.
pub(crate) fn merged_under(map: &BTreeMap<DocId, DocId>) -> BTreeMap<DocId, BTreeSet<DocId>> {
    let mut out: BTreeMap<DocId, BTreeSet<DocId>> = BTreeMap::new();
    for (merged, survivor) in map {
        out.entry(*survivor).or_default().insert(*merged);
    }
    out
}
