//! The judgement of a batch without a database: what is applied, what is quarantined with
//! which reason, and how a quarantined change holds back the replica's later changes.

#![allow(clippy::unwrap_used)]

use super::*;
use chrono::TimeZone;
use outpost_domain::clock::Hlc;
use outpost_domain::document::encounter::{EncounterType, FieldValue, NewEncounter, NoteTexts};
use outpost_domain::document::template::{
    FieldType, GridPos, TemplateContent, TemplateField, TemplatePage, TemplateScope,
    TemplateSection,
};
use outpost_domain::ids::ReplicaId;
use outpost_domain::patient::{Patient, Sex};
use outpost_domain::protocol::Bytes;
use outpost_domain::vitals::{NewVitals, VitalsRecord};
use std::collections::BTreeMap;

/// Lets every author do everything except create or edit templates (a nurse, roughly).
#[derive(Debug)]
struct NoTemplates;

impl Authority for NoTemplates {
    fn check(&self, author: &str, kind: DocKind, _creating: bool) -> Result<(), Refusal> {
        if kind == DocKind::Template && author != "admin" {
            Err(Refusal::new("forbidden_role", "not an admin"))
        } else {
            Ok(())
        }
    }
}

fn meta(author: &str) -> ChangeMeta {
    ChangeMeta {
        author: author.into(),
        wall_ms: 1_763_800_000_000,
        hlc: Hlc::default(),
    }
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap()
}

struct Desk {
    replica: ReplicaId,
    next: u64,
}

impl Desk {
    fn new() -> Self {
        Self {
            replica: ReplicaId::new(),
            next: 1,
        }
    }

    fn wire(&mut self, doc: &Document, bytes: Vec<u8>) -> WireChange {
        self.next += 1;
        WireChange {
            replica_id: self.replica,
            counter: self.next - 1,
            doc_id: doc.id,
            kind: doc.kind,
            digest: outpost_domain::document::digest(&bytes),
            bytes: Bytes(bytes),
            received_at: None,
        }
    }

    fn patient(&mut self) -> WireChange {
        let id = DocId::new();
        let p = Patient {
            id,
            name: "Test Patient".into(),
            date_of_birth: chrono::NaiveDate::from_ymd_opt(1980, 1, 1).unwrap(),
            sex: Sex::Male,
            mrn: "MRN-1".into(),
        };
        let (doc, local) = Document::create_patient(self.replica, &p, &meta("nurse")).unwrap();
        self.wire(&doc, local.bytes)
    }

    fn vitals(&mut self, temperature: f64) -> (Document, WireChange) {
        let mut set = NewVitals {
            patient_id: DocId::new(),
            temperature_c: Some(37.0),
            taken_at: Some(now()),
            ..Default::default()
        }
        .validate(DocId::new(), "nurse", now())
        .unwrap();
        set.observations[0].value = temperature;
        let record = VitalsRecord::new(&set, None, None).unwrap();
        let (doc, local) =
            Document::create_vitals_record(self.replica, &record, &meta("nurse")).unwrap();
        let wire = self.wire(&doc, local.bytes);
        (doc, wire)
    }

    fn template(&mut self, author: &str) -> (Document, WireChange) {
        let mut content = TemplateContent::new(
            "Follow-up",
            "cardiology",
            EncounterType::FollowUp,
            TemplateScope::Clinic,
        );
        let mut section = TemplateSection::new("exam", "Exam", GridPos::new(0, 0, 12, 4));
        section.fields.push(TemplateField::new(
            "bp_sys",
            "Systolic BP",
            FieldType::Number {
                unit: "mmHg".into(),
                min: Some(50.0),
                max: Some(250.0),
            },
            GridPos::new(0, 0, 3, 1),
        ));
        content.pages.push(TemplatePage {
            id: "main".into(),
            title: "Main".into(),
            sections: vec![section],
        });
        let mut record = TemplateRecord::new(DocId::new(), content).unwrap();
        record.publish(author, 1_763_800_000_000).unwrap();
        let (doc, local) = Document::create(
            self.replica,
            record.id,
            DocKind::Template,
            &record,
            &meta(author),
        )
        .unwrap();
        let wire = self.wire(&doc, local.bytes);
        (doc, wire)
    }

    fn encounter(&mut self, template: &Document) -> WireChange {
        let template: TemplateRecord = template.read().unwrap();
        let record = NewEncounter {
            patient_id: DocId::new(),
            provider: "dr".into(),
            date: "2026-11-22".into(),
            encounter_type: EncounterType::FollowUp,
            specialty: "cardiology".into(),
            template: template.pin_latest().unwrap(),
            fields: BTreeMap::from([("bp_sys".to_owned(), FieldValue::Number(140.0))]),
            notes: NoteTexts::default(),
        }
        .validate(DocId::new(), &template)
        .unwrap();
        let (doc, local) = Document::create(
            self.replica,
            record.id,
            DocKind::Encounter,
            &record,
            &meta("dr"),
        )
        .unwrap();
        self.wire(&doc, local.bytes)
    }
}

struct World {
    stored: StoredDocs,
    foreign: HashSet<DocId>,
    templates: HashMap<DocId, TemplateRecord>,
    looked_for: HashSet<DocId>,
    held: Held,
}

impl World {
    fn new() -> Self {
        Self {
            stored: HashMap::new(),
            foreign: HashSet::new(),
            templates: HashMap::new(),
            looked_for: HashSet::new(),
            held: Held::default(),
        }
    }

    fn judge(&self, batch: &[WireChange]) -> Result<Judged, NeedTemplates> {
        let batch: Vec<CheckedChange> = batch
            .iter()
            .map(|c| CheckedChange::parse(c.clone()).unwrap())
            .collect();
        judge(
            &batch,
            &Inputs {
                stored: &self.stored,
                foreign: &self.foreign,
                authority: &NoTemplates,
                templates: &self.templates,
                looked_for: &self.looked_for,
                held: &self.held,
                now: now(),
            },
        )
    }
}

fn codes(j: &Judged) -> Vec<Option<&'static str>> {
    j.verdicts
        .iter()
        .map(|v| v.as_ref().map(|r| r.code))
        .collect()
}

#[test]
fn valid_changes_apply_and_their_documents_are_returned_as_created() {
    let mut desk = Desk::new();
    let batch = vec![desk.patient(), desk.vitals(37.5).1];
    let j = World::new().judge(&batch).unwrap();
    assert_eq!(codes(&j), [None, None]);
    assert_eq!(j.changed.len(), 2);
    assert!(batch.iter().all(|c| j.created.contains(&c.doc_id)));
}

#[test]
fn a_refused_change_holds_back_every_later_change_of_the_replica() {
    let mut desk = Desk::new();
    let (mut template, first) = desk.template("admin");
    let nurse_edit = {
        let local = template
            .edit(desk.replica, &meta("nurse"), |t: &mut TemplateRecord| {
                t.rename("Renamed by a nurse")
            })
            .unwrap()
            .unwrap();
        desk.wire(&template, local.bytes)
    };
    let later_same_doc = {
        let local = template
            .edit(desk.replica, &meta("admin"), |t: &mut TemplateRecord| {
                t.rename("Renamed again")
            })
            .unwrap()
            .unwrap();
        desk.wire(&template, local.bytes)
    };
    let other_doc = desk.patient();
    let batch = vec![first, nurse_edit, later_same_doc, other_doc];
    let j = World::new().judge(&batch).unwrap();
    assert_eq!(
        codes(&j),
        [
            None,
            Some("forbidden_role"),
            Some("depends_on_quarantined"),
            Some("follows_quarantined")
        ]
    );
    // The server's copy holds only the admin's first change.
    let saved: TemplateRecord = j.changed[0].read().unwrap();
    assert_eq!(saved.draft().name, "Follow-up");
    assert_eq!(j.changed.len(), 1);
}

#[test]
fn a_replica_already_held_gets_nothing_applied() {
    let mut desk = Desk::new();
    let mut world = World::new();
    world.held = Held {
        since: Some(1),
        docs: HashSet::new(),
    };
    let j = world.judge(&[desk.patient()]).unwrap();
    assert_eq!(codes(&j), [Some("follows_quarantined")]);
    assert!(j.changed.is_empty());
}

#[test]
fn out_of_range_vitals_are_refused_naming_the_field() {
    let mut desk = Desk::new();
    let (_, hot) = desk.vitals(50.0);
    let j = World::new().judge(&[hot]).unwrap();
    let refusal = j.verdicts[0].clone().unwrap();
    assert_eq!(refusal.code, "invalid_record");
    assert!(refusal.reason.contains("temperature"), "{}", refusal.reason);
}

#[test]
fn changing_a_stored_vitals_value_is_refused() {
    let mut desk = Desk::new();
    let (mut doc, _) = desk.vitals(37.0);
    let mut world = World::new();
    world.stored.insert(doc.id, (DocKind::Vitals, doc.save()));
    // A tampered workstation rewrites the temperature through the raw record.
    let local = doc
        .edit(desk.replica, &meta("nurse"), |v: &mut VitalsRecord| {
            let mut set = v.set();
            set.observations[0].value = 38.0;
            *v = VitalsRecord::new(&set, None, None)?;
            Ok(())
        })
        .unwrap()
        .unwrap();
    let change = desk.wire(&doc, local.bytes);
    let j = world.judge(&[change]).unwrap();
    assert_eq!(codes(&j), [Some("invalid_record")]);
}

#[test]
fn another_clinics_document_is_a_tenant_violation() {
    let mut desk = Desk::new();
    let change = desk.patient();
    let mut world = World::new();
    world.foreign.insert(change.doc_id);
    let j = world.judge(&[change]).unwrap();
    assert_eq!(codes(&j), [Some("tenant")]);
}

#[test]
fn an_encounter_asks_for_its_template_then_is_checked_against_it() {
    let mut desk = Desk::new();
    let (template, _) = desk.template("admin");
    let encounter = desk.encounter(&template);
    let mut world = World::new();
    let NeedTemplates(need) = world.judge(std::slice::from_ref(&encounter)).unwrap_err();
    assert_eq!(need.into_iter().collect::<Vec<_>>(), [template.id]);

    world.looked_for.insert(template.id);
    let j = world.judge(std::slice::from_ref(&encounter)).unwrap();
    assert_eq!(codes(&j), [Some("invalid_record")], "no such template here");

    world
        .templates
        .insert(template.id, template.read().unwrap());
    let j = world.judge(&[encounter]).unwrap();
    assert_eq!(codes(&j), [None]);
}

#[test]
fn an_encounter_may_follow_its_template_in_the_same_batch() {
    let mut desk = Desk::new();
    let (template, t) = desk.template("admin");
    let e = desk.encounter(&template);
    let j = World::new().judge(&[t, e]).unwrap();
    assert_eq!(codes(&j), [None, None]);
}

#[test]
fn a_change_without_outpost_metadata_has_no_author() {
    let mut desk = Desk::new();
    let mut doc = automerge::AutoCommit::new().with_actor(desk.replica.actor());
    use automerge::transaction::Transactable;
    doc.put(automerge::ROOT, "x", 1).unwrap();
    let bytes = doc.save_incremental();
    let change = automerge::Change::from_bytes(
        automerge::Automerge::load(&bytes).unwrap().get_changes(&[])[0]
            .raw_bytes()
            .to_vec(),
    )
    .unwrap();
    let wire = desk.wire(
        &Document::empty(DocId::new(), DocKind::Patient),
        change.raw_bytes().to_vec(),
    );
    let j = World::new().judge(&[wire]).unwrap();
    assert_eq!(codes(&j), [Some("unknown_author")]);
}
