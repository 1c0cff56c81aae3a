//! What a failed command hands back to the window: a sentence to show, and per-field
//! errors so each form marks exactly the fields that were refused. Exported to TypeScript
//! (ui/src/bindings/CommandError.ts) so the front end reads the same shape.

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
}

impl CommandError {
    pub fn message(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            field_errors: Vec::new(),
        }
    }
}

impl From<ReplicaError> for CommandError {
    fn from(e: ReplicaError) -> Self {
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
    fn other_errors_carry_the_advice_and_no_fields() {
        let c = CommandError::from(ReplicaError::NotEnrolled);
        assert!(c.field_errors.is_empty());
        assert!(c.message.contains("outpost enroll"), "{}", c.message);
    }
}
