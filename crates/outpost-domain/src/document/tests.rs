//! Tests of the generic document API with a small stand-in record, so they pin the
//! framework's behaviour independent of any clinical kind.

use super::*;
use crate::patient::{NewPatient, Patient, Sex};
use chrono::NaiveDate;

#[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
struct Note {
    schema: u64,
    title: String,
    pages: u64,
}

fn meta(author: &str, wall_ms: i64) -> ChangeMeta {
    ChangeMeta {
        author: author.into(),
        wall_ms,
        hlc: Hlc {
            wall_ms,
            logical: 0,
        },
    }
}

fn note() -> Note {
    Note {
        schema: 1,
        title: "first".into(),
        pages: 1,
    }
}

fn exchange(a: &mut Document, b: &mut Document) {
    let (from_a, from_b) = (a.changes(), b.changes());
    b.apply_remote(from_a.iter().map(Vec::as_slice)).unwrap();
    a.apply_remote(from_b.iter().map(Vec::as_slice)).unwrap();
}

fn patient() -> Patient {
    NewPatient {
        name: "Amara Okafor".into(),
        date_of_birth: "1984-03-07".into(),
        sex: Sex::Female,
        mrn: "MRN-1".into(),
    }
    .validate(DocId::new(), NaiveDate::from_ymd_opt(2026, 1, 1).unwrap())
    .unwrap()
}

#[test]
fn a_patient_round_trips_through_a_change_on_another_replica() {
    let p = patient();
    let (doc, change) = Document::create_patient(ReplicaId::new(), &p, &meta("n", 1)).unwrap();
    assert_eq!(doc.patient().unwrap(), p);
    let mut other = Document::empty(p.id, DocKind::Patient);
    other.apply_remote([change.bytes.as_slice()]).unwrap();
    other.apply_remote([change.bytes.as_slice()]).unwrap();
    assert_eq!(other.patient().unwrap(), p);
    assert_eq!(other.heads(), doc.heads());
    let reloaded = Document::load(p.id, DocKind::Patient, &other.save()).unwrap();
    assert_eq!(reloaded.patient().unwrap(), p);
}

#[test]
fn the_change_carries_author_and_clock() {
    let m = meta("nurse.kim", 1_763_800_000_000);
    let (doc, change) = Document::create_patient(ReplicaId::new(), &patient(), &m).unwrap();
    let parsed = Change::from_bytes(change.bytes.clone()).unwrap();
    assert_eq!(ChangeMeta::of_change(&parsed), Some(m));
    assert_eq!(change.digest, digest(&change.bytes));
    assert!(!doc.is_empty());
}

#[test]
fn garbage_bytes_are_refused_and_the_document_is_unchanged() {
    let (mut doc, _) =
        Document::create_patient(ReplicaId::new(), &patient(), &meta("n", 1)).unwrap();
    let before = doc.heads();
    assert!(doc.apply_remote([b"not a change".as_slice()]).is_err());
    assert_eq!(doc.heads(), before);
}

#[test]
fn a_change_whose_dependencies_are_missing_is_refused_until_they_arrive() {
    let id = DocId::new();
    let (mut a, first) = Document::create(
        ReplicaId::new(),
        id,
        DocKind::Patient,
        &note(),
        &meta("a", 1),
    )
    .unwrap();
    let second = a
        .edit(ReplicaId::new(), &meta("a", 2), |n: &mut Note| {
            n.pages = 2;
            Ok(())
        })
        .unwrap()
        .unwrap();
    let mut b = Document::empty(id, DocKind::Patient);
    assert!(b.apply_remote([second.bytes.as_slice()]).is_err());
    assert!(
        b.is_empty(),
        "a refused batch leaves the document untouched"
    );
    b.apply_remote([second.bytes.as_slice(), first.bytes.as_slice()])
        .unwrap();
    assert_eq!(b.read::<Note>().unwrap().pages, 2);
    assert_eq!(b.heads(), a.heads());
}

#[test]
fn an_edit_is_one_change_by_the_editing_replica_with_its_metadata() {
    let (creator, editor) = (ReplicaId::new(), ReplicaId::new());
    let (mut doc, _) = Document::create(
        creator,
        DocId::new(),
        DocKind::Patient,
        &note(),
        &meta("a", 1),
    )
    .unwrap();
    let change = doc
        .edit(editor, &meta("dr.b", 2), |n: &mut Note| {
            n.title = "second".into();
            Ok(())
        })
        .unwrap();
    assert!(change.is_some());
    assert_eq!(doc.read::<Note>().unwrap().title, "second");
    let history = doc.history();
    assert_eq!(history.len(), 2);
    assert_eq!(history[0].replica_id, Some(creator));
    assert_eq!(history[1].replica_id, Some(editor));
    assert_eq!(history[1].meta, Some(meta("dr.b", 2)));
}

#[test]
fn an_edit_that_changes_nothing_or_is_refused_writes_nothing() {
    let (mut doc, _) = Document::create(
        ReplicaId::new(),
        DocId::new(),
        DocKind::Patient,
        &note(),
        &meta("a", 1),
    )
    .unwrap();
    let heads = doc.heads();
    let same = doc.edit(ReplicaId::new(), &meta("a", 2), |n: &mut Note| {
        n.title = "first".into();
        Ok(())
    });
    assert!(same.unwrap().is_none());
    let refused = doc.edit(ReplicaId::new(), &meta("a", 3), |n: &mut Note| {
        n.title = "changed".into();
        Err(DomainError::invalid("title", "no"))
    });
    assert!(refused.is_err());
    assert_eq!(doc.heads(), heads);
    assert_eq!(doc.read::<Note>().unwrap().title, "first");
}

#[test]
fn reconciling_a_record_keeps_root_keys_the_record_does_not_know() {
    let (mut doc, _) = Document::create(
        ReplicaId::new(),
        DocId::new(),
        DocKind::Patient,
        &note(),
        &meta("a", 1),
    )
    .unwrap();
    doc.edit(ReplicaId::new(), &meta("a", 2), |n: &mut Note| {
        n.pages = 9;
        Ok(())
    })
    .unwrap();
    assert!(matches!(
        doc.doc.get(ROOT, RESOLUTIONS_KEY).unwrap(),
        Some((automerge::Value::Object(ObjType::Map), _))
    ));
}

#[test]
fn editing_another_field_leaves_an_open_conflict_open() {
    let id = DocId::new();
    let (ra, rb) = (ReplicaId::new(), ReplicaId::new());
    let (mut a, created) =
        Document::create(ra, id, DocKind::Patient, &note(), &meta("a", 1)).unwrap();
    let mut b = Document::empty(id, DocKind::Patient);
    b.apply_remote([created.bytes.as_slice()]).unwrap();
    a.edit(ra, &meta("a", 2), |n: &mut Note| {
        n.title = "from a".into();
        Ok(())
    })
    .unwrap();
    b.edit(rb, &meta("b", 3), |n: &mut Note| {
        n.title = "from b".into();
        Ok(())
    })
    .unwrap();
    exchange(&mut a, &mut b);
    assert_eq!(a.conflicts().len(), 1);
    a.edit(ra, &meta("a", 4), |n: &mut Note| {
        n.pages = 5;
        Ok(())
    })
    .unwrap();
    exchange(&mut a, &mut b);
    for doc in [&a, &b] {
        let conflicts = doc.conflicts();
        assert_eq!(conflicts.len(), 1, "{conflicts:?}");
        assert_eq!(conflicts[0].path, "title");
        assert_eq!(doc.read::<Note>().unwrap().pages, 5);
    }
}

#[test]
fn kinds_parse_from_their_names_and_unknown_kinds_name_the_known_ones() {
    for kind in DocKind::ALL {
        assert_eq!(DocKind::parse(kind.as_str()).unwrap(), kind);
        let json = serde_json::to_value(kind).unwrap();
        assert_eq!(json, kind.as_str());
    }
    let err = DocKind::parse("invoice").unwrap_err().to_string();
    assert!(
        err.contains("invoice") && err.contains("patient_link"),
        "{err}"
    );
}

fn edit_title(doc: &mut Document, actor: ReplicaId, at: i64, title: &str) -> LocalChange {
    doc.edit(actor, &meta("a", at), |n: &mut Note| {
        n.title = title.into();
        Ok(())
    })
    .unwrap()
    .unwrap()
}

#[test]
fn a_history_in_one_line_is_not_concurrent_even_across_replicas() {
    let id = DocId::new();
    let (ra, rb) = (ReplicaId::new(), ReplicaId::new());
    let (mut a, created) =
        Document::create(ra, id, DocKind::Patient, &note(), &meta("a", 1)).unwrap();
    assert!(!a.has_concurrent_history());
    let mut b = Document::empty(id, DocKind::Patient);
    assert!(!b.has_concurrent_history());
    b.apply_remote([created.bytes.as_slice()]).unwrap();
    // B edits after seeing A's change, then A sees B's edit and edits again: one line.
    let from_b = edit_title(&mut b, rb, 2, "from b");
    a.apply_remote([from_b.bytes.as_slice()]).unwrap();
    edit_title(&mut a, ra, 3, "from a");
    assert!(!a.has_concurrent_history());
    assert!(a.conflicts().is_empty());
    assert_eq!(a.history().len(), 3);
}

#[test]
fn a_forked_history_is_concurrent_and_still_reports_its_conflicts() {
    let id = DocId::new();
    let (ra, rb) = (ReplicaId::new(), ReplicaId::new());
    let (mut a, created) =
        Document::create(ra, id, DocKind::Patient, &note(), &meta("a", 1)).unwrap();
    let mut b = Document::empty(id, DocKind::Patient);
    b.apply_remote([created.bytes.as_slice()]).unwrap();
    edit_title(&mut a, ra, 2, "from a");
    edit_title(&mut b, rb, 3, "from b");
    exchange(&mut a, &mut b);
    for doc in [&a, &b] {
        assert!(doc.has_concurrent_history(), "two heads");
        let conflicts = doc.conflicts();
        assert_eq!(conflicts.len(), 1, "{conflicts:?}");
        assert_eq!(conflicts[0].path, "title");
        assert_eq!(conflicts[0].values.len(), 2);
    }
    // A later edit of another field joins the heads; the fork stays in the history, and
    // so does the conflict.
    a.edit(ra, &meta("a", 4), |n: &mut Note| {
        n.pages = 7;
        Ok(())
    })
    .unwrap();
    assert_eq!(a.heads().len(), 1);
    assert!(a.has_concurrent_history());
    assert_eq!(a.conflicts().len(), 1);
}

#[test]
fn concurrent_edits_of_different_fields_are_concurrent_without_conflicts() {
    let id = DocId::new();
    let (ra, rb) = (ReplicaId::new(), ReplicaId::new());
    let (mut a, created) =
        Document::create(ra, id, DocKind::Patient, &note(), &meta("a", 1)).unwrap();
    let mut b = Document::empty(id, DocKind::Patient);
    b.apply_remote([created.bytes.as_slice()]).unwrap();
    edit_title(&mut a, ra, 2, "from a");
    b.edit(rb, &meta("b", 3), |n: &mut Note| {
        n.pages = 4;
        Ok(())
    })
    .unwrap();
    exchange(&mut a, &mut b);
    assert!(a.has_concurrent_history());
    assert!(a.conflicts().is_empty());
    assert_eq!(a.read::<Note>().unwrap().pages, 4);
    assert_eq!(a.read::<Note>().unwrap().title, "from a");
}

#[test]
fn a_document_from_remote_changes_stores_as_those_changes_and_loads_back() {
    let id = DocId::new();
    let ra = ReplicaId::new();
    let (mut a, created) =
        Document::create(ra, id, DocKind::Patient, &note(), &meta("a", 1)).unwrap();
    let second = edit_title(&mut a, ra, 2, "second");
    // Out of order within the batch, and a change twice: still the same document.
    let parsed = [&second.bytes, &created.bytes, &second.bytes]
        .into_iter()
        .map(|b| parse_change(b))
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    let (doc, bytes) = Document::from_remote(id, DocKind::Patient, parsed).unwrap();
    assert_eq!(doc.heads(), a.heads());
    assert_eq!(doc.read::<Note>().unwrap().title, "second");
    let loaded = Document::load(id, DocKind::Patient, &bytes).unwrap();
    assert_eq!(loaded.heads(), a.heads());
    assert_eq!(loaded.read::<Note>().unwrap(), a.read::<Note>().unwrap());
    assert_eq!(loaded.history(), a.history());
}

#[test]
fn a_document_from_remote_changes_missing_a_dependency_is_refused() {
    let id = DocId::new();
    let ra = ReplicaId::new();
    let (mut a, _) = Document::create(ra, id, DocKind::Patient, &note(), &meta("a", 1)).unwrap();
    let second = edit_title(&mut a, ra, 2, "second");
    let parsed = vec![parse_change(&second.bytes).unwrap()];
    let err = Document::from_remote(id, DocKind::Patient, parsed).unwrap_err();
    assert!(err.to_string().contains("does not have yet"), "{err}");
    assert!(parse_change(b"not a change").is_err());
}

#[test]
fn applying_parsed_changes_is_applying_their_bytes() {
    let id = DocId::new();
    let ra = ReplicaId::new();
    let (mut a, created) =
        Document::create(ra, id, DocKind::Patient, &note(), &meta("a", 1)).unwrap();
    let second = edit_title(&mut a, ra, 2, "second");
    let mut by_bytes = Document::empty(id, DocKind::Patient);
    by_bytes
        .apply_remote([created.bytes.as_slice(), second.bytes.as_slice()])
        .unwrap();
    let mut parsed = Document::empty(id, DocKind::Patient);
    parsed
        .apply_remote_parsed(vec![parse_change(&created.bytes).unwrap()])
        .unwrap();
    // A refused batch on a document that has content leaves it as it was.
    let third = edit_title(&mut a, ra, 3, "third");
    assert!(parsed
        .apply_remote_parsed(vec![parse_change(&third.bytes).unwrap()])
        .is_err());
    assert_eq!(parsed.read::<Note>().unwrap().title, "first");
    parsed
        .apply_remote_parsed(vec![parse_change(&second.bytes).unwrap()])
        .unwrap();
    assert_eq!(parsed.heads(), by_bytes.heads());
    assert_eq!(
        parsed.read::<Note>().unwrap(),
        by_bytes.read::<Note>().unwrap()
    );
}
