//! (c) saving one charting edit durably: a doctor types a note, and each save is one
//! commit of the encrypted replica (WAL, synchronous=FULL). 5,000 edits: 5 encounters ×
//! 1,000 edits each (a few words appended per save). Interleaved per edit with the limits
//! on the same disk: a single-row insert of the same words into plain SQLite and into
//! SQLCipher, both WAL + synchronous=FULL, each a transaction of its own. Flatness:
//! Outpost's median latency of each document's edits 980–999 over that of edits 90–109.

use crate::limits;
use crate::procs::scratch;
use crate::stats::{fmt, median, Goal, Ratio};
use anyhow::Result;
use outpost_bench::samples;
use outpost_domain::document::encounter::{EncounterType, NewEncounter, NoteKind, NoteTexts};
use outpost_replica::Replica;
use std::collections::BTreeMap;
use std::time::Instant;

pub const DOCUMENTS: usize = 5;
pub const EDITS_EACH: usize = 1_000;
/// Characters appended per save (a few words).
const TYPED: usize = 12;
const EARLY: std::ops::Range<usize> = 90..110;
const LATE: std::ops::Range<usize> = 980..1_000;

/// Latencies of one round, in milliseconds, indexed [document][edit].
struct Round {
    ours: Vec<Vec<f64>>,
    plain: Vec<f64>,
    cipher: Vec<f64>,
}

fn percentile(values: &[f64], p: f64) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let i = ((v.len() as f64 - 1.0) * p).round() as usize;
    v.get(i).copied().unwrap_or(f64::NAN)
}

fn round() -> Result<Round> {
    let dir = tempfile::tempdir_in(scratch())?;
    let mut replica = Replica::create(&dir.path().join("replica"))?;
    let template = replica.create_template(&samples::template_content(), "admin.bench")?;
    replica.publish_template(template.id, "admin.bench")?;
    let pin = replica.template_pin(template.id, None)?;
    let patient = replica.register_patient(&crate::clinic::new_patient(0), "desk.bench")?;
    let mut encounters = Vec::with_capacity(DOCUMENTS);
    for _ in 0..DOCUMENTS {
        let input = NewEncounter {
            patient_id: patient.id,
            provider: "dr.bench".into(),
            date: "2026-11-22".into(),
            encounter_type: EncounterType::FollowUp,
            specialty: "cardiology".into(),
            template: pin.clone(),
            fields: BTreeMap::new(),
            notes: NoteTexts::default(),
        };
        encounters.push(replica.open_encounter(&input, "dr.bench")?.id);
    }
    let plain = limits::plain(&dir.path().join("plain.sqlite3"))?;
    let cipher = limits::sqlcipher(&dir.path().join("cipher.sqlite3"))?;

    let prose: Vec<char> = samples::clinical_text(EDITS_EACH * TYPED).chars().collect();
    let mut notes = vec![String::new(); DOCUMENTS];
    let mut r = Round {
        ours: (0..DOCUMENTS)
            .map(|_| Vec::with_capacity(EDITS_EACH))
            .collect(),
        plain: Vec::with_capacity(DOCUMENTS * EDITS_EACH),
        cipher: Vec::with_capacity(DOCUMENTS * EDITS_EACH),
    };
    let time = |f: &mut dyn FnMut() -> Result<()>| -> Result<f64> {
        let started = Instant::now();
        f()?;
        Ok(started.elapsed().as_secs_f64() * 1e3)
    };
    for n in 0..EDITS_EACH {
        let typed: String = prose[n * TYPED..(n + 1) * TYPED].iter().collect();
        for d in 0..DOCUMENTS {
            notes[d].push_str(&typed);
            let note = &notes[d];
            r.ours[d].push(time(&mut || {
                replica.edit_encounter_note(encounters[d], NoteKind::History, note, "dr.bench")?;
                Ok(())
            })?);
            r.plain
                .push(time(&mut || limits::insert_edit(&plain, d, n, &typed))?);
            r.cipher
                .push(time(&mut || limits::insert_edit(&cipher, d, n, &typed))?);
        }
    }
    Ok(r)
}

pub fn run() -> Result<Vec<Ratio>> {
    let mut rounds = Vec::with_capacity(crate::ROUNDS);
    for i in 0..crate::ROUNDS {
        let r = round()?;
        let all: Vec<f64> = r.ours.iter().flatten().copied().collect();
        println!(
            "    round {}: p50/p99 Outpost {:.2}/{:.2} ms, plain SQLite {:.2}/{:.2} ms, SQLCipher {:.2}/{:.2} ms",
            i + 1,
            percentile(&all, 0.5),
            percentile(&all, 0.99),
            percentile(&r.plain, 0.5),
            percentile(&r.plain, 0.99),
            percentile(&r.cipher, 0.5),
            percentile(&r.cipher, 0.99),
        );
        rounds.push(r);
    }
    let ours = |r: &Round| -> Vec<f64> { r.ours.iter().flatten().copied().collect() };
    let window = |r: &Round, w: std::ops::Range<usize>| -> Vec<f64> {
        r.ours.iter().flat_map(|d| d[w.clone()].to_vec()).collect()
    };
    let med = |f: &dyn Fn(&Round) -> f64| median(&rounds.iter().map(f).collect::<Vec<_>>());
    let ratios = |f: &dyn Fn(&Round) -> f64| rounds.iter().map(f).collect::<Vec<_>>();
    let p = |v: &[f64], q| percentile(v, q);
    Ok(vec![
        Ratio {
            row: 'c',
            what: "charting edit p50: Outpost / plain SQLite insert".into(),
            ratios: ratios(&|r| p(&ours(r), 0.5) / p(&r.plain, 0.5)),
            goal: Goal::AtMost(1.5),
            detail: format!(
                "p50 Outpost {} ms, plain SQLite {} ms, SQLCipher {} ms (5,000 edits each)",
                fmt(med(&|r| p(&ours(r), 0.5))),
                fmt(med(&|r| p(&r.plain, 0.5))),
                fmt(med(&|r| p(&r.cipher, 0.5)))
            ),
            note: None,
        },
        Ratio {
            row: 'c',
            what: "charting edit p99: Outpost / plain SQLite insert".into(),
            ratios: ratios(&|r| p(&ours(r), 0.99) / p(&r.plain, 0.99)),
            goal: Goal::AtMost(2.0),
            detail: format!(
                "p99 Outpost {} ms, plain SQLite {} ms, SQLCipher {} ms",
                fmt(med(&|r| p(&ours(r), 0.99))),
                fmt(med(&|r| p(&r.plain, 0.99))),
                fmt(med(&|r| p(&r.cipher, 0.99)))
            ),
            note: None,
        },
        Ratio {
            row: 'c',
            what: "charting edit p50: Outpost / raw SQLCipher insert".into(),
            ratios: ratios(&|r| p(&ours(r), 0.5) / p(&r.cipher, 0.5)),
            goal: Goal::Info,
            detail: "the encryption's share: SQLCipher against plain SQLite above".into(),
            note: None,
        },
        Ratio {
            row: 'c',
            what: "flat: median of edits 980–999 / edits 90–109 of a document".into(),
            ratios: ratios(&|r| median(&window(r, LATE)) / median(&window(r, EARLY))),
            goal: Goal::AtMost(1.2),
            detail: format!(
                "Outpost median {} ms at edits 90–109, {} ms at edits 980–999 (note ~{} characters by then); \
                 'flat' read as within 20 %",
                fmt(med(&|r| median(&window(r, EARLY)))),
                fmt(med(&|r| median(&window(r, LATE)))),
                EDITS_EACH * TYPED
            ),
            note: None,
        },
    ])
}
