//! Issue 5's benchmark (not a test): with 10,000 patients on an encrypted replica, how
//! long from a cold start (opening the replica: keyring, SQLCipher key check, migrations)
//! to a usable patient list (the first page the search screen shows), and how long each
//! keystroke of search-as-you-type takes. Baseline, in the same run: what the window did
//! before (open, then load the whole list with each patient's latest vitals, and filter it
//! in memory on each keystroke). Run:
//!   scripts/with-keyring.sh cargo run --release -p outpost-bench --example patient_list
//! The patients arrive as one remote workstation's registrations (pages of 500), which is
//! setup and is not timed. The webview's own start-up is not part of these numbers.

use anyhow::{Context, Result};
use chrono::NaiveDate;
use outpost_bench::{report, samples};
use outpost_domain::document::{DocKind, Document};
use outpost_domain::ids::{DocId, ReplicaId};
use outpost_domain::patient::{PatientRegistration, Sex};
use outpost_domain::protocol::{Bytes, WireChange};
use outpost_replica::Replica;
use std::time::Duration;

const PATIENTS: usize = 10_000;
const PAGE: usize = 500;
const FIRST_PAGE: u32 = 50;
const RUNS: usize = 7;

const FIRST: [&str; 40] = [
    "Amara", "Ben", "Chidi", "Dana", "Eve", "Farid", "Grace", "Hana", "Ilse", "Jonas", "Kofi",
    "Lena", "Musa", "Nadia", "Omar", "Priya", "Quinn", "Rosa", "Samir", "Tariq", "Uma", "Vera",
    "Wanjiru", "Xavier", "Yusuf", "Zara", "Aiko", "Bruno", "Carmen", "Dmitri", "Elif", "Femi",
    "Gita", "Hugo", "Ines", "Jae", "Kemal", "Lucia", "Mateo", "Noor",
];
const LAST: [&str; 50] = [
    "Okafor",
    "Tal",
    "Amadi",
    "Moss",
    "Haddad",
    "Ito",
    "Kim",
    "Novak",
    "Silva",
    "Berg",
    "Mensah",
    "Cohen",
    "Rossi",
    "Khan",
    "Nowak",
    "Garcia",
    "Olsen",
    "Dubois",
    "Sato",
    "Reyes",
    "Fischer",
    "Adeyemi",
    "Petrov",
    "Lindqvist",
    "Ortiz",
    "Yilmaz",
    "Banda",
    "Quispe",
    "Murphy",
    "Nguyen",
    "Hassan",
    "Kowalski",
    "Varga",
    "Ahmadi",
    "Costa",
    "Ivanova",
    "Mbeki",
    "Park",
    "Laine",
    "Santos",
    "Weber",
    "Osei",
    "Horvat",
    "Kruger",
    "Lopez",
    "Tanaka",
    "Diallo",
    "Jensen",
    "Moreau",
    "Abebe",
];
const INITIALS: [&str; 5] = ["A", "J", "M", "R", "S"];

fn main() -> Result<()> {
    let dir = tempfile::tempdir()?;
    {
        let mut replica = Replica::create(dir.path())?;
        for page in registrations()?.chunks(PAGE) {
            replica.apply_remote_changes(page)?;
        }
    }
    println!("{PATIENTS} patients on an encrypted replica; median of {RUNS} runs\n");

    let first_page = median(|| {
        let r = Replica::open(dir.path())?;
        let page = r.search_patients("", FIRST_PAGE)?;
        anyhow::ensure!(
            page.patients.len() == FIRST_PAGE as usize && page.total as usize == PATIENTS
        );
        Ok(())
    })?;
    let whole_list = median(|| {
        let r = Replica::open(dir.path())?;
        anyhow::ensure!(r.list_patients()?.len() == PATIENTS);
        Ok(())
    })?;
    report(
        "cold start to a usable patient list (open + first page)",
        ms(first_page),
        ms(whole_list),
        "ms",
        "below 1x the whole list",
    );

    let r = Replica::open(dir.path())?;
    let all = r.list_patients()?;
    let typed = [
        "o", "ok", "oka", "okaf", "okafor", "okafor a", "mrn-00", "1984-0",
    ];
    let mut ours = Vec::new();
    let mut base = Vec::new();
    for q in typed {
        ours.push(median(|| {
            std::hint::black_box(r.search_patients(q, FIRST_PAGE)?);
            Ok(())
        })?);
        base.push(median(|| {
            let q = q.to_lowercase();
            let hits = all
                .iter()
                .filter(|p| {
                    p.patient.name.to_lowercase().contains(&q)
                        || p.patient.mrn.to_lowercase().starts_with(&q)
                        || p.patient.date_of_birth.to_string().starts_with(&q)
                })
                .take(FIRST_PAGE as usize)
                .count();
            std::hint::black_box(hits);
            Ok(())
        })?);
        println!(
            "  search \"{q}\": {:.2} ms (in-memory filter of the loaded list: {:.2} ms)",
            ms(*ours.last().context("a run")?),
            ms(*base.last().context("a run")?)
        );
    }
    ours.sort();
    base.sort();
    let worst = |v: &[Duration]| v.last().copied().unwrap_or_default();
    report(
        "search-as-you-type, slowest keystroke (replica query, one page)",
        ms(worst(&ours)),
        ms(worst(&base)),
        "ms",
        "well under the 150 ms debounce",
    );
    Ok(())
}

/// The registrations of `PATIENTS` different people by one remote workstation, as the
/// changes a pull would deliver.
fn registrations() -> Result<Vec<WireChange>> {
    let actor = ReplicaId::new();
    let today = NaiveDate::from_ymd_opt(2026, 11, 22).context("a fixed date")?;
    let mut wire = Vec::with_capacity(PATIENTS);
    for i in 0..PATIENTS {
        let name = format!(
            "{} {} {}",
            FIRST[i % FIRST.len()],
            INITIALS[(i / (FIRST.len() * LAST.len())) % INITIALS.len()],
            LAST[(i / FIRST.len()) % LAST.len()]
        );
        let dob = NaiveDate::from_ymd_opt(
            1930 + (i % 90) as i32,
            1 + (i % 12) as u32,
            1 + (i % 28) as u32,
        )
        .context("a valid date")?;
        let registration = PatientRegistration {
            name,
            date_of_birth: dob.to_string(),
            sex: [Sex::Female, Sex::Male, Sex::Other, Sex::Unknown][i % 4],
            mrn: Some(format!("MRN-{i:06}")),
            phone: None,
            address: None,
            emergency_contact: None,
        };
        let record = registration.validate(DocId::new(), today, None)?;
        let (_, change) = Document::create_patient_record(
            actor,
            &record,
            &samples::meta("desk.bench", i as i64),
        )?;
        wire.push(WireChange {
            replica_id: actor,
            counter: i as u64 + 1,
            doc_id: record.id,
            kind: DocKind::Patient,
            digest: change.digest,
            bytes: Bytes(change.bytes),
            received_at: None,
        });
    }
    Ok(wire)
}

fn median(mut work: impl FnMut() -> Result<()>) -> Result<Duration> {
    outpost_bench::median(RUNS, || Ok(()), |()| work())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}
