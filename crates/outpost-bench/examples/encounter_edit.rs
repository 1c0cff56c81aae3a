//! Where one charting save's domain work goes as a note grows (release build, one thread):
//! an encounter typed into 1,000 times, 12 characters a save, as row (c) of the benchmark
//! does. Per save, the median time at saves 90-109 and at 980-999 of: reading the record
//! out of the document; a whole edit that reads it first (`Document::edit_keeping`); a
//! whole edit that starts from the record the previous edit left (`Document::edit_kept`,
//! what the replica does):
//!   cargo run --release -p outpost-bench --example encounter_edit

use anyhow::Result;
use outpost_bench::samples;
use outpost_domain::document::encounter::{EncounterRecord, NoteKind};
use outpost_domain::document::Document;
use outpost_domain::ids::{DocId, ReplicaId};
use std::time::Instant;

const SAVES: usize = 1_000;
const TYPED: usize = 12;

fn median(v: &[f64]) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn micros(start: Instant) -> f64 {
    start.elapsed().as_secs_f64() * 1e6
}

fn main() -> Result<()> {
    let template = samples::published_template()?;
    let actor = ReplicaId::new();
    let (_, doc, _) = samples::encounter_document(&template, 0, DocId::new(), actor, 0)?;
    let (mut read_first, mut kept) = (doc.clone(), doc);
    let words = samples::clinical_text(SAVES * TYPED);
    let (mut read, mut edit, mut edit_kept) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..SAVES {
        let note = &words[..(i + 1) * TYPED];
        let meta = samples::meta("dr.bench", i as i64 + 1);
        let type_it = |r: &mut EncounterRecord| r.edit_note(NoteKind::History, note);

        let start = Instant::now();
        std::hint::black_box(read_first.read::<EncounterRecord>()?);
        read.push(micros(start));
        let start = Instant::now();
        read_first.edit_keeping(actor, &meta, type_it)?;
        edit.push(micros(start));
        let start = Instant::now();
        kept.edit_kept(actor, &meta, type_it)?;
        edit_kept.push(micros(start));
    }
    same_document(&read_first, &kept)?;
    for (what, v) in [
        ("read the record", &read),
        ("edit, reading first", &edit),
        ("edit from the kept record", &edit_kept),
    ] {
        let (early, late) = (median(&v[90..110]), median(&v[980..1000]));
        println!(
            "{what:>26}: {early:>7.1} us at saves 90-109, {late:>7.1} us at 980-999 ({:.2}x)",
            late / early
        );
    }
    Ok(())
}

/// Both ways wrote the same changes (same actor, same clocks), so the same heads.
fn same_document(a: &Document, b: &Document) -> Result<()> {
    anyhow::ensure!(
        a.heads() == b.heads(),
        "the two edit paths wrote different changes"
    );
    Ok(())
}
