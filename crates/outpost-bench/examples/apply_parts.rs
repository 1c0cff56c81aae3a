//! Where applying one pulled vitals change spends its CPU time (release build), step by
//! step as the replica does it, on one thread and then on every core; first the way the
//! replica applies a brand-new document's one change (the fast path: header and record
//! read from the change's bytes, `FreshDocument::from_bytes`, no engine parse), then
//! through the engine (Automerge document + autosurgeon read), which the fast path must
//! equal:
//!   cargo run --release -p outpost-bench --example apply_parts
//! The replica's SQL writes are not in here; the benchmark (`benches/records.rs`) measures
//! the whole.

use anyhow::Result;
use outpost_bench::samples;
use outpost_domain::document::{
    digest, parse_change, ChangeMeta, DocKind, Document, FreshDocument,
};
use outpost_domain::protocol::WireChange;
use outpost_domain::vitals::{VitalsProjection, VitalsRecord};
use std::time::{Duration, Instant};

const CHANGES: usize = 4_000;

/// Time spent in each step, summed over the changes.
#[derive(Default)]
struct Steps {
    digest: Duration,
    parse: Duration,
    apply: Duration,
    read: Duration,
    project: Duration,
    conflicts: Duration,
}

fn timed<T>(slot: &mut Duration, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = f();
    *slot += start.elapsed();
    out
}

fn apply_fresh(c: &WireChange, steps: &mut Steps) -> Result<()> {
    timed(&mut steps.digest, || digest(&c.bytes.0));
    let doc = timed(&mut steps.apply, || {
        FreshDocument::from_bytes(c.doc_id, DocKind::Vitals, &c.bytes.0)
    })
    .ok_or_else(|| anyhow::anyhow!("a vitals change does not qualify for the fast path"))?;
    std::hint::black_box(doc.meta());
    let record = timed(&mut steps.read, || doc.read::<VitalsRecord>())?;
    timed(&mut steps.project, || {
        serde_json::to_string(&VitalsProjection::of(&record))
            .map(|j| (j, doc.heads(), doc.bytes().to_vec()))
    })?;
    Ok(())
}

fn apply(c: &WireChange, steps: &mut Steps) -> Result<()> {
    timed(&mut steps.digest, || digest(&c.bytes.0));
    let change = timed(&mut steps.parse, || parse_change(&c.bytes.0))?;
    std::hint::black_box(ChangeMeta::of_change(&change));
    let (doc, bytes) = timed(&mut steps.apply, || {
        Document::from_remote(c.doc_id, DocKind::Vitals, vec![change])
    })?;
    let record = timed(&mut steps.read, || doc.vitals_record())?;
    timed(&mut steps.project, || {
        serde_json::to_string(&VitalsProjection::of(&record)).map(|j| (j, doc.heads(), bytes))
    })?;
    timed(&mut steps.conflicts, || doc.conflicts());
    Ok(())
}

type Step = fn(&WireChange, &mut Steps) -> Result<()>;

fn main() -> Result<()> {
    let (wire, _) = samples::remote_vitals(CHANGES)?;
    let paths: [(&str, &str, Step); 2] = [
        (
            "fast path",
            "read change bytes (FreshDocument)",
            apply_fresh,
        ),
        ("engine", "apply (from_remote)", apply),
    ];
    for (path, apply_name, step) in paths {
        let mut steps = Steps::default();
        let start = Instant::now();
        for c in &wire {
            step(c, &mut steps)?;
        }
        let one_thread = start.elapsed();
        let per = |d: Duration| d.as_secs_f64() * 1e6 / CHANGES as f64;
        println!("{path}: per change, one thread: {:.1} us", per(one_thread));
        for (name, d) in [
            ("digest", steps.digest),
            ("parse", steps.parse),
            (apply_name, steps.apply),
            ("read record", steps.read),
            ("projection + heads", steps.project),
            ("conflicts", steps.conflicts),
        ] {
            println!("  {name:<34} {:>6.1} us", per(d));
        }
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let start = Instant::now();
        std::thread::scope(|scope| {
            let handles: Vec<_> = wire
                .chunks(CHANGES.div_ceil(cores))
                .map(|chunk| {
                    scope.spawn(move || -> Result<()> {
                        let mut steps = Steps::default();
                        for c in chunk {
                            step(c, &mut steps)?;
                        }
                        Ok(())
                    })
                })
                .collect();
            handles
                .into_iter()
                .try_for_each(|h| h.join().map_err(|_| anyhow::anyhow!("a worker panicked"))?)
        })?;
        println!(
            "{path}: per change, {cores} threads: {:.1} us (wall clock)",
            per(start.elapsed())
        );
    }
    Ok(())
}
