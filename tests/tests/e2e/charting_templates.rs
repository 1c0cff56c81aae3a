//! Two admins edit one draft layout template on two workstations at once — one moves a
//! section, the other adds a field to it — and both edits are kept on both. Publishing
//! freezes version 1: later draft edits change neither its content nor its hash. Version 2
//! is published after a change, and an encounter charted on version 1 still renders
//! version 1 (its labels and layout) on both workstations.

use crate::common::{encounter, intake_draft, number_field, patient, same_changes, TwoDesks};
use outpost_domain::document::encounter::FieldValue;
use outpost_domain::document::template::{FieldEdit, GridPos, TemplateContent};
use outpost_domain::ids::DocId;
use outpost_e2e::Workstation;
use outpost_replica::TemplateEdit;

fn section_y(content: &TemplateContent, id: &str) -> u32 {
    content.pages[0]
        .sections
        .iter()
        .find(|s| s.id == id)
        .unwrap()
        .grid
        .y
}

fn field_ids(content: &TemplateContent) -> Vec<&str> {
    content.fields().map(|f| f.id.as_str()).collect()
}

fn version(ws: &Workstation, t: DocId, n: u64) -> TemplateContent {
    ws.with(|r| r.template_version(t, n)).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_draft_edits_merge_and_published_versions_stay_frozen() {
    let mut desks = TwoDesks::start("Crossroads Clinic").await;
    let t = desks
        .a
        .with(|r| r.create_template(&intake_draft(), "admin.ama"))
        .unwrap()
        .id;
    desks.sync_both_twice().await;

    desks.offline().await;
    desks
        .a
        .with(|r| {
            let moved = TemplateEdit::MoveSection {
                section_id: "exam".into(),
                x: 0,
                y: 6,
            };
            r.edit_template(t, &moved, "admin.ama")
        })
        .unwrap();
    desks
        .b
        .with(|r| {
            let added = TemplateEdit::AddField {
                section_id: "exam".into(),
                field: number_field("pulse", "Pulse", "/min", GridPos::new(4, 0, 4, 1)),
            };
            r.edit_template(t, &added, "admin.kofi")
        })
        .unwrap();
    desks.online().await;
    desks.sync_both_twice().await;

    let draft = desks.a.with(|r| r.template(t)).unwrap();
    assert_eq!(draft, desks.b.with(|r| r.template(t)).unwrap());
    assert_eq!(section_y(&draft.draft, "exam"), 6, "A's move kept");
    assert_eq!(
        field_ids(&draft.draft),
        ["complaint", "weight", "pulse"],
        "B's field kept"
    );
    assert!(draft.versions.is_empty());
    for ws in desks.both() {
        assert!(ws.with(|r| r.list_conflicts(t)).unwrap().is_empty());
    }

    // Version 1, published on A.
    assert_eq!(
        desks
            .a
            .with(|r| r.publish_template(t, "admin.ama"))
            .unwrap(),
        1
    );
    desks.sync_both_twice().await;
    let v1 = version(&desks.a, t, 1);
    let v1_hash = desks.a.with(|r| r.template(t)).unwrap().versions[0]
        .content_hash
        .clone();
    assert_eq!(v1, draft.draft, "v1 is the merged draft");
    assert_eq!(version(&desks.b, t, 1), v1);

    // B charts an encounter on v1.
    let p = desks
        .b
        .with(|r| r.register_patient(&patient("Adwoa Nkrumah", "MRN-51"), "desk.kofi"))
        .unwrap();
    let e = desks
        .b
        .with(|r| {
            let input = encounter(r, p.id, t, 1);
            r.open_encounter(&input, "dr.lind")
        })
        .unwrap();
    desks
        .b
        .with(|r| r.set_encounter_field(e.id, "pulse", FieldValue::Number(72.0), "dr.lind"))
        .unwrap();

    // Later draft edits on both workstations; v1 does not change.
    desks
        .a
        .with(|r| {
            let relabel = TemplateEdit::EditField {
                field_id: "pulse".into(),
                edit: FieldEdit {
                    label: Some("Heart rate".into()),
                    ..FieldEdit::default()
                },
            };
            r.edit_template(t, &relabel, "admin.ama")
        })
        .unwrap();
    desks
        .b
        .with(|r| {
            let moved = TemplateEdit::MoveSection {
                section_id: "history".into(),
                x: 0,
                y: 9,
            };
            r.edit_template(t, &moved, "admin.kofi")
        })
        .unwrap();
    desks.sync_both_twice().await;
    for ws in desks.both() {
        assert_eq!(version(ws, t, 1), v1, "v1 is immutable");
        let shown = ws.with(|r| r.template(t)).unwrap();
        assert_eq!(shown.versions.len(), 1);
        assert_eq!(shown.versions[0].content_hash, v1_hash);
        assert!(!shown.draft_published, "the draft moved on");
        assert_eq!(shown.draft.field("pulse").unwrap().label, "Heart rate");
        assert_eq!(section_y(&shown.draft, "history"), 9);
    }

    // Version 2, published on B.
    assert_eq!(
        desks
            .b
            .with(|r| r.publish_template(t, "admin.kofi"))
            .unwrap(),
        2
    );
    desks.sync_both_twice().await;

    for ws in desks.both() {
        let shown = ws.with(|r| r.template(t)).unwrap();
        assert_eq!(shown.latest_version, Some(2));
        let numbers: Vec<u64> = shown.versions.iter().map(|v| v.number).collect();
        assert_eq!(numbers, [1, 2]);
        assert_eq!(
            shown.versions[0].content_hash, v1_hash,
            "v1's hash unchanged"
        );
        assert_ne!(shown.versions[1].content_hash, v1_hash);
        assert_eq!(
            (
                shown.versions[0].published_by.as_str(),
                shown.versions[1].published_by.as_str()
            ),
            ("admin.ama", "admin.kofi")
        );
        assert_eq!(version(ws, t, 1), v1);
        assert_eq!(
            version(ws, t, 2).field("pulse").unwrap().label,
            "Heart rate"
        );
        let pin = ws.with(|r| r.template_pin(t, None)).unwrap();
        assert_eq!(pin.version, 2, "new encounters get v2");

        // The encounter charted on v1 still renders v1.
        let view = ws.with(|r| r.encounter_view(e.id)).unwrap();
        assert_eq!(view.template_version, 1);
        assert_eq!(view.encounter.template.content_hash, v1_hash);
        assert_eq!(view.template_name, "Surgical intake");
        let sections = &view.pages[0].sections;
        let exam = sections.iter().find(|s| s.id == "exam").unwrap();
        let history = sections.iter().find(|s| s.id == "history").unwrap();
        assert_eq!((exam.grid.y, history.grid.y), (6, 0), "v1's layout");
        let pulse = exam.fields.iter().find(|f| f.id == "pulse").unwrap();
        assert_eq!(pulse.label, "Pulse", "v1's label, not v2's");
        assert_eq!(pulse.value, Some(FieldValue::Number(72.0)));
        assert!(view.unknown_fields.is_empty());
    }
    assert_eq!(
        desks.a.with(|r| r.encounter_view(e.id)).unwrap(),
        desks.b.with(|r| r.encounter_view(e.id)).unwrap()
    );
    same_changes(&desks, t);
    same_changes(&desks, e.id);
    desks.assert_settled().await;
}
