//! The server's own documents and the reporting tables against real Postgres: after pushes
//! from several devices, each document the server keeps equals the one its pulled changes
//! build, and each reporting row equals the record its document holds.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::records::{meta, Desk};
use common::{Device, Server};
use outpost_domain::document::{DocKind, Document};
use outpost_domain::ids::{ClinicId, DocId};
use outpost_domain::patient::PatientRecord;
use outpost_domain::protocol::{PushResponse, WireChange};
use outpost_domain::version_vector::VersionVector;
use sqlx::Row;
use std::collections::BTreeMap;

async fn push_ok(s: &Server, d: &Device, changes: &[WireChange]) {
    let (status, body) = s.push(d, changes).await;
    assert_eq!(status, axum::http::StatusCode::OK, "{body}");
    let answer: PushResponse = serde_json::from_value(body).unwrap();
    assert!(answer.quarantined.is_empty(), "{:?}", answer.quarantined);
}

/// The server's documents of `clinic`: id -> (kind, heads, document).
async fn server_documents(
    s: &Server,
    clinic: ClinicId,
) -> BTreeMap<DocId, (Vec<String>, Document)> {
    let rows = sqlx::query("SELECT doc_id, kind, bytes, heads FROM documents WHERE clinic_id = $1")
        .bind(clinic.0)
        .fetch_all(s.db.pool())
        .await
        .unwrap();
    rows.iter()
        .map(|r| {
            let id = DocId(r.get("doc_id"));
            let kind = DocKind::parse(r.get("kind")).unwrap();
            let bytes: Vec<u8> = r.get("bytes");
            (
                id,
                (r.get("heads"), Document::load(id, kind, &bytes).unwrap()),
            )
        })
        .collect()
}

#[tokio::test]
async fn documents_and_reporting_rows_equal_what_the_pushed_changes_make() {
    let s = Server::start().await;
    let clinic = s.clinic("Riverside Clinic").await;
    let (a, b, reader) = (
        s.device(clinic).await,
        s.device(clinic).await,
        s.device(clinic).await,
    );
    let mut desk_a = Desk::new(a.replica);
    let (patient, p) = desk_a.patient("nurse.test");
    let (other, o) = desk_a.patient("nurse.test");
    let (vitals, v) = desk_a.vitals("nurse.test", patient.id, 37.2);
    let (template, t) = desk_a.template("admin.test");
    let (encounter, e) = desk_a.encounter("dr.test", &template, patient.id);
    let (handover, h) = desk_a.handover("nurse.test", patient.id);
    let (_, l) = desk_a.link("nurse.test", patient.id, other.id);
    let from_a = vec![p.clone(), o, v.clone(), t, e, h, l];
    push_ok(&s, &a, &from_a).await;

    // Device B edits two of A's records it pulled: the patient's phone and, as a
    // correction, the vitals (entered in error).
    let mut desk_b = Desk::new(b.replica);
    let mut patient_b = Document::empty(patient.id, DocKind::Patient);
    patient_b.apply_remote([p.bytes.0.as_slice()]).unwrap();
    let local = patient_b
        .edit(b.replica, &meta("nurse.test"), |r: &mut PatientRecord| {
            r.phone = Some("+233 20 111 2222".into());
            Ok(())
        })
        .unwrap()
        .unwrap();
    let phone = desk_b.wire(&patient_b, local);
    let mut vitals_b = Document::empty(vitals.id, DocKind::Vitals);
    vitals_b.apply_remote([v.bytes.0.as_slice()]).unwrap();
    let local = vitals_b
        .mark_vitals_entered_in_error(b.replica, &meta("nurse.test"), "wrong patient")
        .unwrap();
    let error = desk_b.wire(&vitals_b, local);
    push_ok(&s, &b, &[phone, error]).await;

    // Every server document equals the one the clinic's changes build.
    let (pulled, _) = s.pull_all(&reader, &VersionVector::default(), 100).await;
    let mut built: BTreeMap<DocId, Document> = BTreeMap::new();
    for c in &pulled {
        built
            .entry(c.doc_id)
            .or_insert_with(|| Document::empty(c.doc_id, c.kind))
            .apply_remote([c.bytes.0.as_slice()])
            .unwrap();
    }
    let docs = server_documents(&s, clinic).await;
    assert_eq!(
        docs.keys().collect::<Vec<_>>(),
        built.keys().collect::<Vec<_>>()
    );
    for (id, (heads, doc)) in &docs {
        assert_eq!(heads, &built[id].heads(), "stored heads of {id}");
        assert_eq!(doc.heads(), built[id].heads(), "stored bytes of {id}");
    }

    let pool = s.db.pool();
    let row = sqlx::query(
        "SELECT name, mrn, phone, provisional FROM report_patients \
         WHERE clinic_id = $1 AND patient_id = $2",
    )
    .bind(clinic.0)
    .bind(patient.id.0)
    .fetch_one(pool)
    .await
    .unwrap();
    let record = docs[&patient.id].1.patient_record().unwrap();
    assert_eq!(row.get::<String, _>("name"), record.name);
    assert_eq!(row.get::<String, _>("mrn"), record.mrn);
    assert_eq!(
        row.get::<Option<String>, _>("phone").as_deref(),
        Some("+233 20 111 2222")
    );
    assert!(!row.get::<bool, _>("provisional"));
    let patients: i64 =
        sqlx::query_scalar("SELECT count(*) FROM report_patients WHERE clinic_id = $1")
            .bind(clinic.0)
            .fetch_one(pool)
            .await
            .unwrap();
    assert_eq!(patients, 2);

    let row = sqlx::query(
        "SELECT patient_id, temperature_c, heart_rate_per_min, spo2_percent, status, \
             entered_in_error_reason, taken_by \
         FROM report_vitals WHERE clinic_id = $1 AND vitals_id = $2",
    )
    .bind(clinic.0)
    .bind(vitals.id.0)
    .fetch_one(pool)
    .await
    .unwrap();
    let set = docs[&vitals.id].1.vitals().unwrap();
    assert_eq!(row.get::<uuid::Uuid, _>("patient_id"), patient.id.0);
    assert_eq!(
        row.get::<Option<f64>, _>("temperature_c"),
        set.value("temperature_c")
    );
    assert_eq!(row.get::<Option<f64>, _>("temperature_c"), Some(37.2));
    assert_eq!(row.get::<Option<f64>, _>("heart_rate_per_min"), Some(72.0));
    assert_eq!(row.get::<Option<f64>, _>("spo2_percent"), None);
    assert_eq!(row.get::<String, _>("status"), "entered-in-error");
    assert_eq!(
        row.get::<Option<String>, _>("entered_in_error_reason")
            .as_deref(),
        Some("wrong patient")
    );
    assert_eq!(row.get::<String, _>("taken_by"), set.taken_by);

    let row = sqlx::query(
        "SELECT patient_id, template_id, template_version, status, field_count, provider \
         FROM report_encounters WHERE clinic_id = $1 AND encounter_id = $2",
    )
    .bind(clinic.0)
    .bind(encounter.id.0)
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(row.get::<uuid::Uuid, _>("patient_id"), patient.id.0);
    assert_eq!(row.get::<uuid::Uuid, _>("template_id"), template.id.0);
    assert_eq!(row.get::<i64, _>("template_version"), 1);
    assert_eq!(row.get::<String, _>("status"), "draft");
    assert_eq!(row.get::<i32, _>("field_count"), 1);
    assert_eq!(row.get::<String, _>("provider"), "dr.test");

    let row = sqlx::query(
        "SELECT ward, author, item_count, urgent_count FROM report_handovers \
         WHERE clinic_id = $1 AND handover_id = $2",
    )
    .bind(clinic.0)
    .bind(handover.id.0)
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(row.get::<String, _>("ward"), "Ward 3");
    assert_eq!(row.get::<String, _>("author"), "nurse.test");
    assert_eq!(
        (
            row.get::<i32, _>("item_count"),
            row.get::<i32, _>("urgent_count")
        ),
        (1, 1)
    );
    let item = sqlx::query(
        "SELECT patient_id, priority, action_required FROM report_handover_items \
         WHERE clinic_id = $1 AND handover_id = $2",
    )
    .bind(clinic.0)
    .bind(handover.id.0)
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(item.get::<uuid::Uuid, _>("patient_id"), patient.id.0);
    assert_eq!(item.get::<String, _>("priority"), "urgent");
    assert_eq!(item.get::<String, _>("action_required"), "Check drain");

    let row = sqlx::query(
        "SELECT name, latest_version, field_count FROM report_templates \
         WHERE clinic_id = $1 AND template_id = $2",
    )
    .bind(clinic.0)
    .bind(template.id.0)
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(row.get::<String, _>("name"), "Cardiology follow-up");
    assert_eq!(row.get::<Option<i64>, _>("latest_version"), Some(1));
    assert_eq!(row.get::<i32, _>("field_count"), 1);
}

#[tokio::test]
async fn concurrent_pushes_editing_one_document_both_reach_the_servers_copy() {
    let s = Server::start().await;
    let clinic = s.clinic("Riverside Clinic").await;
    let (a, b, reader) = (
        s.device(clinic).await,
        s.device(clinic).await,
        s.device(clinic).await,
    );
    let (mut desk_a, mut desk_b) = (Desk::new(a.replica), Desk::new(b.replica));
    let (mut on_a, created) = desk_a.patient("nurse.test");
    push_ok(&s, &a, std::slice::from_ref(&created)).await;
    let mut on_b = Document::empty(on_a.id, DocKind::Patient);
    on_b.apply_remote([created.bytes.0.as_slice()]).unwrap();

    // Each round, both devices edit different fields offline and push at the same moment.
    for round in 0..5 {
        let local = on_a
            .edit(a.replica, &meta("nurse.test"), |r: &mut PatientRecord| {
                r.phone = Some(format!("+233 20 000 000{round}"));
                Ok(())
            })
            .unwrap()
            .unwrap();
        let from_a = desk_a.wire(&on_a, local);
        let local = on_b
            .edit(b.replica, &meta("nurse.test"), |r: &mut PatientRecord| {
                r.address = Some(format!("{round} Harbour Road"));
                Ok(())
            })
            .unwrap()
            .unwrap();
        let from_b = desk_b.wire(&on_b, local);
        tokio::join!(
            push_ok(&s, &a, std::slice::from_ref(&from_a)),
            push_ok(&s, &b, std::slice::from_ref(&from_b)),
        );
        // They sync before the next round.
        on_a.apply_remote([from_b.bytes.0.as_slice()]).unwrap();
        on_b.apply_remote([from_a.bytes.0.as_slice()]).unwrap();
    }

    let docs = server_documents(&s, clinic).await;
    let (heads, server_copy) = &docs[&on_a.id];
    assert_eq!(heads, &on_a.heads(), "no push lost another's change");
    let record = server_copy.patient_record().unwrap();
    assert_eq!(record.phone.as_deref(), Some("+233 20 000 0004"));
    assert_eq!(record.address.as_deref(), Some("4 Harbour Road"));
    let (pulled, _) = s.pull_all(&reader, &VersionVector::default(), 100).await;
    assert_eq!(pulled.len(), 11);
    let row: (Option<String>, Option<String>) = sqlx::query_as(
        "SELECT phone, address FROM report_patients WHERE clinic_id = $1 AND patient_id = $2",
    )
    .bind(clinic.0)
    .bind(on_a.id.0)
    .fetch_one(s.db.pool())
    .await
    .unwrap();
    assert_eq!(row, (record.phone.clone(), record.address.clone()));
}

/// A patient's row lists its own active allergens, whatever the other patients of the same
/// push have: the rows of one push are written in one statement, each patient's allergens
/// a slice of one array (this pins the slicing: an empty list, a neighbour's, punctuation).
#[tokio::test]
async fn each_patient_row_of_one_push_lists_that_patients_active_allergens() {
    use outpost_domain::ids::EntryId;
    use outpost_domain::patient::{
        add_allergy, refute_allergy, AllergyInput, AllergySeverity, AllergyStatus,
    };
    let s = Server::start().await;
    let clinic = s.clinic("Riverside Clinic").await;
    let a = s.device(clinic).await;
    let mut desk = Desk::new(a.replica);
    let allergy = |allergen: &str| AllergyInput {
        allergen: allergen.into(),
        reaction: None,
        severity: AllergySeverity::Moderate,
        status: AllergyStatus::Active,
    };
    let mut batch = Vec::new();
    let mut expected = Vec::new();
    for allergens in [
        vec![],
        vec!["Penicillin", "Latex, \"natural\" rubber {dipped}"],
        vec![],
        vec!["Peanut", "Sulfa drugs", "Shellfish"],
    ] {
        let (mut doc, created) = desk.patient("nurse.test");
        batch.push(created);
        let refuted = EntryId::new();
        let local = doc
            .edit(a.replica, &meta("nurse.test"), |r: &mut PatientRecord| {
                add_allergy(r, refuted, &allergy("Aspirin"))?;
                refute_allergy(r, refuted)?;
                for allergen in &allergens {
                    add_allergy(r, EntryId::new(), &allergy(allergen))?;
                }
                Ok(())
            })
            .unwrap()
            .unwrap();
        batch.push(desk.wire(&doc, local));
        let mut active: Vec<String> = allergens.iter().map(|a| a.to_string()).collect();
        active.sort();
        expected.push((doc.id.0, active));
    }
    push_ok(&s, &a, &batch).await;

    for (patient, active) in expected {
        let (mut stored, count): (Vec<String>, i32) = sqlx::query_as(
            "SELECT active_allergens, allergy_count FROM report_patients \
             WHERE clinic_id = $1 AND patient_id = $2",
        )
        .bind(clinic.0)
        .bind(patient)
        .fetch_one(s.db.pool())
        .await
        .unwrap();
        stored.sort();
        assert_eq!(stored, active, "active allergens of {patient}");
        assert_eq!(
            count as usize,
            active.len() + 1,
            "the refuted one is counted"
        );
    }
}
