//! Verifiers at OWASP parameters, usernames as typed, and the lockout rule's growth, cap
//! and per-hour limit.

use super::*;
use chrono::TimeZone;

fn t(secs: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_800_000_000 + secs, 0).single().unwrap()
}

#[test]
fn a_verifier_accepts_its_password_only_and_carries_owasp_parameters() {
    let v = PasswordVerifier::create(&Password::new("correct horse")).unwrap();
    assert!(
        v.as_phc().starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{}",
        v.as_phc()
    );
    assert!(v.verify(&Password::new("correct horse")));
    assert!(!v.verify(&Password::new("correct horsE")));
    let again = PasswordVerifier::from_phc(v.as_phc()).unwrap();
    assert!(again.verify(&Password::new("correct horse")));
    // Same password, fresh salt.
    let other = PasswordVerifier::create(&Password::new("correct horse")).unwrap();
    assert_ne!(other.as_phc(), v.as_phc());
}

#[test]
fn weak_or_foreign_verifiers_are_refused_when_read() {
    let weak = "$argon2id$v=19$m=4096,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$\
                YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXoxMjM0NTY";
    assert!(PasswordVerifier::from_phc(weak).is_err());
    assert!(PasswordVerifier::from_phc("plain text").is_err());
    let json = serde_json::to_string("$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaA").unwrap();
    assert!(serde_json::from_str::<PasswordVerifier>(&json).is_err());
}

#[test]
fn secrets_never_show_in_debug() {
    let p = Password::new("hunter2hunter2");
    let v = PasswordVerifier::create(&p).unwrap();
    let shown = format!("{p:?} {v:?}");
    assert!(
        !shown.contains("hunter2") && !shown.contains("argon2"),
        "{shown}"
    );
}

#[test]
fn new_passwords_have_a_length_limit() {
    assert_eq!(
        Password::new_for_account("short").unwrap_err(),
        CredentialError::PasswordLength
    );
    assert!(Password::new_for_account("long enough").is_ok());
}

#[test]
fn usernames_are_stored_lowercase_and_checked() {
    assert_eq!(canonical_username("  Dr.Amina_2 ").unwrap(), "dr.amina_2");
    for bad in ["", "has space", "ünï", &"x".repeat(65)] {
        let err = canonical_username(bad).unwrap_err().to_string();
        assert!(err.contains("lowercase letters"), "{err}");
    }
}

#[test]
fn the_delay_starts_after_five_failures_doubles_and_caps_at_fifteen_minutes() {
    let delays: Vec<i64> = (0..=16).map(|n| lockout_delay(n).num_seconds()).collect();
    assert_eq!(delays[..5], [0, 0, 0, 0, 0]);
    assert_eq!(delays[5..11], [1, 2, 4, 8, 16, 32]);
    assert_eq!(delays[15], 900);
    assert_eq!(lockout_delay(u32::MAX).num_seconds(), 900);
    for w in delays.windows(2) {
        assert!(w[1] >= w[0]);
    }
}

#[test]
fn retry_after_counts_down_from_the_last_failure() {
    let mut l = Lockout::default();
    for i in 0..5 {
        assert!(
            l.retry_after(t(i)).is_none(),
            "no delay before the fifth failure"
        );
        assert!(l.record_failure(t(i), i as u32));
    }
    assert_eq!(l.retry_after(t(4)), Some(1));
    assert!(l.retry_after(t(5)).is_none());
    l.record_failure(t(5), 5);
    assert_eq!(l.retry_after(t(5)), Some(2));
    l.record_failure(t(7), 6);
    assert_eq!(l.retry_after(t(7)), Some(4));
}

#[test]
fn no_more_than_100_failures_an_hour_are_counted() {
    let mut l = Lockout::default();
    assert!(!l.record_failure(t(0), MAX_FAILURES_COUNTED_PER_HOUR));
    assert_eq!(l, Lockout::default());
    assert!(l.record_failure(t(0), MAX_FAILURES_COUNTED_PER_HOUR - 1));
    assert_eq!(l.failures, 1);
}

#[test]
fn refusals_say_the_same_for_unknown_users_and_wrong_passwords() {
    let msg = SignInRefused::WrongCredentials.to_string();
    assert!(msg.contains("wrong username or password"));
    let locked = SignInRefused::LockedOut {
        retry_after_seconds: 8,
    }
    .to_string();
    assert!(locked.contains("wait 8 seconds"), "{locked}");
}
