//! Record builders shared by the scenarios, and `TwoDesks`: one clinic, the real server
//! and two enrolled workstations, with the sync rounds every charting scenario repeats.

use outpost_domain::document::encounter::{EncounterType, NewEncounter, NoteTexts};
use outpost_domain::document::template::{
    FieldType, GridPos, TemplateContent, TemplateField, TemplatePage, TemplateScope,
    TemplateSection,
};
use outpost_domain::ids::{ClinicId, DocId};
use outpost_domain::patient::{NewPatient, Sex};
use outpost_domain::vitals::NewVitals;
use outpost_e2e::{Backend, Server, Workstation};
use outpost_replica::Replica;
use std::collections::{BTreeMap, BTreeSet};

pub fn patient(name: &str, mrn: &str) -> NewPatient {
    NewPatient {
        name: name.into(),
        date_of_birth: "1970-05-12".into(),
        sex: Sex::Female,
        mrn: mrn.into(),
    }
}

pub fn vitals(patient_id: DocId, heart_rate: f64) -> NewVitals {
    NewVitals {
        patient_id,
        temperature_c: Some(37.0),
        heart_rate_per_min: Some(heart_rate),
        spo2_percent: Some(97.0),
        ..Default::default()
    }
}

/// A clinic with the real server and two enrolled workstations, `a` and `b`. Fields drop
/// in order: workstations, then the server process, then Postgres.
pub struct TwoDesks {
    pub a: Workstation,
    pub b: Workstation,
    pub server: Server,
    clinic: ClinicId,
    /// Postgres, kept alive for the server; dropped last.
    backend: Backend,
}

impl TwoDesks {
    pub async fn start(clinic: &str) -> TwoDesks {
        let backend = Backend::start().await.unwrap();
        let clinic = backend.clinic(clinic).await.unwrap();
        let server = Server::start(&backend).await.unwrap();
        let a = enroll(&backend, &server, clinic, "A").await;
        let b = enroll(&backend, &server, clinic, "B").await;
        TwoDesks {
            a,
            b,
            server,
            clinic,
            backend,
        }
    }

    /// Enrolls a further workstation of the same clinic (the server must be up).
    pub async fn enroll_another(&self, device: &str) -> Workstation {
        enroll(&self.backend, &self.server, self.clinic, device).await
    }

    /// Postgres and the server's database, for admin actions (users, revocation).
    pub fn backend(&self) -> &Backend {
        &self.backend
    }

    pub fn clinic(&self) -> ClinicId {
        self.clinic
    }

    pub fn both(&self) -> [&Workstation; 2] {
        [&self.a, &self.b]
    }

    /// Two rounds, A then B each time: afterwards each holds what the other wrote.
    pub async fn sync_both_twice(&self) {
        for _ in 0..2 {
            self.a.sync().await.unwrap();
            self.b.sync().await.unwrap();
        }
    }

    /// The link goes down: syncing fails until [`TwoDesks::online`].
    pub async fn offline(&mut self) {
        self.server.kill().await;
        for ws in self.both() {
            let err = ws.sync().await.unwrap_err();
            assert!(err.is_offline(), "the server is down: {err}");
        }
    }

    pub async fn online(&mut self) {
        self.server.up().await.unwrap();
    }

    /// Nothing is left to exchange: no pending local change on either, and syncing again
    /// and again moves nothing.
    pub async fn assert_settled(&self) {
        for round in 0..2 {
            for ws in self.both() {
                let report = ws.sync().await.unwrap();
                assert_eq!(
                    (report.pushed, report.pulled),
                    (0, 0),
                    "round {round} after the scenario moved changes"
                );
                assert_eq!(ws.with(|r| r.pending_changes()).unwrap(), 0);
            }
        }
    }
}

/// The same record on both workstations is made of the same changes.
pub fn same_changes(desks: &TwoDesks, doc: DocId) -> usize {
    let hashes = |ws: &Workstation| -> BTreeSet<String> {
        ws.with(|r| r.history(doc))
            .unwrap()
            .into_iter()
            .map(|h| h.hash)
            .collect()
    };
    let on_a = hashes(&desks.a);
    assert_eq!(
        on_a,
        hashes(&desks.b),
        "both hold the same changes of {doc}"
    );
    on_a.len()
}

/// A number field on the grid.
pub fn number_field(id: &str, label: &str, unit: &str, grid: GridPos) -> TemplateField {
    let kind = FieldType::Number {
        unit: unit.into(),
        min: Some(0.0),
        max: Some(500.0),
    };
    TemplateField::new(id, label, kind, grid)
}

/// An intake form draft: page `main` with section `history` (text field `complaint`) and
/// section `exam` (number field `weight`, kg).
pub fn intake_draft() -> TemplateContent {
    let mut history = TemplateSection::new("history", "History", GridPos::new(0, 0, 12, 2));
    history.fields.push(TemplateField::new(
        "complaint",
        "Presenting complaint",
        FieldType::Text,
        GridPos::new(0, 0, 12, 1),
    ));
    let mut exam = TemplateSection::new("exam", "Examination", GridPos::new(0, 2, 12, 2));
    exam.fields.push(number_field(
        "weight",
        "Weight",
        "kg",
        GridPos::new(0, 0, 4, 1),
    ));
    let mut content = TemplateContent::new(
        "Surgical intake",
        "surgery",
        EncounterType::NewPatient,
        TemplateScope::Clinic,
    );
    content.pages.push(TemplatePage {
        id: "main".into(),
        title: "Main".into(),
        sections: vec![history, exam],
    });
    content
}

/// Creates the intake form on `ws` and publishes it as version 1; returns its id.
pub fn published_intake(ws: &Workstation, admin: &str) -> DocId {
    ws.with(|r| {
        let t = r.create_template(&intake_draft(), admin).unwrap();
        assert_eq!(r.publish_template(t.id, admin).unwrap(), 1);
        t.id
    })
}

/// A new-patient encounter on `version` of `template`, with no fields or notes yet. Takes
/// the replica (call it inside `Workstation::with`), as the workstation's lock is not
/// reentrant.
pub fn encounter(r: &Replica, patient_id: DocId, template: DocId, version: u64) -> NewEncounter {
    NewEncounter {
        patient_id,
        provider: "dr.osei".into(),
        date: "2026-03-02".into(),
        encounter_type: EncounterType::NewPatient,
        specialty: "surgery".into(),
        template: r.template_pin(template, Some(version)).unwrap(),
        fields: BTreeMap::new(),
        notes: NoteTexts::default(),
    }
}

async fn enroll(backend: &Backend, server: &Server, clinic: ClinicId, device: &str) -> Workstation {
    let code = backend.enrollment_code(clinic, device).await.unwrap();
    let ws = Workstation::enroll(server, &code).await.unwrap();
    backend.add_test_users(clinic).await.unwrap();
    ws.sign_in_test_users().await.unwrap();
    ws
}
