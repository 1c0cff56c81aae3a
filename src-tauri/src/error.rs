//! What a failed command hands back to the window: a sentence to show, and per-field
//! errors so each form marks exactly the fields that were refused. Exported to TypeScript
//! (ui/src/bindings/CommandError.ts) so the front end reads the same shape.

use outpost_domain::credentials::SignInRefused;
use outpost_domain::FieldError;
use outpost_replica::ReplicaError;
use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export_to = "../../../ui/src/bindings/")]
pub struct CommandError {
    /// What went wrong and what to do about it, ready to show.
    pub message: String,
    /// One entry per refused input field; empty when the failure is not about input.
    pub field_errors: Vec<FieldError>,
    /// Nobody is signed in (any more, e.g. after the idle limit): the window drops what it
    /// shows and returns to the sign-in screen.
    pub signed_out: bool,
    /// The chart asked for belongs to a restricted patient this user has no care
    /// relationship with: the window offers to break the glass (with a reason).
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restricted_patient: Option<outpost_domain::ids::DocId>,
}

impl CommandError {
    pub fn message(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            field_errors: Vec::new(),
            signed_out: false,
            restricted_patient: None,
        }
    }

    /// Refused because nobody is signed in.
    pub fn signed_out(message: impl Into<String>) -> Self {
        Self {
            signed_out: true,
            ..Self::message(message)
        }
    }

    /// Refused input: `message` shown at `field`.
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        Self {
            field_errors: vec![FieldError {
                field: field.to_owned(),
                message: message.clone(),
            }],
            ..Self::message(message)
        }
    }
}

/// "2 minutes 8 seconds": a lockout wait in words.
pub fn wait_in_words(seconds: u64) -> String {
    let unit = |n: u64, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    let mut parts = Vec::new();
    if h > 0 {
        parts.push(unit(h, "hour"));
    }
    if m > 0 {
        parts.push(unit(m, "minute"));
    }
    if s > 0 || parts.is_empty() {
        parts.push(unit(s, "second"));
    }
    parts.join(" ")
}

impl From<ReplicaError> for CommandError {
    fn from(e: ReplicaError) -> Self {
        // The replica words these for the command line; the window says them its own way.
        match &e {
            ReplicaError::NotSignedIn => {
                return Self::signed_out("Nobody is signed in on this workstation. Sign in to continue.")
            }
            ReplicaError::NoUsersYet => {
                return Self::message(
                    "This workstation has no users yet: it must reach the sync server once \
                     while online (an admin adds users with `outpost-server user add`).",
                )
            }
            ReplicaError::SignIn(SignInRefused::LockedOut {
                retry_after_seconds,
            }) => {
                return Self::message(format!(
                    "Too many failed sign-ins for this account. Wait {} and try again, or ask an admin to help.",
                    wait_in_words(*retry_after_seconds)
                ))
            }
            ReplicaError::Restricted { patient } => {
                return Self {
                    restricted_patient: Some(*patient),
                    ..Self::message(
                        "This patient's record is restricted: only the clinicians caring for \
                         them may open it. In an emergency, give a reason to open it for a \
                         limited time; the access is recorded and reported to the clinic's admins.",
                    )
                }
            }
            _ => {}
        }
        let field_errors = e.field_errors().to_vec();
        if field_errors.is_empty() {
            tracing::warn!(error = %e, "command failed");
        } else {
            // Field names only: the messages quote the entered values, which are patient data.
            let fields: Vec<&str> = field_errors.iter().map(|f| f.field.as_str()).collect();
            tracing::info!(?fields, "input refused");
        }
        Self {
            message: e.to_string(),
            field_errors,
            signed_out: false,
            restricted_patient: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_errors_keep_each_field() {
        let e = ReplicaError::Invalid(vec![FieldError {
            field: "temperature_c".into(),
            message: "temperature must be between 30 and 45 °C (got 47)".into(),
        }]);
        let c = CommandError::from(e);
        assert_eq!(c.field_errors.len(), 1);
        assert_eq!(c.field_errors[0].field, "temperature_c");
        let json = serde_json::to_value(&c).unwrap();
        assert_eq!(json["field_errors"][0]["field"], "temperature_c");
        assert!(json["message"].as_str().unwrap().contains("30 and 45"));
    }

    #[test]
    fn a_restricted_chart_names_the_patient_so_the_window_can_offer_to_break_the_glass() {
        let patient = outpost_domain::ids::DocId::new();
        let c = CommandError::from(ReplicaError::Restricted { patient });
        assert_eq!(c.restricted_patient, Some(patient));
        assert!(c.message.contains("give a reason"), "{}", c.message);
        assert!(!c.message.contains("outpost patient"), "{}", c.message);
        let plain = serde_json::to_value(CommandError::message("x")).unwrap();
        assert!(plain.get("restricted_patient").is_none(), "{plain}");
    }

    #[test]
    fn nobody_signed_in_sends_the_window_to_the_sign_in_screen() {
        let c = CommandError::from(ReplicaError::NotSignedIn);
        assert!(c.signed_out);
        assert!(c.message.contains("Sign in"), "{}", c.message);
        assert!(!c.message.contains("outpost login"), "{}", c.message);
    }

    #[test]
    fn a_lockout_says_how_long_to_wait_in_words() {
        let c = CommandError::from(ReplicaError::SignIn(SignInRefused::LockedOut {
            retry_after_seconds: 128,
        }));
        assert!(!c.signed_out);
        assert!(
            c.message.contains("Wait 2 minutes 8 seconds"),
            "{}",
            c.message
        );
        assert_eq!(wait_in_words(1), "1 second");
        assert_eq!(wait_in_words(900), "15 minutes");
        assert_eq!(wait_in_words(3601), "1 hour 1 second");
    }

    #[test]
    fn other_errors_carry_the_advice_and_no_fields() {
        let c = CommandError::from(ReplicaError::NotEnrolled);
        assert!(c.field_errors.is_empty());
        assert!(c.message.contains("outpost enroll"), "{}", c.message);
    }
}
