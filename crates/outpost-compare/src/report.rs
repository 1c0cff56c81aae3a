//! Writes docs/BENCHMARKS.md from one run: the machine, one table of every row's ratios
//! (median of the rounds with min and max), how each row is measured, the fairness
//! notes; the hand-written history below the `HISTORY_MARK` line of the existing file is
//! kept as it is.

use crate::stats::Ratio;
use anyhow::Result;
use std::fmt::Write as _;
use std::path::Path;

pub const HISTORY_MARK: &str = "<!-- history: kept as written by earlier runs and profiling -->";

#[derive(Debug)]
pub struct Run {
    pub date: String,
    pub minutes: f64,
    pub rounds: usize,
    pub machine: Vec<String>,
    pub load_start: String,
    pub load_end: String,
    pub ratios: Vec<Ratio>,
}

const MEASURES: &str = r#"
## What each row measures

- **(a) bootstrap.** The clinic of issue 4 (1,000 patients, 10,000 encounters with a
  300-character note, 40,000 vitals sets, plus the published template they are charted
  on) is pushed to a real `outpost-server` process over a migrated Postgres database; the
  same 51,000 records, as JSON documents, are loaded into express-pouchdb. Each round, a
  new workstation in a process of its own enrolls and bootstraps into an empty encrypted
  replica over loopback HTTP (timed from the first request to the last page committed),
  then a PouchDB process replicates the same records from express-pouchdb into an empty
  leveldb database, then the limit: one SQLCipher file keyed and set up like the replica
  reads the same JSON documents from a file and inserts them (id, kind, JSON; index on
  kind) in transactions of 500. After its memory figures, the Outpost process also times
  (a)'s floor: every row its replica ended with (documents, changes, projections), read
  back beforehand, written into a new SQLCipher file set up like the replica, one page's
  share per commit, indexes built at the end; no bootstrap can write less.
- **(b) reconnect.** Four enrolled workstations hold 200 shared patients; offline, each
  saves 2,000 changes one by one (1,800 new vitals sets, 200 phone-number edits of the
  shared patients: 10 % of the changes, each shared patient edited on all four). Timed:
  all four sync at once (each on its own thread or process), in rounds, until a round
  moves nothing. Then the four must hold the same documents at the same heads (Outpost)
  or the same documents at the same winning and conflicting revisions (PouchDB). Fresh
  server database and fresh PouchDB databases every round.
- **(c) charting edit.** Five encounters on one replica, 1,000 saves each (12 characters
  of note typed per save, `edit_encounter_note`, one durable commit); after each save the
  same words go as a single-row insert into a plain SQLite file and into a SQLCipher file
  (WAL, synchronous=FULL, autocommit), same directory. p50 and p99 over the 5,000 saves;
  flatness compares the same documents' saves 90–109 and 980–999.
- **(d) server ingest.** `outpost-server-bench`'s workload: 8 workstations push 2,500
  new patients each, 100 per push, to the server (in the benchmark process, loopback
  HTTP); pgbench with 8 connections inserts the rows the server stores (change, document,
  reporting row) 100 per transaction into copies of the server's tables; express-pouchdb
  takes the same 20,000 patients as `_bulk_docs` from 8 concurrent clients, 100 per
  request. Fresh database each round.
- **(e) bytes on disk.** 10,000 vitals sets, and 200 encounters each created with an
  empty note then saved 20 times until the note has 2,000 characters (21 changes, or 21
  PouchDB revisions). Outpost: a fresh replica applies the changes as pulled, pages of
  500; PouchDB: `bulkDocs` of 500 for vitals, one `put` per revision for encounters.
  Sizes of the closed stores minus an empty store's, per record; JSON: the record's own
  JSON (an encounter's last version).
- **(f) memory.** Client: the bootstrapping processes of (a) report their own peak
  (VmHWM) and steady (VmRSS, store still open) resident memory. Server:
  `outpost-server-bench`'s measure — a fresh server process serves full pulls of a clinic
  with 10,000 documents, then of one with 100,000; its VmRSS after each.
"#;

const FAIRNESS: &str = r#"
## Fairness notes

- **Durability differs in PouchDB's favour.** PouchDB's leveldb adapter writes without
  `sync` by default: nothing it stores in (a), (b), (d) and (e) is flushed to disk
  before it answers. Outpost's replica commits every transaction with WAL and
  synchronous=FULL (a bootstrap page of 500 documents, each offline change, each
  charting edit is flushed). The limits (plain SQLite, SQLCipher) are set up like the
  replica.
- **Postgres runs with fsync=off** (the cluster the benchmark starts, as in the tests),
  for the server and for pgbench alike; express-pouchdb's leveldb does not flush either.
  pgbench's table copies (`LIKE … INCLUDING ALL`) carry keys and indexes but not the
  foreign keys and append-only triggers the server's inserts also pay.
- **Encryption:** Outpost's replica is encrypted (SQLCipher); PouchDB's leveldb is not.
- **Tuning:** PouchDB replicates with `batch_size` 500 (its default is 100), matching
  Outpost's bootstrap and pull page; everything else is PouchDB's default. The PouchDB
  contenders run in their own Node processes; express-pouchdb in another.
- **Same records:** one generator (this crate's `clinic` module) builds every record
  through Outpost's domain API; PouchDB gets the same records as JSON documents (same ids
  in (a), (d) and (e)). Outpost's bootstrap carries one more document, the published
  template the encounters are charted on.
- **Processes and network:** every contender talks HTTP over loopback; the Outpost
  workstation in (a) is a process of its own, like PouchDB's; in (b) each Outpost
  workstation syncs on a thread of its own in the benchmark process (its own async
  runtime and connection) and each PouchDB one runs in a Node process of its own, as each
  is a machine of its own in a clinic. In (d) Outpost's server runs inside the benchmark process (the
  `outpost-server-bench` harness); in (a) and (b) it is the `outpost-server` binary.
- **Merge semantics differ.** When two workstations edit the same patient's phone, PouchDB
  picks a winning revision and keeps the other as a conflict; Outpost keeps both values as
  a conflict a person resolves (ARCHITECTURE.md §2). Both must converge to one state on
  all four workstations, which each round checks.
- **Noise:** the machine is shared with other builds, so absolute times move; within each
  row the contenders take turns every round (A, B, C, A, B, C …) and each ratio is taken
  within one round. The figures are the median of the rounds with their min and max.
"#;

pub fn write(path: &Path, run: &Run) -> Result<()> {
    let history = std::fs::read_to_string(path)
        .ok()
        .and_then(|old| old.split_once(HISTORY_MARK).map(|(_, h)| h.to_owned()))
        .unwrap_or_default();
    let mut s = String::new();
    let _ = writeln!(s, "# Benchmarks\n");
    let _ = writeln!(
        s,
        "Written by `scripts/bench.sh` (the benchmark command; not part of the tests) on {} \
         in {:.1} minutes. Every figure below is a ratio between contenders measured in \
         that run, on this machine, taking turns; {} rounds per row unless marked.\n",
        run.date, run.minutes, run.rounds
    );
    let _ = writeln!(s, "## Machine\n");
    for line in &run.machine {
        let _ = writeln!(s, "- {line}");
    }
    let _ = writeln!(
        s,
        "- Load average (1/5/15 min) at the start: {}; at the end: {}\n",
        run.load_start, run.load_end
    );
    let _ = writeln!(s, "## Results (issue 8)\n");
    let _ = writeln!(
        s,
        "| # | measure | ratio: median (min–max) | target | result | medians behind it |"
    );
    let _ = writeln!(s, "|---|---|---|---|---|---|");
    for r in &run.ratios {
        let mut detail = r.detail.clone();
        if let Some(note) = &r.note {
            let _ = write!(detail, "; {note}");
        }
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} |",
            r.row,
            r.what,
            r.figure(),
            r.target(),
            r.verdict(),
            detail.replace('|', "/")
        );
    }
    let missed: Vec<String> = run
        .ratios
        .iter()
        .filter(|r| r.verdict() == "MISSED")
        .map(|r| format!("({}) {}", r.row, r.what))
        .collect();
    if missed.is_empty() {
        let _ = writeln!(s, "\nEvery target was met in this run.");
    } else {
        let _ = writeln!(
            s,
            "\nMissed in this run (recorded, targets unchanged): {}.",
            missed.join("; ")
        );
    }
    s.push_str(FAIRNESS);
    s.push_str(MEASURES);
    let _ = writeln!(s, "\n{HISTORY_MARK}{}", history.trim_end());
    std::fs::write(path, s.trim_end().to_owned() + "\n")?;
    Ok(())
}
