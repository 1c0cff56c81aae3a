//! The HTTP transport (reqwest with rustls): JSON bodies, Bearer device token, short
//! connect timeout so an outage is noticed fast, and the server's `ErrorBody` mapped to
//! `TransportError`.

use super::transport::{Transport, TransportError};
use crate::error::ReplicaError;
use crate::keys;
use crate::replica::Replica;
use crate::secret::DeviceToken;
use outpost_domain::credentials::SignInRefused;
use outpost_domain::protocol::admin::{AuditPage, AuditQuery, SESSION_HEADER};
use outpost_domain::protocol::users::{LoginRequest, LoginResponse};
use outpost_domain::protocol::{
    EnrollRequest, EnrollResponse, ErrorBody, MrnBlock, MrnBlockRequest, PullRequest, PullResponse,
    PushRequest, PushResponse,
};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::time::Duration;
use tokio_util::task::AbortOnDropHandle;
use tracing::Instrument;

/// Endpoints of protocol v1, relative to the server URL.
pub const ENROLL_PATH: &str = "/v1/enroll";
pub const PUSH_PATH: &str = "/v1/push";
pub const PULL_PATH: &str = "/v1/pull";
pub const MRN_BLOCKS_PATH: &str = "/v1/mrn-blocks";
pub const HEALTH_PATH: &str = "/health";
/// Whether the server can serve a sync (its database answers).
pub const READY_PATH: &str = "/ready";
pub const USERS_PATH: &str = "/v1/users";
pub const SIGN_INS_PATH: &str = "/v1/sign-ins";
/// Signatures and audit entries out, the clinic's signatures in.
pub const INTEGRITY_PATH: &str = "/v1/integrity";
pub const LOGIN_PATH: &str = "/v1/login";
pub const BOOTSTRAP_PATH: &str = "/v1/bootstrap";
/// The clinic's audit entries and alerts, for an admin's online session.
pub const ADMIN_AUDIT_PATH: &str = "/v1/admin/audit";
pub const ADMIN_ALERTS_PATH: &str = "/v1/admin/alerts";

const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// A readiness probe while offline gives up sooner than a sync request: the next probe
/// comes a few seconds later anyway.
const PROBE_TIMEOUT: Duration = Duration::from_secs(3);

/// Why an online login did not sign the user in.
#[derive(Debug, thiserror::Error)]
pub enum OnlineLoginError {
    /// The server judged the credentials: wrong, or the account is in its lockout delay.
    #[error(transparent)]
    Refused(SignInRefused),
    /// The server was not reached or refused the device; offline login may still work.
    #[error(transparent)]
    Transport(TransportError),
}

/// Talks to one sync server as one enrolled device.
#[derive(Debug, Clone)]
pub struct HttpTransport {
    client: reqwest::Client,
    base: String,
    token: DeviceToken,
}

impl HttpTransport {
    pub fn new(server_url: &str, token: DeviceToken) -> Result<Self, TransportError> {
        Ok(Self {
            client: client()?,
            base: server_url.trim_end_matches('/').to_owned(),
            token,
        })
    }

    /// The server URL this transport talks to.
    pub fn server_url(&self) -> &str {
        &self.base
    }

    /// `POST /v1/login`: signs a user in online, with a session bound to this device.
    /// Wrong credentials and a lockout (429, `Retry-After`) come back as the same
    /// [`SignInRefused`] offline login gives.
    #[tracing::instrument(skip_all)]
    pub async fn login(&self, req: &LoginRequest) -> Result<LoginResponse, OnlineLoginError> {
        let url = format!("{}{LOGIN_PATH}", self.base);
        let resp = self
            .client
            .post(&url)
            .bearer_auth(self.token.expose())
            .json(req)
            .send()
            .await
            .map_err(|e| OnlineLoginError::Transport(unreachable(&url, &e)))?;
        let status = resp.status().as_u16();
        if status == 429 {
            let retry_after_seconds = resp
                .headers()
                .get(reqwest::header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(1);
            return Err(OnlineLoginError::Refused(SignInRefused::LockedOut {
                retry_after_seconds,
            }));
        }
        if !resp.status().is_success() {
            return Err(match error_answer(resp).await {
                TransportError::Unauthorized { code, .. } if code == "unauthorized" => {
                    OnlineLoginError::Refused(SignInRefused::WrongCredentials)
                }
                other => OnlineLoginError::Transport(other),
            });
        }
        let bytes = resp
            .bytes()
            .await
            .map_err(|e| OnlineLoginError::Transport(unreachable(&url, &e)))?;
        serde_json::from_slice(&bytes)
            .map_err(|e| OnlineLoginError::Transport(TransportError::Decode(e.to_string())))
    }

    /// `GET /v1/admin/audit` (or `/v1/admin/alerts` when `alerts`): one page of the
    /// clinic's audit entries, as the admin whose online session `session_token` is.
    #[tracing::instrument(skip_all)]
    pub async fn admin_audit(
        &self,
        session_token: &str,
        query: &AuditQuery,
        alerts: bool,
    ) -> Result<AuditPage, TransportError> {
        let path = if alerts {
            ADMIN_ALERTS_PATH
        } else {
            ADMIN_AUDIT_PATH
        };
        let url = format!("{}{path}", self.base);
        let resp = self
            .client
            .get(&url)
            .bearer_auth(self.token.expose())
            .header(SESSION_HEADER, session_token)
            .query(query)
            .send()
            .await
            .map_err(|e| unreachable(&url, &e))?;
        if !resp.status().is_success() {
            return Err(error_answer(resp).await);
        }
        let bytes = resp.bytes().await.map_err(|e| unreachable(&url, &e))?;
        serde_json::from_slice(&bytes).map_err(|e| TransportError::Decode(e.to_string()))
    }

    /// POSTs `req` to `path` and decodes the answer, a pull or bootstrap page, on a task of
    /// its own. The sync loops poll such a request once, store the page before it, and only
    /// then await it (see `sync::pull`): polled as part of their own future, the page
    /// would be received and decoded (JSON, each change's bytes in base64: about 4 % of a
    /// bootstrap's storing thread) on the storing thread after the store. As a task, a
    /// worker thread does that while the page before is stored. The task ends with the
    /// future: a sync that is dropped stops downloading.
    #[tracing::instrument(skip_all, fields(path = path))]
    async fn page<Req: Serialize, Resp: DeserializeOwned + Send + 'static>(
        &self,
        path: &str,
        req: &Req,
    ) -> Result<Resp, TransportError> {
        let url = format!("{}{path}", self.base);
        let request = self
            .client
            .post(&url)
            .json(req)
            .bearer_auth(self.token.expose());
        let task = AbortOnDropHandle::new(tokio::spawn(
            async move {
                let resp = request.send().await.map_err(|e| unreachable(&url, &e))?;
                decoded(&url, resp).await
            }
            .in_current_span(),
        ));
        task.await
            .map_err(|e| TransportError::Decode(format!("the download stopped: {e}")))?
    }

    /// A quick reachability check (`GET /health`), without touching the replica.
    #[tracing::instrument(skip_all)]
    pub async fn health(&self) -> Result<(), TransportError> {
        let url = format!("{}{HEALTH_PATH}", self.base);
        let resp = self
            .client
            .get(&url)
            .send()
            .await
            .map_err(|e| unreachable(&url, &e))?;
        if resp.status().is_success() {
            Ok(())
        } else {
            Err(error_answer(resp).await)
        }
    }
}

impl Transport for HttpTransport {
    async fn push(&self, req: &PushRequest) -> Result<PushResponse, TransportError> {
        let url = format!("{}{PUSH_PATH}", self.base);
        post_json(&self.client, &url, Some(&self.token), req).await
    }

    async fn pull(&self, req: &PullRequest) -> Result<PullResponse, TransportError> {
        self.page(PULL_PATH, req).await
    }

    async fn bootstrap(
        &self,
        req: &outpost_domain::protocol::BootstrapRequest,
    ) -> Result<outpost_domain::protocol::BootstrapResponse, TransportError> {
        self.page(BOOTSTRAP_PATH, req).await
    }

    async fn mrn_block(&self, req: &MrnBlockRequest) -> Result<MrnBlock, TransportError> {
        let url = format!("{}{MRN_BLOCKS_PATH}", self.base);
        post_json(&self.client, &url, Some(&self.token), req).await
    }

    async fn users(
        &self,
    ) -> Result<outpost_domain::protocol::users::UsersResponse, TransportError> {
        let url = format!("{}{USERS_PATH}", self.base);
        let resp = self
            .client
            .get(&url)
            .bearer_auth(self.token.expose())
            .send()
            .await
            .map_err(|e| unreachable(&url, &e))?;
        if !resp.status().is_success() {
            return Err(error_answer(resp).await);
        }
        let bytes = resp.bytes().await.map_err(|e| unreachable(&url, &e))?;
        serde_json::from_slice(&bytes).map_err(|e| TransportError::Decode(e.to_string()))
    }

    async fn report_sign_ins(
        &self,
        report: &outpost_domain::protocol::users::SignInReport,
    ) -> Result<outpost_domain::protocol::users::SignInReportResponse, TransportError> {
        let url = format!("{}{SIGN_INS_PATH}", self.base);
        post_json(&self.client, &url, Some(&self.token), report).await
    }

    async fn integrity(
        &self,
        req: &outpost_domain::protocol::integrity::IntegrityRequest,
    ) -> Result<outpost_domain::protocol::integrity::IntegrityResponse, TransportError> {
        let url = format!("{}{INTEGRITY_PATH}", self.base);
        match post_json(&self.client, &url, Some(&self.token), req).await {
            // A server older than signatures has no such route.
            Err(TransportError::Server { status: 404, .. }) => Err(TransportError::Unsupported(
                "take signatures and audit entries (the server is older)",
            )),
            other => other,
        }
    }

    async fn ready(&self) -> bool {
        let url = format!("{}{READY_PATH}", self.base);
        match self.client.get(&url).timeout(PROBE_TIMEOUT).send().await {
            Ok(resp) => resp.status().is_success(),
            Err(e) => {
                tracing::trace!(error = %e, "the sync server is not back yet");
                false
            }
        }
    }
}

/// The transport for an enrolled replica: its server URL and the device token from the
/// OS keyring.
pub fn transport_for(replica: &Replica) -> Result<HttpTransport, ReplicaError> {
    let enrollment = replica.enrollment()?.ok_or(ReplicaError::NotEnrolled)?;
    let token = keys::read_token(replica.db_path())?;
    HttpTransport::new(&enrollment.server_url, token).map_err(ReplicaError::Transport)
}

/// `POST /v1/enroll` (no token yet).
pub(crate) async fn post_enroll(
    server_url: &str,
    req: &EnrollRequest,
) -> Result<EnrollResponse, TransportError> {
    let url = format!("{}{ENROLL_PATH}", server_url.trim_end_matches('/'));
    post_json(&client()?, &url, None, req).await
}

fn client() -> Result<reqwest::Client, TransportError> {
    let mut builder = reqwest::Client::builder()
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(REQUEST_TIMEOUT)
        .user_agent(concat!("outpost-replica/", env!("CARGO_PKG_VERSION")));
    for root in super::tls::extra_roots()? {
        builder = builder.add_root_certificate(root);
    }
    builder
        .build()
        .map_err(|e| TransportError::Setup(chain(&e)))
}

#[tracing::instrument(skip_all, fields(url = %url))]
async fn post_json<Req: Serialize + Sync, Resp: DeserializeOwned>(
    client: &reqwest::Client,
    url: &str,
    token: Option<&DeviceToken>,
    body: &Req,
) -> Result<Resp, TransportError> {
    let mut request = client.post(url).json(body);
    if let Some(token) = token {
        request = request.bearer_auth(token.expose());
    }
    let resp = request.send().await.map_err(|e| unreachable(url, &e))?;
    decoded(url, resp).await
}

/// The answer `resp` from `url`, decoded; the server's error when it refused.
async fn decoded<Resp: DeserializeOwned>(
    url: &str,
    resp: reqwest::Response,
) -> Result<Resp, TransportError> {
    if !resp.status().is_success() {
        return Err(error_answer(resp).await);
    }
    let bytes = resp.bytes().await.map_err(|e| unreachable(url, &e))?;
    serde_json::from_slice(&bytes).map_err(|e| TransportError::Decode(e.to_string()))
}

async fn error_answer(resp: reqwest::Response) -> TransportError {
    let status = resp.status();
    let text = resp.text().await.unwrap_or_default();
    let body: Option<ErrorBody> = serde_json::from_str(&text).ok();
    match body {
        Some(ErrorBody {
            code,
            expected_counter: Some(expected_counter),
            ..
        }) if code == "gap" => TransportError::Gap { expected_counter },
        body if matches!(status.as_u16(), 401 | 403) => match body {
            Some(b) => TransportError::Unauthorized {
                code: b.code,
                message: b.message,
            },
            None => TransportError::Unauthorized {
                code: status.to_string(),
                message: "the credentials were not accepted; the device may have been revoked: \
                          ask an administrator, then enroll again with `outpost enroll`"
                    .into(),
            },
        },
        Some(b) => TransportError::Server {
            status: status.as_u16(),
            code: b.code,
            message: b.message,
        },
        None => TransportError::Server {
            status: status.as_u16(),
            code: "http".into(),
            message: text.chars().take(200).collect(),
        },
    }
}

fn unreachable(url: &str, e: &reqwest::Error) -> TransportError {
    TransportError::Unreachable {
        url: url.to_owned(),
        detail: chain(e),
    }
}

/// An error and its causes on one line (reqwest's own message leaves out the cause).
fn chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}
