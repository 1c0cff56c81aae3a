//! kill -9 in the middle of a burst of writes: every id `outpost patient import` printed
//! (it prints each one right after its transaction commits) is still there after the
//! crash, and the database passes SQLite's integrity check.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use crate::common;

use common::{outpost, replica_dir};
use outpost_replica::outpost_domain::ids::DocId;
use outpost_replica::Replica;
use std::io::{BufRead, BufReader, Write};
use std::os::unix::process::ExitStatusExt;
use std::process::Stdio;

/// Ids to see printed before the kill.
const PRINTED_BEFORE_KILL: usize = 150;

#[test]
fn every_printed_id_survives_kill_9_and_the_database_stays_intact() {
    let dir = replica_dir();
    let mut child = outpost(dir.path(), &["patient", "import"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    // Far more lines than will be imported: stdin never reaches its end, so the process
    // is always killed mid-burst. Writing stops when the pipe breaks at the kill.
    let feeder = std::thread::spawn(move || {
        for i in 0..1_000_000u32 {
            let line = format!(
                r#"{{"name":"Crash Test {i}","date_of_birth":"1990-01-01","sex":"other","mrn":"CT-{i}"}}"#
            );
            if writeln!(stdin, "{line}").is_err() {
                return i;
            }
        }
        panic!("the importer was expected to be killed before reading everything");
    });

    let mut printed = Vec::new();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    while printed.len() < PRINTED_BEFORE_KILL {
        let line = lines.next().expect("the importer stopped early").unwrap();
        printed.push(line.parse::<DocId>().unwrap());
    }
    child.kill().unwrap(); // SIGKILL
    let status = child.wait().unwrap();
    assert_eq!(status.signal(), Some(9), "killed, not exited: {status:?}");
    // Ids the importer printed after we stopped reading but before the kill count too.
    for line in lines {
        match line {
            Ok(l) if !l.is_empty() => printed.push(l.parse().unwrap()),
            _ => break,
        }
    }
    let fed = feeder.join().unwrap();
    assert!(fed as usize >= printed.len());

    let replica = Replica::open(dir.path()).unwrap();
    replica.integrity_check().unwrap();
    for id in &printed {
        let p = replica.patient(*id).unwrap();
        assert!(p.name.starts_with("Crash Test "));
    }
    let stored = replica.list_patients().unwrap().len();
    assert!(stored >= printed.len());
    assert_eq!(replica.pending_changes().unwrap(), stored as u64);
}
