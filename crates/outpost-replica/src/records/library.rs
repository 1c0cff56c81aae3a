//! The designer's section library on this workstation: the built-in starters plus the
//! sections the clinic's admins saved (synced `library_section` documents), and saving and
//! withdrawing one.

use crate::audit::Action;
use crate::error::ReplicaError;
use crate::projection::details;
use crate::replica::Replica;
use chrono::Utc;
use outpost_domain::document::template::{
    starter_sections, LibrarySection, SavedSection, TemplateSection,
};
use outpost_domain::document::{DocKind, Document};
use outpost_domain::ids::DocId;

impl Replica {
    /// Every section the designer offers: the starters first, then the clinic's own by
    /// title.
    pub fn section_library(&self) -> Result<Vec<LibrarySection>, ReplicaError> {
        let saved: Vec<LibrarySection> = details(
            &self.conn,
            "SELECT detail FROM library_sections WHERE offered = 1 ORDER BY title, id",
            [],
        )?;
        Ok(starter_sections().into_iter().chain(saved).collect())
    }

    /// Saves `section` (typically one from a template being designed) to the clinic's
    /// library. Refused, with every problem, when it could not be published as it is.
    #[tracing::instrument(skip_all)]
    pub fn save_library_section(
        &mut self,
        section: &TemplateSection,
        description: &str,
        author: &str,
    ) -> Result<LibrarySection, ReplicaError> {
        let by = crate::commit::checked_author(author)?.to_owned();
        let saved = SavedSection::new(DocId::new(), section.clone(), description, &by, Utc::now())?;
        let doc = self.commit_new(&by, Action::SAVE_LIBRARY_SECTION, |_, actor, meta| {
            Ok(Document::create_saved_section(actor, &saved, meta)?)
        })?;
        tracing::info!(doc_id = %doc.id, "saved a section to the library");
        Ok(doc.saved_section()?.entry())
    }

    /// Takes a saved section out of the library. Templates that copied it keep their copy.
    #[tracing::instrument(skip_all)]
    pub fn withdraw_library_section(
        &mut self,
        id: DocId,
        author: &str,
    ) -> Result<(), ReplicaError> {
        let by = crate::commit::checked_author(author)?.to_owned();
        let at = Utc::now();
        self.edit_record(
            id,
            DocKind::LibrarySection,
            &by,
            Action::WITHDRAW_LIBRARY_SECTION,
            |s: &mut SavedSection| s.withdraw(&by, at),
        )?;
        tracing::info!(doc_id = %id, "withdrew a section from the library");
        Ok(())
    }
}
