//! Reading a brand-new encounter (a 300-character note, answered fields) four ways, per
//! encounter on one thread (release build): from its one change's bytes without the engine
//! (`FreshDocument::from_bytes`, how a workstation reads what the server sends), from the
//! change the engine parsed (`FreshDocument::of`, how the server reads a push), through the
//! engine from that change (`Document::from_remote`), and
//! through the engine from a compacted save (`Document::load`), which is how the server
//! served encounters before it stored them as their change:
//!   cargo run --release -p outpost-bench --example encounter_read

use anyhow::Result;
use outpost_bench::samples;
use outpost_domain::document::encounter::EncounterRecord;
use outpost_domain::document::{parse_change, DocKind, Document, FreshDocument};
use outpost_domain::ids::{DocId, ReplicaId};
use std::time::Instant;

const ENCOUNTERS: usize = 2_000;
const NOTE_CHARS: usize = 300;

fn main() -> Result<()> {
    let template = samples::published_template()?;
    let actor = ReplicaId::new();
    let mut made = Vec::with_capacity(ENCOUNTERS);
    for i in 0..ENCOUNTERS {
        let (_, doc, change) =
            samples::encounter_document(&template, NOTE_CHARS, DocId::new(), actor, i)?;
        made.push((doc.id, change.bytes, doc.save()));
    }
    let per = |start: Instant| start.elapsed().as_secs_f64() * 1e6 / ENCOUNTERS as f64;

    let start = Instant::now();
    for (id, change, _) in &made {
        let fresh = FreshDocument::from_bytes(*id, DocKind::Encounter, change)
            .ok_or_else(|| anyhow::anyhow!("an encounter's first change qualifies"))?;
        std::hint::black_box(fresh.read::<EncounterRecord>()?);
    }
    println!(
        "from its change's bytes, without the engine: {:>7.1} us",
        per(start)
    );

    let start = Instant::now();
    for (id, change, _) in &made {
        let fresh = FreshDocument::of(*id, DocKind::Encounter, parse_change(change)?)
            .map_err(|_| anyhow::anyhow!("an encounter's first change qualifies"))?;
        std::hint::black_box(fresh.read::<EncounterRecord>()?);
    }
    println!(
        "from its change parsed by the engine, without building it: {:>7.1} us",
        per(start)
    );

    let start = Instant::now();
    for (id, change, _) in &made {
        let (doc, _) = Document::from_remote(*id, DocKind::Encounter, vec![parse_change(change)?])?;
        std::hint::black_box(doc.read::<EncounterRecord>()?);
    }
    println!(
        "from its change, through the engine:  {:>7.1} us",
        per(start)
    );

    let start = Instant::now();
    for (id, _, saved) in &made {
        let doc = Document::load(*id, DocKind::Encounter, saved)?;
        std::hint::black_box(doc.read::<EncounterRecord>()?);
    }
    println!(
        "from a compacted save, through the engine: {:>7.1} us",
        per(start)
    );
    Ok(())
}
