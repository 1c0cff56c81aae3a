//! Signing in and out through the window. Sign-in goes to the server when it answers
//! (it judges the password and lockout and binds a session to this device) and against
//! the users cached in the replica otherwise; either way the replica's session is what
//! every command then takes its author and permissions from. The window learns what the
//! role may do from here (the domain's one matrix), so it hides what would be refused.

use crate::error::CommandError;
use crate::session::{idle_signed_out, Clock};
use crate::state::AppState;
use chrono::Utc;
use outpost_domain::credentials::Password;
use outpost_domain::document::DocKind;
use outpost_domain::protocol::users::SignedInUser;
use outpost_domain::roles::{permits, Action};
use outpost_replica::sync::SyncError;
use outpost_replica::SignedInVia;
use serde::Serialize;
use std::time::Instant;
use tauri::State;
use ts_rs::TS;

/// One thing the signed-in user's role may do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export_to = "../../../ui/src/bindings/")]
pub struct Grant {
    pub kind: DocKind,
    pub action: Action,
}

/// Who is signed in through this window and what their role may do.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export_to = "../../../ui/src/bindings/")]
pub struct SessionInfo {
    pub user: SignedInUser,
    /// Every (record kind, action) the role permits; anything else is refused.
    pub grants: Vec<Grant>,
    /// Judged by the server (true) or against the users cached here (false, offline).
    pub online: bool,
}

impl SessionInfo {
    pub fn new(user: SignedInUser, online: bool) -> Self {
        let grants = DocKind::ALL
            .into_iter()
            .flat_map(|kind| Action::ALL.into_iter().map(move |action| (kind, action)))
            .filter(|&(kind, action)| permits(user.role, kind, action))
            .map(|(kind, action)| Grant { kind, action })
            .collect();
        Self {
            user,
            grants,
            online,
        }
    }
}

fn sign_in_failed(e: SyncError) -> CommandError {
    match e {
        SyncError::Replica(e) => e.into(),
        other => {
            tracing::warn!(error = %other, "sign-in failed");
            CommandError::message(format!("Signing in failed: {other}"))
        }
    }
}

/// Signs `username` in on this workstation; whoever was signed in before is signed out.
#[tauri::command]
#[tracing::instrument(skip_all)]
pub async fn sign_in(
    state: State<'_, AppState>,
    username: String,
    password: String,
) -> Result<SessionInfo, CommandError> {
    sign_in_as(&state, username, password).await
}

pub(crate) async fn sign_in_as(
    state: &AppState,
    username: String,
    password: String,
) -> Result<SessionInfo, CommandError> {
    let username = username.trim().to_owned();
    if username.is_empty() {
        return Err(CommandError::field("username", "Enter your username."));
    }
    if password.is_empty() {
        return Err(CommandError::field("password", "Enter your password."));
    }
    let password = Password::new(&password);
    let (replica, transport) = state.for_sign_in()?;
    // Whoever was signed in is signed out first, also when this attempt fails: the window
    // has already dropped their screens, and nothing may be written as them any more.
    state.idle.closed();
    state.with_replica(|r| r.logout()).await?;
    let now = Utc::now();
    let (user, via) = match transport {
        Some(transport) => outpost_replica::login_online_or_offline(
            &replica, &transport, &username, &password, now,
        )
        .await
        .map_err(sign_in_failed)?,
        None => {
            let user = state
                .with_replica(move |r| r.login(&username, &password, now))
                .await?;
            (user, SignedInVia::ThisWorkstation)
        }
    };
    let online = via == SignedInVia::Server;
    state.idle.opened(Instant::now(), online);
    // An offline sign-in is reported to the server before this user's first change.
    state.nudge();
    tracing::info!(role = %user.role, online, "signed in through the window");
    Ok(SessionInfo::new(user, online))
}

#[tauri::command]
#[tracing::instrument(skip_all)]
pub async fn sign_out(state: State<'_, AppState>) -> Result<(), CommandError> {
    sign_out_of(&state).await
}

pub(crate) async fn sign_out_of(state: &AppState) -> Result<(), CommandError> {
    state.idle.closed();
    state.with_replica(|r| r.logout()).await?;
    tracing::info!("signed out through the window");
    Ok(())
}

/// The signed-in user, or `None` (the window shows the sign-in screen). An idle session
/// past the limit is ended here and reported as such.
#[tauri::command]
#[tracing::instrument(skip_all)]
pub async fn current_user(state: State<'_, AppState>) -> Result<Option<SessionInfo>, CommandError> {
    let clock = state.idle.check(Instant::now());
    let limit = state.idle.limit();
    let online = state.idle.online();
    state
        .with_replica_or(move |r| match clock {
            Clock::NobodySignedIn => Ok(None),
            Clock::Expired => {
                r.logout()?;
                Err(idle_signed_out(limit))
            }
            Clock::Open => Ok(r
                .signed_in_user(Utc::now())?
                .map(|u| SessionInfo::new(u, online))),
        })
        .await
}

/// The user typed or clicked in the window: the idle clock starts again.
#[tauri::command]
pub async fn report_activity(state: State<'_, AppState>) -> Result<(), CommandError> {
    state.idle.touch(Instant::now());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use outpost_domain::ids::UserId;
    use outpost_domain::roles::Role;

    fn user(role: Role) -> SignedInUser {
        SignedInUser {
            id: UserId::new(),
            username: "u".into(),
            full_name: "U".into(),
            role,
        }
    }

    #[test]
    fn grants_follow_the_domain_matrix() {
        let nurse = SessionInfo::new(user(Role::Nurse), true);
        let has = |s: &SessionInfo, kind, action| s.grants.contains(&Grant { kind, action });
        assert!(has(&nurse, DocKind::Vitals, Action::Create));
        assert!(has(&nurse, DocKind::Handover, Action::Edit));
        assert!(has(&nurse, DocKind::Encounter, Action::Read));
        assert!(!has(&nurse, DocKind::Encounter, Action::Edit));
        let admin = SessionInfo::new(user(Role::Admin), false);
        assert!(has(&admin, DocKind::Template, Action::Create));
        assert!(!has(&admin, DocKind::Vitals, Action::Read));
        let count = DocKind::ALL
            .into_iter()
            .flat_map(|k| Action::ALL.map(|a| (k, a)))
            .filter(|&(k, a)| permits(Role::Doctor, k, a))
            .count();
        assert_eq!(
            SessionInfo::new(user(Role::Doctor), true).grants.len(),
            count
        );
    }
}
