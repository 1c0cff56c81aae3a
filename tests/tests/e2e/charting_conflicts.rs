//! One structured field given two different values on two workstations at once — a
//! patient's phone, an encounter's weight — is never settled silently: after the sync both
//! workstations show the same open conflict with each value, who wrote it and when.
//! Resolving it on one workstation records who chose what and what was rejected; after the
//! next sync the conflict is gone on both and the resolution is visible on both.

use crate::common::{encounter, patient, published_intake, same_changes, TwoDesks};
use chrono::Utc;
use outpost_domain::document::encounter::FieldValue;
use outpost_domain::document::{ConflictValue, DocKind};
use outpost_domain::ids::DocId;
use outpost_domain::patient::DemographicsUpdate;
use outpost_e2e::Workstation;

/// Every workstation lists exactly one open conflict, at `path` of `doc`, the same on both,
/// with one value per workstation: `(value as JSON text, author)` in any order.
fn assert_one_conflict(
    desks: &TwoDesks,
    doc: DocId,
    kind: DocKind,
    path: &str,
    expected: &[(&str, &str, &Workstation); 2],
    window: (i64, i64),
) {
    let on_a = desks.a.with(|r| r.list_conflicts(doc)).unwrap();
    assert_eq!(on_a, desks.b.with(|r| r.list_conflicts(doc)).unwrap());
    assert_eq!(on_a.len(), 1, "{on_a:?}");
    let conflict = on_a[0].clone();
    assert_eq!(conflict.path, path);
    assert_eq!(conflict.values.len(), 2, "{conflict:?}");
    for (value, author, ws) in expected {
        let shown = conflict
            .values
            .iter()
            .find(|v| json(v) == *value)
            .unwrap_or_else(|| panic!("{value} is not among {conflict:?}"));
        assert_eq!(shown.author, *author);
        assert_eq!(shown.replica_id, Some(ws.with(|r| r.replica_id())));
        assert!(
            (window.0..=window.1).contains(&shown.wall_ms),
            "written at the author's wall clock during the test: {shown:?}"
        );
    }
    for ws in desks.both() {
        let open = ws.with(|r| r.list_open_conflicts()).unwrap();
        assert_eq!(open.len(), 1);
        assert_eq!((open[0].doc_id, open[0].kind), (doc, kind));
        assert_eq!(open[0].conflict, conflict);
    }
}

/// After the resolution synced: no conflict on either, the same single resolution on both
/// (chosen value and author, rejected value and author, who resolved).
fn assert_resolved(
    desks: &TwoDesks,
    doc: DocId,
    path: &str,
    kept: (&str, &str),
    lost: (&str, &str),
    by: &str,
) {
    let resolutions = desks.a.with(|r| r.resolutions(doc)).unwrap();
    assert_eq!(resolutions, desks.b.with(|r| r.resolutions(doc)).unwrap());
    assert_eq!(resolutions.len(), 1, "{resolutions:?}");
    let resolution = &resolutions[0];
    assert_eq!(resolution.path, path);
    assert_eq!(
        (
            json(&resolution.chosen).as_str(),
            resolution.chosen.author.as_str()
        ),
        kept
    );
    let rejected: Vec<(String, &str)> = resolution
        .rejected
        .iter()
        .map(|v| (json(v), v.author.as_str()))
        .collect();
    assert_eq!(rejected, [(lost.0.to_owned(), lost.1)]);
    assert_eq!(resolution.by, by);
    let latest = resolution.rejected.iter().map(|v| v.wall_ms).max();
    assert!(
        resolution.at_ms >= resolution.chosen.wall_ms.max(latest.unwrap_or_default()),
        "resolved after both values were written: {resolution:?}"
    );
    for ws in desks.both() {
        assert!(ws.with(|r| r.list_conflicts(doc)).unwrap().is_empty());
        assert!(ws.with(|r| r.list_open_conflicts()).unwrap().is_empty());
    }
}

fn phone(number: &str) -> DemographicsUpdate {
    DemographicsUpdate {
        phone: Some(number.into()),
        ..DemographicsUpdate::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_phone_changed_on_both_workstations_is_a_conflict_resolved_once_for_both() {
    let mut desks = TwoDesks::start("Hilltop Clinic").await;
    let p = desks
        .a
        .with(|r| r.register_patient(&patient("Akosua Boateng", "MRN-21"), "desk.ama"))
        .unwrap();
    desks.sync_both_twice().await;

    desks.offline().await;
    let started = Utc::now().timestamp_millis();
    desks
        .a
        .with(|r| r.edit_patient(p.id, &phone("+233 20 111 2222"), "desk.ama"))
        .unwrap();
    desks
        .b
        .with(|r| r.edit_patient(p.id, &phone("+233 24 333 4444"), "desk.kwame"))
        .unwrap();
    let ended = Utc::now().timestamp_millis();
    desks.online().await;
    desks.sync_both_twice().await;

    let on_a = desks.a.with(|r| r.patient_details(p.id)).unwrap();
    let on_b = desks.b.with(|r| r.patient_details(p.id)).unwrap();
    assert_eq!(on_a, on_b, "both show the same current value meanwhile");
    let shown_a = "\"+233 20 111 2222\"";
    let shown_b = "\"+233 24 333 4444\"";
    assert_one_conflict(
        &desks,
        p.id,
        DocKind::Patient,
        "phone",
        &[
            (shown_a, "desk.ama", &desks.a),
            (shown_b, "desk.kwame", &desks.b),
        ],
        (started, ended),
    );

    // Resolved on B, keeping A's number.
    let chosen = listed(&desks, p.id, shown_a);
    desks
        .b
        .with(|r| r.resolve_conflict(p.id, "phone", &chosen.value, "dr.lind"))
        .unwrap();
    assert!(desks.b.with(|r| r.list_conflicts(p.id)).unwrap().is_empty());
    assert_eq!(
        desks.a.with(|r| r.list_conflicts(p.id)).unwrap().len(),
        1,
        "A learns of the resolution only by syncing"
    );
    desks.sync_both_twice().await;

    assert_resolved(
        &desks,
        p.id,
        "phone",
        (shown_a, "desk.ama"),
        (shown_b, "desk.kwame"),
        "dr.lind",
    );
    for ws in desks.both() {
        let details = ws.with(|r| r.patient_details(p.id)).unwrap();
        assert_eq!(details.patient.phone.as_deref(), Some("+233 20 111 2222"));
        assert_eq!(details.patient.name, "Akosua Boateng", "the rest untouched");
    }
    same_changes(&desks, p.id);
    desks.assert_settled().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_encounter_field_set_on_both_workstations_is_a_conflict_resolved_once_for_both() {
    let desks = TwoDesks::start("Valley Clinic").await;
    let template = published_intake(&desks.a, "admin.ama");
    let p = desks
        .a
        .with(|r| r.register_patient(&patient("Yaw Darko", "MRN-22"), "desk.ama"))
        .unwrap();
    let e = desks
        .a
        .with(|r| {
            let input = encounter(r, p.id, template, 1);
            r.open_encounter(&input, "dr.osei")
        })
        .unwrap();
    desks.sync_both_twice().await;

    // Neither has synced since: the two values are concurrent.
    let started = Utc::now().timestamp_millis();
    desks
        .a
        .with(|r| r.set_encounter_field(e.id, "weight", FieldValue::Number(72.5), "dr.osei"))
        .unwrap();
    desks
        .b
        .with(|r| r.set_encounter_field(e.id, "weight", FieldValue::Number(75.0), "dr.lind"))
        .unwrap();
    desks
        .b
        .with(|r| {
            r.set_encounter_field(
                e.id,
                "complaint",
                FieldValue::Text("Hernia".into()),
                "dr.lind",
            )
        })
        .unwrap();
    let ended = Utc::now().timestamp_millis();
    desks.sync_both_twice().await;

    assert_one_conflict(
        &desks,
        e.id,
        DocKind::Encounter,
        "fields.weight",
        &[("72.5", "dr.osei", &desks.a), ("75.0", "dr.lind", &desks.b)],
        (started, ended),
    );
    // Resolved on A, keeping B's value.
    let chosen = listed(&desks, e.id, "75.0");
    desks
        .a
        .with(|r| r.resolve_conflict(e.id, "fields.weight", &chosen.value, "dr.osei"))
        .unwrap();
    desks.sync_both_twice().await;

    assert_resolved(
        &desks,
        e.id,
        "fields.weight",
        ("75.0", "dr.lind"),
        ("72.5", "dr.osei"),
        "dr.osei",
    );
    for ws in desks.both() {
        let shown = ws.with(|r| r.encounter(e.id)).unwrap();
        assert_eq!(shown.fields["weight"], FieldValue::Number(75.0));
        assert_eq!(
            shown.fields["complaint"],
            FieldValue::Text("Hernia".into()),
            "a different field set concurrently merged without conflict"
        );
    }
    same_changes(&desks, e.id);
    desks.assert_settled().await;
}

/// The listed conflict value of `doc` whose JSON text is `text`: what a clinician picks.
fn listed(desks: &TwoDesks, doc: DocId, text: &str) -> ConflictValue {
    desks
        .a
        .with(|r| r.list_conflicts(doc))
        .unwrap()
        .into_iter()
        .flat_map(|c| c.values)
        .find(|v| json(v) == text)
        .unwrap()
}

/// A conflict value as JSON text (`"+233 …"` with its quotes, `72.5`), as the tests name them.
fn json(v: &ConflictValue) -> String {
    v.value.to_string()
}
