//! (e) bytes on disk: 10,000 vitals sets (small records) and 200 encounters with a
//! 2,000-character note typed in 20 saves (note-heavy), as a workstation holds them after
//! receiving them: Outpost's encrypted replica (documents, change log, projections,
//! indexes) after applying the changes as pulled, in pages of 500; PouchDB's leveldb after
//! the same records and the same saves (one revision per save). Sizes of the closed
//! stores minus an empty one's; the JSON baseline is the record's own JSON (the last
//! version for encounters).

use crate::bootstrap::path_str;
use crate::clinic::{pouch_doc, write_jsonl, Outbox};
use crate::procs::{self, dir_bytes, scratch};
use crate::stats::{fmt, median, Goal, Ratio};
use crate::Ctx;
use anyhow::{Context, Result};
use outpost_bench::samples::{self, meta};
use outpost_domain::document::encounter::{EncounterProjection, EncounterRecord, NoteKind};
use outpost_domain::document::{DocKind, Document};
use outpost_domain::ids::ReplicaId;
use outpost_domain::protocol::WireChange;
use outpost_replica::Replica;
use serde_json::json;
use std::path::Path;

pub const VITALS: usize = 10_000;
pub const ENCOUNTERS: usize = 200;
const NOTE_CHARS: usize = 2_000;
const SAVES: usize = 20;

#[derive(Debug, serde::Deserialize)]
struct PouchDisk {
    vitals: usize,
    vitals_bytes: u64,
    encounters: usize,
    encounter_bytes: u64,
}

struct Data {
    vitals: Vec<WireChange>,
    encounters: Vec<WireChange>,
    vitals_json: f64,
    encounter_json: f64,
}

/// The records, their changes, and the same records (and versions) for PouchDB.
fn data(dir: &Path) -> Result<Data> {
    let (vitals, sets) = samples::remote_vitals(VITALS)?;
    let docs = sets
        .iter()
        .map(|v| pouch_doc(v.id, DocKind::Vitals, v))
        .collect::<Result<Vec<_>>>()?;
    let vitals_json = docs.iter().map(|d| d.to_string().len()).sum::<usize>() as f64;
    write_jsonl(&dir.join("vitals.jsonl"), &docs)?;

    let template = samples::published_template()?;
    let actor = ReplicaId::new();
    let mut out = Outbox::new(actor);
    let mut lines = Vec::with_capacity(ENCOUNTERS);
    let mut encounter_json = 0.0;
    for _ in 0..ENCOUNTERS {
        let record = samples::encounter(&template, NOTE_CHARS)?;
        let full = record.notes.history.as_str().to_owned();
        let mut state = record.clone();
        state.notes.history.set("");
        let (mut doc, change) = Document::create(
            actor,
            record.id,
            DocKind::Encounter,
            &state,
            &meta("dr.bench", 0),
        )?;
        out.push(&doc, change)?;
        let mut versions = vec![pouch_doc(
            record.id,
            DocKind::Encounter,
            &EncounterProjection::of(&state),
        )?];
        for step in 1..=SAVES {
            let so_far: String = full.chars().take(step * NOTE_CHARS / SAVES).collect();
            let change = doc
                .edit(
                    actor,
                    &meta("dr.bench", step as i64),
                    |e: &mut EncounterRecord| e.edit_note(NoteKind::History, &so_far),
                )?
                .context("a save that changes the note")?;
            out.push(&doc, change)?;
            state.notes.history.set(&so_far);
            versions.push(pouch_doc(
                record.id,
                DocKind::Encounter,
                &EncounterProjection::of(&state),
            )?);
        }
        encounter_json += versions.last().map_or(0, |v| v.to_string().len()) as f64;
        lines.push(json!({ "id": record.id.to_string(), "versions": versions }));
    }
    write_jsonl(&dir.join("encounters.jsonl"), &lines)?;
    Ok(Data {
        vitals,
        encounters: out.changes,
        vitals_json: vitals_json / VITALS as f64,
        encounter_json: encounter_json / ENCOUNTERS as f64,
    })
}

/// Bytes a closed replica holds after applying `changes` as pulled, minus an empty one's.
fn replica_bytes(changes: &[WireChange]) -> Result<u64> {
    let size = |changes: &[WireChange]| -> Result<u64> {
        let dir = tempfile::tempdir_in(scratch())?;
        let mut replica = Replica::create(dir.path())?;
        for page in changes.chunks(500) {
            replica.apply_remote_changes(page)?;
        }
        drop(replica);
        dir_bytes(dir.path())
    };
    Ok(size(changes)?.saturating_sub(size(&[])?))
}

pub fn run(ctx: &Ctx) -> Result<Vec<Ratio>> {
    let dir = tempfile::tempdir_in(scratch())?;
    let d = data(dir.path())?;
    let (mut vitals, mut encounters, mut pouch) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..crate::ROUNDS {
        let v = replica_bytes(&d.vitals)? as f64 / VITALS as f64;
        let e = replica_bytes(&d.encounters)? as f64 / ENCOUNTERS as f64;
        let work = tempfile::tempdir_in(scratch())?;
        let p: PouchDisk = procs::node(
            &ctx.bench_dir,
            "disk.mjs",
            &[
                path_str(&dir.path().join("vitals.jsonl"))?,
                path_str(&dir.path().join("encounters.jsonl"))?,
                path_str(work.path())?,
            ],
        )?;
        let pv = p.vitals_bytes as f64 / p.vitals as f64;
        let pe = p.encounter_bytes as f64 / p.encounters as f64;
        println!(
            "    round {}: bytes per vitals set Outpost {v:.0}, PouchDB {pv:.0}, JSON {:.0}; \
             per encounter Outpost {e:.0}, PouchDB {pe:.0}, JSON {:.0}",
            round + 1,
            d.vitals_json,
            d.encounter_json
        );
        vitals.push(v);
        encounters.push(e);
        pouch.push((pv, pe));
    }
    let pv: Vec<f64> = pouch.iter().map(|p| p.0).collect();
    let pe: Vec<f64> = pouch.iter().map(|p| p.1).collect();
    let ratio =
        |a: &[f64], b: &[f64]| -> Vec<f64> { a.iter().zip(b).map(|(x, y)| x / y).collect() };
    let over = |a: &[f64], b: f64| -> Vec<f64> { a.iter().map(|x| x / b).collect() };
    Ok(vec![
        Ratio {
            row: 'e',
            what: "on disk per small record (vitals set): Outpost / its JSON".into(),
            ratios: over(&vitals, d.vitals_json),
            goal: Goal::AtMost(2.5),
            detail: format!(
                "bytes per vitals set: Outpost replica {}, JSON {}, PouchDB leveldb {}",
                fmt(median(&vitals)),
                fmt(d.vitals_json),
                fmt(median(&pv))
            ),
            note: None,
        },
        Ratio {
            row: 'e',
            what: "on disk per note-heavy encounter (20 saves): Outpost / JSON".into(),
            ratios: over(&encounters, d.encounter_json),
            goal: Goal::AtMost(1.3),
            detail: format!(
                "bytes per encounter: Outpost replica {}, JSON {} (2,000-character note), PouchDB leveldb {}",
                fmt(median(&encounters)),
                fmt(d.encounter_json),
                fmt(median(&pe))
            ),
            note: None,
        },
        Ratio {
            row: 'e',
            what: "on disk per small record: Outpost / PouchDB".into(),
            ratios: ratio(&vitals, &pv),
            goal: Goal::AtMost(0.3),
            detail: "same 10,000 vitals sets".into(),
            note: None,
        },
        Ratio {
            row: 'e',
            what: "on disk per note-heavy encounter: Outpost / PouchDB".into(),
            ratios: ratio(&encounters, &pe),
            goal: Goal::AtMost(0.3),
            detail: "same 200 encounters, same 21 revisions each (created, then 20 saves)".into(),
            note: None,
        },
    ])
}
