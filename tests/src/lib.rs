//! Test harness for end-to-end scenarios: a real Postgres cluster, the real sync server
//! (the same `app()` the binary serves) on a real TCP port, and workstations that are real
//! replicas (SQLCipher files in temp dirs, keys in the OS keyring) syncing over HTTP.
//! Scenarios live in `tests/e2e/`, one module each.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use anyhow::{Context, Result};
use outpost_domain::ids::ClinicId;
use outpost_pgtest::PgCluster;
use outpost_replica::sync::{self, HttpTransport, SyncReport};
use outpost_replica::Replica;
use outpost_sync_server::{admin, AppState, PgDatabase};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use tempfile::TempDir;
use tokio::net::{TcpListener, TcpSocket};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

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

    pub async fn enrollment_code(&self, clinic: ClinicId, device: &str) -> Result<String> {
        Ok(admin::create_enrollment_code(&self.db, clinic, device, chrono::Duration::hours(1)).await?)
    }
}

/// The sync server running in this process on a fixed address, stoppable and restartable
/// on the same port (workstations keep its URL).
pub struct Server {
    pub addr: SocketAddr,
    db: PgDatabase,
    task: Option<(oneshot::Sender<()>, JoinHandle<()>)>,
}

fn listener(addr: SocketAddr) -> Result<TcpListener> {
    let socket = TcpSocket::new_v4()?;
    socket.set_reuseaddr(true)?;
    socket.bind(addr).with_context(|| format!("binding {addr}"))?;
    Ok(socket.listen(1024)?)
}

impl Server {
    pub async fn start(backend: &Backend) -> Result<Server> {
        let mut s = Server {
            addr: "127.0.0.1:0".parse()?,
            db: backend.db.clone(),
            task: None,
        };
        s.up().await?;
        Ok(s)
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Starts serving (again) on the same address.
    pub async fn up(&mut self) -> Result<()> {
        anyhow::ensure!(self.task.is_none(), "the server is already running");
        let l = listener(self.addr)?;
        self.addr = l.local_addr()?;
        let state = AppState::new(self.db.clone());
        let (tx, rx) = oneshot::channel::<()>();
        let handle = tokio::spawn(async move {
            let shutdown = async move {
                let _ = rx.await;
            };
            if let Err(e) = outpost_sync_server::serve(l, state, shutdown).await {
                tracing::error!(error = %e, "test server stopped with an error");
            }
        });
        self.task = Some((tx, handle));
        Ok(())
    }

    /// Kills the server at once: open connections are dropped mid-request, as when the
    /// process dies.
    pub async fn kill(&mut self) {
        if let Some((_tx, handle)) = self.task.take() {
            handle.abort();
            let _ = handle.await;
        }
    }
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

    pub fn transport(&self) -> &HttpTransport {
        &self.transport
    }

    pub fn with<R>(&self, f: impl FnOnce(&mut Replica) -> R) -> R {
        let mut guard = self.replica.lock().unwrap();
        f(&mut guard)
    }
}
