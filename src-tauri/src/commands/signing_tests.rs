//! Signing through the window on a real encrypted replica (keyring via
//! `scripts/with-keyring.sh`): the first signing in a session needs the signed-in user's
//! username and password, later ones the password only, and a new session asks for the
//! username again; a wrong password says how many attempts remain and the third blocks
//! signing; an amendment needs a reason, is signed, and leaves the signed version shown;
//! roles that may not sign are refused.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use super::session::{sign_in_as, sign_out_of};
use super::signing::{amend, prompt, sign, AmendmentInput, NoteEdit};
use crate::state::AppState;
use chrono::Utc;
use outpost_domain::credentials::{Password, PasswordVerifier};
use outpost_domain::document::encounter::{
    EncounterStatus, EncounterType, FieldValue, NewEncounter, NoteKind, NoteTexts,
};
use outpost_domain::document::template::{
    FieldType, GridPos, TemplateContent, TemplateField, TemplateScope, TemplateSection,
};
use outpost_domain::ids::{DocId, UserId};
use outpost_domain::patient::{NewPatient, Sex};
use outpost_domain::protocol::users::{SyncedUser, UserSigningKey};
use outpost_domain::roles::Role;
use outpost_domain::signature::lock::AddendumTiming;
use outpost_domain::signature::{self, SignatureMeaning};
use outpost_replica::{Replica, TemplateEdit};
use std::collections::BTreeMap;
use std::time::Duration;

const PASSWORD: &str = "correct horse battery";

fn user(username: &str, full_name: &str, role: Role) -> SyncedUser {
    let password = Password::new(PASSWORD);
    let id = UserId::new();
    let key = signature::generate(id, &password).unwrap();
    SyncedUser {
        id,
        username: username.into(),
        full_name: full_name.into(),
        role,
        verifier: PasswordVerifier::create(&password).unwrap(),
        disabled: false,
        signing_key: Some(UserSigningKey::from(key)),
    }
}

/// A replica with a surgeon and a nurse, and one operative-note encounter (a number field
/// and the notes) charted on it.
fn workstation() -> (tempfile::TempDir, DocId) {
    let dir = tempfile::tempdir().unwrap();
    let mut r = Replica::create(dir.path()).unwrap();
    r.replace_users(
        &[
            user("dr.osei", "Dr. Ama Osei", Role::Surgeon),
            user("nurse.joy", "Joy Mensah", Role::Nurse),
        ],
        Utc::now(),
    )
    .unwrap();
    let content = TemplateContent::new(
        "Operative note",
        "surgery",
        EncounterType::Operative,
        TemplateScope::Clinic,
    );
    let t = r.create_template(&content, "admin.ada").unwrap().id;
    let edits = [
        TemplateEdit::AddPage {
            page_id: "main".into(),
            title: "Main".into(),
        },
        TemplateEdit::AddSection {
            page_id: "main".into(),
            section: TemplateSection::new("op", "Operation", GridPos::new(0, 0, 12, 2)),
        },
        TemplateEdit::AddField {
            section_id: "op".into(),
            field: TemplateField::new(
                "blood_loss",
                "Blood loss",
                FieldType::Number {
                    unit: "ml".into(),
                    min: Some(0.0),
                    max: Some(5000.0),
                },
                GridPos::new(0, 0, 4, 1),
            ),
        },
    ];
    for edit in &edits {
        r.edit_template(t, edit, "admin.ada").unwrap();
    }
    r.publish_template(t, "admin.ada").unwrap();
    let p = r
        .register_patient(
            &NewPatient {
                name: "Amara Okafor".into(),
                date_of_birth: "1984-03-07".into(),
                sex: Sex::Female,
                mrn: "MRN-1".into(),
            },
            "dr.osei",
        )
        .unwrap();
    let e = r
        .open_encounter(
            &NewEncounter {
                patient_id: p.id,
                provider: "dr.osei".into(),
                date: "2026-12-03".into(),
                encounter_type: EncounterType::Operative,
                specialty: "surgery".into(),
                template: r.template_pin(t, Some(1)).unwrap(),
                fields: BTreeMap::new(),
                notes: NoteTexts {
                    assessment: "Appendicitis".into(),
                    ..NoteTexts::default()
                },
            },
            "dr.osei",
        )
        .unwrap();
    (dir, e.id)
}

fn field_of(e: &crate::error::CommandError) -> &str {
    e.field_errors
        .first()
        .map(|f| f.field.as_str())
        .unwrap_or("")
}

fn amendment(reason: &str, plan: &str) -> AmendmentInput {
    AmendmentInput {
        reason: reason.into(),
        fields: BTreeMap::from([("blood_loss".to_owned(), FieldValue::Number(150.0))]),
        notes: vec![NoteEdit {
            which: NoteKind::Plan,
            text: plan.into(),
        }],
    }
}

#[test]
fn the_first_signing_in_a_session_needs_the_username_and_later_ones_the_password() {
    let (dir, e) = workstation();
    tauri::async_runtime::block_on(async {
        let state = AppState::start(dir.path(), Duration::from_secs(600));
        sign_in_as(&state, "dr.osei".into(), PASSWORD.into())
            .await
            .unwrap();
        let p = prompt(&state).await.unwrap();
        assert!(p.username_required);
        assert_eq!(
            (p.printed_name.as_str(), p.attempts_left),
            ("Dr. Ama Osei", 3)
        );

        let pw = || PASSWORD.to_owned();
        let err = sign(&state, e, SignatureMeaning::Authorship, pw(), None)
            .await
            .unwrap_err();
        assert_eq!(field_of(&err), "username", "{err:?}");
        let err = sign(
            &state,
            e,
            SignatureMeaning::Authorship,
            pw(),
            Some("nurse.joy".into()),
        )
        .await
        .unwrap_err();
        assert_eq!(field_of(&err), "username", "{err:?}");
        assert!(err.message.contains("dr.osei"), "{}", err.message);

        let err = sign(
            &state,
            e,
            SignatureMeaning::Authorship,
            "not it".into(),
            Some("dr.osei".into()),
        )
        .await
        .unwrap_err();
        assert_eq!(field_of(&err), "password");
        assert!(err.message.contains("2 attempts left"), "{}", err.message);
        assert_eq!(prompt(&state).await.unwrap().attempts_left, 2);
        assert!(prompt(&state).await.unwrap().username_required);

        // Usernames are matched as sign-in matches them (case and spaces do not count).
        let locked = sign(
            &state,
            e,
            SignatureMeaning::Authorship,
            pw(),
            Some(" Dr.Osei ".into()),
        )
        .await
        .unwrap();
        assert_eq!(locked.signatures.len(), 1);
        let m = &locked.signatures[0].manifest;
        assert_eq!(
            (m.printed_name.as_str(), m.meaning),
            ("Dr. Ama Osei", SignatureMeaning::Authorship)
        );
        let p = prompt(&state).await.unwrap();
        assert!(!p.username_required);
        assert_eq!(p.attempts_left, 3, "a signature clears the count");

        // The amendment: a reason is required; then the password alone signs it.
        let err = amend(&state, e, amendment("  ", "Discharge tomorrow"), pw(), None)
            .await
            .unwrap_err();
        assert_eq!(field_of(&err), "reason");
        let locked = amend(
            &state,
            e,
            amendment("Blood loss was left out", "Discharge tomorrow"),
            pw(),
            None,
        )
        .await
        .unwrap();
        assert_eq!(locked.signatures.len(), 2);
        assert_eq!(
            locked.signatures[1].manifest.reason.as_deref(),
            Some("Blood loss was left out")
        );
        assert!(locked.signatures.iter().all(|s| s.problem.is_none()));
        // The signed original is what is shown; the amendment is listed after it.
        assert!(!locked.signed.fields.contains_key("blood_loss"));
        assert_eq!(locked.signed.notes.plan, "");
        assert_eq!(locked.current.notes.plan, "Discharge tomorrow");
        assert_eq!(locked.current.status, EncounterStatus::Amended);
        assert_eq!(locked.addenda.len(), 1);
        assert_eq!(locked.addenda[0].timing, AddendumTiming::AfterSignature);
        assert_eq!(locked.addenda[0].author.as_deref(), Some("dr.osei"));

        // A new session asks for the username again.
        sign_out_of(&state).await.unwrap();
        sign_in_as(&state, "dr.osei".into(), PASSWORD.into())
            .await
            .unwrap();
        assert!(prompt(&state).await.unwrap().username_required);
        let err = amend(
            &state,
            e,
            amendment("Plan changed", "Home today"),
            pw(),
            None,
        )
        .await
        .unwrap_err();
        assert_eq!(field_of(&err), "username");
    });
}

#[test]
fn three_wrong_signing_passwords_block_signing_and_nurses_may_not_sign() {
    let (dir, e) = workstation();
    tauri::async_runtime::block_on(async {
        let state = AppState::start(dir.path(), Duration::from_secs(600));
        sign_in_as(&state, "nurse.joy".into(), PASSWORD.into())
            .await
            .unwrap();
        let err = prompt(&state).await.unwrap_err();
        assert!(err.message.contains("may not sign"), "{}", err.message);
        let err = sign(
            &state,
            e,
            SignatureMeaning::Review,
            PASSWORD.into(),
            Some("nurse.joy".into()),
        )
        .await
        .unwrap_err();
        assert!(err.message.contains("may not sign"), "{}", err.message);

        sign_in_as(&state, "dr.osei".into(), PASSWORD.into())
            .await
            .unwrap();
        let wrong = |_| {
            sign(
                &state,
                e,
                SignatureMeaning::Authorship,
                "wrong".into(),
                Some("dr.osei".into()),
            )
        };
        assert!(wrong(1)
            .await
            .unwrap_err()
            .message
            .contains("2 attempts left"));
        assert!(wrong(2)
            .await
            .unwrap_err()
            .message
            .contains("1 attempt left"));
        let err = wrong(3).await.unwrap_err();
        assert!(err.message.contains("blocked"), "{}", err.message);
        assert!(err.message.contains("admin"), "{}", err.message);
        assert_eq!(prompt(&state).await.unwrap().attempts_left, 0);
        // The right password no longer signs.
        let err = sign(
            &state,
            e,
            SignatureMeaning::Authorship,
            PASSWORD.into(),
            Some("dr.osei".into()),
        )
        .await
        .unwrap_err();
        assert!(err.message.contains("blocked"), "{}", err.message);
        let unsigned = state
            .with_replica(move |r| r.locked_encounter(e))
            .await
            .unwrap();
        assert!(unsigned.is_none());
    });
}
