//! Offline login on a real encrypted replica (keyring via `scripts/with-keyring.sh`): the
//! cache, one refusal for unknown users and wrong passwords, the growing lockout delay,
//! sessions and role checks, and the attempts the next sync reports.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use crate::error::ReplicaError;
use crate::replica::Replica;
use chrono::{DateTime, Duration, TimeZone, Utc};
use outpost_domain::credentials::{Password, PasswordVerifier, SignInRefused};
use outpost_domain::document::DocKind;
use outpost_domain::ids::UserId;
use outpost_domain::protocol::users::SyncedUser;
use outpost_domain::roles::{Action, Role};

const PASSWORD: &str = "correct horse battery";

fn t(secs: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_800_000_000, 0).single().unwrap() + Duration::seconds(secs)
}

fn user(username: &str, role: Role, verifier: &PasswordVerifier) -> SyncedUser {
    SyncedUser {
        id: UserId::new(),
        username: username.into(),
        full_name: format!("{username} full"),
        role,
        verifier: verifier.clone(),
        disabled: false,
        signing_key: None,
    }
}

fn replica_with_users() -> (tempfile::TempDir, Replica, Vec<SyncedUser>) {
    let dir = tempfile::tempdir().unwrap();
    let mut r = Replica::create(dir.path()).unwrap();
    let v = PasswordVerifier::create(&Password::new(PASSWORD)).unwrap();
    let users = vec![
        user("nurse.joy", Role::Nurse, &v),
        user("dr.kofi", Role::Doctor, &v),
    ];
    r.replace_users(&users, t(0)).unwrap();
    (dir, r, users)
}

fn refusal(e: ReplicaError) -> SignInRefused {
    match e {
        ReplicaError::SignIn(r) => r,
        other => panic!("expected a sign-in refusal, got {other}"),
    }
}

#[test]
fn signs_in_with_the_right_password_and_refuses_others_alike() {
    let (_dir, mut r, users) = replica_with_users();
    let listed = r.cached_users().unwrap();
    assert_eq!(
        listed
            .iter()
            .map(|u| u.username.as_str())
            .collect::<Vec<_>>(),
        ["dr.kofi", "nurse.joy"]
    );

    let wrong = refusal(
        r.login("nurse.joy", &Password::new("nope"), t(1))
            .unwrap_err(),
    );
    let unknown = refusal(
        r.login("nobody", &Password::new(PASSWORD), t(1))
            .unwrap_err(),
    );
    assert_eq!(wrong, SignInRefused::WrongCredentials);
    assert_eq!(wrong.to_string(), unknown.to_string());
    assert!(r.signed_in_user(t(1)).unwrap().is_none());

    let me = r
        .login(" Nurse.Joy ", &Password::new(PASSWORD), t(2))
        .unwrap();
    assert_eq!(me.id, users[0].id);
    assert_eq!(me.role, Role::Nurse);
    assert_eq!(r.signed_in_user(t(3)).unwrap(), Some(me.clone()));
    assert_eq!(
        r.signed_in_user(t(2) + Duration::hours(crate::SESSION_HOURS))
            .unwrap(),
        None
    );

    // The failure and the sign-in wait for the next sync, then are marked reported.
    let report = r.unreported_sign_ins(100).unwrap();
    assert_eq!(report.failures.len(), 1);
    assert_eq!(report.sign_ins.len(), 1);
    assert_eq!(report.sign_ins[0].user_id, me.id);
    let ids: Vec<_> = report
        .failures
        .iter()
        .chain(&report.sign_ins)
        .map(|a| a.id)
        .collect();
    r.mark_sign_ins_reported(&ids).unwrap();
    assert_eq!(r.unreported_sign_ins(100).unwrap(), Default::default());
}

#[test]
fn the_lockout_delay_grows_and_a_right_password_waits_it_out() {
    let (_dir, mut r, _) = replica_with_users();
    for i in 0..5 {
        let e = refusal(
            r.login("dr.kofi", &Password::new("wrong"), t(i))
                .unwrap_err(),
        );
        assert_eq!(e, SignInRefused::WrongCredentials);
    }
    let locked = |r: &mut Replica, at| {
        refusal(
            r.login("dr.kofi", &Password::new(PASSWORD), at)
                .unwrap_err(),
        )
    };
    assert_eq!(
        locked(&mut r, t(4)),
        SignInRefused::LockedOut {
            retry_after_seconds: 1
        }
    );
    refusal(
        r.login("dr.kofi", &Password::new("wrong"), t(5))
            .unwrap_err(),
    );
    assert_eq!(
        locked(&mut r, t(5)),
        SignInRefused::LockedOut {
            retry_after_seconds: 2
        }
    );
    refusal(
        r.login("dr.kofi", &Password::new("wrong"), t(7))
            .unwrap_err(),
    );
    assert_eq!(
        locked(&mut r, t(7)),
        SignInRefused::LockedOut {
            retry_after_seconds: 4
        }
    );
    let msg = locked(&mut r, t(8)).to_string();
    assert!(msg.contains("wait 3 seconds"), "{msg}");
    // Attempts during the delay are not counted: the delay does not grow from them.
    assert_eq!(r.unreported_sign_ins(100).unwrap().failures.len(), 7);
    // Once it passed, the right password works and resets the account.
    r.login("dr.kofi", &Password::new(PASSWORD), t(11)).unwrap();
    refusal(
        r.login("dr.kofi", &Password::new("wrong"), t(12))
            .unwrap_err(),
    );
    r.login("dr.kofi", &Password::new(PASSWORD), t(12)).unwrap();
}

#[test]
fn writes_need_a_signed_in_user_whose_role_allows_them() {
    let (_dir, mut r, mut users) = replica_with_users();
    let e = r
        .author_for(DocKind::Vitals, Action::Create, t(0))
        .unwrap_err();
    assert!(e.to_string().contains("outpost login --user"), "{e}");
    r.login("nurse.joy", &Password::new(PASSWORD), t(0))
        .unwrap();
    assert_eq!(
        r.author_for(DocKind::Vitals, Action::Create, t(1))
            .unwrap()
            .username,
        "nurse.joy"
    );
    let e = r
        .author_for(DocKind::Encounter, Action::Create, t(1))
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("nurse role may not create encounter"),
        "{e}"
    );

    // Disabled on the server: the next users refresh ends the session and sign-ins.
    users[0].disabled = true;
    r.replace_users(&users, t(2)).unwrap();
    assert!(r.signed_in_user(t(3)).unwrap().is_none());
    let e = r
        .login("nurse.joy", &Password::new(PASSWORD), t(3))
        .unwrap_err();
    assert!(matches!(e, ReplicaError::AccountDisabled), "{e}");
    r.logout().unwrap();
}

#[test]
fn a_workstation_without_users_says_to_sync_first() {
    let dir = tempfile::tempdir().unwrap();
    let mut r = Replica::create(dir.path()).unwrap();
    let e = r
        .login("anyone", &Password::new(PASSWORD), t(0))
        .unwrap_err();
    assert!(e.to_string().contains("outpost sync"), "{e}");
}

#[test]
fn verifiers_stay_out_of_the_listing() {
    let (_dir, r, _) = replica_with_users();
    let shown = format!(
        "{:?} {}",
        r.cached_users().unwrap(),
        serde_json::to_string(&r.cached_users().unwrap()).unwrap()
    );
    assert!(!shown.contains("argon2"), "{shown}");
}
