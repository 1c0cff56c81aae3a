//! The fast path against the engine: for random records of every kind, a brand-new
//! document read from its one change equals the engine's read, has the engine's heads,
//! and is stored as bytes the engine loads to the same heads; on a change with every
//! shape the view knows (nested maps, lists with inserts in the middle, deletions,
//! overwritten objects, text with deletions) every answer is the engine's; a change the
//! view does not describe is left to the engine.

use super::FreshDocument;
use crate::clock::Hlc;
use crate::document::encounter::{
    EncounterRecord, EncounterType, FieldValue, NewEncounter, NoteTexts,
};
use crate::document::handover::{
    HandoverPriority, HandoverRecord, HandoverShift, NewHandover, NewHandoverItem,
};
use crate::document::template::testing::published_intake;
use crate::document::template::TemplateRecord;
use crate::document::{parse_change, ChangeMeta, DocKind, Document};
use crate::ids::{DocId, ReplicaId};
use crate::link::PatientLink;
use crate::patient::{PatientRecord, PatientRegistration, Sex};
use crate::vitals::{NewVitals, VitalsRecord};
use automerge::transaction::Transactable;
use automerge::{ActorId, Automerge, ObjId, ObjType, Prop, ReadDoc as Engine, ROOT};
use autosurgeon::{Hydrate, ReadDoc};
use chrono::{NaiveDate, TimeZone, Utc};
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::fmt::Debug;

fn meta(i: i64) -> ChangeMeta {
    ChangeMeta {
        author: "nurse.prop".into(),
        wall_ms: 1_763_800_000_000 + i,
        hlc: Hlc {
            wall_ms: 1_763_800_000_000 + i,
            logical: 0,
        },
    }
}

/// Checks a document made by `created` (its one change) both ways and returns the record.
fn same_both_ways<T: Hydrate + PartialEq + Debug>(created: (Document, Vec<u8>)) -> (T, bool) {
    let (original, bytes) = created;
    let (id, kind) = (original.id, original.kind);
    let fresh = FreshDocument::of(id, kind, parse_change(&bytes).unwrap())
        .map_err(|_| "a record's first change qualifies for the fast path")
        .unwrap();
    let (engine, stored) =
        Document::from_remote(id, kind, vec![parse_change(&bytes).unwrap()]).unwrap();
    let ours: T = fresh.read().unwrap();
    let reference: T = engine.read().unwrap();
    assert_eq!(ours, reference);
    // Read from the bytes alone, without the engine parsing the change: the same.
    let unparsed = FreshDocument::from_bytes(id, kind, &bytes)
        .expect("a record's first change is read from its bytes");
    assert_eq!(unparsed.read::<T>().unwrap(), reference);
    assert_eq!(unparsed.heads(), engine.heads());
    assert_eq!(unparsed.bytes(), fresh.bytes());
    let parsed = parse_change(&bytes).unwrap();
    assert_eq!(unparsed.meta(), ChangeMeta::of_change(&parsed));
    assert!(unparsed.meta().is_some());
    assert_eq!(fresh.heads(), engine.heads());
    assert_eq!(fresh.heads(), original.heads());
    assert_eq!(fresh.bytes(), stored.as_slice());
    assert_eq!(
        Document::load(id, kind, fresh.bytes()).unwrap().heads(),
        engine.heads()
    );
    (ours, fresh.engine.get().is_some())
}

fn created(doc: (Document, crate::document::LocalChange)) -> (Document, Vec<u8>) {
    (doc.0, doc.1.bytes)
}

/// Names, notes and words with any letters, accents, emoji and spacing.
fn words() -> impl Strategy<Value = String> {
    "[A-Za-zÀ-ÿΑ-ω가-힣😀 ]{0,12}[A-Za-zé]{1,8}"
}

fn prose() -> impl Strategy<Value = String> {
    "\\PC{0,300}"
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn patients(name in words(), phone in proptest::option::of("\\+?[0-9]{7,12}"), address in proptest::option::of(prose()), days in 0i64..30_000) {
        let dob = NaiveDate::from_ymd_opt(1940, 1, 1).unwrap() + chrono::Duration::days(days);
        let record = PatientRegistration {
            name: format!("{name} Okafor"),
            date_of_birth: dob.format("%Y-%m-%d").to_string(),
            sex: Sex::Female,
            mrn: None,
            phone,
            address: address.filter(|a| !a.trim().is_empty()),
            emergency_contact: None,
        }
        .validate(DocId::new(), NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(), Some("P-1-7"))
        .unwrap();
        let (read, _): (PatientRecord, _) = same_both_ways(created(Document::create_patient_record(ReplicaId::new(), &record, &meta(1)).unwrap()));
        prop_assert_eq!(read, record);
    }

    #[test]
    fn vitals(weight in 1.0f64..300.0, temp in 30.0f64..45.0, sys in 50.0f64..250.0, dia in 30.0f64..49.0, spo2 in proptest::option::of(70.0f64..100.0), notes in proptest::option::of(prose()), minutes in 0i64..100_000) {
        let now = Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap();
        let set = NewVitals {
            patient_id: DocId::new(),
            weight_kg: Some(weight),
            temperature_c: Some(temp),
            systolic_mmhg: Some(sys),
            diastolic_mmhg: Some(dia),
            spo2_percent: spo2,
            taken_at: Some(now - chrono::Duration::minutes(minutes)),
            ..Default::default()
        }
        .validate(DocId::new(), "nurse.prop", now)
        .unwrap();
        let notes = notes.filter(|n| !n.trim().is_empty());
        let record = VitalsRecord::new(&set, Some("sitting"), notes.as_deref()).unwrap();
        let (read, engine): (VitalsRecord, _) = same_both_ways(created(Document::create_vitals_record(ReplicaId::new(), &record, &meta(2)).unwrap()));
        prop_assert_eq!(read, record);
        prop_assert!(!engine, "a vitals set is read without building the engine");
    }

    #[test]
    fn encounters(history in prose(), plan in prose(), rhythm in prop_oneof!["sinus", "afib", "flutter"], bp in 50.0f64..250.0) {
        let template = published_intake();
        let record = NewEncounter {
            patient_id: DocId::new(),
            provider: "dr.osei".into(),
            date: "2026-11-22".into(),
            encounter_type: EncounterType::NewPatient,
            specialty: "cardiology".into(),
            template: template.pin_latest().unwrap(),
            fields: BTreeMap::from([
                ("bp_sys".into(), FieldValue::Number(bp.round())),
                ("rhythm".into(), FieldValue::Text(rhythm.to_owned())),
            ]),
            notes: NoteTexts { chief_complaint: "Chest tightness".into(), history, assessment: String::new(), plan },
        }
        .validate(DocId::new(), &template)
        .unwrap();
        let doc = Document::create(ReplicaId::new(), record.id, DocKind::Encounter, &record, &meta(3)).unwrap();
        let (read, engine): (EncounterRecord, _) = same_both_ways(created(doc));
        prop_assert_eq!(read, record);
        prop_assert!(!engine, "an encounter (answered fields, notes) is read without building the engine");
    }

    #[test]
    fn handovers(ward in words(), situation in prose(), items in 0usize..4) {
        let shift = |name: &str| HandoverShift { date: "2026-11-22".into(), name: name.into() };
        let mut record = NewHandover { ward: format!("Ward {ward}"), from_shift: shift("day"), to_shift: shift("night"), author: "nurse.kim".into() }
            .validate(DocId::new())
            .unwrap();
        for i in 0..items {
            record.add_item(&NewHandoverItem {
                id: format!("item-{i}"),
                patient_id: DocId::new(),
                priority: HandoverPriority::Urgent,
                situation: format!("{i} {situation}"),
                background: "T2DM".into(),
                assessment: "Pain controlled".into(),
                recommendation: "Mobilise".into(),
                action_required: "Check glucose".into(),
            }).unwrap();
        }
        let doc = Document::create(ReplicaId::new(), record.id, DocKind::Handover, &record, &meta(4)).unwrap();
        let (read, engine): (HandoverRecord, _) = same_both_ways(created(doc));
        prop_assert_eq!(read, record);
        prop_assert!(!engine, "a handover is read without building the engine");
    }

    #[test]
    fn templates(versions in 0usize..3, name in words()) {
        let mut record = published_intake();
        for v in 0..versions {
            record.rename(&format!("Intake {v} {name}")).unwrap();
            record.publish("admin.ana", 2_000 + v as i64).unwrap();
        }
        let doc = Document::create(ReplicaId::new(), record.id, DocKind::Template, &record, &meta(5)).unwrap();
        let (read, engine): (TemplateRecord, _) = same_both_ways(created(doc));
        prop_assert_eq!(read, record);
        prop_assert!(!engine, "a template is read without building the engine");
    }

    #[test]
    fn patient_links(reason in words(), by in words(), secs in 0i64..1_000_000) {
        let at = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap() + chrono::Duration::seconds(secs);
        let link = PatientLink::new(DocId::new(), DocId::new(), DocId::new(), &reason, &by, at).unwrap();
        let (read, _): (PatientLink, _) = same_both_ways(created(Document::create_patient_link(ReplicaId::new(), &link, &meta(6)).unwrap()));
        prop_assert_eq!(read, link);
    }
}

/// One change with every shape the view reads itself.
fn tangled() -> Automerge {
    let mut doc = Automerge::new().with_actor(ActorId::from(b"a".as_slice()));
    let mut tx = doc.transaction();
    tx.put(ROOT, "name", "Amara").unwrap();
    tx.put(ROOT, "name", "Amara O.").unwrap();
    tx.put(ROOT, "age", 41_i64).unwrap();
    tx.put(ROOT, "gone", true).unwrap();
    tx.delete(ROOT, "gone").unwrap();
    let list = tx.put_object(ROOT, "items", ObjType::List).unwrap();
    for i in 0..5_i64 {
        let item = tx.insert_object(&list, i as usize, ObjType::Map).unwrap();
        tx.put(&item, "id", format!("item-{i}")).unwrap();
    }
    tx.insert(&list, 2, "in the middle").unwrap();
    tx.insert(&list, 0, 3.5_f64).unwrap();
    tx.put(&list, 1, "replaced an object").unwrap();
    tx.delete(&list, 4).unwrap();
    let note = tx.put_object(ROOT, "note", ObjType::Text).unwrap();
    tx.splice_text(&note, 0, 0, "38 °C, Müller 😀").unwrap();
    tx.splice_text(&note, 2, 3, "x").unwrap();
    let nested = tx.put_object(ROOT, "nested", ObjType::Map).unwrap();
    tx.put(&nested, "id", "old").unwrap();
    let nested = tx.put_object(ROOT, "nested", ObjType::Map).unwrap();
    tx.put(&nested, "id", "new").unwrap();
    tx.put_object(&nested, "empty", ObjType::List).unwrap();
    tx.commit();
    doc
}

#[test]
fn every_answer_is_the_engines_on_one_tangled_change() {
    let doc = tangled();
    let change = doc.get_changes(&[]).pop().unwrap().clone();
    let fresh = FreshDocument::of(DocId::new(), DocKind::Patient, change)
        .map_err(|_| "qualifies")
        .unwrap();
    let mut objects = vec![ROOT];
    let mut at = 0;
    while at < objects.len() {
        let obj: ObjId = objects[at].clone();
        at += 1;
        let mut props: Vec<Prop> = Engine::keys(&doc, &obj).map(Prop::Map).collect();
        props.extend((0..=Engine::length(&doc, &obj) + 1).map(Prop::Seq));
        props.extend(["missing", "id", "gone"].map(|k| Prop::Map(k.into())));
        for prop in props {
            let ours = ReadDoc::get(&fresh, &obj, prop.clone()).map_err(|e| e.to_string());
            let engine = Engine::get(&doc, &obj, prop.clone()).map_err(|e| e.to_string());
            assert_eq!(ours, engine, "{obj:?} {prop:?}");
            if let Ok(Some((automerge::Value::Object(_), id))) = engine {
                objects.push(id);
            }
        }
        assert_eq!(ReadDoc::length(&fresh, &obj), Engine::length(&doc, &obj));
        if Engine::object_type(&doc, &obj) == Ok(ObjType::Map) {
            let keys = |range: std::ops::RangeFrom<String>| -> (Vec<String>, Vec<String>) {
                (
                    ReadDoc::map_range(&fresh, &obj, range.clone())
                        .map(|item| item.key.to_string())
                        .collect(),
                    Engine::map_range(&doc, &obj, range)
                        .map(|item| item.key.to_string())
                        .collect(),
                )
            };
            for from in ["", "id", "name", "zz"] {
                let (ours, engine) = keys(from.to_owned()..);
                assert_eq!(ours, engine, "keys of {obj:?} from {from:?}");
            }
        }
        assert_eq!(
            ReadDoc::object_type(&fresh, &obj),
            Engine::object_type(&doc, &obj).ok()
        );
        if Engine::object_type(&doc, &obj) == Ok(ObjType::Text) {
            assert_eq!(
                ReadDoc::text(&fresh, &obj).unwrap(),
                Engine::text(&doc, &obj).unwrap()
            );
        }
    }
    assert_eq!(objects.len(), 8, "{objects:?}");
}

#[test]
fn a_change_the_view_does_not_describe_is_left_to_the_engine() {
    let mut doc = Automerge::new();
    let mut tx = doc.transaction();
    tx.put(ROOT, "visits", automerge::ScalarValue::counter(1))
        .unwrap();
    tx.commit();
    let counter = doc.get_changes(&[]).pop().unwrap().clone();
    let id = DocId::new();
    assert!(FreshDocument::from_bytes(id, DocKind::Patient, counter.raw_bytes()).is_none());
    assert!(FreshDocument::of(id, DocKind::Patient, counter).is_err());
    let mut tx = doc.transaction();
    tx.put(ROOT, "name", "Amara").unwrap();
    tx.commit();
    let with_deps = doc.get_changes(&[]).pop().unwrap().clone();
    assert!(!with_deps.deps().is_empty());
    assert!(FreshDocument::from_bytes(id, DocKind::Patient, with_deps.raw_bytes()).is_none());
    assert!(FreshDocument::of(DocId::new(), DocKind::Patient, with_deps).is_err());
}

#[test]
fn bytes_whose_checksum_does_not_match_their_hash_are_left_to_the_engine() {
    let record = PatientRegistration {
        name: "Amara Okafor".into(),
        date_of_birth: "1984-02-29".into(),
        sex: Sex::Female,
        mrn: None,
        phone: None,
        address: None,
        emergency_contact: None,
    }
    .validate(
        DocId::new(),
        NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(),
        Some("P-1-7"),
    )
    .unwrap();
    let (_, change) = Document::create_patient_record(ReplicaId::new(), &record, &meta(1)).unwrap();
    let id = DocId::new();
    assert!(FreshDocument::from_bytes(id, DocKind::Patient, &change.bytes).is_some());
    let mut damaged = change.bytes.clone();
    damaged[4] ^= 0xff;
    assert!(FreshDocument::from_bytes(id, DocKind::Patient, &damaged).is_none());
    let mut trailing = change.bytes.clone();
    trailing.push(0);
    assert!(FreshDocument::from_bytes(id, DocKind::Patient, &trailing).is_none());
}
