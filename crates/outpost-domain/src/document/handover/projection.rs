//! What the replica stores and shows of a handover, computed purely from the record.

use super::{HandoverPriority, HandoverRecord, HandoverShift};
use crate::ids::DocId;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct AckView {
    pub user: String,
    #[ts(type = "number")]
    pub at_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct HandoverItemView {
    pub id: String,
    pub patient_id: DocId,
    pub priority: HandoverPriority,
    pub situation: String,
    pub background: String,
    pub assessment: String,
    pub recommendation: String,
    pub action_required: String,
    /// Each user once (their earliest), by user name.
    pub acknowledgements: Vec<AckView>,
    /// The signed-in user may not open this patient's chart (restricted, no care
    /// relationship, the glass not broken): the item's texts are left out.
    #[serde(default)]
    pub restricted: bool,
}

impl HandoverItemView {
    /// Leaves out what the item says of its patient, keeping that it exists, its priority
    /// and who acknowledged it.
    pub fn withhold(&mut self) {
        for text in [
            &mut self.situation,
            &mut self.background,
            &mut self.assessment,
            &mut self.recommendation,
            &mut self.action_required,
        ] {
            text.clear();
        }
        self.restricted = true;
    }
}

/// A handover as listed and shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct HandoverProjection {
    pub id: DocId,
    pub ward: String,
    pub from_shift: HandoverShift,
    pub to_shift: HandoverShift,
    pub author: String,
    pub item_count: usize,
    pub urgent_count: usize,
    /// Items nobody has acknowledged yet, in list order.
    pub unacknowledged: Vec<String>,
    pub items: Vec<HandoverItemView>,
}

impl HandoverProjection {
    pub fn of(record: &HandoverRecord) -> Self {
        let items: Vec<HandoverItemView> = record
            .items
            .iter()
            .map(|i| HandoverItemView {
                id: i.id.clone(),
                patient_id: i.patient_id,
                priority: i.priority,
                situation: i.situation.as_str().to_owned(),
                background: i.background.as_str().to_owned(),
                assessment: i.assessment.as_str().to_owned(),
                recommendation: i.recommendation.as_str().to_owned(),
                action_required: i.action_required.clone(),
                acknowledgements: i
                    .acknowledged()
                    .into_iter()
                    .map(|(user, at_ms)| AckView {
                        user: user.to_owned(),
                        at_ms,
                    })
                    .collect(),
                restricted: false,
            })
            .collect();
        Self {
            id: record.id,
            ward: record.ward.clone(),
            from_shift: record.from_shift.clone(),
            to_shift: record.to_shift.clone(),
            author: record.author.clone(),
            item_count: items.len(),
            urgent_count: items
                .iter()
                .filter(|i| i.priority == HandoverPriority::Urgent)
                .count(),
            unacknowledged: items
                .iter()
                .filter(|i| i.acknowledgements.is_empty())
                .map(|i| i.id.clone())
                .collect(),
            items,
        }
    }
}
