//! Validation of pushed changes against real Postgres: a change that breaks the rules
//! (role, value ranges, tenant, author) is quarantined with its reason and the device
//! flagged, while every other device's changes apply and are pulled; a quarantined change
//! keeps its counter, is never served, and holds back its replica's later changes.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use axum::http::StatusCode;
use common::records::Desk;
use common::{as_pushed, Device, Server};
use outpost_domain::document::{DocKind, Document};
use outpost_domain::protocol::{PushResponse, WireChange};
use outpost_domain::version_vector::VersionVector;
use outpost_sync_server::quarantine;
use std::collections::BTreeSet;

async fn push_ok(s: &Server, d: &Device, changes: &[WireChange]) -> PushResponse {
    let (status, body) = s.push(d, changes).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    serde_json::from_value(body).unwrap()
}

/// What a fresh device of the clinic pulls: (replica, counter) of every change.
async fn pulled(s: &Server, d: &Device) -> Vec<WireChange> {
    s.pull_all(d, &VersionVector::default(), 100).await.0
}

#[tokio::test]
async fn a_nurse_changing_a_template_is_quarantined_and_other_devices_are_unaffected() {
    let s = Server::start().await;
    let clinic = s.clinic("Riverside Clinic").await;
    let (admin, nurse, b, c, fresh) = (
        s.device(clinic).await,
        s.device(clinic).await,
        s.device(clinic).await,
        s.device(clinic).await,
        s.device(clinic).await,
    );
    let mut admin_desk = Desk::new(admin.replica);
    let (template, created) = admin_desk.template("admin.test");
    assert!(push_ok(&s, &admin, std::slice::from_ref(&created))
        .await
        .quarantined
        .is_empty());

    // The nurse's workstation holds the template (pulled) and renames it.
    let mut nurse_desk = Desk::new(nurse.replica);
    let mut copy = Document::empty(template.id, DocKind::Template);
    copy.apply_remote([created.bytes.0.as_slice()]).unwrap();
    let rename = nurse_desk.rename_template(&mut copy, "nurse.test", "Nurse layout");

    // Two other devices push in the same moment.
    let (mut b_desk, mut c_desk) = (Desk::new(b.replica), Desk::new(c.replica));
    let (patient, p) = b_desk.patient("nurse.test");
    let (_, v) = b_desk.vitals("nurse.test", patient.id, 37.8);
    let (_, e) = c_desk.encounter("dr.test", &template, patient.id);
    let (_, h) = c_desk.handover("nurse.test", patient.id);
    let (b_batch, c_batch) = (vec![p, v], vec![e, h]);
    let (from_nurse, from_b, from_c) = tokio::join!(
        push_ok(&s, &nurse, std::slice::from_ref(&rename)),
        push_ok(&s, &b, &b_batch),
        push_ok(&s, &c, &c_batch),
    );

    assert_eq!(from_nurse.stored_through, 1, "the change took its counter");
    assert_eq!(from_nurse.quarantined.len(), 1);
    let q = &from_nurse.quarantined[0];
    assert_eq!(
        (q.counter, q.doc_id, q.code.as_str()),
        (1, template.id, "forbidden_role")
    );
    assert!(
        q.reason.contains("nurse.test") && q.reason.contains("template"),
        "the reason names who and what: {}",
        q.reason
    );
    assert!(from_b.quarantined.is_empty() && from_c.quarantined.is_empty());
    assert_eq!((from_b.stored_through, from_c.stored_through), (2, 2));

    // An admin sees the quarantined change and the flagged device.
    let listed = quarantine::list(&s.db, clinic).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].device_id, nurse.id);
    assert_eq!(listed[0].author.as_deref(), Some("nurse.test"));
    assert_eq!(listed[0].reason_code, "forbidden_role");
    let flagged = quarantine::flagged_devices(&s.db, clinic).await.unwrap();
    assert_eq!(flagged.iter().map(|d| d.id).collect::<Vec<_>>(), [nurse.id]);
    assert!(flagged[0]
        .flag_reason
        .as_deref()
        .unwrap()
        .contains("forbidden_role"));

    // Everything else is pulled; the nurse's change never is.
    let all = pulled(&s, &fresh).await;
    let mut expected = vec![created];
    expected.extend(b_batch);
    expected.extend(c_batch);
    let got: BTreeSet<_> = as_pushed(&all).into_iter().map(|c| c.digest).collect();
    let want: BTreeSet<_> = expected.into_iter().map(|c| c.digest).collect();
    assert_eq!(got, want);
    assert!(all.iter().all(|c| c.replica_id != nurse.replica));

    // The server's template is still the admin's.
    let name: String = sqlx::query_scalar(
        "SELECT name FROM report_templates WHERE clinic_id = $1 AND template_id = $2",
    )
    .bind(clinic.0)
    .bind(template.id.0)
    .fetch_one(s.db.pool())
    .await
    .unwrap();
    assert_eq!(name, "Cardiology follow-up");

    // A replay changes nothing; the device's next change is held back too.
    let again = push_ok(&s, &nurse, std::slice::from_ref(&rename)).await;
    assert_eq!((again.stored_through, again.quarantined.len()), (1, 0));
    let (_, later) = nurse_desk.patient("nurse.test");
    let held = push_ok(&s, &nurse, &[later]).await;
    assert_eq!(held.stored_through, 2);
    assert_eq!(held.quarantined[0].code, "follows_quarantined");
    assert_eq!(quarantine::list(&s.db, clinic).await.unwrap().len(), 2);
    assert!(pulled(&s, &fresh)
        .await
        .iter()
        .all(|c| c.replica_id != nurse.replica));
}

#[tokio::test]
async fn vitals_outside_the_ranges_are_quarantined_with_the_field_named() {
    let s = Server::start().await;
    let clinic = s.clinic("Riverside Clinic").await;
    let (a, fresh) = (s.device(clinic).await, s.device(clinic).await);
    let mut desk = Desk::new(a.replica);
    let (patient, p) = desk.patient("nurse.test");
    let (_, hot) = desk.vitals("nurse.test", patient.id, 52.0);
    let answer = push_ok(&s, &a, &[p.clone(), hot]).await;
    assert_eq!(answer.stored_through, 2);
    assert_eq!(answer.quarantined.len(), 1);
    assert_eq!(answer.quarantined[0].counter, 2);
    assert_eq!(answer.quarantined[0].code, "invalid_record");
    assert!(answer.quarantined[0].reason.contains("temperature"));

    assert_eq!(as_pushed(&pulled(&s, &fresh).await), vec![p]);
    let vitals_rows: i64 =
        sqlx::query_scalar("SELECT count(*) FROM report_vitals WHERE clinic_id = $1")
            .bind(clinic.0)
            .fetch_one(s.db.pool())
            .await
            .unwrap();
    assert_eq!(vitals_rows, 0);
}

#[tokio::test]
async fn a_change_to_another_clinics_document_is_quarantined_and_nothing_leaks() {
    let s = Server::start().await;
    let (x, y) = (s.clinic("Riverside").await, s.clinic("Hillside").await);
    let (in_x, in_y) = (s.device(x).await, s.device(y).await);
    let mut x_desk = Desk::new(in_x.replica);
    let (patient, created) = x_desk.patient("nurse.test");
    push_ok(&s, &in_x, std::slice::from_ref(&created)).await;

    // A device of the other clinic somehow holds the document and pushes an edit to it.
    let mut y_desk = Desk::new(in_y.replica);
    let (_, own) = y_desk.patient("nurse.test");
    let mut stolen = Document::empty(patient.id, DocKind::Patient);
    stolen.apply_remote([created.bytes.0.as_slice()]).unwrap();
    let local = stolen
        .edit(
            in_y.replica,
            &common::records::meta("nurse.test"),
            |p: &mut outpost_domain::patient::PatientRecord| {
                p.name = "Changed Elsewhere".into();
                Ok(())
            },
        )
        .unwrap()
        .unwrap();
    let edit = y_desk.wire(&stolen, local);
    let answer = push_ok(&s, &in_y, &[own.clone(), edit]).await;
    assert_eq!(answer.quarantined.len(), 1);
    assert_eq!(answer.quarantined[0].code, "tenant");

    // Clinic Y sees only its own; clinic X's document is untouched.
    assert_eq!(as_pushed(&pulled(&s, &in_y).await), vec![own]);
    let name: String = sqlx::query_scalar(
        "SELECT name FROM report_patients WHERE clinic_id = $1 AND patient_id = $2",
    )
    .bind(x.0)
    .bind(patient.id.0)
    .fetch_one(s.db.pool())
    .await
    .unwrap();
    assert_eq!(name, "Test Patient");
    assert!(quarantine::list(&s.db, x).await.unwrap().is_empty());
    assert_eq!(quarantine::list(&s.db, y).await.unwrap().len(), 1);
}

#[tokio::test]
async fn an_author_who_never_signed_in_on_the_device_is_refused() {
    let s = Server::start().await;
    let clinic = s.clinic("Riverside Clinic").await;
    let (a, b) = (s.device(clinic).await, s.device(clinic).await);
    // A user of the clinic, but signed in only on device b.
    s.sign_in(clinic, b.id, "nurse.other", "nurse").await;
    let (_, p) = Desk::new(a.replica).patient("nurse.other");
    let answer = push_ok(&s, &a, &[p]).await;
    assert_eq!(answer.quarantined[0].code, "unknown_author");
    let (_, fine) = Desk::new(b.replica).patient("nurse.other");
    assert!(push_ok(&s, &b, &[fine]).await.quarantined.is_empty());
}
