//! The domain's permission matrix, enforced by the server (issue 7): for every role and
//! record kind, a change a workstation forges for a user of that role — creating a record,
//! editing one — is applied or quarantined exactly as [`permits`] says; and for every
//! role, kind and signature action (sign, co-sign, amend) a signature made with that
//! user's own key is stored or refused exactly as it says. The expectations are read
//! from `permits` itself, so this test is the matrix, not a copy of it.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use axum::http::StatusCode;
use common::records::{meta, Desk};
use common::{Device, Server};
use outpost_domain::credentials::Password;
use outpost_domain::document::encounter::{EncounterRecord, NoteKind};
use outpost_domain::document::handover::{HandoverPriority, HandoverRecord, NewHandoverItem};
use outpost_domain::document::template::{SavedSection, TemplateRecord};
use outpost_domain::document::{DocKind, Document};
use outpost_domain::ids::{ClinicId, DocId, UserId};
use outpost_domain::link::PatientLink;
use outpost_domain::patient::PatientRecord;
use outpost_domain::protocol::integrity::{IntegrityRequest, IntegrityResponse};
use outpost_domain::protocol::{PushResponse, WireChange};
use outpost_domain::roles::{permits, Action, Role};
use outpost_domain::signature::{self, SignatureManifest, SignatureMeaning, SignedManifest};
use outpost_domain::vitals::VitalsRecord;

const PASSWORD: &str = "correct horse battery staple";

fn user_of(role: Role) -> String {
    format!("role.{}", role.as_str().replace('_', "-"))
}

async fn push(s: &Server, d: &Device, changes: &[WireChange]) -> PushResponse {
    let (status, body) = s.push(d, changes).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    serde_json::from_value(body).unwrap()
}

async fn integrity(s: &Server, d: &Device, signatures: Vec<SignedManifest>) -> IntegrityResponse {
    let req = IntegrityRequest {
        signatures,
        ..Default::default()
    };
    s.integrity_ok(d, &req).await
}

/// A device of the clinic on which every role's user signed in.
async fn device(s: &Server, clinic: ClinicId) -> Device {
    let d = s.device(clinic).await;
    for role in Role::ALL {
        s.sign_in(clinic, d.id, &user_of(role), role.as_str()).await;
    }
    d
}

/// A fresh record of `kind` by `author`, made on `desk` (its template and patient are
/// the clinic's).
fn create(
    desk: &mut Desk,
    kind: DocKind,
    author: &str,
    template: &Document,
    patient: DocId,
    other: DocId,
) -> (Document, WireChange) {
    match kind {
        DocKind::Patient => desk.patient(author),
        DocKind::PatientLink => desk.link(author, patient, other),
        DocKind::Vitals => desk.vitals(author, patient, 37.2),
        DocKind::Encounter => desk.encounter(author, template, patient),
        DocKind::Handover => desk.handover(author, patient),
        DocKind::Template => desk.template(author),
        DocKind::LibrarySection => desk.library_section(author),
    }
}

/// An ordinary edit of `doc` by `author`, as the workstation makes it.
fn edit(desk: &mut Desk, doc: &mut Document, author: &str) -> WireChange {
    let m = meta(author);
    let actor = desk.replica;
    let local = match doc.kind {
        DocKind::Patient => doc.edit(actor, &m, |r: &mut PatientRecord| {
            r.phone = Some("+233 20 123 4567".into());
            Ok(())
        }),
        DocKind::PatientLink => doc.edit(actor, &m, |l: &mut PatientLink| {
            l.undo(author, chrono::Utc::now(), "not the same person")
        }),
        DocKind::Vitals => doc.edit(actor, &m, |v: &mut VitalsRecord| {
            v.mark_entered_in_error("wrong patient")
        }),
        DocKind::Encounter => doc.edit(actor, &m, |e: &mut EncounterRecord| {
            e.edit_note(NoteKind::Assessment, "Stable angina")
        }),
        DocKind::Handover => doc.edit(actor, &m, |h: &mut HandoverRecord| {
            h.add_item(&NewHandoverItem {
                id: "item-2".into(),
                patient_id: h.items[0].patient_id,
                priority: HandoverPriority::Routine,
                situation: "Stable overnight".into(),
                background: String::new(),
                assessment: String::new(),
                recommendation: String::new(),
                action_required: String::new(),
            })
        }),
        DocKind::Template => doc.edit(actor, &m, |t: &mut TemplateRecord| t.rename("Renamed")),
        DocKind::LibrarySection => doc.edit(actor, &m, |s: &mut SavedSection| {
            s.withdraw(author, chrono::Utc::now())
        }),
    };
    let local = local.unwrap().expect("the edit changes the record");
    desk.wire(doc, local)
}

/// `doc` as another workstation holds it after pulling `created`.
fn copy_of(doc: &Document, created: &WireChange) -> Document {
    let mut copy = Document::empty(doc.id, doc.kind);
    copy.apply_remote([created.bytes.0.as_slice()]).unwrap();
    copy
}

/// Whether the push of one forged change applied it (`true`) or quarantined it for the
/// author's role (`false`); anything else fails the test.
fn applied(answer: &PushResponse, what: &str) -> bool {
    match answer.quarantined.as_slice() {
        [] => true,
        [q] => {
            assert_eq!(q.code, "forbidden_role", "{what}: {}", q.reason);
            false
        }
        more => panic!("{what}: {more:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_role_creates_and_edits_each_kind_exactly_as_the_matrix_permits() {
    let s = Server::start().await;
    let clinic = s.clinic("Riverside Clinic").await;
    let setup = device(&s, clinic).await;
    let mut desk = Desk::new(setup.replica);
    let (template, t) = desk.template("admin.test");
    let (patient, p) = desk.patient("nurse.test");
    let (other, o) = desk.patient("nurse.test");
    let mut base = vec![t, p, o];
    // One record of each kind per role, made by an author allowed to, for that role to
    // edit.
    let author_of = |kind: DocKind| {
        Role::ALL
            .into_iter()
            .find(|r| permits(*r, kind, Action::Create))
            .map(user_of)
            .unwrap()
    };
    let mut to_edit = Vec::new();
    for role in Role::ALL {
        for kind in DocKind::ALL {
            let (doc, change) = create(
                &mut desk,
                kind,
                &author_of(kind),
                &template,
                patient.id,
                other.id,
            );
            to_edit.push((role, copy_of(&doc, &change)));
            base.push(change);
        }
    }
    let answer = push(&s, &setup, &base).await;
    assert!(answer.quarantined.is_empty(), "{:?}", answer.quarantined);

    let mut table = Vec::new();
    for role in Role::ALL {
        for kind in DocKind::ALL {
            // A device per forged change: a quarantined change holds back its replica's
            // later ones.
            let d = device(&s, clinic).await;
            let mut forger = Desk::new(d.replica);
            let (_, change) = create(
                &mut forger,
                kind,
                &user_of(role),
                &template,
                patient.id,
                other.id,
            );
            let what = format!("{role} creates {}", kind.as_str());
            let created = applied(&push(&s, &d, &[change]).await, &what);
            assert_eq!(created, permits(role, kind, Action::Create), "{what}");

            let d = device(&s, clinic).await;
            let mut forger = Desk::new(d.replica);
            let (_, doc) = to_edit
                .iter_mut()
                .find(|(r, doc)| *r == role && doc.kind == kind)
                .unwrap();
            let change = edit(&mut forger, doc, &user_of(role));
            let what = format!("{role} edits {}", kind.as_str());
            let edited = applied(&push(&s, &d, &[change]).await, &what);
            assert_eq!(edited, permits(role, kind, Action::Edit), "{what}");
            table.push(format!(
                "{:<11}{:<13}create {:<12}edit {}",
                role.as_str(),
                kind.as_str(),
                if created { "applied" } else { "quarantined" },
                if edited { "applied" } else { "quarantined" }
            ));
        }
    }
    println!("{}", table.join("\n"));
}

/// Registers `role`'s user a signing key; returns their id and unwrapped key.
async fn signing_key(s: &Server, clinic: ClinicId, role: Role) -> (UserId, signature::SigningKey) {
    let id = UserId(
        sqlx::query_scalar("SELECT user_id FROM users WHERE clinic_id = $1 AND username = $2")
            .bind(clinic.0)
            .bind(user_of(role))
            .fetch_one(s.db.pool())
            .await
            .unwrap(),
    );
    let new = signature::generate(id, &Password::new(PASSWORD)).unwrap();
    outpost_sync_server::db::Database::set_signing_key(
        &s.db,
        clinic,
        id,
        &new.public_key,
        &new.wrapped,
    )
    .await
    .unwrap();
    (
        id,
        new.wrapped
            .unwrap_key(id, &Password::new(PASSWORD))
            .unwrap(),
    )
}

/// A signature of `doc` as it is: an encounter's manifest for its record; for another
/// kind, the same manifest naming that record, as a forger would make it.
fn manifest(
    doc: &Document,
    signer: UserId,
    reason: Option<String>,
    key: &signature::SigningKey,
) -> SignedManifest {
    let signed_at = chrono::DateTime::parse_from_rfc3339("2026-12-03T10:00:00+03:00").unwrap();
    let meaning = SignatureMeaning::Authorship;
    let m = if doc.kind == DocKind::Encounter {
        let record: EncounterRecord = doc.read().unwrap();
        SignatureManifest::for_record(
            &record,
            doc.heads(),
            signer,
            "Signer",
            signed_at,
            meaning,
            reason,
        )
        .unwrap()
    } else {
        SignatureManifest {
            encounter_id: doc.id,
            heads: doc.heads(),
            content_sha256: "0".repeat(64),
            signer_id: signer,
            printed_name: "Signer".into(),
            signed_at,
            meaning,
            reason,
        }
    };
    m.sign(key).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_role_signs_co_signs_and_amends_each_kind_exactly_as_the_matrix_permits() {
    let s = Server::start().await;
    let clinic = s.clinic("Riverside Clinic").await;
    let d = device(&s, clinic).await;
    let mut keys = Vec::new();
    for role in Role::ALL {
        keys.push((role, signing_key(&s, clinic, role).await));
    }
    let (colleague, colleague_key) = keys
        .iter()
        .find(|(r, _)| *r == Role::Doctor)
        .map(|(_, k)| k)
        .unwrap();
    let mut desk = Desk::new(d.replica);
    let (template, t) = desk.template("admin.test");
    let (patient, p) = desk.patient("nurse.test");
    let (other, o) = desk.patient("nurse.test");
    let mut base = vec![t, p, o];
    let mut cases = Vec::new();
    for (role, _) in &keys {
        for kind in DocKind::ALL {
            for action in [Action::Sign, Action::CoSign, Action::Amend] {
                // A record of its own per case, so each signature is judged alone.
                let author = match kind {
                    DocKind::Template | DocKind::LibrarySection => "admin.test",
                    DocKind::Encounter => "dr.test",
                    _ => "nurse.test",
                };
                let (doc, change) =
                    create(&mut desk, kind, author, &template, patient.id, other.id);
                base.push(change);
                cases.push((*role, kind, action, doc));
            }
        }
    }
    let answer = push(&s, &d, &base).await;
    assert!(answer.quarantined.is_empty(), "{:?}", answer.quarantined);

    // Co-signing follows a colleague's signature on the same encounter.
    let firsts: Vec<SignedManifest> = cases
        .iter()
        .filter(|(_, kind, action, _)| *action == Action::CoSign && *kind == DocKind::Encounter)
        .map(|(_, _, _, doc)| manifest(doc, *colleague, None, colleague_key))
        .collect();
    assert!(integrity(&s, &d, firsts)
        .await
        .refused_signatures
        .is_empty());

    let mut table = Vec::new();
    for (role, kind, action, doc) in &cases {
        let (signer, key) = keys
            .iter()
            .find(|(r, _)| r == role)
            .map(|(_, k)| k)
            .unwrap();
        let reason = (*action == Action::Amend).then(|| "Corrected laterality".to_owned());
        let signed = manifest(doc, *signer, reason, key);
        let answer = integrity(&s, &d, vec![signed]).await;
        let stored = answer.refused_signatures.is_empty();
        let what = format!("{role} {action} {}", kind.as_str());
        assert_eq!(stored, permits(*role, *kind, *action), "{what}: {answer:?}");
        if !stored && *kind == DocKind::Encounter {
            // Refused for the role, not for the signature itself.
            let reason = &answer.refused_signatures[0].reason;
            assert!(reason.contains("may not"), "{what}: {reason}");
        }
        table.push(format!(
            "{what:<32}{}",
            if stored { "stored" } else { "refused" }
        ));
    }
    println!("{}", table.join("\n"));
}
