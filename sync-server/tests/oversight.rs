//! Admin oversight against real Postgres: the clinic's pushed audit entries listed by
//! patient (their record, encounters and vitals), user and time range, a page at a time,
//! and the alerts among them (break-the-glass with its reason, signing blocked) — through
//! the admin endpoints, which only an admin's online session on that same workstation
//! opens, and through `outpost-server audit list`, `alerts list` and `patient restrict`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use axum::http::StatusCode;
use common::records::Desk;
use common::{Device, Server};
use outpost_domain::audit::{AuditAction, AuditEntry};
use outpost_domain::credentials::Password;
use outpost_domain::ids::{ClinicId, DocId};
use outpost_domain::protocol::admin::{AuditPage, AuditRecord};
use outpost_domain::protocol::integrity::{IntegrityRequest, IntegrityResponse};
use outpost_domain::roles::Role;
use serde_json::{json, Value};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_outpost-server");
const PASSWORD: &str = "correct horse battery staple";

async fn integrity(s: &Server, d: &Device, audit: Vec<AuditEntry>) -> IntegrityResponse {
    let req = IntegrityRequest {
        audit,
        ..Default::default()
    };
    s.integrity_ok(d, &req).await
}

/// One event: time (HH:MM), user, action, detail, record, reason.
type Event<'a> = (
    &'a str,
    &'a str,
    AuditAction,
    &'a str,
    DocId,
    Option<&'a str>,
);

/// A device's chain of `events`.
fn chain(events: &[Event<'_>]) -> Vec<AuditEntry> {
    let mut out: Vec<AuditEntry> = Vec::new();
    for (at, user, action, detail, record, reason) in events {
        let prev = out.last().map(|e| (e.seq, e.hash.as_str()));
        let mut e = AuditEntry::next(
            prev,
            format!("2026-12-03T{at}:00.000000000Z"),
            (*user).into(),
            *action,
            (*detail).into(),
            Some(record.to_string()),
        );
        if let Some(r) = reason {
            e = e.with_reason((*r).into());
        }
        out.push(e);
    }
    out
}

async fn session(s: &Server, d: &Device, username: &str) -> String {
    let (status, body) = s
        .call(
            "POST",
            "/v1/login",
            Some(&d.token),
            Some(json!({ "username": username, "password": PASSWORD })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["session_token"].as_str().unwrap().to_owned()
}

/// Every page of `path` (with its query) as the admin session on `d`.
async fn all_pages(s: &Server, d: &Device, session: &str, path: &str) -> (Vec<AuditRecord>, usize) {
    let mut entries = Vec::new();
    let mut pages = 0;
    let mut after = String::new();
    loop {
        let (status, body) = s
            .get_with_session(&format!("{path}{after}"), &d.token, Some(session))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let page: AuditPage = serde_json::from_value(body).unwrap();
        pages += 1;
        entries.extend(page.entries);
        match page.next {
            Some(next) => after = format!("&after={next}"),
            None => return (entries, pages),
        }
    }
}

fn seqs(entries: &[AuditRecord], a: &Device) -> Vec<String> {
    entries
        .iter()
        .map(|e| format!("{}{}", if e.device_id == a.id { "a" } else { "b" }, e.seq))
        .collect()
}

fn cli(s: &Server, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env("OUTPOST_DATABASE_URL", s.pg.url())
        .env("RUST_LOG", "warn")
        .output()
        .unwrap()
}

struct Clinic {
    s: Server,
    clinic: ClinicId,
    a: Device,
    b: Device,
    patient: DocId,
}

async fn clinic_with_audit() -> Clinic {
    let s = Server::start().await;
    let clinic = s.clinic("Riverside Clinic").await;
    for (name, role) in [("admin.ada", Role::Admin), ("nurse.kim", Role::Nurse)] {
        outpost_sync_server::users::add_user(
            &s.db,
            clinic,
            name,
            name,
            role,
            &Password::new(PASSWORD),
        )
        .await
        .unwrap();
    }
    let (a, b) = (s.device(clinic).await, s.device(clinic).await);
    let mut desk = Desk::new(a.replica);
    let (template, t) = desk.template("admin.test");
    let (patient, p) = desk.patient("nurse.test");
    let (other, o) = desk.patient("nurse.test");
    let (encounter, e) = desk.encounter("dr.test", &template, patient.id);
    let (status, body) = s.push(&a, &[t, p, o, e]).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    use AuditAction::*;
    integrity(
        &s,
        &a,
        chain(&[
            ("09:00", "nurse.kim", Read, "patient.read", patient.id, None),
            (
                "09:05",
                "dr.test",
                Read,
                "encounter.read",
                encounter.id,
                None,
            ),
            (
                "09:10",
                "dr.test",
                BreakTheGlass,
                "patient.break_the_glass",
                patient.id,
                Some("Unconscious in the emergency room"),
            ),
            (
                "09:20",
                "dr.test",
                Signature,
                "signature.blocked",
                encounter.id,
                None,
            ),
            ("10:00", "nurse.kim", Read, "patient.read", other.id, None),
        ]),
    )
    .await;
    integrity(
        &s,
        &b,
        chain(&[("09:30", "nurse.kim", Read, "patient.read", patient.id, None)]),
    )
    .await;
    Clinic {
        s,
        clinic,
        a,
        b,
        patient: patient.id,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admins_list_the_clinics_audit_by_patient_user_and_time_a_page_at_a_time() {
    let Clinic {
        s, a, b, patient, ..
    } = clinic_with_audit().await;

    // Only an admin's online session on the same workstation opens the listing.
    let (status, body) = s.get_with_session("/v1/admin/audit", &a.token, None).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(body["message"]
        .as_str()
        .unwrap()
        .contains("X-Outpost-Session"));
    let nurse = session(&s, &a, "nurse.kim").await;
    let (status, _) = s
        .get_with_session("/v1/admin/audit", &a.token, Some(&nurse))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let admin = session(&s, &a, "admin.ada").await;
    let (status, _) = s
        .get_with_session("/v1/admin/audit", &b.token, Some(&admin))
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "a session is bound to its device"
    );
    let (status, _) = s
        .get_with_session("/v1/admin/audit", "nonsense", Some(&admin))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let (all, _) = all_pages(&s, &a, &admin, "/v1/admin/audit?limit=500").await;
    assert_eq!(seqs(&all, &a), ["a1", "a2", "a3", "a4", "b1", "a5"]);
    // Paged two at a time: the same entries, in the same order.
    let (paged, pages) = all_pages(&s, &a, &admin, "/v1/admin/audit?limit=2").await;
    assert_eq!(paged, all);
    assert!(pages >= 3, "{pages}");

    // By patient: their record and their encounter's, from both workstations.
    let (by_patient, _) = all_pages(
        &s,
        &a,
        &admin,
        &format!("/v1/admin/audit?patient={patient}"),
    )
    .await;
    assert_eq!(seqs(&by_patient, &a), ["a1", "a2", "a3", "a4", "b1"]);
    let (by_user, _) = all_pages(&s, &a, &admin, "/v1/admin/audit?user=nurse.kim").await;
    assert_eq!(seqs(&by_user, &a), ["a1", "b1", "a5"]);
    let (in_range, _) = all_pages(
        &s,
        &a,
        &admin,
        "/v1/admin/audit?since=2026-12-03T09:05:00Z&until=2026-12-03T09:30:00Z",
    )
    .await;
    assert_eq!(seqs(&in_range, &a), ["a2", "a3", "a4"]);
    let (both, _) = all_pages(
        &s,
        &a,
        &admin,
        &format!("/v1/admin/audit?patient={patient}&user=dr.test&since=2026-12-03T09:06:00Z"),
    )
    .await;
    assert_eq!(seqs(&both, &a), ["a3", "a4"]);

    // Alerts: the break-the-glass with its reason, and the signing block.
    let (alerts, _) = all_pages(&s, &a, &admin, "/v1/admin/alerts?limit=500").await;
    assert_eq!(seqs(&alerts, &a), ["a3", "a4"]);
    assert_eq!(
        alerts[0].reason.as_deref(),
        Some("Unconscious in the emergency room")
    );
    assert!(alerts.iter().all(AuditRecord::is_alert));

    // Bad input is refused with what to send.
    for bad in [
        "/v1/admin/audit?after=garbage",
        "/v1/admin/audit?limit=0",
        "/v1/admin/audit?since=yesterday",
        "/v1/admin/audit?since=2026-12-03T10:00:00Z&until=2026-12-03T09:00:00Z",
    ] {
        let (status, body): (StatusCode, Value) =
            s.get_with_session(bad, &a.token, Some(&admin)).await;
        assert!(status.is_client_error(), "{bad}: {status} {body}");
        assert!(body["message"].as_str().is_some(), "{bad}: {body}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outpost_server_lists_audit_and_alerts_and_restricts_patients() {
    let c = clinic_with_audit().await;
    let clinic = c.clinic.to_string();
    let patient = c.patient.to_string();

    let out = cli(
        &c.s,
        &[
            "audit",
            "list",
            "--clinic",
            &clinic,
            "--patient",
            &patient,
            "--json",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let listed: Vec<AuditRecord> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(seqs(&listed, &c.a), ["a1", "a2", "a3", "a4", "b1"]);
    let out = cli(
        &c.s,
        &[
            "audit",
            "list",
            "--clinic",
            &clinic,
            "--user",
            "nurse.kim",
            "--since",
            "2026-12-03T09:15:00Z",
            "--until",
            "2026-12-03T11:00:00Z",
            "--json",
        ],
    );
    let listed: Vec<AuditRecord> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(seqs(&listed, &c.a), ["b1", "a5"]);

    let out = cli(&c.s, &["alerts", "list", "--clinic", &clinic]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().count(), 2, "{text}");
    assert!(text.contains("patient.break_the_glass"), "{text}");
    assert!(
        text.contains("reason: Unconscious in the emergency room"),
        "{text}"
    );
    assert!(text.contains("signature.blocked"), "{text}");

    // Restricting reaches the workstations at their next integrity step.
    let out = cli(
        &c.s,
        &[
            "patient",
            "restrict",
            "--clinic",
            &clinic,
            "--patient",
            &patient,
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let answer = integrity(&c.s, &c.b, Vec::new()).await;
    assert_eq!(answer.restricted_patients, Some(vec![c.patient]));
    let unknown = DocId::new().to_string();
    let out = cli(
        &c.s,
        &[
            "patient",
            "restrict",
            "--clinic",
            &clinic,
            "--patient",
            &unknown,
        ],
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no patient") && err.contains("sync"), "{err}");
    let out = cli(
        &c.s,
        &[
            "patient",
            "unrestrict",
            "--clinic",
            &clinic,
            "--patient",
            &patient,
        ],
    );
    assert!(out.status.success());
    let answer = integrity(&c.s, &c.a, Vec::new()).await;
    assert_eq!(answer.restricted_patients, Some(vec![]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_entry_the_listing_could_not_read_back_is_refused_and_nothing_is_stored() {
    let s = Server::start().await;
    let clinic = s.clinic("Riverside Clinic").await;
    let a = s.device(clinic).await;
    let record = DocId::new();
    let mut bad_time = chain(&[(
        "09:00",
        "nurse.kim",
        AuditAction::Read,
        "patient.read",
        record,
        None,
    )]);
    bad_time[0] = AuditEntry::next(
        None,
        "yesterday".into(),
        "nurse.kim".into(),
        AuditAction::Read,
        "patient.read".into(),
        Some(record.to_string()),
    );
    let long = "x".repeat(501);
    let too_long = chain(&[(
        "09:00",
        "dr.test",
        AuditAction::BreakTheGlass,
        "patient.break_the_glass",
        record,
        Some(long.as_str()),
    )]);
    for entries in [bad_time, too_long] {
        let req = IntegrityRequest {
            audit: entries,
            ..Default::default()
        };
        let (status, body) = s.integrity(&a, &req).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert!(
            body["message"].as_str().unwrap().contains("entry 1"),
            "{body}"
        );
    }
    assert_eq!(integrity(&s, &a, Vec::new()).await.audit_held_through, 0);
}
