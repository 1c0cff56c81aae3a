//! Issue 4 acceptance: a fresh workstation bootstraps a clinic of 2,000 patients, 10,000
//! vitals and 2,000 encounters from the server's compacted documents, reporting progress;
//! the connection is cut halfway and the resumed bootstrap downloads only the rest; the
//! result has every document with the server's heads, and the workstation then syncs like
//! any other (pulls move nothing more).
//!
//! The clinic is seeded quickly: the records are built through the domain on desk A's
//! replica id (as that workstation would write them) and pushed in protocol batches,
//! instead of 14,000 local transactions.

use crate::common::{intake_draft, TwoDesks};
use chrono::{NaiveDate, Utc};
use outpost_domain::clock::Hlc;
use outpost_domain::document::encounter::{EncounterType, FieldValue, NewEncounter, NoteTexts};
use outpost_domain::document::template::TemplateRecord;
use outpost_domain::document::{ChangeMeta, DocKind, Document, LocalChange};
use outpost_domain::ids::{DocId, ReplicaId};
use outpost_domain::patient::{NewPatient, Sex};
use outpost_domain::protocol::users::{SignInReport, SignInReportResponse, UsersResponse};
use outpost_domain::protocol::{
    BootstrapRequest, BootstrapResponse, Bytes, MrnBlock, MrnBlockRequest, PullRequest,
    PullResponse, PushRequest, PushResponse, WireChange, MAX_BATCH, PROTOCOL_VERSION,
};
use outpost_domain::vitals::NewVitals;
use outpost_replica::sync::{self, HttpTransport, Transport, TransportError};
use outpost_replica::{BootstrapProgress, BootstrapStage};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};

const PATIENTS: usize = 2_000;
const VITALS: usize = 10_000;
const ENCOUNTERS: usize = 2_000;

/// The workstation's own transport, counting the bootstrap pages and documents it brings
/// and failing like a cut cable once it has brought `cut_after` pages.
struct Cable<'a> {
    inner: &'a HttpTransport,
    cut_after: Option<u64>,
    pages: AtomicU64,
    documents: AtomicU64,
}

impl<'a> Cable<'a> {
    fn new(inner: &'a HttpTransport, cut_after: Option<u64>) -> Self {
        Cable {
            inner,
            cut_after,
            pages: AtomicU64::new(0),
            documents: AtomicU64::new(0),
        }
    }
}

impl Transport for Cable<'_> {
    async fn push(&self, req: &PushRequest) -> Result<PushResponse, TransportError> {
        self.inner.push(req).await
    }
    async fn pull(&self, req: &PullRequest) -> Result<PullResponse, TransportError> {
        self.inner.pull(req).await
    }
    async fn mrn_block(&self, req: &MrnBlockRequest) -> Result<MrnBlock, TransportError> {
        self.inner.mrn_block(req).await
    }
    async fn users(&self) -> Result<UsersResponse, TransportError> {
        self.inner.users().await
    }
    async fn report_sign_ins(
        &self,
        report: &SignInReport,
    ) -> Result<SignInReportResponse, TransportError> {
        self.inner.report_sign_ins(report).await
    }
    async fn bootstrap(&self, req: &BootstrapRequest) -> Result<BootstrapResponse, TransportError> {
        if self.cut_after == Some(self.pages.load(Ordering::SeqCst)) {
            return Err(TransportError::Unreachable {
                url: "the cut cable".into(),
                detail: "connection reset".into(),
            });
        }
        let page = self.inner.bootstrap(req).await?;
        self.pages.fetch_add(1, Ordering::SeqCst);
        self.documents
            .fetch_add(page.documents.len() as u64, Ordering::SeqCst);
        Ok(page)
    }
}

fn meta(author: &str, i: usize) -> ChangeMeta {
    let wall_ms = Utc::now().timestamp_millis() + i as i64;
    ChangeMeta {
        author: author.into(),
        wall_ms,
        hlc: Hlc {
            wall_ms,
            logical: 0,
        },
    }
}

/// Every record of the clinic, as changes of `actor` in the order they are pushed.
fn clinic_changes(actor: ReplicaId) -> Vec<(DocId, DocKind, LocalChange)> {
    let mut out = Vec::with_capacity(1 + PATIENTS + VITALS + ENCOUNTERS);
    let mut template = TemplateRecord::new(DocId::new(), intake_draft()).unwrap();
    template.publish("admin.ama", 1_000).unwrap();
    let (_, c) = Document::create(
        actor,
        template.id,
        DocKind::Template,
        &template,
        &meta("admin.ama", 0),
    )
    .unwrap();
    out.push((template.id, DocKind::Template, c));
    let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
    let mut patients = Vec::with_capacity(PATIENTS);
    for i in 0..PATIENTS {
        let p = NewPatient {
            name: format!("Patient Number{i:05} Mensah"),
            date_of_birth: format!("19{:02}-0{}-1{}", 30 + i % 60, 1 + i % 9, i % 9),
            sex: Sex::Female,
            mrn: format!("BOOT-{i:05}"),
        }
        .validate(DocId::new(), today)
        .unwrap();
        let (_, c) = Document::create_patient(actor, &p, &meta("desk.ama", i)).unwrap();
        out.push((p.id, DocKind::Patient, c));
        patients.push(p.id);
    }
    let now = Utc::now();
    for i in 0..VITALS {
        let v = NewVitals {
            patient_id: patients[i % PATIENTS],
            temperature_c: Some(36.0 + (i % 20) as f64 / 10.0),
            heart_rate_per_min: Some(60.0 + (i % 50) as f64),
            spo2_percent: Some(95.0 + (i % 5) as f64),
            taken_at: Some(now - chrono::Duration::minutes(i as i64)),
            ..Default::default()
        }
        .validate(DocId::new(), "nurse.kim", now)
        .unwrap();
        let (_, c) = Document::create_vitals(actor, &v, &meta("nurse.kim", i)).unwrap();
        out.push((v.id, DocKind::Vitals, c));
    }
    for i in 0..ENCOUNTERS {
        let e = NewEncounter {
            patient_id: patients[i % PATIENTS],
            provider: "dr.osei".into(),
            date: "2026-11-22".into(),
            encounter_type: EncounterType::NewPatient,
            specialty: "surgery".into(),
            template: template.pin_latest().unwrap(),
            fields: BTreeMap::from([("weight".into(), FieldValue::Number(60.0 + (i % 40) as f64))]),
            notes: NoteTexts {
                chief_complaint: format!("Right knee pain, visit {i}"),
                ..NoteTexts::default()
            },
        }
        .validate(DocId::new(), &template)
        .unwrap();
        let (_, c) =
            Document::create(actor, e.id, DocKind::Encounter, &e, &meta("dr.osei", i)).unwrap();
        out.push((e.id, DocKind::Encounter, c));
    }
    out
}

/// Pushes the clinic through desk A's connection, in protocol batches.
async fn seed(desks: &TwoDesks) -> usize {
    let actor = desks.a.with(|r| r.replica_id());
    let first = desks.a.with(|r| r.local_counter()).unwrap() + 1;
    let changes = clinic_changes(actor);
    let wire: Vec<WireChange> = changes
        .into_iter()
        .enumerate()
        .map(|(i, (doc_id, kind, c))| WireChange {
            replica_id: actor,
            counter: first + i as u64,
            doc_id,
            kind,
            digest: c.digest,
            bytes: Bytes(c.bytes),
            received_at: None,
        })
        .collect();
    let count = wire.len();
    for batch in wire.chunks(MAX_BATCH) {
        let answer = desks
            .a
            .transport()
            .push(&PushRequest {
                protocol: PROTOCOL_VERSION,
                replica_id: actor,
                changes: batch.to_vec(),
            })
            .await
            .unwrap();
        assert!(
            answer.quarantined.is_empty(),
            "{:?}",
            answer.quarantined.first()
        );
    }
    count
}

async fn server_heads(desks: &TwoDesks) -> BTreeMap<DocId, Vec<String>> {
    let rows: Vec<(sqlx::types::Uuid, Vec<String>)> =
        sqlx::query_as("SELECT doc_id, heads FROM documents WHERE clinic_id = $1")
            .bind(desks.clinic().0)
            .fetch_all(desks.backend().db.pool())
            .await
            .unwrap();
    rows.into_iter()
        .map(|(id, mut heads)| {
            heads.sort();
            (DocId(id), heads)
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fresh_workstation_bootstraps_resumes_after_a_cut_and_matches_the_server() {
    let desks = TwoDesks::start("Bootstrap clinic").await;
    let started = std::time::Instant::now();
    let documents = seed(&desks).await as u64;
    tracing::info!(
        seconds = started.elapsed().as_secs_f64(),
        "seeded the clinic"
    );
    let server = server_heads(&desks).await;
    assert_eq!(server.len() as u64, documents);

    let c = desks.enroll_another("C").await;
    assert_eq!(
        c.with(|r| r.bootstrap_stage()).unwrap(),
        BootstrapStage::Start
    );

    // The cable is cut after the first request (the totals) and 13 full pages.
    let cut = Cable::new(c.transport(), Some(14));
    let mut seen: Vec<BootstrapProgress> = Vec::new();
    let err = sync::sync_once_with_progress(&c.replica, &cut, &mut |p| seen.push(*p))
        .await
        .unwrap_err();
    assert!(err.is_offline(), "{err}");
    let before = cut.documents.load(Ordering::SeqCst);
    let halfway = c.with(|r| r.bootstrap_progress()).unwrap().unwrap();
    assert_eq!(halfway.done_documents, before);
    assert_eq!(halfway.total_documents, documents);
    assert!(!halfway.finished && before > 0 && before < documents);
    assert!(matches!(
        c.with(|r| r.bootstrap_stage()).unwrap(),
        BootstrapStage::Resume(_)
    ));
    assert_eq!(seen.len(), 14, "progress after every page");
    assert!(seen
        .windows(2)
        .all(|w| w[0].done_documents < w[1].done_documents));

    // Resumed: only the rest comes down.
    let cable = Cable::new(c.transport(), None);
    let report = sync::sync_once_with_progress(&c.replica, &cable, &mut |p| seen.push(*p))
        .await
        .unwrap();
    let after = cable.documents.load(Ordering::SeqCst);
    assert_eq!(before + after, documents, "no document downloaded twice");
    assert_eq!(report.bootstrapped, after);
    let done = c.with(|r| r.bootstrap_progress()).unwrap().unwrap();
    assert!(done.finished);
    assert_eq!(
        (done.done_documents, done.total_documents),
        (documents, documents)
    );
    assert_eq!(seen.last().copied(), Some(done));
    assert_eq!(
        report.pulled, 0,
        "the pull after the bootstrap finds nothing new"
    );

    // The result is the server's state: every document, with the server's heads.
    let ours: BTreeMap<DocId, Vec<String>> = c
        .with(|r| r.document_heads())
        .unwrap()
        .into_iter()
        .collect();
    assert_eq!(ours.len(), server.len());
    assert!(ours == server, "every document has the server's heads");
    assert_eq!(c.with(|r| r.list_patients()).unwrap().len(), PATIENTS);
    let mut covers = outpost_domain::version_vector::VersionVector::default();
    covers.0.insert(desks.a.with(|r| r.replica_id()), documents);
    assert_eq!(c.with(|r| r.version_vector()).unwrap(), covers);

    // From now on it syncs like any other workstation: a new record reaches it by pull.
    let later = desks
        .b
        .with(|r| {
            r.register_patient(
                &crate::common::patient("Late Arrival", "BOOT-LATE"),
                "desk.ama",
            )
        })
        .unwrap();
    desks.b.sync().await.unwrap();
    let report = c.sync().await.unwrap();
    assert_eq!((report.bootstrapped, report.pulled), (0, 1));
    assert_eq!(c.with(|r| r.list_patients()).unwrap().len(), PATIENTS + 1);
    assert!(later.mrn == "BOOT-LATE");
}
