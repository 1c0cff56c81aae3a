//! The sync client, "compute, then apply": what to send and what an answer means is
//! decided by pure functions (`plan`); I/O stays at the edges (`http`, `run`). The replica
//! is shared behind a `std::sync::Mutex` that is never held across an `.await`.

mod bootstrap;
mod http;
mod integrity;
mod oversight;
mod plan;
mod pull;
mod run;
mod status;
mod tls;
mod transport;

pub use bootstrap::BOOTSTRAP_MIN_DOCUMENTS;
pub use http::{transport_for, HttpTransport, OnlineLoginError};
pub use oversight::admin_alerts;
pub use plan::{check_pull_page, server_holds, PushAnswer, PushProgress};
pub use run::{run_background, sync_once, sync_once_with_progress, SyncError, SyncReport};
pub use status::{
    backoff_delay, wait_for_server, SyncState, SyncStatus, HEALTHY_INTERVAL, MAX_BACKOFF,
    OFFLINE_PROBE,
};
pub use tls::{trust_ca_file, CA_FILE_ENV};
pub use transport::{Transport, TransportError};

pub(crate) use http::post_enroll;
