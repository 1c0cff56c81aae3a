//! Random operations for the convergence property test: edits of every record kind,
//! conflict resolutions, and deliveries of changes between replicas.

use super::charting::{self, chart_edit, ChartEdit};
use super::{Held, Replica};
use chrono::{DateTime, NaiveDate, Utc};
use outpost_domain::document::template::TemplateRecord;
use outpost_domain::document::template::{starter_sections, SavedSection};
use outpost_domain::document::{DocKind, Document};
use outpost_domain::ids::{DocId, EntryId};
use outpost_domain::link::PatientLink;
use outpost_domain::patient::*;
use outpost_domain::vitals::{NewVitals, VitalsProjection, VitalsRecord};
use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::json;

pub const REPLICAS: usize = 3;
/// Position of the seeded template among the seeded document ids.
const TEMPLATE: usize = 4;
const PHONES: [&str; 3] = ["0803 555 0101", "0701 222 3344", "0905 111 2222"];
const NAMES: [&str; 3] = ["Amara Okafor", "Amara N. Okafor", "Okafor Amara"];
const WORDS: [&str; 3] = ["rash", "wheeze", "swelling"];
const SEVERITIES: [AllergySeverity; 4] = [
    AllergySeverity::Mild,
    AllergySeverity::Moderate,
    AllergySeverity::Severe,
    AllergySeverity::Unknown,
];

#[derive(Debug, Clone)]
pub enum Edit {
    Phone(usize),
    Address(usize),
    Name(usize),
    AddAllergy(usize),
    UpdateAllergy(Index, usize, usize),
    RefuteAllergy(Index),
    AddMedication(usize),
    StopMedication(Index),
    AddProblem(usize),
    ResolveProblem(Index),
    VitalsEnteredInError(usize),
    UndoLink(usize),
    WithdrawSection(usize),
    Chart(ChartEdit),
}

#[derive(Debug, Clone)]
pub enum Op {
    Edit {
        replica: usize,
        target: Index,
        edit: Edit,
    },
    /// Registers a new patient on one replica; others learn of it only by delivery.
    Register { replica: usize, name: usize },
    Resolve {
        replica: usize,
        target: Index,
        conflict: Index,
        value: Index,
    },
    Deliver {
        from: usize,
        to: usize,
        picks: Vec<Index>,
        duplicate: bool,
        batch: usize,
    },
}

fn edit() -> impl Strategy<Value = Edit> {
    let i = any::<Index>;
    prop_oneof![
        (0..3usize).prop_map(Edit::Phone),
        (0..3usize).prop_map(Edit::Address),
        (0..3usize).prop_map(Edit::Name),
        (0..3usize).prop_map(Edit::AddAllergy),
        (i(), 0..4usize, 0..3usize).prop_map(|(a, s, r)| Edit::UpdateAllergy(a, s, r)),
        i().prop_map(Edit::RefuteAllergy),
        (0..3usize).prop_map(Edit::AddMedication),
        i().prop_map(Edit::StopMedication),
        (0..3usize).prop_map(Edit::AddProblem),
        i().prop_map(Edit::ResolveProblem),
        (0..3usize).prop_map(Edit::VitalsEnteredInError),
        (0..3usize).prop_map(Edit::UndoLink),
        (0..3usize).prop_map(Edit::WithdrawSection),
        chart_edit().prop_map(Edit::Chart),
        chart_edit().prop_map(Edit::Chart),
        chart_edit().prop_map(Edit::Chart),
        chart_edit().prop_map(Edit::Chart),
    ]
}

pub fn op() -> impl Strategy<Value = Op> {
    let r = 0..REPLICAS;
    prop_oneof![
        1 => (r.clone(), 0..3usize).prop_map(|(replica, name)| Op::Register { replica, name }),
        6 => (r.clone(), any::<Index>(), edit())
            .prop_map(|(replica, target, edit)| Op::Edit { replica, target, edit }),
        2 => (r.clone(), any::<Index>(), any::<Index>(), any::<Index>()).prop_map(
            |(replica, target, conflict, value)| Op::Resolve { replica, target, conflict, value }
        ),
        3 => (r.clone(), r, prop::collection::vec(any::<Index>(), 0..12), any::<bool>(), 1..5usize)
            .prop_map(|(from, to, picks, duplicate, batch)| Op::Deliver {
                from, to, picks, duplicate, batch,
            }),
    ]
}

/// The documents every run starts from, each created on one replica only.
pub fn seed(replicas: &mut [Replica]) -> Vec<DocId> {
    let mut ids = Vec::new();
    for (n, owner) in [0usize, 1].into_iter().enumerate() {
        ids.push(register(&mut replicas[owner], n, n));
    }
    let now: DateTime<Utc> = "2026-11-22T10:00:00Z".parse().expect("a time");
    let set = NewVitals {
        patient_id: ids[0],
        temperature_c: Some(37.9),
        ..Default::default()
    }
    .validate(fixed_id(10), "nurse", now)
    .expect("valid vitals");
    let vitals = VitalsRecord::new(&set, Some("sitting"), None).expect("a record");
    let link =
        PatientLink::new(fixed_id(11), ids[0], ids[1], "same person", "dr", now).expect("a link");
    let starter = starter_sections().remove(0);
    let saved = SavedSection::new(fixed_id(12), starter.section, "", "admin", now)
        .expect("a saved section");
    let r = &mut replicas[2];
    let meta = r.meta();
    let (v, _) = Document::create_vitals_record(r.id, &vitals, &meta).expect("created");
    let meta = r.meta();
    let (l, _) = Document::create_patient_link(r.id, &link, &meta).expect("created");
    let meta = r.meta();
    let (s, _) = Document::create_saved_section(r.id, &saved, &meta).expect("created");
    ids.extend([v.id, l.id]);
    r.docs.insert(v.id, v);
    r.docs.insert(l.id, l);
    r.docs.insert(s.id, s);
    ids.extend(charting::seed(replicas, ids[0], [1, 0, 2]));
    // Everyone starts with the seed documents, as after a bootstrap.
    let all: Vec<Held> = replicas.iter().flat_map(Replica::held).collect();
    for r in replicas.iter_mut() {
        r.receive(all.clone(), 8);
    }
    ids
}

/// Registers patient number `n` (its id) on `r`, named after `NAMES[name]`.
fn register(r: &mut Replica, n: usize, name: usize) -> DocId {
    let today = NaiveDate::from_ymd_opt(2026, 11, 22).expect("a date");
    let record = PatientRegistration {
        name: NAMES[name].into(),
        date_of_birth: "1984-03-07".into(),
        sex: Sex::Female,
        mrn: None,
        phone: Some(PHONES[name].into()),
        address: None,
        emergency_contact: None,
    }
    .validate(fixed_id(n), today, Some(&provisional_mrn("P-", n as u64)))
    .expect("a valid registration");
    let meta = r.meta();
    let (doc, _) = Document::create_patient_record(r.id, &record, &meta).expect("created");
    let id = doc.id;
    r.docs.insert(id, doc);
    id
}

fn fixed_id(n: usize) -> DocId {
    DocId(uuid::Uuid::from_u128(0xD0C0 + n as u128))
}

/// Applies one operation. `next_entry` numbers new allergy/medication/problem ids;
/// `added` collects every entry id ever added (none may be lost).
pub fn apply(
    op: &Op,
    replicas: &mut [Replica],
    docs: &mut Vec<DocId>,
    next_entry: &mut u128,
    added: &mut Vec<(DocId, String)>,
) {
    match op {
        Op::Edit {
            replica,
            target,
            edit,
        } => {
            let r = &mut replicas[*replica];
            let kind = match edit {
                Edit::VitalsEnteredInError(_) => DocKind::Vitals,
                Edit::UndoLink(_) => DocKind::PatientLink,
                Edit::WithdrawSection(_) => DocKind::LibrarySection,
                Edit::Chart(c) => c.kind(),
                _ => DocKind::Patient,
            };
            let template: Option<TemplateRecord> =
                r.docs.get(&docs[TEMPLATE]).and_then(|t| t.read().ok());
            let mine: Vec<DocId> = r
                .docs
                .values()
                .filter(|d| d.kind == kind)
                .map(|d| d.id)
                .collect();
            if mine.is_empty() {
                return;
            }
            let id = *target.get(&mine);
            let meta = r.meta();
            let actor = r.id;
            let Some(doc) = r.docs.get_mut(&id) else {
                return;
            };
            let entry = EntryId(uuid::Uuid::from_u128(0xE000 + *next_entry));
            let before = doc.heads();
            let result = match doc.kind {
                DocKind::Patient => doc.edit(actor, &meta, |p: &mut PatientRecord| {
                    patient_edit(p, edit, entry)
                }),
                DocKind::Vitals => match edit {
                    Edit::VitalsEnteredInError(n) => {
                        doc.edit(actor, &meta, |v: &mut VitalsRecord| {
                            v.mark_entered_in_error(WORDS[*n])
                        })
                    }
                    _ => return,
                },
                DocKind::PatientLink => match edit {
                    Edit::UndoLink(n) => doc.edit(actor, &meta, |l: &mut PatientLink| {
                        let at = DateTime::from_timestamp_millis(meta.wall_ms).unwrap_or_default();
                        l.undo(&meta.author, at, WORDS[*n])
                    }),
                    _ => return,
                },
                DocKind::LibrarySection => match edit {
                    Edit::WithdrawSection(n) => doc.edit(actor, &meta, |s: &mut SavedSection| {
                        let at = DateTime::from_timestamp_millis(meta.wall_ms).unwrap_or_default();
                        s.withdraw(["admin.a", "admin.b", "admin.c"][*n], at)
                    }),
                    _ => return,
                },
                _ => match edit {
                    Edit::Chart(c) => {
                        charting::apply(actor, &meta, doc, c, template.as_ref(), *next_entry).map(
                            |c| {
                                c.map(|bytes| outpost_domain::document::LocalChange {
                                    digest: outpost_domain::document::digest(&bytes),
                                    bytes,
                                })
                            },
                        )
                    }
                    _ => return,
                },
            };
            match result {
                Ok(Some(_)) => {
                    if let Edit::Chart(_) = edit {
                        *next_entry += 1;
                    }
                    if matches!(
                        edit,
                        Edit::AddAllergy(_) | Edit::AddMedication(_) | Edit::AddProblem(_)
                    ) {
                        *next_entry += 1;
                        added.push((id, entry.to_string()));
                    }
                }
                Ok(None) | Err(_) => assert_eq!(doc.heads(), before, "no change was written"),
            }
        }
        Op::Register { replica, name } => {
            let n = docs.len() + 100;
            docs.push(register(&mut replicas[*replica], n, *name));
        }
        Op::Resolve {
            replica,
            target,
            conflict,
            value,
        } => {
            let r = &mut replicas[*replica];
            let mine: Vec<DocId> = r.docs.keys().copied().collect();
            let id = *target.get(&mine);
            let meta = r.meta();
            let actor = r.id;
            let Some(doc) = r.docs.get_mut(&id) else {
                return;
            };
            let conflicts = doc.conflicts();
            if conflicts.is_empty() {
                return;
            }
            let c = conflict.get(&conflicts);
            let chosen = &value.get(&c.values).value;
            doc.resolve(actor, &meta, &c.path, chosen, &meta.author)
                .expect("an open conflict resolves to one of its values");
            assert!(doc.conflicts().iter().all(|o| o.path != c.path));
        }
        Op::Deliver {
            from,
            to,
            picks,
            duplicate,
            batch,
        } => {
            let held = replicas[*from].held();
            if held.is_empty() || from == to {
                return;
            }
            let mut sent: Vec<Held> = picks.iter().map(|i| i.get(&held).clone()).collect();
            if *duplicate {
                sent.extend(sent.clone());
            }
            replicas[*to].receive(sent, *batch);
        }
    }
}

fn patient_edit(
    p: &mut PatientRecord,
    edit: &Edit,
    entry: EntryId,
) -> Result<(), outpost_domain::DomainError> {
    let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap_or_default();
    let demographics =
        |u: DemographicsUpdate, p: &mut PatientRecord| update_demographics(p, &u, today);
    let pick = |i: &Index, keys: Vec<&String>| -> Option<EntryId> {
        (!keys.is_empty())
            .then(|| i.get(&keys).parse().ok())
            .flatten()
    };
    let none = || {
        Err(outpost_domain::DomainError::invalid(
            "id",
            "nothing to edit",
        ))
    };
    match edit {
        Edit::Phone(n) => demographics(
            DemographicsUpdate {
                phone: Some(PHONES[*n].into()),
                ..Default::default()
            },
            p,
        ),
        Edit::Address(n) => demographics(
            DemographicsUpdate {
                address: Some(WORDS[*n].into()),
                ..Default::default()
            },
            p,
        ),
        Edit::Name(n) => demographics(
            DemographicsUpdate {
                name: Some(NAMES[*n].into()),
                ..Default::default()
            },
            p,
        ),
        Edit::AddAllergy(n) => add_allergy(p, entry, &allergy(WORDS[*n], SEVERITIES[*n], None)),
        Edit::UpdateAllergy(i, s, r) => match pick(i, p.allergies.keys().collect()) {
            Some(id) => {
                let current = p.allergies[&id.to_string()].clone();
                let mut input = allergy(&current.allergen, SEVERITIES[*s], Some(WORDS[*r]));
                input.status = current.status;
                update_allergy(p, id, &input)
            }
            None => none(),
        },
        Edit::RefuteAllergy(i) => match pick(i, p.allergies.keys().collect()) {
            Some(id) => refute_allergy(p, id),
            None => none(),
        },
        Edit::AddMedication(n) => {
            let input = MedicationInput {
                name: WORDS[*n].into(),
                dose: Some("10 mg".into()),
                route: None,
                frequency: None,
                start: Some("2026-01-01".into()),
                stop: None,
                status: MedicationStatus::Active,
            };
            add_medication(p, entry, &input, today)
        }
        Edit::StopMedication(i) => match pick(i, p.medications.keys().collect()) {
            Some(id) => stop_medication(p, id, "2026-11-01", today),
            None => none(),
        },
        Edit::AddProblem(n) => {
            let input = ProblemInput {
                description: WORDS[*n].into(),
                icd10: Some("R21".into()),
                onset: None,
                status: ProblemStatus::Active,
            };
            add_problem(p, entry, &input, today)
        }
        Edit::ResolveProblem(i) => match pick(i, p.problems.keys().collect()) {
            Some(id) => {
                let current = p.problems[&id.to_string()].clone();
                let input = ProblemInput {
                    description: current.description,
                    icd10: current.icd10,
                    onset: None,
                    status: ProblemStatus::Resolved,
                };
                update_problem(p, id, &input, today)
            }
            None => none(),
        },
        Edit::VitalsEnteredInError(_)
        | Edit::UndoLink(_)
        | Edit::WithdrawSection(_)
        | Edit::Chart(_) => none(),
    }
}

fn allergy(allergen: &str, severity: AllergySeverity, reaction: Option<&str>) -> AllergyInput {
    AllergyInput {
        allergen: allergen.into(),
        reaction: reaction.map(Into::into),
        severity,
        status: AllergyStatus::Active,
    }
}

/// Everything a reader can see of a document: its projection, open conflicts and
/// resolutions. Equal snapshots mean equal screens on every replica.
pub fn snapshot(doc: &Document) -> serde_json::Value {
    let projection = match doc.kind {
        DocKind::Patient => json!(PatientProjection::of(
            &doc.patient_record().expect("a patient")
        )),
        DocKind::Vitals => json!(VitalsProjection::of(&doc.vitals_record().expect("vitals"))),
        DocKind::PatientLink => json!(doc.patient_link().expect("a link")),
        DocKind::LibrarySection => {
            let saved = doc.saved_section().expect("a saved section");
            json!({ "entry": saved.entry(), "offered": saved.offered() })
        }
        _ => charting::projection(doc).expect("a charting record"),
    };
    json!({
        "projection": projection,
        "conflicts": doc.conflicts(),
        "resolutions": doc.resolutions().expect("resolutions"),
        "history": doc.history().len(),
    })
}
