//! The section library across workstations and a real server: a section one admin saves
//! reaches every other admin's designer after sync, withdrawing it takes it out everywhere
//! while templates that copied it keep their copy, a section that could not be published
//! is refused with nothing stored, and a library section forged on a nurse's workstation
//! is quarantined by the server.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use crate::common;
use crate::server;

use outpost_replica::outpost_domain::document::encounter::EncounterType;
use outpost_replica::outpost_domain::document::template::{
    FieldType, GridPos, LibrarySection, TemplateContent, TemplateField, TemplateScope,
    TemplateSection,
};
use outpost_replica::outpost_domain::ids::{ClinicId, DocId};
use outpost_replica::outpost_domain::roles::Role;
use outpost_replica::{Replica, TemplateEdit};
use server::{sync_round, TestServer};
use std::sync::Mutex;

const USERS: [(&str, &str, Role); 3] = [
    ("admin.ada", "Ada Admin", Role::Admin),
    ("admin.ben", "Ben Admin", Role::Admin),
    ("nurse.kim", "Kim Nurse", Role::Nurse),
];

async fn clinic(s: &TestServer) -> ClinicId {
    s.clinic_with("Eye Clinic", &USERS).await
}

/// A workstation where `user` signed in (and the sign-in was reported to the server).
async fn workstation(
    s: &TestServer,
    clinic: ClinicId,
    user: &str,
) -> (tempfile::TempDir, Mutex<Replica>) {
    s.workstation(clinic, user, &[user]).await
}

fn slit_lamp() -> TemplateSection {
    let mut s = TemplateSection::new("slit_lamp", "Slit lamp exam", GridPos::new(0, 5, 12, 2));
    s.fields = vec![
        TemplateField::new(
            "sl_od",
            "Right eye (OD)",
            FieldType::LongText,
            GridPos::new(0, 0, 6, 2),
        ),
        TemplateField::new(
            "sl_os",
            "Left eye (OS)",
            FieldType::LongText,
            GridPos::new(6, 0, 6, 2),
        ),
    ];
    s
}

fn clinic_sections(r: &Replica) -> Vec<LibrarySection> {
    r.section_library()
        .unwrap()
        .into_iter()
        .filter(|s| s.saved_by.is_some())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_saved_section_reaches_the_other_admin_and_withdrawing_it_leaves_templates_their_copy() {
    let s = TestServer::start().await;
    let clinic = clinic(&s).await;
    let (_da, a) = workstation(&s, clinic, "admin.ada").await;
    let (_db, b) = workstation(&s, clinic, "admin.ben").await;

    let saved = a
        .lock()
        .unwrap()
        .save_library_section(&slit_lamp(), "Both eyes, free text", "admin.ada")
        .unwrap();
    assert_eq!(
        saved.section.grid,
        GridPos::new(0, 0, 12, 2),
        "stored at the top left"
    );
    let starters = b.lock().unwrap().section_library().unwrap().len();
    sync_round(&a).await;
    sync_round(&b).await;

    let on_b = clinic_sections(&b.lock().unwrap());
    assert_eq!(on_b, vec![saved.clone()]);
    assert_eq!(
        b.lock().unwrap().section_library().unwrap().len(),
        starters + 1,
        "offered after the starters"
    );

    // Ben builds a template from it, then takes it out of the library.
    let template = {
        let mut b = b.lock().unwrap();
        let mut content = TemplateContent::new(
            "Glaucoma follow-up",
            "ophthalmology",
            EncounterType::FollowUp,
            TemplateScope::Clinic,
        );
        content.pages.push(
            outpost_replica::outpost_domain::document::template::TemplatePage {
                id: "exam".into(),
                title: "Exam".into(),
                sections: Vec::new(),
            },
        );
        let t = b.create_template(&content, "admin.ben").unwrap();
        b.edit_template(
            t.id,
            &TemplateEdit::AddSection {
                page_id: "exam".into(),
                section: on_b[0].section.clone(),
            },
            "admin.ben",
        )
        .unwrap();
        let id: DocId = saved.key.parse().unwrap();
        b.withdraw_library_section(id, "admin.ben").unwrap();
        assert!(
            b.withdraw_library_section(id, "admin.ben").is_err(),
            "withdrawn twice"
        );
        t.id
    };
    sync_round(&b).await;
    sync_round(&a).await;

    for r in [&a, &b] {
        let r = r.lock().unwrap();
        assert!(clinic_sections(&r).is_empty(), "withdrawn everywhere");
        let t = r.template(template).unwrap();
        let fields: Vec<String> = t.draft.fields().map(|f| f.id.clone()).collect();
        assert_eq!(fields, ["sl_od", "sl_os"], "the template keeps its copy");
    }
    let quarantined: i64 =
        sqlx::query_scalar("SELECT count(*) FROM quarantine WHERE clinic_id = $1")
            .bind(clinic.0)
            .fetch_one(s.db.pool())
            .await
            .unwrap();
    assert_eq!(quarantined, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unpublishable_section_is_refused_and_a_nurses_forged_one_is_quarantined() {
    let s = TestServer::start().await;
    let clinic = clinic(&s).await;
    let (_da, a) = workstation(&s, clinic, "admin.ada").await;
    let (_dn, n) = workstation(&s, clinic, "nurse.kim").await;

    let mut overlapping = slit_lamp();
    overlapping.fields[1].grid = GridPos::new(4, 0, 6, 2);
    let err = a
        .lock()
        .unwrap()
        .save_library_section(&overlapping, "", "admin.ada")
        .unwrap_err();
    assert_eq!(common::fields(&err), ["section.fields.sl_os.grid"], "{err}");
    assert!(err.to_string().contains("overlap"), "{err}");
    assert!(
        clinic_sections(&a.lock().unwrap()).is_empty(),
        "nothing stored"
    );

    // The nurse's desktop would not offer this; a tampered workstation writes it anyway.
    n.lock()
        .unwrap()
        .save_library_section(&slit_lamp(), "", "nurse.kim")
        .unwrap();
    sync_round(&n).await;
    let reasons: Vec<(String, String)> =
        sqlx::query_as("SELECT kind, reason_code FROM quarantine WHERE clinic_id = $1")
            .bind(clinic.0)
            .fetch_all(s.db.pool())
            .await
            .unwrap();
    assert_eq!(reasons.len(), 1, "{reasons:?}");
    assert_eq!(reasons[0].0, "library_section");
    sync_round(&a).await;
    assert!(
        clinic_sections(&a.lock().unwrap()).is_empty(),
        "the admin's library never shows it"
    );
}
