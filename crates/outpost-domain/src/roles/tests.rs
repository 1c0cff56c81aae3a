//! The permission matrix, checked cell by cell against the table in the module doc, plus
//! role names as people type them.

use super::*;

/// The module doc's tables, as the letters each role has per kind (S sign, K co-sign,
/// A amend).
const EXPECTED: [(DocKind, [&str; 6]); 7] = [
    (DocKind::Patient, ["R", "RCE", "RCE", "RCE", "RCE", "R"]),
    (DocKind::PatientLink, ["R", "RCE", "RCE", "RCE", "RCE", "-"]),
    (DocKind::Vitals, ["-", "RCE", "RCE", "RCE", "-", "-"]),
    (DocKind::Encounter, ["-", "RCESKA", "RCESKA", "R", "-", "-"]),
    (DocKind::Handover, ["-", "RCE", "RCE", "RCE", "-", "-"]),
    (DocKind::Template, ["RCE", "R", "R", "R", "-", "-"]),
    (DocKind::LibrarySection, ["RCE", "-", "-", "-", "-", "-"]),
];

fn letters(role: Role, kind: DocKind) -> String {
    let s: String = Action::ALL
        .into_iter()
        .filter(|a| permits(role, kind, *a))
        .map(|a| match a {
            Action::Read => 'R',
            Action::Create => 'C',
            Action::Edit => 'E',
            Action::Sign => 'S',
            Action::CoSign => 'K',
            Action::Amend => 'A',
        })
        .collect();
    if s.is_empty() {
        "-".into()
    } else {
        s
    }
}

#[test]
fn every_role_kind_and_action_matches_the_documented_table() {
    assert_eq!(
        EXPECTED.len(),
        DocKind::ALL.len(),
        "a kind is missing from the table"
    );
    println!(
        "{:<14}{}",
        "kind",
        Role::ALL.map(|r| format!("{r:<12}")).join("")
    );
    for (kind, row) in EXPECTED {
        let actual: Vec<String> = Role::ALL.into_iter().map(|r| letters(r, kind)).collect();
        println!(
            "{:<14}{}",
            kind.as_str(),
            actual
                .iter()
                .map(|c| format!("{c:<12}"))
                .collect::<String>()
        );
        for (role, want) in Role::ALL.into_iter().zip(row) {
            assert_eq!(letters(role, kind), want, "{role} on {}", kind.as_str());
        }
    }
}

#[test]
fn only_admins_write_templates() {
    for role in Role::ALL {
        for action in [Action::Create, Action::Edit] {
            assert_eq!(
                permits(role, DocKind::Template, action),
                role == Role::Admin,
                "{role}"
            );
        }
    }
}

#[test]
fn admins_do_not_chart() {
    for kind in [DocKind::Encounter, DocKind::Vitals, DocKind::Handover] {
        for action in Action::ALL {
            assert!(!permits(Role::Admin, kind, action), "{}", kind.as_str());
        }
    }
}

#[test]
fn front_desk_and_lab_write_no_clinical_record() {
    for role in [Role::FrontDesk, Role::Lab] {
        for kind in [DocKind::Encounter, DocKind::Vitals, DocKind::Handover] {
            for action in Action::ALL {
                assert!(!permits(role, kind, action), "{role} {}", kind.as_str());
            }
        }
    }
    assert!(permits(Role::FrontDesk, DocKind::Patient, Action::Create));
    assert!(!permits(Role::Lab, DocKind::Patient, Action::Edit));
    assert!(permits(Role::Lab, DocKind::Patient, Action::Read));
}

#[test]
fn a_write_always_implies_read() {
    for role in Role::ALL {
        for kind in DocKind::ALL {
            let writes = permits(role, kind, Action::Create) || permits(role, kind, Action::Edit);
            assert!(
                !writes || permits(role, kind, Action::Read),
                "{role} {}",
                kind.as_str()
            );
        }
    }
}

#[test]
fn role_names_round_trip_and_accept_what_people_type() {
    for role in Role::ALL {
        assert_eq!(role.to_string().parse::<Role>().unwrap(), role);
        let json = serde_json::to_string(&role).unwrap();
        assert_eq!(json, format!("\"{role}\""));
    }
    assert_eq!("Front-Desk".parse::<Role>().unwrap(), Role::FrontDesk);
    assert_eq!(" NURSE ".parse::<Role>().unwrap(), Role::Nurse);
    let err = "janitor".parse::<Role>().unwrap_err().to_string();
    assert!(
        err.contains("janitor") && err.contains("front_desk"),
        "{err}"
    );
}

#[test]
fn only_physicians_sign_co_sign_and_amend_and_only_encounters() {
    for role in Role::ALL {
        for kind in DocKind::ALL {
            for action in [Action::Sign, Action::CoSign, Action::Amend] {
                let physician = matches!(role, Role::Doctor | Role::Surgeon);
                assert_eq!(
                    permits(role, kind, action),
                    physician && kind == DocKind::Encounter,
                    "{role} {action} {}",
                    kind.as_str()
                );
            }
        }
    }
    assert!(permits(Role::Nurse, DocKind::Encounter, Action::Read));
    assert!(!permits(Role::Nurse, DocKind::Encounter, Action::Sign));
    assert!(!permits(Role::Admin, DocKind::Encounter, Action::Sign));
}
