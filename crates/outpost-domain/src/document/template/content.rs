//! What a layout template describes: pages → sections → fields, each section and field
//! placed on a 12-column grid. The same types are the draft inside the template document
//! (keyed lists, so two admins' edits merge item by item) and, as canonical JSON, the frozen
//! content of a published version.

use crate::document::encounter::EncounterType;
use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Columns of the layout grid.
pub const GRID_COLUMNS: u32 = 12;
/// Rows a page may use; far beyond any real form, it catches typing slips.
pub const MAX_GRID_ROWS: u32 = 1_000;

/// A rectangle on the grid: column `x` (0-based), row `y`, width `w` columns, height `h` rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, Reconcile, Hydrate)]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct GridPos {
    pub x: u32,
    pub y: u32,
    pub w: u32,
    pub h: u32,
}

/// What a field holds, with its options.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, Reconcile, Hydrate)]
#[serde(tag = "type", rename_all = "snake_case")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub enum FieldType {
    #[autosurgeon(rename = "text")]
    Text,
    #[autosurgeon(rename = "long_text")]
    LongText,
    /// A number in `unit`, refused outside `min..=max` when they are set.
    #[autosurgeon(rename = "number")]
    Number {
        unit: String,
        min: Option<f64>,
        max: Option<f64>,
    },
    #[autosurgeon(rename = "select")]
    Select { options: Vec<String> },
    #[autosurgeon(rename = "multi_select")]
    MultiSelect { options: Vec<String> },
    #[autosurgeon(rename = "checkbox")]
    Checkbox,
    #[autosurgeon(rename = "date")]
    Date,
    /// A link to a vitals set of the patient.
    #[autosurgeon(rename = "vitals_block")]
    VitalsBlock,
}

/// How a new encounter pre-fills a field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, Reconcile, Hydrate)]
#[serde(tag = "rule", rename_all = "snake_case")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub enum AutoPopulate {
    #[autosurgeon(rename = "none")]
    None,
    /// The value this field had in the patient's previous encounter.
    #[autosurgeon(rename = "last_value_for_patient")]
    LastValueForPatient,
    /// The latest vitals value named `field` (e.g. `weight_kg`); number fields only.
    #[autosurgeon(rename = "from_vitals")]
    FromVitals { field: String },
}

/// One field of a section. Its `id` is the key of its value in an encounter's `fields`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, Reconcile, Hydrate)]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct TemplateField {
    #[key]
    pub id: String,
    pub label: String,
    pub field_type: FieldType,
    pub required: bool,
    pub grid: GridPos,
    pub auto_populate: AutoPopulate,
}

/// A titled block of fields on a page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, Reconcile, Hydrate)]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct TemplateSection {
    #[key]
    pub id: String,
    pub title: String,
    pub grid: GridPos,
    pub fields: Vec<TemplateField>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, Reconcile, Hydrate)]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct TemplatePage {
    #[key]
    pub id: String,
    pub title: String,
    pub sections: Vec<TemplateSection>,
}

/// Who may use a template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, Reconcile, Hydrate)]
#[serde(tag = "scope", rename_all = "snake_case")]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub enum TemplateScope {
    #[autosurgeon(rename = "global")]
    Global,
    #[autosurgeon(rename = "clinic")]
    Clinic,
    #[autosurgeon(rename = "provider")]
    Provider { provider_id: String },
}

/// Everything a template says: the draft being edited, or a frozen published version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, Reconcile, Hydrate)]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct TemplateContent {
    pub name: String,
    pub specialty: String,
    pub visit_type: EncounterType,
    pub scope: TemplateScope,
    pub pages: Vec<TemplatePage>,
}

impl TemplateContent {
    /// A template with no pages yet.
    pub fn new(
        name: impl Into<String>,
        specialty: impl Into<String>,
        visit_type: EncounterType,
        scope: TemplateScope,
    ) -> Self {
        Self {
            name: name.into(),
            specialty: specialty.into(),
            visit_type,
            scope,
            pages: Vec::new(),
        }
    }

    /// Every field, in page, section and field order.
    pub fn fields(&self) -> impl Iterator<Item = &TemplateField> {
        self.pages
            .iter()
            .flat_map(|p| &p.sections)
            .flat_map(|s| &s.fields)
    }

    /// The field with this id.
    pub fn field(&self, id: &str) -> Option<&TemplateField> {
        self.fields().find(|f| f.id == id)
    }

    pub(crate) fn section_mut(&mut self, id: &str) -> Option<&mut TemplateSection> {
        self.pages
            .iter_mut()
            .flat_map(|p| &mut p.sections)
            .find(|s| s.id == id)
    }

    pub(crate) fn field_mut(&mut self, id: &str) -> Option<&mut TemplateField> {
        self.pages
            .iter_mut()
            .flat_map(|p| &mut p.sections)
            .flat_map(|s| &mut s.fields)
            .find(|f| f.id == id)
    }
}

impl TemplateField {
    /// A field with no auto-populate rule, not required.
    pub fn new(
        id: impl Into<String>,
        label: impl Into<String>,
        field_type: FieldType,
        grid: GridPos,
    ) -> Self {
        Self {
            id: id.into(),
            label: label.into(),
            field_type,
            required: false,
            grid,
            auto_populate: AutoPopulate::None,
        }
    }
}

impl TemplateSection {
    /// A section with no fields yet.
    pub fn new(id: impl Into<String>, title: impl Into<String>, grid: GridPos) -> Self {
        Self {
            id: id.into(),
            title: title.into(),
            grid,
            fields: Vec::new(),
        }
    }
}

impl GridPos {
    pub fn new(x: u32, y: u32, w: u32, h: u32) -> Self {
        Self { x, y, w, h }
    }
}
