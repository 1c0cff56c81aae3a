//! Shift handovers: the outgoing nurse opens one for a ward and adds an item per patient
//! (SBAR paragraphs that merge character by character); receiving nurses acknowledge
//! items one by one (kept per user, never withdrawn).

use crate::audit::Action;
use crate::error::ReplicaError;
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
        projection_of(doc)
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
        let at_ms = Utc::now().timestamp_millis();
        self.handover_edit(id, user, |r| r.acknowledge(item_id, user, at_ms))
    }

    /// One handover.
    pub fn handover(&self, id: DocId) -> Result<HandoverProjection, ReplicaError> {
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

    /// Handovers, newest shift first: one ward's, or all.
    pub fn list_handovers(
        &self,
        ward: Option<&str>,
    ) -> Result<Vec<HandoverProjection>, ReplicaError> {
        match ward {
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
        }
    }

    fn handover_edit(
        &mut self,
        id: DocId,
        author: &str,
        edit: impl FnOnce(&mut HandoverRecord) -> Result<(), DomainError>,
    ) -> Result<HandoverProjection, ReplicaError> {
        let doc = self.edit_record(id, DocKind::Handover, author, Action::EDIT_HANDOVER, edit)?;
        projection_of(doc)
    }
}

fn projection_of(doc: &Document) -> Result<HandoverProjection, ReplicaError> {
    Ok(HandoverProjection::of(&doc.read::<HandoverRecord>()?))
}
