//! The clinic's alerts for admins in the window: break-the-glass accesses and signing
//! blocked after wrong signing passwords, as every workstation's audit chain delivered
//! them to the server. They live on the server, so looking needs it to answer and the
//! admin's password again (the server checks it and that the user is an admin).

use crate::error::CommandError;
use crate::session::Need;
use crate::state::AppState;
use outpost_domain::credentials::Password;
use outpost_domain::ids::DocId;
use outpost_domain::protocol::admin::AuditRecord;
use outpost_domain::roles::Role;
use outpost_replica::sync::{admin_alerts, OnlineLoginError};
use serde::Serialize;
use tauri::State;
use ts_rs::TS;

/// One alert as the window lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export_to = "../../../ui/src/bindings/")]
pub struct AlertView {
    /// When, as the workstation wrote it (RFC 3339 UTC).
    pub at: String,
    pub user: String,
    /// `patient.break_the_glass` or `signature.blocked`.
    pub what: String,
    #[ts(optional)]
    pub record_id: Option<String>,
    /// The record's patient as the list shows them ("name (MRN)"), when the record is a
    /// patient this workstation holds.
    #[ts(optional)]
    pub patient: Option<String>,
    #[ts(optional)]
    pub reason: Option<String>,
}

impl From<AuditRecord> for AlertView {
    fn from(r: AuditRecord) -> Self {
        Self {
            at: r.at,
            user: r.user,
            what: r.detail,
            record_id: r.record_id,
            patient: None,
            reason: r.reason,
        }
    }
}

/// Every alert of the clinic, newest first, for the signed-in admin (password again).
#[tauri::command]
#[tracing::instrument(skip_all)]
pub async fn admin_alerts_list(
    state: State<'_, AppState>,
    password: String,
) -> Result<Vec<AlertView>, CommandError> {
    let (username, role) = state
        .as_user(Need::SignedIn, |_, user| {
            Ok((user.username.clone(), user.role))
        })
        .await?;
    if role != Role::Admin {
        return Err(CommandError::message(
            "Only admins see the clinic's alerts.",
        ));
    }
    if password.is_empty() {
        return Err(CommandError::field("password", "Enter your password."));
    }
    let (_, transport) = state.for_sign_in()?;
    let transport = transport.ok_or_else(|| {
        CommandError::message(
            "This workstation has no sync server to ask; alerts are kept on the server.",
        )
    })?;
    let alerts = admin_alerts(&transport, &username, &Password::new(&password), None)
        .await
        .map_err(|e| match e {
            OnlineLoginError::Refused(r) => CommandError::field("password", r.to_string()),
            OnlineLoginError::Transport(e) => {
                tracing::warn!(error = %e, "alerts not fetched");
                CommandError::message(
                    "The sync server did not answer. Alerts are kept on the server: try again when this workstation is online.",
                )
            }
        })?;
    let mut views: Vec<AlertView> = alerts.into_iter().rev().map(AlertView::from).collect();
    // Names as the patient list shows them (not a chart read); unknown ids stay ids.
    let views = state
        .with_replica(move |r| {
            for v in &mut views {
                let id = v.record_id.as_deref().and_then(|s| s.parse::<DocId>().ok());
                v.patient = id
                    .and_then(|id| r.patient(id).ok())
                    .map(|p| format!("{} ({})", p.name, p.mrn));
            }
            Ok(views)
        })
        .await?;
    state.idle.touch(std::time::Instant::now());
    Ok(views)
}
