//! Test harness for end-to-end scenarios: a real Postgres cluster, the real sync server
//! (the `outpost-server` binary) on a real TCP port, and workstations that are real
//! replicas (SQLCipher files in temp dirs, keys in the OS keyring) syncing over HTTP.
//! Scenarios live in `tests/e2e/`, one module each.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    missing_debug_implementations
)]

use anyhow::{Context, Result};
use outpost_domain::credentials::{Password, PasswordVerifier};
use outpost_domain::ids::{ClinicId, UserId};
use outpost_domain::roles::Role;
use outpost_pgtest::PgCluster;
use outpost_replica::sync::{self, HttpTransport, SyncReport, Transport};
use outpost_replica::Replica;
use outpost_sync_server::{admin, Database, PgDatabase};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;
use tempfile::TempDir;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// The people the scenarios chart as, with their roles (the role matrix of
/// `outpost_domain::roles` decides what each may write).
pub const TEST_USERS: &[(&str, &str)] = &[
    ("admin.ama", "admin"),
    ("admin.kofi", "admin"),
    ("dr.osei", "doctor"),
    ("dr.lind", "doctor"),
    ("dr.sousa", "doctor"),
    ("dr.pires", "doctor"),
    ("nurse.efua", "nurse"),
    ("nurse.kim", "nurse"),
    ("nurse.lee", "nurse"),
    ("nurse.kojo", "nurse"),
    ("nurse.a", "nurse"),
    ("nurse.b", "nurse"),
    ("desk.ama", "front_desk"),
    ("desk.kwame", "front_desk"),
    ("desk.rita", "front_desk"),
    ("desk.nuno", "front_desk"),
    ("desk.kofi", "front_desk"),
    ("clerk", "front_desk"),
    ("clerk.a", "front_desk"),
    ("clerk.x", "front_desk"),
    ("clerk.y", "front_desk"),
];

/// The password of every one of [`TEST_USERS`].
pub const TEST_PASSWORD: &str = "correct horse battery";

/// One argon2id verifier of [`TEST_PASSWORD`] at the real parameters, made once per test
/// binary (each user gets its own in production; sharing it here only saves hashing).
fn test_verifier() -> Result<&'static PasswordVerifier> {
    static VERIFIER: OnceLock<PasswordVerifier> = OnceLock::new();
    if let Some(v) = VERIFIER.get() {
        return Ok(v);
    }
    let v = PasswordVerifier::create(&Password::new(TEST_PASSWORD))?;
    Ok(VERIFIER.get_or_init(|| v))
}

/// Signs every one of [`TEST_USERS`] in on a workstation the way a person does: the
/// users come from the server (`GET /v1/users`), each signs in against the verifiers now
/// cached there, and the sign-ins are reported (`POST /v1/sign-ins`, what every sync
/// does before it pushes), so the server accepts each of them as an author of that
/// workstation's changes, whatever transport later syncs push through.
pub async fn sign_in_test_users<T: Transport>(
    replica: &Mutex<Replica>,
    transport: &T,
) -> Result<()> {
    outpost_replica::sync_users(replica, transport, chrono::Utc::now()).await?;
    {
        let mut r = replica
            .lock()
            .map_err(|_| anyhow::anyhow!("replica lock poisoned"))?;
        for (username, _) in TEST_USERS {
            r.login(username, &Password::new(TEST_PASSWORD), chrono::Utc::now())
                .with_context(|| format!("signing in {username}"))?;
        }
    }
    outpost_replica::sync_users(replica, transport, chrono::Utc::now()).await?;
    Ok(())
}

/// Postgres plus a migrated Outpost database.
pub struct Backend {
    pub pg: PgCluster,
    pub db: PgDatabase,
}

impl Backend {
    pub async fn start() -> Result<Backend> {
        let pg = PgCluster::start().context("starting Postgres")?;
        let db = outpost_sync_server::connect(&pg.url()).await?;
        outpost_sync_server::migrate(&db).await?;
        Ok(Backend { pg, db })
    }

    pub async fn clinic(&self, name: &str) -> Result<ClinicId> {
        Ok(admin::create_clinic(&self.db, name).await?)
    }

    /// Makes every one of [`TEST_USERS`] a user of `clinic` (password [`TEST_PASSWORD`]),
    /// as an admin does with `outpost-server user add`; users it already has are kept.
    /// Workstations then sign them in with [`sign_in_test_users`].
    pub async fn add_test_users(&self, clinic: ClinicId) -> Result<()> {
        let existing = self.db.list_users(clinic).await?;
        for (username, role) in TEST_USERS {
            if existing.iter().any(|u| u.username == *username) {
                continue;
            }
            let role: Role = role.parse()?;
            self.db
                .add_user(
                    clinic,
                    UserId::new(),
                    username,
                    &format!("Test {username}"),
                    role,
                    test_verifier()?,
                )
                .await
                .context("adding a test user")?;
        }
        Ok(())
    }

    pub async fn enrollment_code(&self, clinic: ClinicId, device: &str) -> Result<String> {
        Ok(
            admin::create_enrollment_code(&self.db, clinic, device, chrono::Duration::hours(1))
                .await?,
        )
    }
}

/// The real `outpost-server` binary as a child process on a fixed address. `kill` is
/// SIGKILL — connections die mid-request as when the machine loses power — and `up`
/// starts it again on the same port, so workstations keep its URL.
pub struct Server {
    pub addr: SocketAddr,
    database_url: String,
    child: Option<Child>,
}

/// The server binary built next to this test binary (`target/<profile>/outpost-server`).
fn server_binary() -> Result<PathBuf> {
    let exe = std::env::current_exe()?;
    let dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .context("locating the target directory")?;
    let bin = dir.join("outpost-server");
    anyhow::ensure!(
        bin.exists(),
        "{} is missing: build it first with `cargo build -p outpost-sync-server`",
        bin.display()
    );
    Ok(bin)
}

impl Server {
    pub async fn start(backend: &Backend) -> Result<Server> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let mut s = Server {
            addr: SocketAddr::from(([127, 0, 0, 1], port)),
            database_url: backend.pg.url(),
            child: None,
        };
        s.up().await?;
        Ok(s)
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Starts the server (again) on the same address and waits until it listens.
    pub async fn up(&mut self) -> Result<()> {
        anyhow::ensure!(self.child.is_none(), "the server is already running");
        let mut child = Command::new(server_binary()?)
            .args(["serve", "--listen", &self.addr.to_string()])
            .env("OUTPOST_DATABASE_URL", &self.database_url)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .context("starting outpost-server")?;
        let stdout = child.stdout.take().context("server stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let ready = tokio::time::timeout(Duration::from_secs(60), async {
            while let Some(line) = lines.next_line().await? {
                if line.starts_with("listening on ") {
                    return Ok::<_, std::io::Error>(true);
                }
            }
            Ok(false)
        })
        .await;
        match ready {
            Ok(Ok(true)) => {}
            _ => anyhow::bail!("outpost-server did not start listening on {}", self.addr),
        }
        // Keep draining stdout so the child never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        self.child = Some(child);
        Ok(())
    }

    /// Kills the server process at once (SIGKILL).
    pub async fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill().await;
        }
    }

    /// The server's process id, to kill it from inside a transport wrapper.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().and_then(Child::id)
    }
}

/// Sends SIGKILL to a process id (the server, from inside a test transport).
pub fn kill_pid(pid: u32) {
    let _ = std::process::Command::new("kill")
        .args(["-9", &pid.to_string()])
        .status();
}

/// One workstation: a real replica in its own temp dir.
pub struct Workstation {
    pub dir: TempDir,
    pub replica: Arc<Mutex<Replica>>,
    transport: HttpTransport,
}

impl Workstation {
    pub async fn enroll(server: &Server, code: &str) -> Result<Workstation> {
        let dir = tempfile::tempdir()?;
        let replica = outpost_replica::enroll(dir.path(), &server.url(), code).await?;
        let transport = sync::transport_for(&replica)?;
        Ok(Workstation {
            dir,
            replica: Arc::new(Mutex::new(replica)),
            transport,
        })
    }

    pub async fn sync(&self) -> Result<SyncReport, sync::SyncError> {
        sync::sync_once(&self.replica, &self.transport).await
    }

    /// [`sign_in_test_users`] on this workstation.
    pub async fn sign_in_test_users(&self) -> Result<()> {
        sign_in_test_users(&self.replica, &self.transport).await
    }

    pub fn transport(&self) -> &HttpTransport {
        &self.transport
    }

    pub fn with<R>(&self, f: impl FnOnce(&mut Replica) -> R) -> R {
        let mut guard = self.replica.lock().unwrap();
        f(&mut guard)
    }
}
