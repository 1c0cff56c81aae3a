//! Real records of every kind, made the way a workstation makes them (through the domain),
//! as the changes a device pushes: a [`Desk`] numbers its replica's changes in order.

use chrono::{TimeZone, Utc};
use outpost_domain::clock::Hlc;
use outpost_domain::document::encounter::{
    EncounterRecord, EncounterType, FieldValue, NewEncounter, NoteTexts,
};
use outpost_domain::document::handover::{
    HandoverPriority, HandoverRecord, HandoverShift, NewHandover, NewHandoverItem,
};
use outpost_domain::document::template::{
    starter_sections, FieldType, GridPos, SavedSection, TemplateContent, TemplateField,
    TemplatePage, TemplateRecord, TemplateScope, TemplateSection,
};
use outpost_domain::document::{ChangeMeta, DocKind, Document, LocalChange};
use outpost_domain::ids::{DocId, ReplicaId};
use outpost_domain::link::PatientLink;
use outpost_domain::patient::{Patient, Sex};
use outpost_domain::protocol::{Bytes, WireChange};
use outpost_domain::vitals::{NewVitals, Observation, VitalsRecord, VitalsSet, VitalsStatus};
use std::collections::BTreeMap;

pub fn meta(author: &str) -> ChangeMeta {
    let wall_ms = 1_763_800_000_000;
    ChangeMeta {
        author: author.into(),
        wall_ms,
        hlc: Hlc {
            wall_ms,
            logical: 0,
        },
    }
}

/// One workstation's replica: makes changes and numbers them 1, 2, 3, ...
#[derive(Debug)]
pub struct Desk {
    pub replica: ReplicaId,
    next: u64,
}

impl Desk {
    pub fn new(replica: ReplicaId) -> Self {
        Self { replica, next: 1 }
    }

    /// The counter the next change gets.
    pub fn next_counter(&self) -> u64 {
        self.next
    }

    pub fn wire(&mut self, doc: &Document, local: LocalChange) -> WireChange {
        let counter = self.next;
        self.next += 1;
        WireChange {
            replica_id: self.replica,
            counter,
            doc_id: doc.id,
            kind: doc.kind,
            digest: local.digest,
            bytes: Bytes(local.bytes),
            received_at: None,
        }
    }

    pub fn patient(&mut self, author: &str) -> (Document, WireChange) {
        let id = DocId::new();
        let patient = Patient {
            id,
            name: "Test Patient".into(),
            date_of_birth: chrono::NaiveDate::from_ymd_opt(1980, 1, 1).unwrap(),
            sex: Sex::Female,
            mrn: format!("MRN-{}", &id.0.simple().to_string()[20..]),
        };
        let (doc, local) = Document::create_patient(self.replica, &patient, &meta(author)).unwrap();
        let wire = self.wire(&doc, local);
        (doc, wire)
    }

    /// A vitals set with the given temperature, written without the workstation's range
    /// check, so a test can send what an honest workstation never would.
    pub fn vitals(
        &mut self,
        author: &str,
        patient: DocId,
        temperature_c: f64,
    ) -> (Document, WireChange) {
        let now = Utc::now() - chrono::Duration::hours(1);
        let ok = NewVitals {
            patient_id: patient,
            temperature_c: Some(37.0),
            heart_rate_per_min: Some(72.0),
            taken_at: Some(now),
            ..Default::default()
        }
        .validate(DocId::new(), author, now)
        .unwrap();
        let observations = ok
            .observations
            .iter()
            .map(|o| Observation {
                value: if o.field == "temperature_c" {
                    temperature_c
                } else {
                    o.value
                },
                ..o.clone()
            })
            .collect();
        let set = VitalsSet {
            observations,
            status: VitalsStatus::Final,
            ..ok
        };
        let record = VitalsRecord::new(&set, None, None).unwrap();
        let (doc, local) =
            Document::create_vitals_record(self.replica, &record, &meta(author)).unwrap();
        let wire = self.wire(&doc, local);
        (doc, wire)
    }

    /// A published template (one page, three fields).
    pub fn template(&mut self, author: &str) -> (Document, WireChange) {
        let mut content = TemplateContent::new(
            "Cardiology follow-up",
            "cardiology",
            EncounterType::FollowUp,
            TemplateScope::Clinic,
        );
        let mut section = TemplateSection::new("exam", "Examination", GridPos::new(0, 0, 12, 4));
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
            title: "Follow-up".into(),
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
        let wire = self.wire(&doc, local);
        (doc, wire)
    }

    /// Renames a template's draft (a layout change).
    pub fn rename_template(&mut self, doc: &mut Document, author: &str, name: &str) -> WireChange {
        let local = doc
            .edit(self.replica, &meta(author), |t: &mut TemplateRecord| {
                t.rename(name)
            })
            .unwrap()
            .unwrap();
        self.wire(doc, local)
    }

    /// An encounter charted on `template`'s latest version.
    pub fn encounter(
        &mut self,
        author: &str,
        template: &Document,
        patient: DocId,
    ) -> (Document, WireChange) {
        let template: TemplateRecord = template.read().unwrap();
        let record: EncounterRecord = NewEncounter {
            patient_id: patient,
            provider: author.into(),
            date: "2026-11-22".into(),
            encounter_type: EncounterType::FollowUp,
            specialty: "cardiology".into(),
            template: template.pin_latest().unwrap(),
            fields: BTreeMap::from([("bp_sys".to_owned(), FieldValue::Number(148.0))]),
            notes: NoteTexts {
                chief_complaint: "Chest pain on exertion".into(),
                ..Default::default()
            },
        }
        .validate(DocId::new(), &template)
        .unwrap();
        let (doc, local) = Document::create(
            self.replica,
            record.id,
            DocKind::Encounter,
            &record,
            &meta(author),
        )
        .unwrap();
        let wire = self.wire(&doc, local);
        (doc, wire)
    }

    /// A handover with one urgent item about `patient`.
    pub fn handover(&mut self, author: &str, patient: DocId) -> (Document, WireChange) {
        let shift = |name: &str| HandoverShift {
            date: "2026-11-22".into(),
            name: name.into(),
        };
        let mut record: HandoverRecord = NewHandover {
            ward: "Ward 3".into(),
            from_shift: shift("day"),
            to_shift: shift("night"),
            author: author.into(),
        }
        .validate(DocId::new())
        .unwrap();
        record
            .add_item(&NewHandoverItem {
                id: "item-1".into(),
                patient_id: patient,
                priority: HandoverPriority::Urgent,
                situation: "Post-op day 1".into(),
                background: String::new(),
                assessment: String::new(),
                recommendation: String::new(),
                action_required: "Check drain".into(),
            })
            .unwrap();
        let (doc, local) = Document::create(
            self.replica,
            record.id,
            DocKind::Handover,
            &record,
            &meta(author),
        )
        .unwrap();
        let wire = self.wire(&doc, local);
        (doc, wire)
    }

    /// A link merging `merged` into `survivor`.
    pub fn link(&mut self, author: &str, survivor: DocId, merged: DocId) -> (Document, WireChange) {
        let at = Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap();
        let link =
            PatientLink::new(DocId::new(), survivor, merged, "same person", author, at).unwrap();
        let (doc, local) =
            Document::create_patient_link(self.replica, &link, &meta(author)).unwrap();
        let wire = self.wire(&doc, local);
        (doc, wire)
    }

    /// The vitals starter saved to the clinic's section library.
    pub fn library_section(&mut self, author: &str) -> (Document, WireChange) {
        let at = Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap();
        let starter = starter_sections().remove(0);
        let saved = SavedSection::new(DocId::new(), starter.section, "Vitals", author, at).unwrap();
        let (doc, local) =
            Document::create_saved_section(self.replica, &saved, &meta(author)).unwrap();
        let wire = self.wire(&doc, local);
        (doc, wire)
    }
}
