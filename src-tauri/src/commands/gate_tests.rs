//! The gate every command goes through, on a real encrypted replica (keyring via
//! `scripts/with-keyring.sh`): nothing is read or written before a sign-in through the
//! window, a session left by the command line does not count, writes carry the signed-in
//! username as author, roles are enforced, and sign-out or the idle limit closes it all.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use super::session::{sign_in_as, sign_out_of};
use super::{read, write};
use crate::state::AppState;
use chrono::Utc;
use outpost_domain::credentials::{Password, PasswordVerifier};
use outpost_domain::document::DocKind;
use outpost_domain::ids::UserId;
use outpost_domain::protocol::users::SyncedUser;
use outpost_domain::roles::{Action, Role};
use outpost_replica::Replica;
use std::time::{Duration, Instant};

const PASSWORD: &str = "correct horse battery";

/// A replica (not enrolled: sign-in is offline) with a nurse, and the CLI's nurse
/// session left open in it.
fn workstation() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mut r = Replica::create(dir.path()).unwrap();
    let v = PasswordVerifier::create(&Password::new(PASSWORD)).unwrap();
    let nurse = SyncedUser {
        id: UserId::new(),
        username: "nurse.joy".into(),
        full_name: "Joy Mensah".into(),
        role: Role::Nurse,
        verifier: v,
        disabled: false,
        signing_key: None,
    };
    r.replace_users(&[nurse], Utc::now()).unwrap();
    r.login("nurse.joy", &Password::new(PASSWORD), Utc::now())
        .unwrap();
    dir
}

async fn author_of_a_patient_write(state: &AppState) -> Result<String, crate::error::CommandError> {
    write(state, DocKind::Patient, Action::Create, |_, author| {
        Ok(author.to_owned())
    })
    .await
}

#[test]
fn commands_run_only_for_the_user_signed_in_through_the_window() {
    let dir = workstation();
    tauri::async_runtime::block_on(async {
        let state = AppState::start(dir.path(), Duration::from_secs(1));
        assert_eq!(state.startup_error(), None);

        // The CLI's session was ended when the window opened: nothing is readable.
        let e = read(&state, DocKind::Patient, |r| r.list_patients())
            .await
            .unwrap_err();
        assert!(e.signed_out, "{e:?}");
        assert!(
            author_of_a_patient_write(&state)
                .await
                .unwrap_err()
                .signed_out
        );

        let e = sign_in_as(&state, "nurse.joy".into(), "wrong password".into())
            .await
            .unwrap_err();
        assert!(
            e.message.contains("wrong username or password"),
            "{}",
            e.message
        );
        let e = sign_in_as(&state, " ".into(), "x".into())
            .await
            .unwrap_err();
        assert_eq!(e.field_errors[0].field, "username");

        let s = sign_in_as(&state, "nurse.joy".into(), PASSWORD.into())
            .await
            .unwrap();
        assert_eq!((s.user.role, s.online), (Role::Nurse, false));
        assert_eq!(
            author_of_a_patient_write(&state).await.unwrap(),
            "nurse.joy"
        );
        assert!(read(&state, DocKind::Patient, |r| r.list_patients())
            .await
            .unwrap()
            .is_empty());

        // Nurses read encounters but do not write them.
        let e = write(&state, DocKind::Encounter, Action::Create, |_, _| Ok(()))
            .await
            .unwrap_err();
        assert!(!e.signed_out);
        assert!(
            e.message.contains("nurse role may not create encounter"),
            "{}",
            e.message
        );
        read(&state, DocKind::Encounter, |_| Ok(())).await.unwrap();

        sign_out_of(&state).await.unwrap();
        assert!(
            author_of_a_patient_write(&state)
                .await
                .unwrap_err()
                .signed_out
        );
    });
}

#[test]
fn the_shell_ends_a_session_idle_past_the_limit_and_the_grace() {
    let dir = workstation();
    tauri::async_runtime::block_on(async {
        let state = AppState::start(dir.path(), Duration::from_secs(1));
        sign_in_as(&state, "nurse.joy".into(), PASSWORD.into())
            .await
            .unwrap();
        // The window last reported input two minutes ago (limit 1 s + 60 s grace).
        let long_ago = Instant::now()
            .checked_sub(Duration::from_secs(120))
            .expect("the machine has been up for two minutes");
        state.idle.opened(long_ago, false);
        let e = read(&state, DocKind::Patient, |r| r.list_patients())
            .await
            .unwrap_err();
        assert!(e.signed_out);
        assert!(
            e.message.contains("after 1 second without activity"),
            "{}",
            e.message
        );
        // Ended on the replica too, not only in the window's clock.
        let who = state
            .with_replica(|r| r.signed_in_user(Utc::now()))
            .await
            .unwrap();
        assert_eq!(who, None);
        let e = read(&state, DocKind::Patient, |r| r.list_patients())
            .await
            .unwrap_err();
        assert!(e.message.contains("Nobody is signed in"), "{}", e.message);
    });
}
