//! Shared set-up for the server's tests: a real Postgres cluster, the migrated database,
//! the real `app()` called in-process with `oneshot`, enrolled devices, and real
//! Automerge changes to push.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

pub mod records;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use chrono::NaiveDate;
use outpost_domain::clock::Hlc;
use outpost_domain::document::{ChangeMeta, Document};
use outpost_domain::ids::{ClinicId, DeviceId, DocId, ReplicaId};
use outpost_domain::patient::{Patient, Sex};
use outpost_domain::protocol::{
    Bytes, EnrollRequest, EnrollResponse, PullRequest, PullResponse, PushRequest, WireChange,
    PROTOCOL_VERSION,
};
use outpost_domain::version_vector::VersionVector;
use outpost_pgtest::PgCluster;
use outpost_sync_server::{admin, AppState, PgDatabase};
use serde_json::Value;
use tower::ServiceExt;

/// The users every device [`Server::device`] enrolls has signed in on, with their roles:
/// the authors the test records name.
pub const TEST_USERS: [(&str, &str); 3] = [
    ("nurse.test", "nurse"),
    ("dr.test", "doctor"),
    ("admin.test", "admin"),
];

/// Postgres, the migrated database and the app on it.
pub struct Server {
    pub db: PgDatabase,
    pub app: Router,
    // Last, so the pool is dropped before Postgres goes away.
    pub pg: PgCluster,
}

impl Server {
    pub async fn start() -> Server {
        let pg = PgCluster::start().expect("postgres starts");
        let db = outpost_sync_server::connect(&pg.url())
            .await
            .expect("connects");
        outpost_sync_server::migrate(&db).await.expect("migrates");
        let app = outpost_sync_server::app(AppState::new(db.clone()));
        Server { db, app, pg }
    }

    /// One request through the real router; the JSON answer (or Null).
    pub async fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        call(&self.app, method, path, token, body).await
    }

    /// A GET as `token`'s device with an online session token in `X-Outpost-Session`.
    pub async fn get_with_session(
        &self,
        path: &str,
        token: &str,
        session: Option<&str>,
    ) -> (StatusCode, Value) {
        let mut req = Request::builder()
            .method("GET")
            .uri(path)
            .header("authorization", format!("Bearer {token}"));
        if let Some(s) = session {
            req = req.header("x-outpost-session", s);
        }
        let res = self
            .app
            .clone()
            .oneshot(req.body(Body::empty()).unwrap())
            .await
            .unwrap();
        let status = res.status();
        let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
            .await
            .unwrap();
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        )
    }

    pub async fn clinic(&self, name: &str) -> ClinicId {
        admin::create_clinic(&self.db, name).await.unwrap()
    }

    pub async fn code(&self, clinic: ClinicId) -> String {
        admin::create_enrollment_code(&self.db, clinic, "Ward 3 desk", chrono::Duration::hours(1))
            .await
            .unwrap()
    }

    /// Enrolls a fresh replica in `clinic` through the API.
    pub async fn device(&self, clinic: ClinicId) -> Device {
        let code = self.code(clinic).await;
        let replica = ReplicaId::new();
        let (status, body) = self
            .call(
                "POST",
                "/v1/enroll",
                None,
                Some(enroll_body(&code, replica)),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let res: EnrollResponse = serde_json::from_value(body).unwrap();
        for (username, role) in TEST_USERS {
            self.sign_in(clinic, res.device_id, username, role).await;
        }
        Device {
            id: res.device_id,
            clinic,
            replica,
            token: res.device_token,
        }
    }

    /// Makes `username` a user of `clinic` with `role` (if it is not one yet) and records
    /// that it signed in on `device`: what the server requires of a change's author.
    pub async fn sign_in(&self, clinic: ClinicId, device: DeviceId, username: &str, role: &str) {
        sqlx::query(
            "INSERT INTO users (clinic_id, user_id, username, full_name, role, verifier) \
             VALUES ($1, $2, $3, $3, $4, $5) \
             ON CONFLICT (clinic_id, username) DO NOTHING",
        )
        .bind(clinic.0)
        .bind(uuid::Uuid::now_v7())
        .bind(username)
        .bind(role)
        .bind(test_verifier())
        .execute(self.db.pool())
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO sign_ins (clinic_id, sign_in_id, device_id, user_id, at, online) \
             SELECT $1, $2, $3, user_id, now(), true FROM users \
             WHERE clinic_id = $1 AND username = $4",
        )
        .bind(clinic.0)
        .bind(uuid::Uuid::now_v7())
        .bind(device.0)
        .bind(username)
        .execute(self.db.pool())
        .await
        .unwrap();
    }

    /// `POST /v1/integrity` from `d` with `req` (this build's protocol version).
    pub async fn integrity(
        &self,
        d: &Device,
        req: &outpost_domain::protocol::integrity::IntegrityRequest,
    ) -> (StatusCode, Value) {
        let req = outpost_domain::protocol::integrity::IntegrityRequest {
            protocol: PROTOCOL_VERSION,
            ..req.clone()
        };
        self.call(
            "POST",
            "/v1/integrity",
            Some(&d.token),
            Some(serde_json::to_value(&req).unwrap()),
        )
        .await
    }

    /// Like [`Server::integrity`], insisting on 200 and reading the answer.
    pub async fn integrity_ok(
        &self,
        d: &Device,
        req: &outpost_domain::protocol::integrity::IntegrityRequest,
    ) -> outpost_domain::protocol::integrity::IntegrityResponse {
        let (status, body) = self.integrity(d, req).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        serde_json::from_value(body).unwrap()
    }

    pub async fn push(&self, d: &Device, changes: &[WireChange]) -> (StatusCode, Value) {
        self.push_as(d, d.replica, changes).await
    }

    pub async fn push_as(
        &self,
        d: &Device,
        replica: ReplicaId,
        changes: &[WireChange],
    ) -> (StatusCode, Value) {
        let req = PushRequest {
            protocol: PROTOCOL_VERSION,
            replica_id: replica,
            changes: changes.to_vec(),
        };
        let body = serde_json::to_value(req).unwrap();
        self.call("POST", "/v1/push", Some(&d.token), Some(body))
            .await
    }

    pub async fn pull(&self, d: &Device, have: &VersionVector, limit: u32) -> PullResponse {
        let req = PullRequest {
            protocol: PROTOCOL_VERSION,
            have: have.clone(),
            limit,
        };
        let body = serde_json::to_value(req).unwrap();
        let (status, body) = self
            .call("POST", "/v1/pull", Some(&d.token), Some(body))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        serde_json::from_value(body).unwrap()
    }

    /// Pulls every page; returns the changes in order and the number of pages.
    pub async fn pull_all(
        &self,
        d: &Device,
        have: &VersionVector,
        limit: u32,
    ) -> (Vec<WireChange>, Vec<bool>) {
        let mut have = have.clone();
        let mut all = Vec::new();
        let mut mores = Vec::new();
        loop {
            let page = self.pull(d, &have, limit).await;
            for c in &page.changes {
                assert!(
                    have.advance(c.replica_id, c.counter),
                    "pulled out of order: {c:?}"
                );
            }
            all.extend(page.changes);
            mores.push(page.more);
            if !page.more {
                return (all, mores);
            }
        }
    }

    /// `POST /v1/mrn-blocks` with `size` (or none, for the default) as device `d`.
    pub async fn mrn_block(&self, d: &Device, size: Option<u32>) -> (StatusCode, Value) {
        let mut body = serde_json::json!({ "protocol": PROTOCOL_VERSION });
        if let Some(size) = size {
            body["size"] = size.into();
        }
        self.call("POST", "/v1/mrn-blocks", Some(&d.token), Some(body))
            .await
    }

    /// The MRN blocks the database recorded for `clinic`: (device, first, last, prefix),
    /// in number order.
    pub async fn recorded_mrn_blocks(&self, clinic: ClinicId) -> Vec<(DeviceId, u64, u64, String)> {
        let rows: Vec<(uuid::Uuid, i64, i64, String)> = sqlx::query_as(
            "SELECT device_id, first_number, last_number, prefix FROM mrn_blocks \
             WHERE clinic_id = $1 ORDER BY first_number",
        )
        .bind(clinic.0)
        .fetch_all(self.db.pool())
        .await
        .unwrap();
        rows.into_iter()
            .map(|(d, f, l, p)| (DeviceId(d), f as u64, l as u64, p))
            .collect()
    }

    /// A server whose pool holds one connection, so every request and every query of the
    /// test runs on one Postgres backend (what [`Self::rows_read`] needs), and whose
    /// `changes` and `documents` keep the planner statistics of a new server: autovacuum
    /// never looks at them.
    pub async fn start_with_stale_statistics() -> Server {
        let pg = PgCluster::start().expect("postgres starts");
        let pool = outpost_sync_server::config::PoolSettings {
            max_connections: 1,
            ..Default::default()
        };
        let db = PgDatabase::connect_with(&pg.url(), &pool)
            .await
            .expect("connects");
        outpost_sync_server::migrate(&db).await.expect("migrates");
        sqlx::raw_sql(
            "ALTER TABLE changes SET (autovacuum_enabled = false); \
             ALTER TABLE documents SET (autovacuum_enabled = false)",
        )
        .execute(db.pool())
        .await
        .unwrap();
        let app = outpost_sync_server::app(AppState::new(db.clone()));
        Server { db, app, pg }
    }

    /// Pushes changes `1..=n` of `d` (a new patient each), in the largest batches.
    pub async fn push_many(&self, d: &Device, n: u64) {
        let batch = outpost_domain::protocol::MAX_BATCH as u64;
        for from in (1..=n).step_by(batch as usize) {
            let (status, body) = self
                .push(d, &changes(d.replica, from, n.min(from + batch - 1)))
                .await;
            assert_eq!(status, StatusCode::OK, "{body}");
        }
    }

    /// Rows of `table` Postgres has read so far through sequential scans, and index
    /// entries it has read through any of the table's indexes, as its statistics report
    /// them. A backend reports what it read when it goes idle, at most once a second, so
    /// this asks the pool's backend to report before reading: exact only on a server
    /// started with [`Self::start_with_stale_statistics`].
    pub async fn rows_read(&self, table: &str) -> (i64, i64) {
        sqlx::query("SELECT pg_stat_force_next_flush()")
            .execute(self.db.pool())
            .await
            .unwrap();
        sqlx::query_as(
            "SELECT t.seq_tup_read, \
                    (SELECT sum(i.idx_tup_read)::bigint FROM pg_stat_user_indexes i \
                     WHERE i.relid = t.relid) \
             FROM pg_stat_user_tables t WHERE t.relname = $1",
        )
        .bind(table)
        .fetch_one(self.db.pool())
        .await
        .unwrap()
    }

    /// How many changes the database holds, across all clinics.
    pub async fn stored_changes(&self) -> i64 {
        sqlx::query_scalar("SELECT count(*) FROM changes")
            .fetch_one(self.db.pool())
            .await
            .unwrap()
    }
}

/// One request through `app`; the JSON answer (or Null). For tasks that cannot borrow
/// the [`Server`].
pub async fn call(
    app: &Router,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut req = Request::builder().method(method).uri(path);
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    let req = match body {
        Some(b) => req
            .header("content-type", "application/json")
            .body(Body::from(b.to_string())),
        None => req.body(Body::empty()),
    }
    .unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .unwrap();
    let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    (status, json)
}

/// An enrolled device as a test sees it.
#[derive(Debug, Clone)]
pub struct Device {
    pub id: DeviceId,
    pub clinic: ClinicId,
    pub replica: ReplicaId,
    pub token: String,
}

pub fn enroll_body(code: &str, replica: ReplicaId) -> Value {
    serde_json::to_value(EnrollRequest {
        protocol: PROTOCOL_VERSION,
        code: code.to_owned(),
        replica_id: replica,
    })
    .unwrap()
}

/// A real Automerge change: a new patient document made by `replica`.
pub fn change(replica: ReplicaId, counter: u64) -> WireChange {
    let patient = Patient {
        id: DocId::new(),
        name: "Test Patient".into(),
        date_of_birth: NaiveDate::from_ymd_opt(1980, 1, 1).unwrap(),
        sex: Sex::Female,
        // Unique, and a valid MRN (at most 32 letters, digits or dashes): the server checks.
        mrn: format!(
            "MRN-{counter}-{}",
            &DocId::new().0.simple().to_string()[20..]
        ),
    };
    let meta = ChangeMeta {
        author: "nurse.test".into(),
        wall_ms: 1_763_800_000_000,
        hlc: Hlc::default(),
    };
    let (doc, local) = Document::create_patient(replica, &patient, &meta).unwrap();
    WireChange {
        replica_id: replica,
        counter,
        doc_id: doc.id,
        kind: doc.kind,
        digest: local.digest,
        bytes: Bytes(local.bytes),
        received_at: None,
    }
}

/// Pulled changes as they were pushed: each must carry the server's receipt time, which
/// is then dropped so they compare equal to what was sent.
pub fn as_pushed(pulled: &[WireChange]) -> Vec<WireChange> {
    pulled
        .iter()
        .map(|c| {
            assert!(
                c.received_at.is_some(),
                "pulled change {} of {} has no receipt time",
                c.counter,
                c.replica_id
            );
            WireChange {
                received_at: None,
                ..c.clone()
            }
        })
        .collect()
}

/// Changes `from..=to` of `replica`.
pub fn changes(replica: ReplicaId, from: u64, to: u64) -> Vec<WireChange> {
    (from..=to).map(|n| change(replica, n)).collect()
}

/// A real argon2id verifier (of `TEST_PASSWORD`), hashed once per test process, so that
/// listing users serves verifiers a workstation can parse.
pub fn test_verifier() -> String {
    static VERIFIER: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    VERIFIER
        .get_or_init(|| {
            outpost_domain::credentials::PasswordVerifier::create(
                &outpost_domain::credentials::Password::new(TEST_PASSWORD),
            )
            .unwrap()
            .as_phc()
            .to_owned()
        })
        .clone()
}

/// The password of every user the test fixtures add directly to the database.
pub const TEST_PASSWORD: &str = "correct horse battery staple";
