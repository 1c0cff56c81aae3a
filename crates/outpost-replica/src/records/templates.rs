//! Layout templates: admins create a draft and edit it (pages → sections → fields on a
//! grid; concurrent edits merge item by item), then publish it, which freezes the draft as
//! an immutable numbered version with a content hash. Encounters pin a version.

use crate::audit::Action;
use crate::error::ReplicaError;
use crate::projection::{detail, details};
use crate::records::encounters::template_record;
use crate::replica::Replica;
use chrono::Utc;
use outpost_domain::document::encounter::EncounterType;
use outpost_domain::document::template::{
    export_json, import_json, FieldEdit, TemplateContent, TemplateField, TemplateProjection,
    TemplateRecord, TemplateScope, TemplateSection,
};
use outpost_domain::document::{DocKind, Document};
use outpost_domain::ids::DocId;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// How many encounters use one published version of a template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct VersionUsage {
    #[ts(type = "number")]
    pub number: u64,
    #[ts(type = "number")]
    pub encounters: u64,
}

/// One change to a template's draft.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "op", rename_all = "snake_case")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub enum TemplateEdit {
    Rename {
        name: String,
    },
    SetSpecialty {
        specialty: String,
    },
    SetVisitType {
        visit_type: EncounterType,
    },
    SetScope {
        scope: TemplateScope,
    },
    AddPage {
        page_id: String,
        title: String,
    },
    AddSection {
        page_id: String,
        section: TemplateSection,
    },
    MoveSection {
        section_id: String,
        x: u32,
        y: u32,
    },
    ResizeSection {
        section_id: String,
        w: u32,
        h: u32,
    },
    RemoveSection {
        section_id: String,
    },
    AddField {
        section_id: String,
        field: TemplateField,
    },
    EditField {
        field_id: String,
        edit: FieldEdit,
    },
    MoveField {
        field_id: String,
        x: u32,
        y: u32,
    },
    ResizeField {
        field_id: String,
        w: u32,
        h: u32,
    },
    RemoveField {
        field_id: String,
    },
}

impl TemplateEdit {
    fn apply(&self, t: &mut TemplateRecord) -> Result<(), outpost_domain::DomainError> {
        match self {
            Self::Rename { name } => t.rename(name),
            Self::SetSpecialty { specialty } => t.set_specialty(specialty),
            Self::SetVisitType { visit_type } => t.set_visit_type(*visit_type),
            Self::SetScope { scope } => t.set_scope(scope.clone()),
            Self::AddPage { page_id, title } => t.add_page(page_id, title),
            Self::AddSection { page_id, section } => t.add_section(page_id, section.clone()),
            Self::MoveSection { section_id, x, y } => t.move_section(section_id, *x, *y),
            Self::ResizeSection { section_id, w, h } => t.resize_section(section_id, *w, *h),
            Self::RemoveSection { section_id } => t.remove_section(section_id),
            Self::AddField { section_id, field } => t.add_field(section_id, field.clone()),
            Self::EditField { field_id, edit } => t.edit_field(field_id, edit),
            Self::MoveField { field_id, x, y } => t.move_field(field_id, *x, *y),
            Self::ResizeField { field_id, w, h } => t.resize_field(field_id, *w, *h),
            Self::RemoveField { field_id } => t.remove_field(field_id),
        }
    }
}

impl Replica {
    /// Creates a template whose draft is `content` (it need not be publishable yet).
    #[tracing::instrument(skip_all)]
    pub fn create_template(
        &mut self,
        content: &TemplateContent,
        author: &str,
    ) -> Result<TemplateProjection, ReplicaError> {
        let record = TemplateRecord::new(DocId::new(), content.clone())?;
        let doc = self.commit_new(author, Action::CREATE_TEMPLATE, |_, actor, meta| {
            Ok(Document::create(
                actor,
                record.id,
                DocKind::Template,
                &record,
                meta,
            )?)
        })?;
        tracing::info!(doc_id = %doc.id, "created template");
        projection_of(&doc)
    }

    /// Changes the draft; published versions never change.
    #[tracing::instrument(skip_all)]
    pub fn edit_template(
        &mut self,
        id: DocId,
        edit: &TemplateEdit,
        author: &str,
    ) -> Result<TemplateProjection, ReplicaError> {
        self.edit_template_all(id, std::slice::from_ref(edit), author)
    }

    /// Several changes to the draft as one change (a drag that moves and resizes sections):
    /// all are written or, when any is refused, none.
    #[tracing::instrument(skip_all)]
    pub fn edit_template_all(
        &mut self,
        id: DocId,
        edits: &[TemplateEdit],
        author: &str,
    ) -> Result<TemplateProjection, ReplicaError> {
        let doc = self.edit_record(
            id,
            DocKind::Template,
            author,
            Action::EDIT_TEMPLATE,
            |t: &mut TemplateRecord| edits.iter().try_for_each(|e| e.apply(t)),
        )?;
        projection_of(doc)
    }

    /// Freezes the draft as the next version; returns its number. Refused, with every
    /// problem, when the draft is not publishable or is already published.
    #[tracing::instrument(skip_all)]
    pub fn publish_template(&mut self, id: DocId, author: &str) -> Result<u64, ReplicaError> {
        let mut number = None;
        let at_ms = Utc::now().timestamp_millis();
        let by = crate::commit::checked_author(author)?.to_owned();
        self.edit_record(
            id,
            DocKind::Template,
            &by,
            Action::PUBLISH_TEMPLATE,
            |t: &mut TemplateRecord| {
                number = Some(t.publish(&by, at_ms)?);
                Ok(())
            },
        )?;
        let number =
            number.ok_or_else(|| ReplicaError::Corrupt("publishing wrote nothing".into()))?;
        tracing::info!(doc_id = %id, number, "published template");
        Ok(number)
    }

    /// One template: its draft and the list of published versions.
    pub fn template(&self, id: DocId) -> Result<TemplateProjection, ReplicaError> {
        detail(
            &self.conn,
            "SELECT detail FROM templates WHERE id = ?1",
            [id.to_string()],
        )?
        .ok_or(ReplicaError::NotFound {
            kind: "template",
            id,
        })
    }

    /// The frozen content of published version `number` (checked against its hash).
    pub fn template_version(
        &self,
        id: DocId,
        number: u64,
    ) -> Result<TemplateContent, ReplicaError> {
        Ok(template_record(&self.conn, id)?.version(number)?)
    }

    /// Every problem that would stop the draft from being published (overlaps, empty
    /// sections, duplicate ids, …); empty when it can be published.
    pub fn template_publish_problems(
        &self,
        id: DocId,
    ) -> Result<Vec<outpost_domain::FieldError>, ReplicaError> {
        Ok(template_record(&self.conn, id)?.publish_problems())
    }

    /// The template as an export file: published version `version`, or the draft.
    pub fn export_template(&self, id: DocId, version: Option<u64>) -> Result<String, ReplicaError> {
        let record = template_record(&self.conn, id)?;
        let content = match version {
            Some(n) => record.version(n)?,
            None => record.draft().clone(),
        };
        Ok(export_json(&content)?)
    }

    /// A new template whose draft is read from an export file. The file is checked whole
    /// first (format, field types, values, overlapping positions); a refused file stores
    /// nothing.
    #[tracing::instrument(skip_all)]
    pub fn import_template(
        &mut self,
        file: &str,
        author: &str,
    ) -> Result<TemplateProjection, ReplicaError> {
        let content = import_json(file)?;
        self.create_template(&content, author)
    }

    /// How many encounters on this workstation are charted on each published version of the
    /// template, by version number (versions no encounter uses are listed with 0).
    pub fn template_usage(&self, id: DocId) -> Result<Vec<VersionUsage>, ReplicaError> {
        let template = self.template(id)?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT template_version, count(*) FROM encounters \
             WHERE template_id = ?1 GROUP BY template_version",
        )?;
        let counted = stmt
            .query_map([id.to_string()], |row| {
                Ok((row.get::<_, i64>(0)?, row.get::<_, i64>(1)?))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let mut numbers: Vec<u64> = template.versions.iter().map(|v| v.number).collect();
        numbers.dedup();
        Ok(numbers
            .into_iter()
            .map(|number| VersionUsage {
                number,
                encounters: counted
                    .iter()
                    .find(|(n, _)| u64::try_from(*n).ok() == Some(number))
                    .map_or(0, |(_, c)| u64::try_from(*c).unwrap_or(0)),
            })
            .collect())
    }

    /// Every template, by name.
    pub fn list_templates(&self) -> Result<Vec<TemplateProjection>, ReplicaError> {
        details(
            &self.conn,
            "SELECT detail FROM templates ORDER BY name COLLATE NOCASE, id",
            [],
        )
    }
}

fn projection_of(doc: &Document) -> Result<TemplateProjection, ReplicaError> {
    Ok(TemplateProjection::of(&doc.read::<TemplateRecord>()?))
}
