//! The OpenAPI 3.1 document of the HTTP API, served at `GET /openapi.json` and kept in
//! the repo at `docs/openapi.json` (a test fails when the two differ). Request and response
//! schemas are derived from the wire types themselves (`outpost-domain`'s `openapi`
//! feature), so they cannot drift from what the server parses and sends.
//!
//! Each route is described by a `#[utoipa::path]` on a stub below, next to the others, so
//! the whole API reads in one place; the stubs are never called. To add a route: add a stub
//! with its method, path, body, answers and security, list it in [`ApiDoc`]'s `paths`, and
//! run the server tests (they rewrite `docs/openapi.json`; commit it).

use crate::health::Status;
use axum::response::IntoResponse;
use axum::Json;
use outpost_domain::protocol::admin::{AuditPage, AuditQuery, AuditRecord};
use outpost_domain::protocol::integrity::{IntegrityRequest, IntegrityResponse};
use outpost_domain::protocol::users::{
    LoginRequest, LoginResponse, SignInReport, SignInReportResponse, UsersResponse,
};
use outpost_domain::protocol::{
    BootstrapRequest, BootstrapResponse, EnrollRequest, EnrollResponse, ErrorBody, MrnBlock,
    MrnBlockRequest, PullRequest, PullResponse, PushRequest, PushResponse, PROTOCOL_VERSION,
};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

/// Where the document is served.
pub const PATH: &str = "/openapi.json";

/// The API's description, for `utoipa`.
#[derive(Debug, OpenApi)]
#[openapi(
    info(
        title = "Outpost sync server",
        description = "Workstations enroll with a one-time code, push their own Automerge \
            changes, pull their clinic's, bootstrap from compacted documents and take blocks \
            of provisional MRNs. Every error answer is an ErrorBody whose `message` says what \
            to do. Wire format version 1: fields added later are optional, unknown fields \
            are ignored.",
        license(name = "AGPL-3.0-only", identifier = "AGPL-3.0-only")
    ),
    paths(
        health, ready, openapi_json, enroll, push, pull, mrn_blocks, bootstrap, login, users,
        sign_ins, integrity, admin_audit, admin_alerts
    ),
    components(schemas(Status, ErrorBody, AuditRecord)),
    modifiers(&DeviceToken),
    tags(
        (name = "operations", description = "Probes for load balancers and orchestration"),
        (name = "sync", description = "Sync protocol version 1"),
        (name = "users", description = "Signing in online, and what offline sign-in needs"),
        (name = "admin", description = "What an admin of the clinic oversees: audit entries and alerts")
    )
)]
pub struct ApiDoc;

/// The document as the server serves it.
pub fn document() -> serde_json::Value {
    let mut doc = serde_json::to_value(ApiDoc::openapi()).unwrap_or_default();
    unsigned_bounds(&mut doc);
    if let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(|s| s.as_object_mut())
    {
        for schema in schemas.values_mut() {
            narrow_request_fields(schema);
        }
    }
    doc
}

/// Rules the server enforces that the wire types alone do not show: which protocol
/// version it speaks, and how large an MRN block may be.
fn narrow_request_fields(schema: &mut serde_json::Value) {
    let Some(props) = schema.get_mut("properties").and_then(|p| p.as_object_mut()) else {
        return;
    };
    if let Some(protocol) = props.get_mut("protocol") {
        *protocol = serde_json::json!({
            "type": "integer",
            "minimum": PROTOCOL_VERSION,
            "maximum": PROTOCOL_VERSION,
            "description": format!(
                "The sync protocol version the workstation speaks. This server speaks \
                 {PROTOCOL_VERSION} and answers any other with 426 `unsupported_protocol`."
            ),
        });
    }
    if props.contains_key("size") && props.contains_key("protocol") {
        if let Some(size) = props.get_mut("size").and_then(|s| s.as_object_mut()) {
            size.insert("minimum".into(), 1.into());
            size.insert("maximum".into(), crate::mrn::MAX_BLOCK_SIZE.into());
        }
    }
}

/// utoipa names unsigned integers with formats no validator knows (`u-int32`); the wire
/// types accept exactly `0..=u32::MAX` / `0..=u64::MAX`, so say that with `maximum`.
fn unsigned_bounds(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(map) => {
            let max = match map.get("format").and_then(|f| f.as_str()) {
                Some("u-int8") => Some(u64::from(u8::MAX)),
                Some("u-int16") => Some(u64::from(u16::MAX)),
                Some("u-int32") => Some(u64::from(u32::MAX)),
                Some("u-int64") => Some(u64::MAX),
                _ => None,
            };
            if let Some(max) = max {
                map.remove("format");
                // A bound the type states itself (`param(maximum = ..)`) is narrower.
                map.entry("maximum").or_insert(max.into());
            }
            map.values_mut().for_each(unsigned_bounds);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(unsigned_bounds),
        _ => {}
    }
}

/// The document as committed in `docs/openapi.json`: pretty JSON with a final newline.
pub fn document_json() -> Result<String, serde_json::Error> {
    let mut json = serde_json::to_string_pretty(&document())?;
    json.push('\n');
    Ok(json)
}

/// `GET /openapi.json`.
pub async fn serve() -> impl IntoResponse {
    Json(document())
}

/// The `Authorization: Bearer <device token>` scheme every `/v1` call but enroll uses.
struct DeviceToken;

impl Modify for DeviceToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "device_token",
            SecurityScheme::Http(
                Http::builder()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "The device token `POST /v1/enroll` handed to the workstation",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "admin_session",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "X-Outpost-Session",
                "The session token `POST /v1/login` handed an admin on this same workstation \
                 (sent with the workstation's device token)",
            ))),
        );
    }
}

/// Process up and database answering (liveness).
#[utoipa::path(get, path = "/health", tag = "operations", responses(
    (status = 200, description = "The process is up and Postgres answers", body = Status),
    (status = 503, description = "Postgres does not answer", body = ErrorBody),
))]
#[allow(dead_code)]
fn health() {}

/// Ready for traffic: Postgres answers and no migration is pending (readiness).
#[utoipa::path(get, path = "/ready", tag = "operations", responses(
    (status = 200, description = "Ready to serve", body = Status),
    (status = 503, description = "`unavailable` (Postgres does not answer) or \
        `migrations_pending` (run `outpost-server migrate`)", body = ErrorBody),
))]
#[allow(dead_code)]
fn ready() {}

/// This document.
#[utoipa::path(get, path = "/openapi.json", tag = "operations", responses(
    (status = 200, description = "The OpenAPI document of this server", content_type = "application/json"),
))]
#[allow(dead_code)]
fn openapi_json() {}

/// Redeem a one-time enrollment code: the workstation's replica becomes a device of the
/// code's clinic and receives its device token, exactly once.
#[utoipa::path(post, path = "/v1/enroll", tag = "sync", request_body = EnrollRequest, responses(
    (status = 200, description = "Enrolled; keep `device_token` secret", body = EnrollResponse),
    (status = 400, description = "Malformed request", body = ErrorBody),
    (status = 401, description = "`enrollment_code_invalid`: unknown, used or expired code", body = ErrorBody),
    (status = 409, description = "`replica_in_use`: the replica is enrolled by a live device", body = ErrorBody),
    (status = 413, description = "Request body too large", body = ErrorBody),
    (status = 426, description = "`unsupported_protocol`: update the app", body = ErrorBody),
    (status = 500, description = "Internal failure; retry later", body = ErrorBody),
    (status = 503, description = "Busy or database unavailable; retry", body = ErrorBody),
))]
#[allow(dead_code)]
fn enroll() {}

/// Push the device's own changes, in counter order, starting right after what the server
/// holds. Idempotent: changes already stored are acknowledged again.
#[utoipa::path(post, path = "/v1/push", tag = "sync", request_body = PushRequest,
    security(("device_token" = [])), responses(
    (status = 200, description = "Stored (or quarantined) through `stored_through`", body = PushResponse),
    (status = 400, description = "Malformed request or batch (wrong replica, not contiguous, bad digest)", body = ErrorBody),
    (status = 401, description = "`unauthorized` or `device_revoked`", body = ErrorBody),
    (status = 403, description = "Not allowed", body = ErrorBody),
    (status = 409, description = "`gap` (see `expected_counter`) or `conflicting_change`", body = ErrorBody),
    (status = 413, description = "Request body too large: push fewer changes per request", body = ErrorBody),
    (status = 426, description = "`unsupported_protocol`: update the app", body = ErrorBody),
    (status = 500, description = "Internal failure; nothing was stored, retry", body = ErrorBody),
    (status = 503, description = "Busy or database unavailable; retry", body = ErrorBody),
))]
#[allow(dead_code)]
fn push() {}

/// The clinic's changes the caller's version vector does not cover, in server-arrival
/// order, one page at a time.
#[utoipa::path(post, path = "/v1/pull", tag = "sync", request_body = PullRequest,
    security(("device_token" = [])), responses(
    (status = 200, description = "One page; ask again while `more` is true", body = PullResponse),
    (status = 400, description = "Malformed request", body = ErrorBody),
    (status = 401, description = "`unauthorized` or `device_revoked`", body = ErrorBody),
    (status = 413, description = "Request body too large", body = ErrorBody),
    (status = 426, description = "`unsupported_protocol`: update the app", body = ErrorBody),
    (status = 500, description = "Internal failure; retry", body = ErrorBody),
    (status = 503, description = "Busy or database unavailable; retry", body = ErrorBody),
))]
#[allow(dead_code)]
fn pull() {}

/// The device's next block of its clinic's provisional MRNs.
#[utoipa::path(post, path = "/v1/mrn-blocks", tag = "sync", request_body = MrnBlockRequest,
    security(("device_token" = [])), responses(
    (status = 200, description = "A block reserved for this device", body = MrnBlock),
    (status = 400, description = "Malformed request or size out of range", body = ErrorBody),
    (status = 401, description = "`unauthorized` or `device_revoked`", body = ErrorBody),
    (status = 413, description = "Request body too large", body = ErrorBody),
    (status = 426, description = "`unsupported_protocol`: update the app", body = ErrorBody),
    (status = 500, description = "Internal failure; retry", body = ErrorBody),
    (status = 503, description = "Busy or database unavailable; retry", body = ErrorBody),
))]
#[allow(dead_code)]
fn mrn_blocks() {}

/// A page of the clinic's documents, compacted, for a new workstation; resumable with the
/// cursor of the last page.
#[utoipa::path(post, path = "/v1/bootstrap", tag = "sync", request_body = BootstrapRequest,
    security(("device_token" = [])), responses(
    (status = 200, description = "One page; ask again with `next` while `more` is true", body = BootstrapResponse),
    (status = 400, description = "Malformed request or cursor", body = ErrorBody),
    (status = 401, description = "`unauthorized` or `device_revoked`", body = ErrorBody),
    (status = 413, description = "Request body too large", body = ErrorBody),
    (status = 426, description = "`unsupported_protocol`: update the app", body = ErrorBody),
    (status = 500, description = "Internal failure; retry", body = ErrorBody),
    (status = 503, description = "Busy or database unavailable; retry", body = ErrorBody),
))]
#[allow(dead_code)]
fn bootstrap() {}

/// A user signs in on this workstation with username and password; the answer is a
/// session bound to the device and user. Wrong password and unknown user answer alike.
#[utoipa::path(post, path = "/v1/login", tag = "users", request_body = LoginRequest,
    security(("device_token" = [])), responses(
    (status = 200, description = "Signed in; keep `session_token` secret", body = LoginResponse),
    (status = 400, description = "Malformed request, username or password", body = ErrorBody),
    (status = 401, description = "`unauthorized` (wrong username or password, or no valid device token) or `device_revoked`", body = ErrorBody),
    (status = 403, description = "The account is disabled", body = ErrorBody),
    (status = 413, description = "Request body too large", body = ErrorBody),
    (status = 429, description = "`locked_out`: too many failed attempts; retry after `Retry-After` seconds", body = ErrorBody,
        headers(("Retry-After" = u64, description = "Seconds until the next attempt is allowed"))),
    (status = 500, description = "Internal failure; retry", body = ErrorBody),
    (status = 503, description = "Busy or database unavailable; retry", body = ErrorBody),
))]
#[allow(dead_code)]
fn login() {}

/// The clinic's users with their password verifiers, for signing in while offline.
#[utoipa::path(get, path = "/v1/users", tag = "users",
    security(("device_token" = [])), responses(
    (status = 200, description = "Every user of the device's clinic, disabled ones included", body = UsersResponse),
    (status = 401, description = "`unauthorized` or `device_revoked`", body = ErrorBody),
    (status = 500, description = "Internal failure; retry", body = ErrorBody),
    (status = 503, description = "Busy or database unavailable; retry", body = ErrorBody),
))]
#[allow(dead_code)]
fn users() {}

/// Sign-ins and failed attempts the workstation judged offline, reported on its next
/// sync; a report sent twice is counted once.
#[utoipa::path(post, path = "/v1/sign-ins", tag = "users", request_body = SignInReport,
    security(("device_token" = [])), responses(
    (status = 200, description = "What the server holds now", body = SignInReportResponse),
    (status = 400, description = "Malformed request", body = ErrorBody),
    (status = 401, description = "`unauthorized` or `device_revoked`", body = ErrorBody),
    (status = 413, description = "Request body too large", body = ErrorBody),
    (status = 500, description = "Internal failure; retry", body = ErrorBody),
    (status = 503, description = "Busy or database unavailable; retry", body = ErrorBody),
))]
#[allow(dead_code)]
fn sign_ins() {}

/// Signatures made on the workstation and its audit entries the server lacks, in; the
/// clinic's newer signatures, out. Each signature is checked against the signer's public
/// key and the server's copy of the encounter (refused ones are listed with the reason);
/// each audit entry must link to the one before it.
#[utoipa::path(post, path = "/v1/integrity", tag = "sync", request_body = IntegrityRequest,
    security(("device_token" = [])), responses(
    (status = 200, description = "Stored; the clinic's newer signatures", body = IntegrityResponse),
    (status = 400, description = "Malformed request", body = ErrorBody),
    (status = 401, description = "`unauthorized` or `device_revoked`", body = ErrorBody),
    (status = 409, description = "`audit_chain_broken`: the entry named does not link to the one before; entries from it on were not stored", body = ErrorBody),
    (status = 413, description = "Too many signatures or entries, or body too large", body = ErrorBody),
    (status = 426, description = "`unsupported_protocol`: update the app", body = ErrorBody),
    (status = 500, description = "Internal failure; retry", body = ErrorBody),
    (status = 503, description = "Busy or database unavailable; retry", body = ErrorBody),
))]
#[allow(dead_code)]
fn integrity() {}

/// The clinic's audit entries as its workstations pushed them, filtered by patient (their
/// record, encounters and vitals sets), user and time range, oldest first, one page at a
/// time. Admins only: the workstation's device token and the admin's online session.
#[utoipa::path(get, path = "/v1/admin/audit", tag = "admin", params(AuditQuery),
    security(("device_token" = [], "admin_session" = [])), responses(
    (status = 200, description = "One page; pass `next` as `after` while it is present", body = AuditPage),
    (status = 400, description = "`bad_query`, `bad_limit`, `bad_range` or `bad_cursor`", body = ErrorBody),
    (status = 401, description = "`unauthorized` or `device_revoked`", body = ErrorBody),
    (status = 403, description = "No admin session of this clinic on this workstation: sign in as an admin", body = ErrorBody),
    (status = 500, description = "Internal failure; retry", body = ErrorBody),
    (status = 503, description = "Busy or database unavailable; retry", body = ErrorBody),
))]
#[allow(dead_code)]
fn admin_audit() {}

/// The alerts among the clinic's audit entries: break-the-glass accesses (with the
/// reason given) and signing blocked after three wrong signing passwords. Same filters,
/// paging and authorization as `/v1/admin/audit`.
#[utoipa::path(get, path = "/v1/admin/alerts", tag = "admin", params(AuditQuery),
    security(("device_token" = [], "admin_session" = [])), responses(
    (status = 200, description = "One page; pass `next` as `after` while it is present", body = AuditPage),
    (status = 400, description = "`bad_query`, `bad_limit`, `bad_range` or `bad_cursor`", body = ErrorBody),
    (status = 401, description = "`unauthorized` or `device_revoked`", body = ErrorBody),
    (status = 403, description = "No admin session of this clinic on this workstation: sign in as an admin", body = ErrorBody),
    (status = 500, description = "Internal failure; retry", body = ErrorBody),
    (status = 503, description = "Busy or database unavailable; retry", body = ErrorBody),
))]
#[allow(dead_code)]
fn admin_alerts() {}
