//! What every measurement needs: the server in-process on a local port over a migrated
//! database, clinics with enrolled workstations whose author has signed in (the server
//! accepts changes only from such an author), real changes made through the domain, and
//! pushing them over HTTP.

use anyhow::{bail, Context, Result};
use outpost_domain::clock::Hlc;
use outpost_domain::credentials::{Password, PasswordVerifier};
use outpost_domain::document::{ChangeMeta, Document};
use outpost_domain::ids::{ClinicId, DocId, ReplicaId};
use outpost_domain::patient::{Patient, Sex};
use outpost_domain::protocol::{
    Bytes, EnrollRequest, EnrollResponse, PushRequest, PushResponse, WireChange, PROTOCOL_VERSION,
};
use outpost_sync_server::{admin, AppState, PgDatabase};

/// The author of every benchmark change (a nurse, allowed to register patients).
pub const AUTHOR: &str = "nurse.bench";

/// The password of every benchmark user.
pub const BENCH_PASSWORD: &str = "benchmark user password";

/// A migrated database and the server serving it on `base` (in this process, or a
/// separate `outpost-server` process whose URL this is).
#[derive(Debug)]
pub struct InProcess {
    pub db: PgDatabase,
    pub base: String,
}

pub async fn start_server(database_url: &str) -> Result<InProcess> {
    let db = outpost_sync_server::connect(database_url).await?;
    outpost_sync_server::migrate(&db).await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let app = outpost_sync_server::app(AppState::new(db.clone()));
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok(InProcess { db, base })
}

/// An enrolled workstation.
#[derive(Debug, Clone)]
pub struct Desk {
    pub replica: ReplicaId,
    pub token: String,
}

/// A clinic with `n` enrolled workstations on which [`AUTHOR`] has signed in.
pub async fn clinic_with_desks(
    s: &InProcess,
    http: &reqwest::Client,
    name: &str,
    n: usize,
) -> Result<(ClinicId, Vec<Desk>)> {
    clinic_with_users(s, http, name, n, &[(AUTHOR, "nurse")]).await
}

/// A clinic with `n` enrolled workstations on which every one of `users` (username,
/// role) has signed in.
pub async fn clinic_with_users(
    s: &InProcess,
    http: &reqwest::Client,
    name: &str,
    n: usize,
    users: &[(&str, &str)],
) -> Result<(ClinicId, Vec<Desk>)> {
    let clinic = admin::create_clinic(&s.db, name).await?;
    let mut desks = Vec::new();
    for i in 0..n {
        let code = admin::create_enrollment_code(
            &s.db,
            clinic,
            &format!("Desk {i}"),
            chrono::Duration::hours(1),
        )
        .await?;
        let replica = ReplicaId::new();
        let res = http
            .post(format!("{}/v1/enroll", s.base))
            .json(&EnrollRequest {
                protocol: PROTOCOL_VERSION,
                code,
                replica_id: replica,
            })
            .send()
            .await?;
        if !res.status().is_success() {
            bail!("enrolling failed: {}", res.text().await?);
        }
        let enrolled: EnrollResponse = res.json().await?;
        desks.push(Desk {
            replica,
            token: enrolled.device_token,
        });
    }
    let verifier = PasswordVerifier::create(&Password::new(BENCH_PASSWORD))
        .context("hashing the benchmark users' password")?;
    for (username, role) in users {
        sqlx::query(
            "INSERT INTO users (clinic_id, user_id, username, full_name, role, verifier) \
             VALUES ($1, gen_random_uuid(), $2, $2, $3, $4)",
        )
        .bind(clinic.0)
        .bind(username)
        .bind(role)
        .bind(verifier.as_phc())
        .execute(s.db.pool())
        .await
        .context("adding a benchmark user")?;
    }
    sqlx::query(
        "INSERT INTO sign_ins (clinic_id, sign_in_id, device_id, user_id, at, online) \
         SELECT d.clinic_id, gen_random_uuid(), d.device_id, u.user_id, now(), true \
         FROM devices d JOIN users u ON u.clinic_id = d.clinic_id WHERE d.clinic_id = $1",
    )
    .bind(clinic.0)
    .execute(s.db.pool())
    .await
    .context("recording the benchmark sign-ins")?;
    Ok((clinic, desks))
}

/// `n` new patient documents made on `replica`, as the changes it pushes (counters 1..=n).
pub fn patient_changes(replica: ReplicaId, n: usize) -> Result<Vec<WireChange>> {
    patient_changes_of(replica, &new_patients(n)?)
}

/// `n` new patients, as a front desk registers them.
pub fn new_patients(n: usize) -> Result<Vec<Patient>> {
    (0..n)
        .map(|i| {
            let id = DocId::new();
            Ok(Patient {
                id,
                name: format!("Bench Patient {i}"),
                date_of_birth: chrono::NaiveDate::from_ymd_opt(1980, 1, 1).context("date")?,
                sex: Sex::Female,
                mrn: format!("B-{}", &id.0.simple().to_string()[16..]),
            })
        })
        .collect()
}

/// `patients` as the changes `replica` pushes when it registers them (counters 1..=n).
pub fn patient_changes_of(replica: ReplicaId, patients: &[Patient]) -> Result<Vec<WireChange>> {
    let wall_ms = 1_763_800_000_000;
    patients
        .iter()
        .enumerate()
        .map(|(i, patient)| {
            let meta = ChangeMeta {
                author: AUTHOR.into(),
                wall_ms: wall_ms + i as i64,
                hlc: Hlc {
                    wall_ms: wall_ms + i as i64,
                    logical: 0,
                },
            };
            let (doc, local) = Document::create_patient(replica, patient, &meta)?;
            Ok(WireChange {
                replica_id: replica,
                counter: i as u64 + 1,
                doc_id: doc.id,
                kind: doc.kind,
                digest: local.digest,
                bytes: Bytes(local.bytes),
                received_at: None,
            })
        })
        .collect()
}

/// Pushes `changes` in batches of `batch`, each acknowledged before the next.
pub async fn push_all(
    http: &reqwest::Client,
    base: &str,
    desk: &Desk,
    changes: &[WireChange],
    batch: usize,
) -> Result<()> {
    for chunk in changes.chunks(batch) {
        let res = http
            .post(format!("{base}/v1/push"))
            .bearer_auth(&desk.token)
            .json(&PushRequest {
                protocol: PROTOCOL_VERSION,
                replica_id: desk.replica,
                changes: chunk.to_vec(),
            })
            .send()
            .await?;
        if !res.status().is_success() {
            bail!("push refused: {}", res.text().await?);
        }
        let answer: PushResponse = res.json().await?;
        if !answer.quarantined.is_empty() {
            bail!(
                "the server quarantined benchmark changes: {:?}",
                answer.quarantined
            );
        }
    }
    Ok(())
}
