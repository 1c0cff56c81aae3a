//! Applying bootstrap pages: documents land with their projections and progress, the last
//! page sets the version vector to what the snapshot covers, and a page holding a document
//! whose bytes do not match the heads the server named is refused whole (nothing stored,
//! progress unchanged); a page read ahead keeps what was stored while it was read; the
//! larger page cache of a bootstrap is given back once it finishes, and the per-patient
//! indexes set aside meanwhile are built again.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use super::BootstrapStage;
use crate::Replica;
use outpost_domain::clock::Hlc;
use outpost_domain::document::{ChangeMeta, Document};
use outpost_domain::ids::{DocId, ReplicaId};
use outpost_domain::patient::{NewPatient, Sex};
use outpost_domain::protocol::{BootstrapCursor, BootstrapDocument, BootstrapResponse, Bytes};
use outpost_domain::version_vector::VersionVector;

fn served(i: usize, author: ReplicaId) -> BootstrapDocument {
    let p = NewPatient {
        name: format!("Amara Okafor{}", "x".repeat(i)),
        date_of_birth: "1984-03-07".into(),
        sex: Sex::Female,
        mrn: format!("MRN-{i}"),
    }
    .validate(
        DocId::new(),
        chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
    )
    .unwrap();
    let meta = ChangeMeta {
        author: "desk.ana".into(),
        wall_ms: 1,
        hlc: Hlc {
            wall_ms: 1,
            logical: 0,
        },
    };
    let (doc, _) = Document::create_patient(author, &p, &meta).unwrap();
    BootstrapDocument {
        doc_id: doc.id,
        kind: doc.kind,
        bytes: Bytes(doc.save()),
        heads: doc.heads(),
    }
}

fn page(
    documents: Vec<BootstrapDocument>,
    covers: &VersionVector,
    more: bool,
) -> BootstrapResponse {
    let next = BootstrapCursor {
        after_doc: documents.last().map(|d| d.doc_id),
        snapshot_seq: 9,
        total_documents: 3,
        total_bytes: 3_000,
        covers: covers.clone(),
    };
    BootstrapResponse {
        total_documents: 3,
        total_bytes: 3_000,
        covers: covers.clone(),
        documents,
        next,
        more,
    }
}

/// SQLite's page cache of the replica's connection, in KiB.
fn cache_kib(r: &Replica) -> i64 {
    r.conn
        .query_row("PRAGMA cache_size", [], |row| row.get::<_, i64>(0))
        .unwrap()
        .abs()
}

fn has_index(r: &Replica, name: &str) -> bool {
    crate::deferred_index::index_sql(&r.conn, name)
        .unwrap()
        .is_some()
}

#[test]
fn pages_store_documents_and_the_last_sets_the_version_vector() {
    let dir = tempfile::tempdir().unwrap();
    let mut r = Replica::create(dir.path()).unwrap();
    assert_eq!(r.bootstrap_stage().unwrap(), BootstrapStage::Start);
    let author = ReplicaId::new();
    let mut covers = VersionVector::default();
    covers.0.insert(author, 3);
    let first = page(vec![served(0, author), served(1, author)], &covers, true);
    let p = r.apply_bootstrap_page(&first).unwrap();
    assert_eq!(
        (p.done_documents, p.total_documents, p.finished),
        (2, 3, false)
    );
    assert_eq!(
        r.bootstrap_stage().unwrap(),
        BootstrapStage::Resume(first.next.clone())
    );
    assert_eq!(r.version_vector().unwrap(), VersionVector::default());
    assert_eq!(
        cache_kib(&r),
        crate::deferred_index::BULK_CACHE_KIB,
        "a larger cache while bootstrapping"
    );
    assert!(
        !has_index(&r, "vitals_by_patient"),
        "the per-patient indexes are set aside while pages follow"
    );

    // A document whose bytes are not what the heads say refuses the whole page.
    let mut bad = served(2, author);
    bad.heads = served(3, author).heads;
    let refused = page(vec![served(4, author), bad], &covers, false);
    assert!(r.apply_bootstrap_page(&refused).is_err());
    assert_eq!(r.bootstrap_progress().unwrap(), Some(p));
    assert_eq!(r.list_patients().unwrap().len(), 2);

    let last = page(vec![served(5, author)], &covers, false);
    let done = r.apply_bootstrap_page(&last).unwrap();
    assert_eq!((done.done_documents, done.finished), (3, true));
    assert_eq!(r.bootstrap_stage().unwrap(), BootstrapStage::Finished);
    assert_eq!(
        cache_kib(&r),
        2_000,
        "SQLite's default cache once bootstrapped"
    );
    assert!(has_index(&r, "vitals_by_patient"));
    assert!(has_index(&r, "encounters_by_patient"));
    assert_eq!(r.version_vector().unwrap(), covers);
    assert_eq!(r.list_patients().unwrap().len(), 3);
    let heads: Vec<_> = r.document_heads().unwrap();
    assert!(heads
        .iter()
        .any(|(id, h)| *id == last.documents[0].doc_id && *h == last.documents[0].heads));
}

/// A page is read ahead as new documents while the page before it is stored; a document
/// that the replica holds by the time the read-ahead page is stored (here: stored by the
/// page before, then edited at this workstation) is merged with that copy, not replaced
/// by what was read ahead.
#[test]
fn a_page_read_ahead_merges_a_document_stored_meanwhile_and_keeps_its_local_edit() {
    use crate::PreparedPage;
    use outpost_domain::document::patient::{
        update_demographics, DemographicsUpdate, PatientRecord,
    };

    let dir = tempfile::tempdir().unwrap();
    let mut r = Replica::create(dir.path()).unwrap();
    let author = ReplicaId::new();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    let first = served(0, author);
    let id = first.doc_id;
    // The server's copy gained a phone number after the first page was cut.
    let mut doc = Document::load(id, first.kind, &first.bytes.0).unwrap();
    let phone = DemographicsUpdate {
        phone: Some("+233 20 555 0101".into()),
        ..DemographicsUpdate::default()
    };
    let meta = ChangeMeta {
        author: "desk.ana".into(),
        wall_ms: 2,
        hlc: Hlc {
            wall_ms: 2,
            logical: 0,
        },
    };
    doc.edit::<PatientRecord>(author, &meta, |p| update_demographics(p, &phone, today))
        .unwrap()
        .unwrap();
    let newer = BootstrapDocument {
        doc_id: id,
        kind: doc.kind,
        bytes: Bytes(doc.save()),
        heads: doc.heads(),
    };
    let mut covers = VersionVector::default();
    covers.0.insert(author, 2);

    let ahead = PreparedPage::read(page(vec![newer], &covers, false));
    r.apply_bootstrap_page(&page(vec![first], &covers, true))
        .unwrap();
    let address = DemographicsUpdate {
        address: Some("12 Ring Road, Accra".into()),
        ..DemographicsUpdate::default()
    };
    r.edit_patient(id, &address, "nurse.kofi").unwrap();

    let done = r.apply_prepared_bootstrap_page(ahead).unwrap();
    assert!(done.finished);
    let p = r.patient_details(id).unwrap().patient;
    assert_eq!(
        p.phone.as_deref(),
        Some("+233 20 555 0101"),
        "the server's edit"
    );
    assert_eq!(
        p.address.as_deref(),
        Some("12 Ring Road, Accra"),
        "the edit made here is kept"
    );
}
