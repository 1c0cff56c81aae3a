//! The shift handover record: a ward's list of patients handed from one shift to the next,
//! each item in SBAR form (situation, background, assessment, recommendation) with the
//! action required, acknowledged item by item by the receiving nurses.
//!
//! Items are a keyed list (by `id`), so items added on two workstations are both kept; the
//! SBAR paragraphs are [`Note`]s that merge character by character. Acknowledgements are
//! add-wins per item and user: never withdrawn, two nurses acknowledging one item are both
//! kept, and a user counts once (their earliest acknowledgement). They are stored in a map
//! keyed by user *and* time (`nurse.lee@1763800000000`) rather than by user alone: the same
//! nurse acknowledging on two workstations before they sync then adds two entries instead of
//! writing one key twice, which would show up as a conflict for someone to resolve although
//! nothing disagrees.

mod projection;

#[cfg(test)]
mod tests;

pub use projection::{AckView, HandoverItemView, HandoverProjection};

use crate::document::encounter::check;
use crate::document::encounter::Note;
use crate::document::SCHEMA_VERSION;
use crate::error::{DomainError, FieldError};
use crate::ids::DocId;
use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use ts_rs::TS;

/// Most items one handover may hold.
pub const MAX_HANDOVER_ITEMS: usize = 200;

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    TS,
    Reconcile,
    Hydrate,
)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub enum HandoverPriority {
    #[autosurgeon(rename = "routine")]
    Routine,
    #[autosurgeon(rename = "watch")]
    Watch,
    #[autosurgeon(rename = "urgent")]
    Urgent,
}

/// A shift: its date and name (e.g. day, evening, night).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, Reconcile, Hydrate)]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct HandoverShift {
    /// `YYYY-MM-DD`.
    pub date: String,
    pub name: String,
}

/// One receiving nurse's acknowledgement of an item.
#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate)]
pub struct Ack {
    pub user: String,
    pub at_ms: i64,
}

/// One handed-over patient.
#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate)]
pub struct HandoverItem {
    #[key]
    pub id: String,
    pub patient_id: DocId,
    pub priority: HandoverPriority,
    pub situation: Note,
    pub background: Note,
    pub assessment: Note,
    pub recommendation: Note,
    pub action_required: String,
    /// `user@at_ms` → acknowledgement; see the module docs and [`HandoverItem::acknowledged`].
    pub acknowledgements: BTreeMap<String, Ack>,
}

/// A handover document's root.
#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate)]
pub struct HandoverRecord {
    pub schema: u64,
    pub id: DocId,
    pub ward: String,
    pub from_shift: HandoverShift,
    pub to_shift: HandoverShift,
    pub author: String,
    pub items: Vec<HandoverItem>,
}

/// What the handing-over nurse enters to start a handover.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct NewHandover {
    pub ward: String,
    pub from_shift: HandoverShift,
    pub to_shift: HandoverShift,
    pub author: String,
}

/// One item to add. `id` is chosen by the caller (a UUID string is a good choice) so the
/// same item added on two workstations is not mistaken for one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct NewHandoverItem {
    pub id: String,
    pub patient_id: DocId,
    pub priority: HandoverPriority,
    #[serde(default)]
    pub situation: String,
    #[serde(default)]
    pub background: String,
    #[serde(default)]
    pub assessment: String,
    #[serde(default)]
    pub recommendation: String,
    #[serde(default)]
    pub action_required: String,
}

/// One change to an item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "field", content = "value", rename_all = "snake_case")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub enum HandoverItemEdit {
    Priority(HandoverPriority),
    Situation(String),
    Background(String),
    Assessment(String),
    Recommendation(String),
    ActionRequired(String),
}

impl NewHandover {
    /// Checks the header and returns the empty handover to store, or every problem at once.
    pub fn validate(&self, id: DocId) -> Result<HandoverRecord, DomainError> {
        let mut errors = Vec::new();
        check::short_text(&mut errors, "ward", &self.ward, true);
        shift_errors(&mut errors, "from_shift", &self.from_shift);
        shift_errors(&mut errors, "to_shift", &self.to_shift);
        check::user(&mut errors, "author", &self.author);
        check::finish(errors)?;
        let trim = |s: &HandoverShift| HandoverShift {
            date: s.date.trim().to_owned(),
            name: s.name.trim().to_owned(),
        };
        Ok(HandoverRecord {
            schema: SCHEMA_VERSION,
            id,
            ward: self.ward.trim().to_owned(),
            from_shift: trim(&self.from_shift),
            to_shift: trim(&self.to_shift),
            author: self.author.trim().to_owned(),
            items: Vec::new(),
        })
    }
}

fn shift_errors(errors: &mut Vec<FieldError>, path: &str, shift: &HandoverShift) {
    check::date(errors, &format!("{path}.date"), shift.date.trim());
    check::short_text(errors, &format!("{path}.name"), &shift.name, true);
}

impl HandoverRecord {
    /// Appends an item; refused, changing nothing, with every problem.
    pub fn add_item(&mut self, item: &NewHandoverItem) -> Result<(), DomainError> {
        let mut errors = Vec::new();
        let path = format!("items.{}", item.id);
        check::key(&mut errors, &format!("{path}.id"), &item.id);
        if self.items.iter().any(|i| i.id == item.id) {
            errors.push(check::error(
                &format!("{path}.id"),
                format!("this handover already has an item \"{}\"", item.id),
            ));
        }
        if self.items.len() >= MAX_HANDOVER_ITEMS {
            errors.push(check::error(
                "items",
                format!("a handover may have at most {MAX_HANDOVER_ITEMS} items"),
            ));
        }
        for (name, text) in [
            ("situation", &item.situation),
            ("background", &item.background),
            ("assessment", &item.assessment),
            ("recommendation", &item.recommendation),
        ] {
            check::note_text(&mut errors, &format!("{path}.{name}"), text);
        }
        check::short_text(
            &mut errors,
            &format!("{path}.action_required"),
            &item.action_required,
            false,
        );
        check::finish(errors)?;
        self.items.push(HandoverItem {
            id: item.id.clone(),
            patient_id: item.patient_id,
            priority: item.priority,
            situation: Note::new(item.situation.clone()),
            background: Note::new(item.background.clone()),
            assessment: Note::new(item.assessment.clone()),
            recommendation: Note::new(item.recommendation.clone()),
            action_required: item.action_required.trim().to_owned(),
            acknowledgements: BTreeMap::new(),
        });
        Ok(())
    }

    /// Changes one property of an item. SBAR paragraphs change character-wise.
    pub fn edit_item(&mut self, item_id: &str, edit: &HandoverItemEdit) -> Result<(), DomainError> {
        let path = format!("items.{item_id}");
        let mut errors = Vec::new();
        match edit {
            HandoverItemEdit::Priority(_) => {}
            HandoverItemEdit::ActionRequired(text) => {
                check::short_text(&mut errors, &format!("{path}.action_required"), text, false);
            }
            HandoverItemEdit::Situation(t)
            | HandoverItemEdit::Background(t)
            | HandoverItemEdit::Assessment(t)
            | HandoverItemEdit::Recommendation(t) => {
                check::note_text(&mut errors, &format!("{path}.{}", edit.field()), t);
            }
        }
        check::finish(errors)?;
        let item = self.item_mut(item_id)?;
        match edit {
            HandoverItemEdit::Priority(p) => item.priority = *p,
            HandoverItemEdit::Situation(t) => item.situation.set(t.as_str()),
            HandoverItemEdit::Background(t) => item.background.set(t.as_str()),
            HandoverItemEdit::Assessment(t) => item.assessment.set(t.as_str()),
            HandoverItemEdit::Recommendation(t) => item.recommendation.set(t.as_str()),
            HandoverItemEdit::ActionRequired(t) => item.action_required = t.trim().to_owned(),
        }
        Ok(())
    }

    /// Records that `user` acknowledged the item at `at_ms`. A user who already
    /// acknowledged it keeps their first acknowledgement.
    pub fn acknowledge(
        &mut self,
        item_id: &str,
        user: &str,
        at_ms: i64,
    ) -> Result<(), DomainError> {
        let mut errors = Vec::new();
        check::user(&mut errors, "user", user);
        check::finish(errors)?;
        let user = user.trim();
        let item = self.item_mut(item_id)?;
        if item.acknowledgements.values().all(|a| a.user != user) {
            item.acknowledgements.insert(
                format!("{user}@{at_ms}"),
                Ack {
                    user: user.to_owned(),
                    at_ms,
                },
            );
        }
        Ok(())
    }

    pub fn item(&self, item_id: &str) -> Option<&HandoverItem> {
        self.items.iter().find(|i| i.id == item_id)
    }

    fn item_mut(&mut self, item_id: &str) -> Result<&mut HandoverItem, DomainError> {
        self.items
            .iter_mut()
            .find(|i| i.id == item_id)
            .ok_or_else(|| {
                DomainError::invalid(
                    "item_id",
                    format!("this handover has no item \"{item_id}\""),
                )
            })
    }
}

impl HandoverItem {
    /// Who acknowledged the item, each user once with their earliest time, by user name.
    pub fn acknowledged(&self) -> BTreeMap<&str, i64> {
        let mut by_user: BTreeMap<&str, i64> = BTreeMap::new();
        for ack in self.acknowledgements.values() {
            let at = by_user.entry(ack.user.as_str()).or_insert(ack.at_ms);
            *at = (*at).min(ack.at_ms);
        }
        by_user
    }
}

impl HandoverItemEdit {
    fn field(&self) -> &'static str {
        match self {
            Self::Priority(_) => "priority",
            Self::Situation(_) => "situation",
            Self::Background(_) => "background",
            Self::Assessment(_) => "assessment",
            Self::Recommendation(_) => "recommendation",
            Self::ActionRequired(_) => "action_required",
        }
    }
}
