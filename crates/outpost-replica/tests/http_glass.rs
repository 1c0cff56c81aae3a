//! Break-the-glass on real workstations and a real server over HTTP (issue 7): an admin
//! restricts a patient; a doctor with no care relationship is refused the chart until
//! they give a reason, the access then granted ends on time (the replica's clock is set,
//! nobody waits), and the break-the-glass entry with its reason reaches the server at the
//! next sync and is listed to admins as an alert. The surgeon who charted the patient
//! opens the chart without a reason. The chart's encounter and vitals lists, and writes
//! into the chart, open only as the chart does, and the patient list shows a restricted
//! patient without the chart's allergens and vitals. Three wrong signing passwords raise an
//! alert the same way.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use crate::common;
use crate::server;
use crate::staff;

use chrono::{DateTime, Duration, Utc};
use common::{new_patient, normal_vitals, operative_template, urgent_item, ward_handover};
use outpost_replica::outpost_domain::audit::AuditAction;
use outpost_replica::outpost_domain::credentials::Password;
use outpost_replica::outpost_domain::document::encounter::{
    EncounterType, NewEncounter, NoteKind, NoteTexts,
};
use outpost_replica::outpost_domain::document::patient::DemographicsUpdate;
use outpost_replica::outpost_domain::document::DocKind;
use outpost_replica::outpost_domain::ids::{ClinicId, DocId};
use outpost_replica::outpost_domain::protocol::admin::{AuditQuery, AuditRecord};
use outpost_replica::outpost_domain::protocol::users::LoginRequest;
use outpost_replica::outpost_domain::signature::SignatureMeaning;
use outpost_replica::sync::{transport_for, TransportError};
use outpost_replica::{AuditFilter, Clock, PatientSummary, Replica, ReplicaError};
use server::{TestServer, PASSWORD};
use staff::{clinic, sync_round, workstation};
use std::collections::BTreeMap;
use std::sync::Mutex;

/// A patient with an operative encounter by dr.osei (their care relationship).
fn charted_patient(r: &mut Replica) -> (DocId, DocId) {
    let p = r
        .register_patient(&new_patient("Amara Okafor", "MRN-1"), "dr.osei")
        .unwrap();
    let e = operative_encounter(r, p.id, "2026-12-03");
    (p.id, e)
}

/// An operative encounter of `patient` by dr.osei on `date`.
fn operative_encounter(r: &mut Replica, patient: DocId, date: &str) -> DocId {
    let t = operative_template(r);
    let template = r.template_pin(t, Some(1)).unwrap();
    r.open_encounter(
        &NewEncounter {
            patient_id: patient,
            provider: "dr.osei".into(),
            date: date.into(),
            encounter_type: EncounterType::Operative,
            specialty: "surgery".into(),
            template,
            fields: BTreeMap::new(),
            notes: NoteTexts::default(),
        },
        "dr.osei",
    )
    .unwrap()
    .id
}

/// Sends what workstation `a` wrote, has an admin restrict `patient` on the server, and
/// lets both workstations learn it.
async fn restrict(
    s: &TestServer,
    clinic: ClinicId,
    patient: DocId,
    a: &Mutex<Replica>,
    b: &Mutex<Replica>,
) {
    sync_round(a).await;
    outpost_sync_server::oversight::set_restricted(&s.db, clinic, patient, true)
        .await
        .unwrap();
    sync_round(a).await;
    sync_round(b).await;
}

fn at(now: DateTime<Utc>) -> Clock {
    Clock::from_fn(move || now)
}

/// What admins see: every page of the clinic's alerts (or audit entries), through the
/// admin endpoint with an admin's online session on workstation `r`.
async fn as_admin(r: &Mutex<Replica>, query: &AuditQuery, alerts: bool) -> Vec<AuditRecord> {
    let transport = transport_for(&r.lock().unwrap()).unwrap();
    let session = transport
        .login(&LoginRequest {
            username: "admin.ada".into(),
            password: PASSWORD.into(),
        })
        .await
        .unwrap()
        .session_token;
    let mut q = query.clone();
    let mut all = Vec::new();
    loop {
        let page = transport.admin_audit(&session, &q, alerts).await.unwrap();
        all.extend(page.entries);
        match page.next {
            Some(next) => q.after = Some(next),
            None => return all,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn break_the_glass_needs_a_reason_expires_on_time_and_reaches_the_admins() {
    let s = TestServer::start().await;
    let clinic = clinic(&s).await;
    let (_da, a) = workstation(&s, clinic, "dr.osei").await;
    let (_db, b) = workstation(&s, clinic, "dr.mensah").await;
    let (patient, encounter) = charted_patient(&mut a.lock().unwrap());
    restrict(&s, clinic, patient, &a, &b).await;

    // The surgeon who charted the patient has a care relationship: no reason asked.
    {
        let a = a.lock().unwrap();
        assert!(a.is_restricted(patient).unwrap());
        a.patient_details(patient).unwrap();
        a.encounter(encounter).unwrap();
    }

    let t0 = Utc::now();
    {
        let mut r = b.lock().unwrap();
        r.set_clock(at(t0));
        // Without a reason: no access to the chart or its encounters.
        let refused = r.patient_details(patient).unwrap_err();
        assert!(
            matches!(refused, ReplicaError::Restricted { patient: p } if p == patient),
            "{refused}"
        );
        assert!(refused.to_string().contains("reason"), "{refused}");
        assert!(matches!(
            r.encounter(encounter).unwrap_err(),
            ReplicaError::Restricted { .. }
        ));
        assert!(matches!(
            r.encounter_view(encounter).unwrap_err(),
            ReplicaError::Restricted { .. }
        ));
        assert!(matches!(
            r.break_the_glass(patient, "   ").unwrap_err(),
            ReplicaError::BadGlassReason
        ));
        assert!(
            r.patient_details(patient).is_err(),
            "a blank reason grants nothing"
        );

        // With a reason: access for the default 30 minutes, checked on every read.
        let granted = r
            .break_the_glass(patient, "Unconscious in the emergency room")
            .unwrap();
        assert_eq!(granted.expires_at, t0 + Duration::minutes(30));
        r.patient_details(patient).unwrap();
        r.encounter(encounter).unwrap();
        r.set_clock(at(t0 + Duration::minutes(29)));
        r.encounter_view(encounter).unwrap();
        r.set_clock(at(t0 + Duration::minutes(30)));
        assert!(matches!(
            r.patient_details(patient).unwrap_err(),
            ReplicaError::Restricted { .. }
        ));
        assert!(matches!(
            r.encounter(encounter).unwrap_err(),
            ReplicaError::Restricted { .. }
        ));
        assert_eq!(r.glass_access(patient).unwrap(), None);

        // The workstation's own chain holds the entry with its reason.
        let local = r
            .audit_list(&AuditFilter {
                patient: Some(patient),
                user: Some("dr.mensah".into()),
                ..AuditFilter::default()
            })
            .unwrap();
        let glass: Vec<_> = local
            .iter()
            .filter(|e| e.action == AuditAction::BreakTheGlass)
            .collect();
        assert_eq!(glass.len(), 1, "{local:?}");
        assert_eq!(
            glass[0].reason.as_deref(),
            Some("Unconscious in the emergency room")
        );
        assert!(local.iter().all(|e| e.user == "dr.mensah"));
    }

    // At the next sync the event reaches the server and admins see the alert.
    sync_round(&b).await;
    let alerts = as_admin(&b, &AuditQuery::default(), true).await;
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    assert_eq!(alerts[0].action, AuditAction::BreakTheGlass);
    assert_eq!(alerts[0].user, "dr.mensah");
    assert_eq!(alerts[0].record_id, Some(patient.to_string()));
    assert_eq!(
        alerts[0].reason.as_deref(),
        Some("Unconscious in the emergency room")
    );
    // The patient's audit trail on the server holds the break-the-glass and the reads
    // of the chart and the encounter made under it.
    let trail = as_admin(
        &b,
        &AuditQuery {
            patient: Some(patient),
            user: Some("dr.mensah".into()),
            ..AuditQuery::default()
        },
        false,
    )
    .await;
    let details: Vec<&str> = trail.iter().map(|e| e.detail.as_str()).collect();
    assert!(details.contains(&"patient.break_the_glass"), "{details:?}");
    assert!(details.contains(&"patient.read"), "{details:?}");
    assert!(details.contains(&"encounter.read"), "{details:?}");

    // A doctor's own session does not open the admin listing.
    let transport = transport_for(&b.lock().unwrap()).unwrap();
    let doctor = transport
        .login(&LoginRequest {
            username: "dr.mensah".into(),
            password: PASSWORD.into(),
        })
        .await
        .unwrap();
    let err = transport
        .admin_audit(&doctor.session_token, &AuditQuery::default(), true)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, TransportError::Unauthorized { code, .. } if code == "forbidden"),
        "{err:?}"
    );

    // Lifted on the server, the restriction is gone from the workstation after a sync.
    outpost_sync_server::oversight::set_restricted(&s.db, clinic, patient, false)
        .await
        .unwrap();
    sync_round(&b).await;
    b.lock().unwrap().patient_details(patient).unwrap();
}

/// Regression: the encounter and vitals lists of a restricted chart were served without
/// the chart's check, notes included, to anyone signed in, and anyone could write into
/// the chart (each write handing the record back).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restricted_charts_lists_and_writes_open_only_as_the_chart_does() {
    let s = TestServer::start().await;
    let clinic = clinic(&s).await;
    let (_da, a) = workstation(&s, clinic, "dr.osei").await;
    let (_db, b) = workstation(&s, clinic, "dr.mensah").await;
    let (patient, encounter, vitals, other, other_encounter) = {
        let mut r = a.lock().unwrap();
        let (patient, encounter) = charted_patient(&mut r);
        let vitals = r
            .record_vitals(&normal_vitals(patient), "dr.osei")
            .unwrap()
            .id;
        let other = r
            .register_patient(&new_patient("Kofi Boateng", "MRN-2"), "dr.osei")
            .unwrap();
        let other_encounter = operative_encounter(&mut r, other.id, "2026-12-02");
        (patient, encounter, vitals, other.id, other_encounter)
    };
    restrict(&s, clinic, patient, &a, &b).await;

    let listed = |r: &Replica| -> Vec<DocId> {
        r.list_encounters(None)
            .unwrap()
            .into_iter()
            .map(|e| e.id)
            .collect()
    };
    {
        let a = a.lock().unwrap();
        assert_eq!(a.list_encounters(Some(patient)).unwrap().len(), 1);
        assert_eq!(a.vitals_history(patient).unwrap().len(), 1);
        assert_eq!(listed(&a).len(), 2, "the surgeon cares for both patients");
    }
    let t0 = Utc::now();
    let mut r = b.lock().unwrap();
    r.set_clock(at(t0));
    let restricted =
        |e: ReplicaError| matches!(e, ReplicaError::Restricted { patient: p } if p == patient);
    assert!(restricted(r.list_encounters(Some(patient)).unwrap_err()));
    assert!(restricted(r.vitals_history(patient).unwrap_err()));
    assert!(restricted(r.list_vitals(patient).unwrap_err()));

    assert_eq!(
        listed(&r),
        vec![other_encounter],
        "the list of all leaves the restricted chart's encounter out"
    );
    assert!(!r.may_open_chart(patient).unwrap());
    assert!(!r.may_open_record(vitals, DocKind::Vitals).unwrap());
    assert!(r
        .may_open_record(other_encounter, DocKind::Encounter)
        .unwrap());

    // Writing into the chart is opening it (a write hands the record back): refused too,
    // and nothing is stored.
    let doctor = "dr.mensah";
    assert!(restricted(
        r.record_vitals(&normal_vitals(patient), doctor)
            .unwrap_err()
    ));
    let phone = DemographicsUpdate {
        phone: Some("+233 20 000 0000".into()),
        ..DemographicsUpdate::default()
    };
    assert!(restricted(
        r.edit_patient(patient, &phone, doctor).unwrap_err()
    ));
    assert!(restricted(
        r.edit_encounter_note(encounter, NoteKind::Plan, "Discharge", doctor)
            .unwrap_err()
    ));
    assert!(restricted(
        r.mark_vitals_entered_in_error(vitals, "wrong patient", doctor)
            .unwrap_err()
    ));
    let t = operative_template(&mut r);
    let pin = r.template_pin(t, Some(1)).unwrap();
    let opened = r.open_encounter(
        &NewEncounter {
            patient_id: patient,
            provider: doctor.into(),
            date: "2026-12-04".into(),
            encounter_type: EncounterType::Operative,
            specialty: "surgery".into(),
            template: pin,
            fields: BTreeMap::new(),
            notes: NoteTexts::default(),
        },
        doctor,
    );
    assert!(restricted(opened.unwrap_err()));
    // Writes to a chart that is not restricted go on as before.
    r.record_vitals(&normal_vitals(other), doctor).unwrap();

    r.break_the_glass(patient, "Transferred in, records needed now")
        .unwrap();
    assert_eq!(
        r.list_vitals(patient).unwrap().len(),
        1,
        "nothing was stored"
    );
    assert_eq!(r.list_encounters(Some(patient)).unwrap().len(), 1);
    assert_eq!(r.patient_details(patient).unwrap().patient.phone, None);
    r.record_vitals(&normal_vitals(patient), doctor).unwrap();
    r.edit_encounter_note(encounter, NoteKind::Plan, "Discharge", doctor)
        .unwrap();
    assert_eq!(r.list_vitals(patient).unwrap().len(), 2);
    assert_eq!(r.list_encounters(Some(patient)).unwrap()[0].id, encounter);
    r.vitals(vitals).unwrap();
    assert_eq!(listed(&r).len(), 2);

    // The access ends on time, and the lists close with the chart.
    r.set_clock(at(t0 + Duration::minutes(30)));
    assert!(restricted(r.list_encounters(Some(patient)).unwrap_err()));
    assert!(restricted(r.vitals_history(patient).unwrap_err()));
    assert_eq!(listed(&r), vec![other_encounter]);
}

/// Regression: the patient list and search showed a restricted patient's allergens and
/// latest vitals to anyone signed in, while the chart they come from stayed closed. The
/// patient is still listed (to be found, and the glass broken); the row carries them only
/// while the chart would open.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_patient_list_withholds_a_restricted_charts_allergens_and_vitals() {
    use outpost_replica::outpost_domain::document::patient::{
        AllergyInput, AllergySeverity, AllergyStatus,
    };
    let s = TestServer::start().await;
    let clinic = clinic(&s).await;
    let (_da, a) = workstation(&s, clinic, "dr.osei").await;
    let (_db, b) = workstation(&s, clinic, "dr.mensah").await;
    let (patient, other) = {
        let mut r = a.lock().unwrap();
        let (patient, _) = charted_patient(&mut r);
        let other = r
            .register_patient(&new_patient("Kofi Boateng", "MRN-2"), "dr.osei")
            .unwrap()
            .id;
        for p in [patient, other] {
            let allergy = AllergyInput {
                allergen: "Penicillin".into(),
                reaction: Some("Hives".into()),
                severity: AllergySeverity::Severe,
                status: AllergyStatus::Active,
            };
            r.add_allergy(p, &allergy, "dr.osei").unwrap();
            r.record_vitals(&normal_vitals(p), "dr.osei").unwrap();
        }
        (patient, other)
    };
    restrict(&s, clinic, patient, &a, &b).await;

    // (restricted, allergens, has vitals) of each listed patient, by the list and by the
    // search, which must agree.
    type Row = (bool, Vec<String>, bool);
    let by_id = |summaries: Vec<PatientSummary>| -> BTreeMap<DocId, Row> {
        summaries
            .into_iter()
            .map(|p| {
                let row = (p.restricted, p.active_allergens, p.latest_vitals.is_some());
                (p.patient.id, row)
            })
            .collect()
    };
    let rows = |r: &Replica| -> BTreeMap<DocId, Row> {
        let listed = by_id(r.list_patients().unwrap());
        let searched = by_id(r.search_patients("", 50).unwrap().patients);
        assert_eq!(
            listed, searched,
            "the list and the search show the same rows"
        );
        listed
    };
    let open = (false, vec!["Penicillin".to_string()], true);
    let withheld = (true, Vec::new(), false);

    // The surgeon who charted the patient cares for them: nothing is withheld.
    {
        let a = a.lock().unwrap();
        let seen = rows(&a);
        assert_eq!(seen[&patient], open);
        assert_eq!(seen[&other], open);
    }
    let t0 = Utc::now();
    let mut r = b.lock().unwrap();
    r.set_clock(at(t0));
    let seen = rows(&r);
    assert_eq!(
        seen[&patient], withheld,
        "listed, without the chart's details"
    );
    assert_eq!(
        seen[&other], open,
        "an unrestricted patient is listed as before"
    );

    r.break_the_glass(patient, "Unconscious on arrival, allergies needed")
        .unwrap();
    assert_eq!(rows(&r)[&patient], open);
    r.set_clock(at(t0 + Duration::minutes(30)));
    assert_eq!(
        rows(&r)[&patient],
        withheld,
        "closed again when the access ends"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_wrong_signing_passwords_raise_an_alert_the_admins_see_after_sync() {
    let s = TestServer::start().await;
    let clinic = clinic(&s).await;
    let (_da, a) = workstation(&s, clinic, "dr.osei").await;
    let (_, encounter) = charted_patient(&mut a.lock().unwrap());
    let signed_at = chrono::DateTime::parse_from_rfc3339("2026-12-03T10:00:00+01:00").unwrap();
    for attempt in 1..=3 {
        let err = a
            .lock()
            .unwrap()
            .sign_encounter(
                encounter,
                &Password::new("not the password"),
                SignatureMeaning::Authorship,
                signed_at,
            )
            .unwrap_err();
        assert_eq!(
            matches!(err, ReplicaError::SigningBlocked),
            attempt == 3,
            "{err}"
        );
    }
    assert!(as_admin(&a, &AuditQuery::default(), true).await.is_empty());
    sync_round(&a).await;
    let alerts = as_admin(&a, &AuditQuery::default(), true).await;
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    assert_eq!(alerts[0].detail, "signature.blocked");
    assert_eq!(alerts[0].user, "dr.osei");
    assert_eq!(alerts[0].record_id, Some(encounter.to_string()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_record_of_a_restricted_patient_is_restricted_once_merged_and_care_spans_both() {
    let s = TestServer::start().await;
    let clinic = clinic(&s).await;
    let (_da, a) = workstation(&s, clinic, "dr.osei").await;
    let (_db, b) = workstation(&s, clinic, "dr.mensah").await;
    let (patient, _) = charted_patient(&mut a.lock().unwrap());
    let second = b
        .lock()
        .unwrap()
        .register_patient(&new_patient("Amara Okafor", "MRN-2"), "dr.mensah")
        .unwrap()
        .id;
    sync_round(&a).await;
    sync_round(&b).await;
    outpost_sync_server::oversight::set_restricted(&s.db, clinic, patient, true)
        .await
        .unwrap();
    sync_round(&b).await;
    b.lock().unwrap().patient_details(second).unwrap();

    b.lock()
        .unwrap()
        .merge_patients(
            patient,
            second,
            "same person, registered twice",
            "dr.mensah",
        )
        .unwrap();
    let refused = b.lock().unwrap().patient_details(second).unwrap_err();
    assert!(
        matches!(refused, ReplicaError::Restricted { .. }),
        "the second record opened without a reason: {refused}"
    );
    sync_round(&b).await;
    sync_round(&a).await;
    let a = a.lock().unwrap();
    assert!(a.is_restricted(second).unwrap());
    a.patient_details(second)
        .expect("the surgeon who cares for the person opens either record");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_handover_item_about_a_restricted_patient_says_nothing_until_the_chart_opens() {
    use outpost_replica::outpost_domain::document::handover::HandoverPriority;
    let s = TestServer::start().await;
    let clinic = clinic(&s).await;
    let (_da, a) = workstation(&s, clinic, "dr.osei").await;
    let (_db, b) = workstation(&s, clinic, "dr.mensah").await;
    let (restricted, _) = charted_patient(&mut a.lock().unwrap());
    let open = a
        .lock()
        .unwrap()
        .register_patient(&new_patient("Kofi Boateng", "MRN-2"), "dr.osei")
        .unwrap()
        .id;
    let handover = {
        let mut r = a.lock().unwrap();
        let h = r
            .open_handover(&ward_handover("2026-12-06", "dr.osei"), "dr.osei")
            .unwrap();
        r.add_handover_item(
            h.id,
            &urgent_item("bed-4", restricted, "Post-op day 1"),
            "dr.osei",
        )
        .unwrap();
        r.add_handover_item(
            h.id,
            &urgent_item("bed-5", open, "Chest pain overnight"),
            "dr.osei",
        )
        .unwrap();
        h.id
    };
    restrict(&s, clinic, restricted, &a, &b).await;

    // dr.mensah has no care relationship: the item exists, its texts do not show.
    let listed = b.lock().unwrap().list_handovers(Some("Ward 3")).unwrap();
    assert_eq!(listed.len(), 1);
    let shown = b.lock().unwrap().handover(handover).unwrap();
    assert_eq!(shown, listed[0]);
    let bed = |id: &str| shown.items.iter().find(|i| i.id == id).unwrap().clone();
    let hidden = bed("bed-4");
    assert!(hidden.restricted);
    assert_eq!(hidden.priority, HandoverPriority::Urgent);
    for text in [
        &hidden.situation,
        &hidden.background,
        &hidden.assessment,
        &hidden.recommendation,
        &hidden.action_required,
    ] {
        assert!(text.is_empty(), "a restricted item said {text:?}");
    }
    assert!(!bed("bed-5").restricted);
    assert_eq!(bed("bed-5").situation, "Chest pain overnight");

    // Acknowledging, editing or adding an item about the patient opens the chart too.
    let refused = b
        .lock()
        .unwrap()
        .acknowledge_handover_item(handover, "bed-4", "dr.mensah")
        .unwrap_err();
    assert!(
        matches!(refused, ReplicaError::Restricted { .. }),
        "{refused}"
    );
    let refused = b
        .lock()
        .unwrap()
        .add_handover_item(
            handover,
            &urgent_item("bed-6", restricted, "Again"),
            "dr.mensah",
        )
        .unwrap_err();
    assert!(
        matches!(refused, ReplicaError::Restricted { .. }),
        "{refused}"
    );
    let acked = b
        .lock()
        .unwrap()
        .acknowledge_handover_item(handover, "bed-5", "dr.mensah")
        .unwrap();
    assert!(
        acked
            .items
            .iter()
            .find(|i| i.id == "bed-4")
            .unwrap()
            .restricted
    );

    // The surgeon caring for the patient reads it; so does dr.mensah once the glass is
    // broken.
    let theirs = a.lock().unwrap().handover(handover).unwrap();
    let full = theirs.items.iter().find(|i| i.id == "bed-4").unwrap();
    assert!(!full.restricted);
    assert_eq!(full.situation, "Post-op day 1");
    b.lock()
        .unwrap()
        .break_the_glass(restricted, "Covering the ward tonight, urgent item")
        .unwrap();
    let opened = b.lock().unwrap().handover(handover).unwrap();
    let full = opened.items.iter().find(|i| i.id == "bed-4").unwrap();
    assert!(!full.restricted);
    assert_eq!(full.recommendation, "Check the drain at 22:00");
    b.lock()
        .unwrap()
        .acknowledge_handover_item(handover, "bed-4", "dr.mensah")
        .unwrap();
}
