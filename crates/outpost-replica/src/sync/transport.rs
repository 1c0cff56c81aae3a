//! How the sync client reaches a server: the `Transport` trait (HTTP in the app, anything
//! that speaks the same protocol elsewhere) and the errors a round trip can end in.

use outpost_domain::protocol::integrity::{IntegrityRequest, IntegrityResponse};
use outpost_domain::protocol::users::{SignInReport, SignInReportResponse, UsersResponse};
use outpost_domain::protocol::{
    BootstrapRequest, BootstrapResponse, MrnBlock, MrnBlockRequest, PullRequest, PullResponse,
    PushRequest, PushResponse,
};
use std::future::Future;

/// One sync server, as the client sees it.
pub trait Transport: Send + Sync {
    /// Sends this replica's changes; the answer says how far the server now holds them.
    fn push(
        &self,
        req: &PushRequest,
    ) -> impl Future<Output = Result<PushResponse, TransportError>> + Send;

    /// Asks for the changes the version vector `req.have` lacks, one page at a time.
    fn pull(
        &self,
        req: &PullRequest,
    ) -> impl Future<Output = Result<PullResponse, TransportError>> + Send;

    /// Asks for one page of the clinic's compacted documents, for a new workstation. A
    /// transport that cannot says so; the workstation then pulls from zero instead.
    fn bootstrap(
        &self,
        req: &BootstrapRequest,
    ) -> impl Future<Output = Result<BootstrapResponse, TransportError>> + Send {
        let _ = req;
        std::future::ready(Err(TransportError::Unsupported(
            "serve a bootstrap of compacted documents",
        )))
    }

    /// Asks for a block of the clinic's provisional MRNs for this workstation. A transport
    /// that cannot (a test double that only relays push and pull) says so; sync goes on
    /// without a new block.
    fn mrn_block(
        &self,
        req: &MrnBlockRequest,
    ) -> impl Future<Output = Result<MrnBlock, TransportError>> + Send {
        let _ = req;
        std::future::ready(Err(TransportError::Unsupported(
            "hand out provisional MRN blocks",
        )))
    }

    /// The clinic's users with their verifiers, for offline login. A transport that cannot
    /// says so; sync goes on without refreshing the users.
    fn users(&self) -> impl Future<Output = Result<UsersResponse, TransportError>> + Send {
        std::future::ready(Err(TransportError::Unsupported("list the clinic's users")))
    }

    /// Reports sign-ins and failed attempts made on this workstation.
    fn report_sign_ins(
        &self,
        report: &SignInReport,
    ) -> impl Future<Output = Result<SignInReportResponse, TransportError>> + Send {
        let _ = report;
        std::future::ready(Err(TransportError::Unsupported("take sign-in reports")))
    }

    /// Sends signatures and audit entries made here; answers with the clinic's newer
    /// signatures. A transport (or an older server) that cannot says so; sync goes on.
    fn integrity(
        &self,
        req: &IntegrityRequest,
    ) -> impl Future<Output = Result<IntegrityResponse, TransportError>> + Send {
        let _ = req;
        std::future::ready(Err(TransportError::Unsupported(
            "take signatures and audit entries",
        )))
    }

    /// Whether the server answers and can serve a sync now. Asked every few seconds while
    /// the workstation is offline, so that it syncs as soon as the server is back rather
    /// than when its backoff runs out. A transport that cannot tell says `false`, and the
    /// loop waits out the backoff.
    fn ready(&self) -> impl Future<Output = bool> + Send {
        std::future::ready(false)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    #[error("the sync server at {url} cannot be reached ({detail}); check the network and the server address, then retry")]
    Unreachable { url: String, detail: String },

    /// 401/403: the enrollment code, the device token or the device itself was refused.
    /// The server's message says what to do (ask an administrator, enroll again).
    #[error("the sync server refused this workstation ({code}): {message}")]
    Unauthorized { code: String, message: String },

    #[error("the sync server expects change {expected_counter} next from this replica")]
    Gap { expected_counter: u64 },

    #[error("the sync server answered {status} ({code}): {message}")]
    Server {
        status: u16,
        code: String,
        message: String,
    },

    #[error("the sync server's answer could not be read: {0}")]
    Decode(String),

    #[error("the HTTP client could not be set up: {0}")]
    Setup(String),

    #[error("this connection to the sync server cannot {0}")]
    Unsupported(&'static str),
}

impl TransportError {
    /// Whether the server is out of reach or temporarily unavailable (retry later) rather
    /// than refusing.
    pub fn is_offline(&self) -> bool {
        match self {
            Self::Unreachable { .. } => true,
            Self::Server { status, .. } => matches!(status, 502..=504),
            _ => false,
        }
    }
}
