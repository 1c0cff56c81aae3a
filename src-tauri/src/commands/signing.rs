//! Signing encounters through the window (issue 7, 21 CFR Part 11 §11.50, §11.200): what
//! the signing dialog must ask for, signing, amending a signed encounter with a reason
//! (the amendment is itself signed), and the locked view of a signed encounter.
//!
//! The first signing in a session asks for username and password, later ones only for
//! the password (the session remembers, see crate::session); the username must be the
//! signed-in user's, since nobody signs as someone else. A wrong password is answered
//! with how many attempts remain; the third blocks signing for the user until an admin
//! clears it (the replica counts and audits them).

use crate::error::CommandError;
use crate::session::Need;
use crate::state::AppState;
use chrono::{DateTime, FixedOffset};
use outpost_domain::credentials::{canonical_username, Password};
use outpost_domain::document::encounter::{FieldValue, NoteKind};
use outpost_domain::document::DocKind;
use outpost_domain::ids::DocId;
use outpost_domain::roles::Action;
use outpost_domain::signature::SignatureMeaning;
use outpost_domain::SignatureError;
use outpost_replica::{LockedEncounter, Replica, ReplicaError, SignatureView};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::time::Instant;
use tauri::State;
use ts_rs::TS;

/// What the signing dialog asks for, and whether the user may still sign here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export_to = "../../../ui/src/bindings/")]
pub struct SigningPrompt {
    /// The first signing in this session: username and password; later ones the password only.
    pub username_required: bool,
    /// The name the signature's manifest will carry.
    pub printed_name: String,
    /// Wrong passwords left before signing is blocked for this user; 0 when it is blocked.
    pub attempts_left: u32,
}

/// One narrative note as the amendment leaves it.
#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export_to = "../../../ui/src/bindings/")]
pub struct NoteEdit {
    pub which: NoteKind,
    pub text: String,
}

/// What an amendment changes and why. Only what differs from the encounter is sent.
#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export_to = "../../../ui/src/bindings/")]
pub struct AmendmentInput {
    /// Why the signed encounter is amended; required, and part of the signature.
    pub reason: String,
    /// Structured fields set by the amendment.
    pub fields: BTreeMap<String, FieldValue>,
    pub notes: Vec<NoteEdit>,
}

#[tauri::command]
#[tracing::instrument(skip_all)]
pub async fn signing_prompt(state: State<'_, AppState>) -> Result<SigningPrompt, CommandError> {
    prompt(&state).await
}

pub(crate) async fn prompt(state: &AppState) -> Result<SigningPrompt, CommandError> {
    let username_required = !state.idle.has_signed();
    state
        .as_user(
            Need::To(DocKind::Encounter, Action::Sign),
            move |r, user| {
                Ok(SigningPrompt {
                    username_required,
                    printed_name: user.full_name.clone(),
                    attempts_left: attempts_left(r, user.id)?,
                })
            },
        )
        .await
}

/// Signs the encounter as it is stored now, as the signed-in user, with `meaning`.
/// Returns the locked encounter, which the window shows from then on.
#[tauri::command]
#[tracing::instrument(skip_all)]
pub async fn sign_encounter(
    state: State<'_, AppState>,
    encounter_id: DocId,
    meaning: SignatureMeaning,
    password: String,
    username: Option<String>,
) -> Result<LockedEncounter, CommandError> {
    sign(&state, encounter_id, meaning, password, username).await
}

pub(crate) async fn sign(
    state: &AppState,
    encounter_id: DocId,
    meaning: SignatureMeaning,
    password: String,
    username: Option<String>,
) -> Result<LockedEncounter, CommandError> {
    signing(
        state,
        Action::Sign,
        username,
        password,
        move |r, password, signed_at| {
            r.sign_encounter(encounter_id, password, meaning, signed_at)?;
            locked(r, encounter_id)
        },
    )
    .await
}

/// Amends a signed encounter: the changes and a new signature carrying `reason`, in one
/// step; the signed original stays as it was. Returns the locked encounter.
#[tauri::command]
#[tracing::instrument(skip_all)]
pub async fn amend_encounter(
    state: State<'_, AppState>,
    encounter_id: DocId,
    amendment: AmendmentInput,
    password: String,
    username: Option<String>,
) -> Result<LockedEncounter, CommandError> {
    amend(&state, encounter_id, amendment, password, username).await
}

pub(crate) async fn amend(
    state: &AppState,
    encounter_id: DocId,
    amendment: AmendmentInput,
    password: String,
    username: Option<String>,
) -> Result<LockedEncounter, CommandError> {
    if amendment.reason.trim().is_empty() {
        return Err(CommandError::field(
            "reason",
            "Say why the signed encounter is amended.",
        ));
    }
    signing(
        state,
        Action::Amend,
        username,
        password,
        move |r, password, signed_at| {
            let AmendmentInput {
                reason,
                fields,
                notes,
            } = amendment;
            r.amend_encounter(encounter_id, password, &reason, signed_at, |record, t| {
                if !fields.is_empty() {
                    record.set_fields(t, &fields)?;
                }
                for note in &notes {
                    record.edit_note(note.which, &note.text)?;
                }
                Ok(())
            })?;
            locked(r, encounter_id)
        },
    )
    .await
}

/// The signatures of an encounter, oldest first, each checked on this workstation.
#[tauri::command]
#[tracing::instrument(skip_all)]
pub async fn encounter_signatures(
    state: State<'_, AppState>,
    encounter_id: DocId,
) -> Result<Vec<SignatureView>, CommandError> {
    super::read(&state, DocKind::Encounter, move |r| {
        r.encounter_signatures(encounter_id)
    })
    .await
}

/// A signed encounter as it must be shown (the signed version, signatures, addenda);
/// `None` when it is not signed.
#[tauri::command]
#[tracing::instrument(skip_all)]
pub async fn locked_encounter(
    state: State<'_, AppState>,
    encounter_id: DocId,
) -> Result<Option<LockedEncounter>, CommandError> {
    super::read(&state, DocKind::Encounter, move |r| {
        r.locked_encounter(encounter_id)
    })
    .await
}

fn attempts_left(r: &Replica, user: outpost_domain::ids::UserId) -> Result<u32, ReplicaError> {
    Ok(u32::try_from(r.signing_attempts_left(user)?).unwrap_or(0))
}

fn locked(r: &Replica, encounter_id: DocId) -> Result<LockedEncounter, ReplicaError> {
    r.locked_encounter(encounter_id)?
        .ok_or(ReplicaError::NotSigned(encounter_id))
}

/// Runs one signing (`sign` with the user's password at the workstation's time and UTC
/// offset) as the signed-in user, if their role may do `action` to encounters: checks
/// the username on the session's first signing, words a wrong password with the attempts
/// left, and remembers a success for the session.
async fn signing<T, F>(
    state: &AppState,
    action: Action,
    username: Option<String>,
    password: String,
    sign: F,
) -> Result<T, CommandError>
where
    T: Send + 'static,
    F: FnOnce(&mut Replica, &Password, DateTime<FixedOffset>) -> Result<T, ReplicaError>
        + Send
        + 'static,
{
    let username_required = !state.idle.has_signed();
    let username = username.unwrap_or_default();
    if username_required && username.trim().is_empty() {
        return Err(CommandError::field(
            "username",
            "Enter your username: the first signing in a session asks for it.",
        ));
    }
    if password.is_empty() {
        return Err(CommandError::field(
            "password",
            "Enter your password to sign.",
        ));
    }
    let password = Password::new(&password);
    let out = state
        .as_user(Need::To(DocKind::Encounter, action), move |r, user| {
            // Checked whenever given, so a username typed later is never silently ignored.
            if !username.trim().is_empty()
                && canonical_username(&username).ok().as_deref() != Some(user.username.as_str())
            {
                return Err(ReplicaError::invalid(
                    "username",
                    format!(
                        "Signing is done by the user signed in on this workstation ({}); enter that username, or sign out and let the other user sign in.",
                        user.username
                    ),
                ));
            }
            let signed_at = chrono::Local::now().fixed_offset();
            match sign(r, &password, signed_at) {
                Err(ReplicaError::Signature(SignatureError::WrongPassword)) => {
                    let left = attempts_left(r, user.id)?;
                    Err(ReplicaError::invalid(
                        "password",
                        format!(
                            "Wrong password. {left} attempt{} left; after that signing is blocked until an admin clears it.",
                            if left == 1 { "" } else { "s" }
                        ),
                    ))
                }
                other => other,
            }
        })
        .await?;
    state.idle.signed();
    state.idle.touch(Instant::now());
    state.nudge();
    tracing::info!(%action, "signed through the window");
    Ok(out)
}
