//! [`Database`] on Postgres through sqlx: connecting, the embedded migrations
//! (`migrations/server`), clinics, enrollment and devices. Push and pull live in
//! [`changes`], provisional MRN blocks in [`mrn`].

mod bootstrap;
mod changes;
mod device_lock;
mod documents;
mod integrity;
mod mrn;
mod oversight;
mod quarantine;
mod reporting;
mod users;

use super::{Clinic, Database, Device, Enrolled, NewDevice, PullPage, PushOutcome};
use crate::error::ServerError;
use crate::secrets::SecretHash;
use outpost_domain::ids::{ClinicId, DeviceId};
use outpost_domain::protocol::{BootstrapCursor, BootstrapResponse, MrnBlock};
use outpost_domain::version_vector::VersionVector;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions, PgRow};
use sqlx::{Connection, PgConnection, Row};
use std::time::Duration;

/// How long a request waits for a database connection (e.g. while Postgres restarts)
/// before it fails with a 500 the client retries.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);

/// Session settings every connection of the pool starts with. `plan_cache_mode`: each
/// of the server's statements is prepared once per connection and then planned once, for
/// any values. They find rows by key (the lateral lookups below exist so that no plan
/// can walk a clinic), so a plan made without the values serves all of them; Postgres'
/// default plans each of a connection's first five executions of a statement again for
/// its values, and a push runs five statements. Measured in docs/BENCHMARKS.md (row d).
const SESSION: [(&str, &str); 1] = [("plan_cache_mode", "force_generic_plan")];

/// `database_url` with [`SESSION`] added (to whatever options the URL carries).
fn connect_options(database_url: &str) -> Result<PgConnectOptions, ServerError> {
    let options: PgConnectOptions = database_url.parse().map_err(ServerError::Connect)?;
    Ok(options.options(SESSION))
}

/// The Postgres-backed store; cheap to clone (a connection pool).
#[derive(Debug, Clone)]
pub struct PgDatabase {
    pool: PgPool,
}

impl PgDatabase {
    /// Connects a pool to `database_url` (`postgres://user@host:port/db`). One direct
    /// connection first, so a wrong URL fails at once instead of after the pool's retries.
    pub async fn connect(database_url: &str) -> Result<Self, ServerError> {
        let pool = crate::config::PoolSettings {
            acquire_timeout_secs: ACQUIRE_TIMEOUT.as_secs(),
            ..Default::default()
        };
        Self::connect_with(database_url, &pool).await
    }

    /// [`Self::connect`] with the pool bounded as configured.
    pub async fn connect_with(
        database_url: &str,
        pool: &crate::config::PoolSettings,
    ) -> Result<Self, ServerError> {
        let options = connect_options(database_url)?;
        let probe = PgConnection::connect_with(&options)
            .await
            .map_err(ServerError::Connect)?;
        probe.close().await.map_err(ServerError::Connect)?;
        let pool = PgPoolOptions::new()
            .max_connections(pool.max_connections)
            .min_connections(pool.min_connections)
            .acquire_timeout(pool.acquire_timeout())
            .connect_with(options)
            .await
            .map_err(ServerError::Connect)?;
        Ok(Self { pool })
    }

    /// Applies the migrations this build embeds; safe to run concurrently and repeatedly.
    #[tracing::instrument(skip_all)]
    pub async fn migrate(&self) -> Result<(), ServerError> {
        sqlx::migrate!("../migrations/server")
            .run(&self.pool)
            .await?;
        Ok(())
    }

    /// The pool, for tests and tools that need plain SQL.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}

/// The columns [`clinic_from`] reads, for `concat!` into static SQL.
macro_rules! clinic_columns {
    () => {
        "clinic_id, name, created_at, mrn_prefix"
    };
}

fn clinic_from(row: &PgRow) -> Result<Clinic, sqlx::Error> {
    Ok(Clinic {
        id: ClinicId(row.try_get("clinic_id")?),
        name: row.try_get("name")?,
        created_at: row.try_get("created_at")?,
        mrn_prefix: row.try_get("mrn_prefix")?,
    })
}

/// The columns [`device_from`] reads, for `concat!` into static SQL.
macro_rules! device_columns {
    () => {
        "clinic_id, device_id, name, replica_id, enrolled_at, revoked_at, flagged_at, flag_reason"
    };
}

fn device_from(row: &PgRow) -> Result<Device, sqlx::Error> {
    Ok(Device {
        clinic_id: ClinicId(row.try_get("clinic_id")?),
        id: DeviceId(row.try_get("device_id")?),
        name: row.try_get("name")?,
        replica_id: outpost_domain::ids::ReplicaId(row.try_get("replica_id")?),
        enrolled_at: row.try_get("enrolled_at")?,
        revoked_at: row.try_get("revoked_at")?,
        flagged_at: row.try_get("flagged_at")?,
        flag_reason: row.try_get("flag_reason")?,
    })
}

pub(super) fn is_violation_of(e: &sqlx::Error, constraint: &str) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.constraint() == Some(constraint))
}

#[async_trait::async_trait]
impl Database for PgDatabase {
    async fn health(&self) -> Result<(), ServerError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    async fn pending_migrations(&self) -> Result<Vec<i64>, ServerError> {
        crate::health::pending_migrations(&self.pool).await
    }

    #[tracing::instrument(skip_all)]
    async fn create_clinic(&self, id: ClinicId, name: &str) -> Result<Clinic, ServerError> {
        let row = sqlx::query(concat!(
            "INSERT INTO clinics (clinic_id, name) VALUES ($1, $2) RETURNING ",
            clinic_columns!()
        ))
        .bind(id.0)
        .bind(name)
        .fetch_one(&self.pool)
        .await?;
        Ok(clinic_from(&row)?)
    }

    async fn list_clinics(&self) -> Result<Vec<Clinic>, ServerError> {
        let rows = sqlx::query(concat!(
            "SELECT ",
            clinic_columns!(),
            " FROM clinics ORDER BY created_at, clinic_id"
        ))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(clinic_from).collect::<Result<_, _>>()?)
    }

    #[tracing::instrument(skip_all)]
    async fn add_enrollment_code(
        &self,
        clinic: ClinicId,
        code_hash: SecretHash,
        device_name: &str,
        valid_for: chrono::Duration,
    ) -> Result<(), ServerError> {
        let seconds = valid_for.num_milliseconds() as f64 / 1000.0;
        let inserted = sqlx::query(
            "INSERT INTO enrollment_codes (clinic_id, code_hash, device_name, expires_at) \
             SELECT clinic_id, $2, $3, now() + make_interval(secs => $4) \
             FROM clinics WHERE clinic_id = $1",
        )
        .bind(clinic.0)
        .bind(code_hash.0.as_slice())
        .bind(device_name)
        .bind(seconds)
        .execute(&self.pool)
        .await?;
        if inserted.rows_affected() == 0 {
            return Err(ServerError::NotFound(format!(
                "there is no clinic {clinic}; list clinics with `outpost-server clinic list`"
            )));
        }
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn redeem_enrollment_code(
        &self,
        code_hash: SecretHash,
        device: NewDevice,
    ) -> Result<Enrolled, ServerError> {
        let mut tx = self.pool.begin().await?;
        // A code is how a workstation discovers its clinic, so this lookup is by code
        // alone. FOR UPDATE makes a second redeemer of the same code wait, then see it used.
        let found = sqlx::query(
            "SELECT e.clinic_id, e.device_name, c.name AS clinic_name \
             FROM enrollment_codes e JOIN clinics c ON c.clinic_id = e.clinic_id \
             WHERE e.code_hash = $1 AND e.used_at IS NULL AND e.expires_at > now() \
             LIMIT 1 FOR UPDATE OF e",
        )
        .bind(code_hash.0.as_slice())
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(ServerError::EnrollmentCodeRefused)?;
        let clinic: uuid::Uuid = found.try_get("clinic_id")?;
        let device_name: String = found.try_get("device_name")?;
        let clinic_name: String = found.try_get("clinic_name")?;

        sqlx::query(
            "UPDATE enrollment_codes SET used_at = now(), device_id = $3 \
             WHERE clinic_id = $1 AND code_hash = $2",
        )
        .bind(clinic)
        .bind(code_hash.0.as_slice())
        .bind(device.id.0)
        .execute(&mut *tx)
        .await?;

        let row = sqlx::query(concat!(
            "INSERT INTO devices (clinic_id, device_id, name, replica_id, token_hash) \
             VALUES ($1, $2, $3, $4, $5) RETURNING ",
            device_columns!()
        ))
        .bind(clinic)
        .bind(device.id.0)
        .bind(&device_name)
        .bind(device.replica_id.0)
        .bind(device.token_hash.0.as_slice())
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| {
            if is_violation_of(&e, "devices_live_replica") {
                ServerError::ReplicaInUse(device.replica_id)
            } else {
                ServerError::Database(e)
            }
        })?;
        let enrolled = Enrolled {
            device: device_from(&row)?,
            clinic_name,
        };
        tx.commit().await?;
        Ok(enrolled)
    }

    async fn device_by_token(
        &self,
        clinic: ClinicId,
        token_hash: SecretHash,
    ) -> Result<Option<Device>, ServerError> {
        let row = sqlx::query(concat!(
            "SELECT ",
            device_columns!(),
            " FROM devices WHERE clinic_id = $1 AND token_hash = $2"
        ))
        .bind(clinic.0)
        .bind(token_hash.0.as_slice())
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.as_ref().map(device_from).transpose()?)
    }

    async fn list_devices(&self, clinic: ClinicId) -> Result<Vec<Device>, ServerError> {
        let rows = sqlx::query(concat!(
            "SELECT ",
            device_columns!(),
            " FROM devices WHERE clinic_id = $1 ORDER BY enrolled_at, device_id"
        ))
        .bind(clinic.0)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(device_from).collect::<Result<_, _>>()?)
    }

    #[tracing::instrument(skip_all)]
    async fn revoke_device(&self, clinic: ClinicId, device: DeviceId) -> Result<bool, ServerError> {
        let done = sqlx::query(
            "UPDATE devices SET revoked_at = COALESCE(revoked_at, now()) \
             WHERE clinic_id = $1 AND device_id = $2",
        )
        .bind(clinic.0)
        .bind(device.0)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn push(
        &self,
        device: &Device,
        batch: &[crate::push::CheckedChange],
    ) -> Result<PushOutcome, ServerError> {
        changes::push(&self.pool, device, batch).await
    }

    async fn list_quarantine(
        &self,
        clinic: ClinicId,
    ) -> Result<Vec<crate::quarantine::QuarantineEntry>, ServerError> {
        quarantine::list(&self.pool, clinic).await
    }

    async fn flagged_devices(&self, clinic: ClinicId) -> Result<Vec<Device>, ServerError> {
        quarantine::flagged_devices(&self.pool, clinic).await
    }

    async fn bootstrap(
        &self,
        clinic: ClinicId,
        after: Option<&BootstrapCursor>,
        limit: usize,
    ) -> Result<BootstrapResponse, ServerError> {
        bootstrap::page(&self.pool, clinic, after, limit).await
    }

    async fn pull(
        &self,
        clinic: ClinicId,
        have: &VersionVector,
        limit: usize,
    ) -> Result<PullPage, ServerError> {
        changes::pull(&self.pool, clinic, have, limit).await
    }

    async fn allocate_mrn_block(
        &self,
        device: &Device,
        size: u32,
    ) -> Result<MrnBlock, ServerError> {
        mrn::allocate(&self.pool, device, size).await
    }

    async fn author_role(
        &self,
        clinic: ClinicId,
        device: DeviceId,
        username: &str,
    ) -> Result<Option<outpost_domain::roles::Role>, ServerError> {
        users::author_role(&self.pool, clinic, device, username).await
    }

    async fn add_user(
        &self,
        clinic: ClinicId,
        id: outpost_domain::ids::UserId,
        username: &str,
        full_name: &str,
        role: outpost_domain::roles::Role,
        verifier: &outpost_domain::credentials::PasswordVerifier,
    ) -> Result<crate::users::User, ServerError> {
        users::add(&self.pool, clinic, id, username, full_name, role, verifier).await
    }

    async fn list_users(&self, clinic: ClinicId) -> Result<Vec<crate::users::User>, ServerError> {
        users::list(&self.pool, clinic).await
    }

    async fn disable_user(&self, clinic: ClinicId, username: &str) -> Result<bool, ServerError> {
        users::disable(&self.pool, clinic, username).await
    }

    async fn login_state(
        &self,
        clinic: ClinicId,
        username: &str,
    ) -> Result<Option<(crate::users::User, outpost_domain::credentials::Lockout)>, ServerError>
    {
        users::login_state(&self.pool, clinic, username).await
    }

    async fn record_failure(
        &self,
        device: &Device,
        attempt: &outpost_domain::protocol::users::ReportedAttempt,
        online: bool,
    ) -> Result<bool, ServerError> {
        users::record_failure(&self.pool, device, attempt, online).await
    }

    async fn record_sign_in(
        &self,
        device: &Device,
        attempt: &outpost_domain::protocol::users::ReportedAttempt,
        session: Option<(SecretHash, chrono::DateTime<chrono::Utc>)>,
    ) -> Result<bool, ServerError> {
        users::record_sign_in(&self.pool, device, attempt, session).await
    }

    async fn list_lockouts(
        &self,
        clinic: ClinicId,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Vec<crate::users::LockoutEntry>, ServerError> {
        users::lockouts(&self.pool, clinic, now).await
    }

    async fn set_signing_key(
        &self,
        clinic: ClinicId,
        user: outpost_domain::ids::UserId,
        public_key: &[u8],
        wrapped: &outpost_domain::signature::WrappedSigningKey,
    ) -> Result<bool, ServerError> {
        users::set_signing_key(&self.pool, clinic, user, public_key, wrapped).await
    }

    async fn public_key(
        &self,
        clinic: ClinicId,
        user: outpost_domain::ids::UserId,
    ) -> Result<Option<Vec<u8>>, ServerError> {
        users::public_key(&self.pool, clinic, user).await
    }

    async fn document(
        &self,
        clinic: ClinicId,
        id: outpost_domain::ids::DocId,
    ) -> Result<Option<(outpost_domain::document::DocKind, Vec<u8>)>, ServerError> {
        integrity::document(&self.pool, clinic, id).await
    }

    async fn store_signatures(
        &self,
        clinic: ClinicId,
        device: DeviceId,
        signatures: &[(
            outpost_domain::signature::SignedManifest,
            outpost_domain::signature::SignatureManifest,
        )],
    ) -> Result<(), ServerError> {
        integrity::store_signatures(&self.pool, clinic, device, signatures).await
    }

    async fn signatures_after(
        &self,
        clinic: ClinicId,
        after: u64,
        limit: usize,
    ) -> Result<(Vec<outpost_domain::signature::SignedManifest>, u64), ServerError> {
        integrity::signatures_after(&self.pool, clinic, after, limit).await
    }

    async fn audit_tail(
        &self,
        clinic: ClinicId,
        device: DeviceId,
    ) -> Result<Option<(u64, String)>, ServerError> {
        integrity::audit_tail(&self.pool, clinic, device).await
    }

    async fn append_audit(
        &self,
        clinic: ClinicId,
        device: DeviceId,
        entries: &[outpost_domain::audit::AuditEntry],
    ) -> Result<(), ServerError> {
        integrity::append_audit(&self.pool, clinic, device, entries).await
    }

    async fn checkpoint_key(
        &self,
        clinic: ClinicId,
        fresh: (&[u8], &[u8]),
    ) -> Result<(Vec<u8>, Vec<u8>), ServerError> {
        integrity::checkpoint_key(&self.pool, clinic, fresh).await
    }

    async fn audit_chain(
        &self,
        clinic: ClinicId,
        device: DeviceId,
    ) -> Result<Vec<Result<outpost_domain::audit::AuditEntry, (u64, String)>>, ServerError> {
        integrity::audit_chain(&self.pool, clinic, device).await
    }

    async fn search_audit(
        &self,
        clinic: ClinicId,
        query: &crate::oversight::AuditSearch,
    ) -> Result<
        Vec<(
            outpost_domain::protocol::admin::AuditRecord,
            crate::oversight::Cursor,
        )>,
        ServerError,
    > {
        oversight::search_audit(&self.pool, clinic, query).await
    }

    async fn admin_session(
        &self,
        device: &Device,
        token_hash: SecretHash,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Option<String>, ServerError> {
        oversight::admin_session(&self.pool, device, token_hash, now).await
    }

    async fn set_restricted(
        &self,
        clinic: ClinicId,
        patient: outpost_domain::ids::DocId,
        restricted: bool,
    ) -> Result<bool, ServerError> {
        oversight::set_restricted(&self.pool, clinic, patient, restricted).await
    }

    async fn restricted_patients(
        &self,
        clinic: ClinicId,
    ) -> Result<Vec<outpost_domain::ids::DocId>, ServerError> {
        oversight::restricted_patients(&self.pool, clinic).await
    }

    async fn signers_of(
        &self,
        clinic: ClinicId,
        encounter: outpost_domain::ids::DocId,
    ) -> Result<Vec<outpost_domain::ids::UserId>, ServerError> {
        oversight::signers_of(&self.pool, clinic, encounter).await
    }
}
