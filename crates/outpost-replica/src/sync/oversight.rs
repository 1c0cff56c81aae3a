//! What an admin asks the server from a workstation: the clinic's alerts (break-the-glass
//! accesses, signing blocked after wrong passwords). The admin endpoints want an admin's
//! online session on this workstation, so the admin's password is checked by the server
//! again for each look (no session is kept), and every page is fetched.

use super::http::{HttpTransport, OnlineLoginError};
use chrono::{DateTime, Utc};
use outpost_domain::credentials::Password;
use outpost_domain::protocol::admin::{AuditQuery, AuditRecord};
use outpost_domain::protocol::users::LoginRequest;

/// Every alert of the clinic since `since` (all when `None`), oldest first, as admin
/// `username` signed in online with `password`.
#[tracing::instrument(skip_all)]
pub async fn admin_alerts(
    transport: &HttpTransport,
    username: &str,
    password: &Password,
    since: Option<DateTime<Utc>>,
) -> Result<Vec<AuditRecord>, OnlineLoginError> {
    let session = transport
        .login(&LoginRequest {
            username: username.to_owned(),
            password: password.expose().to_owned(),
        })
        .await?
        .session_token;
    let mut query = AuditQuery {
        since,
        ..AuditQuery::default()
    };
    let mut all = Vec::new();
    loop {
        let page = transport
            .admin_audit(&session, &query, true)
            .await
            .map_err(OnlineLoginError::Transport)?;
        all.extend(page.entries);
        match page.next {
            Some(next) => query.after = Some(next),
            None => return Ok(all),
        }
    }
}
