//! Shift handovers: the outgoing nurse opens one for a ward and adds an item per patient
//! (SBAR paragraphs that merge character by character); receiving nurses acknowledge
//! items one by one (kept per user, never withdrawn).
//!
//! An item's texts are its patient's record: a user who may not open a restricted
//! patient's chart (see `glass`) sees that the item exists, its priority and who
//! acknowledged it, but not what it says, and may not add, edit or acknowledge items
//! about that patient until they may open the chart.

use crate::audit::Action;
use crate::error::ReplicaError;
use crate::glass::any_restricted;
use crate::projection::{detail, details};
use crate::records::vitals::known_patient;
use crate::replica::Replica;
use chrono::Utc;
use outpost_domain::document::handover::{
    HandoverItemEdit, HandoverProjection, HandoverRecord, NewHandover, NewHandoverItem,
};
use outpost_domain::document::{DocKind, Document};
use outpost_domain::ids::DocId;
use outpost_domain::DomainError;

impl Replica {
    /// Opens a handover (no items yet).
    #[tracing::instrument(skip_all)]
    pub fn open_handover(
        &mut self,
        input: &NewHandover,
        author: &str,
    ) -> Result<HandoverProjection, ReplicaError> {
        let record = input.validate(DocId::new())?;
        let doc = self.commit_new(author, Action::OPEN_HANDOVER, |_, actor, meta| {
            Ok(Document::create(
                actor,
                record.id,
                DocKind::Handover,
                &record,
                meta,
            )?)
        })?;
        tracing::info!(doc_id = %doc.id, "opened handover");
        projection_of(&doc)
    }

    /// Adds an item for a patient this workstation holds.
    #[tracing::instrument(skip_all)]
    pub fn add_handover_item(
        &mut self,
        id: DocId,
        item: &NewHandoverItem,
        author: &str,
    ) -> Result<HandoverProjection, ReplicaError> {
        self.check_chart_access(item.patient_id)?;
        let doc = self.commit_change(
            id,
            DocKind::Handover,
            author,
            Action::EDIT_HANDOVER,
            |conn, doc, actor, meta| {
                let change = doc.edit(actor, meta, |r: &mut HandoverRecord| r.add_item(item))?;
                known_patient(conn, item.patient_id)?;
                Ok(change)
            },
        )?;
        let shown = projection_of(doc)?;
        self.shown(shown)
    }

    /// Changes one property of an item.
    #[tracing::instrument(skip_all)]
    pub fn edit_handover_item(
        &mut self,
        id: DocId,
        item_id: &str,
        edit: &HandoverItemEdit,
        author: &str,
    ) -> Result<HandoverProjection, ReplicaError> {
        self.check_item_access(id, item_id)?;
        self.handover_edit(id, author, |r| r.edit_item(item_id, edit))
    }

    /// Records that `user` (the receiving nurse) acknowledged an item. Acknowledging again
    /// keeps the first acknowledgement.
    #[tracing::instrument(skip_all)]
    pub fn acknowledge_handover_item(
        &mut self,
        id: DocId,
        item_id: &str,
        user: &str,
    ) -> Result<HandoverProjection, ReplicaError> {
        self.check_item_access(id, item_id)?;
        let at_ms = Utc::now().timestamp_millis();
        self.handover_edit(id, user, |r| r.acknowledge(item_id, user, at_ms))
    }

    /// One handover, as the signed-in user may see it.
    pub fn handover(&self, id: DocId) -> Result<HandoverProjection, ReplicaError> {
        self.shown(self.stored_handover(id)?)
    }

    /// One handover, whole.
    fn stored_handover(&self, id: DocId) -> Result<HandoverProjection, ReplicaError> {
        detail(
            &self.conn,
            "SELECT detail FROM handovers WHERE id = ?1",
            [id.to_string()],
        )?
        .ok_or(ReplicaError::NotFound {
            kind: "handover",
            id,
        })
    }

    /// `handover` with the texts of items about patients whose chart the signed-in user
    /// may not open left out.
    fn shown(&self, mut handover: HandoverProjection) -> Result<HandoverProjection, ReplicaError> {
        if !any_restricted(&self.conn)? {
            return Ok(handover);
        }
        for item in &mut handover.items {
            if !self.may_open_chart(item.patient_id)? {
                item.withhold();
            }
        }
        Ok(handover)
    }

    /// Refuses writing to item `item_id` of handover `id` when its patient's chart is one
    /// the signed-in user may not open. An item that is not there is left to the edit,
    /// which says so.
    fn check_item_access(&self, id: DocId, item_id: &str) -> Result<(), ReplicaError> {
        if !any_restricted(&self.conn)? {
            return Ok(());
        }
        let handover = self.stored_handover(id)?;
        match handover.items.iter().find(|i| i.id == item_id) {
            Some(item) => self.check_chart_access(item.patient_id),
            None => Ok(()),
        }
    }

    /// Handovers, newest shift first: one ward's, or all, as the signed-in user may see
    /// them.
    pub fn list_handovers(
        &self,
        ward: Option<&str>,
    ) -> Result<Vec<HandoverProjection>, ReplicaError> {
        let stored = match ward {
            Some(w) => details(
                &self.conn,
                "SELECT detail FROM handovers WHERE ward = ?1 ORDER BY sort_key DESC, id DESC",
                [w.trim()],
            ),
            None => details(
                &self.conn,
                "SELECT detail FROM handovers ORDER BY sort_key DESC, id DESC",
                [],
            ),
        }?;
        stored.into_iter().map(|h| self.shown(h)).collect()
    }

    fn handover_edit(
        &mut self,
        id: DocId,
        author: &str,
        edit: impl FnOnce(&mut HandoverRecord) -> Result<(), DomainError>,
    ) -> Result<HandoverProjection, ReplicaError> {
        let doc = self.edit_record(id, DocKind::Handover, author, Action::EDIT_HANDOVER, edit)?;
        let shown = projection_of(doc)?;
        self.shown(shown)
    }
}

fn projection_of(doc: &Document) -> Result<HandoverProjection, ReplicaError> {
    Ok(HandoverProjection::of(&doc.read::<HandoverRecord>()?))
}
