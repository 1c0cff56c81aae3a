//! `outpost template …`: designing a layout template's draft and publishing versions.

use super::charting::TypeArg;
use clap::{ArgGroup, Args, Subcommand, ValueEnum};
use outpost_replica::outpost_domain::ids::DocId;

#[derive(Debug, Subcommand)]
pub enum TemplateCommand {
    /// Create a template (a draft with no pages yet); prints the new id
    New {
        #[arg(long)]
        name: String,
        #[arg(long)]
        specialty: String,
        /// The visit type the template is for
        #[arg(long, value_enum, value_name = "TYPE")]
        visit_type: TypeArg,
        /// global, clinic, or provider (with --provider-id)
        #[arg(long, value_enum, default_value = "clinic")]
        scope: ScopeArg,
        #[arg(long, value_name = "ID", required_if_eq("scope", "provider"))]
        provider_id: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Add a page to the draft
    Page {
        /// Template id
        #[arg(long, value_name = "ID")]
        id: DocId,
        /// Page id (letters, digits, _ or -)
        #[arg(long, value_name = "PAGE")]
        page: String,
        #[arg(long)]
        title: String,
    },
    /// Add a section to a page of the draft
    Section {
        #[arg(long, value_name = "ID")]
        id: DocId,
        #[arg(long, value_name = "PAGE")]
        page: String,
        /// Section id (letters, digits, _ or -)
        #[arg(long, value_name = "SECTION")]
        section: String,
        #[arg(long)]
        title: String,
        #[command(flatten)]
        grid: GridArgs,
    },
    /// Add a field to a section of the draft
    Field(FieldArgs),
    /// Move a section or a field to column --x, row --y
    #[command(group(ArgGroup::new("what").required(true).args(["section", "field"])))]
    Move {
        #[arg(long, value_name = "ID")]
        id: DocId,
        #[arg(long, value_name = "SECTION")]
        section: Option<String>,
        #[arg(long, value_name = "FIELD")]
        field: Option<String>,
        #[arg(long)]
        x: u32,
        #[arg(long)]
        y: u32,
    },
    /// Freeze the draft as the next published version; prints its number
    Publish {
        #[arg(long, value_name = "ID")]
        id: DocId,
    },
    /// Show the draft and the published versions, or one version's frozen content
    Show {
        #[arg(long, value_name = "ID")]
        id: DocId,
        /// Show published version N instead of the draft
        #[arg(long, value_name = "N")]
        version: Option<u64>,
        #[arg(long)]
        json: bool,
    },
    /// Write the draft, or published version N, as a JSON template file
    Export {
        #[arg(long, value_name = "ID")]
        id: DocId,
        /// Export published version N instead of the draft
        #[arg(long, value_name = "N")]
        version: Option<u64>,
        /// Write to FILE instead of standard output
        #[arg(long, value_name = "FILE")]
        out: Option<std::path::PathBuf>,
    },
    /// Create a new template whose draft is read from a JSON template file; prints its id
    Import {
        /// The file written by `outpost template export`
        #[arg(long, value_name = "FILE")]
        file: std::path::PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// List templates by name
    List {
        #[arg(long)]
        json: bool,
    },
    /// List the section library: the starters, then the sections the clinic's admins saved
    Library {
        #[arg(long)]
        json: bool,
    },
    /// Save a section of a template's draft to the clinic's section library
    SaveSection {
        /// Template id
        #[arg(long, value_name = "ID")]
        id: DocId,
        #[arg(long, value_name = "SECTION")]
        section: String,
        /// One line that tells other admins what the section is for
        #[arg(long, default_value = "")]
        description: String,
        #[arg(long)]
        json: bool,
    },
    /// Take a saved section out of the library (templates that copied it keep their copy)
    WithdrawSection {
        /// The saved section's key, as `template library` lists it
        #[arg(long, value_name = "KEY")]
        key: DocId,
    },
}

/// A place on the 12-column grid.
#[derive(Debug, Args)]
pub struct GridArgs {
    /// Column, 0-11
    #[arg(long, default_value_t = 0)]
    pub x: u32,
    /// Row
    #[arg(long, default_value_t = 0)]
    pub y: u32,
    /// Width in columns
    #[arg(long, default_value_t = 12)]
    pub w: u32,
    /// Height in rows
    #[arg(long, default_value_t = 1)]
    pub h: u32,
}

#[derive(Debug, Args)]
pub struct FieldArgs {
    /// Template id
    #[arg(long, value_name = "ID")]
    pub id: DocId,
    #[arg(long, value_name = "SECTION")]
    pub section: String,
    /// Field id: the key of its value in encounters (letters, digits, _ or -)
    #[arg(long, value_name = "FIELD")]
    pub field: String,
    #[arg(long)]
    pub label: String,
    #[arg(long = "type", value_enum, value_name = "TYPE")]
    pub field_type: FieldTypeArg,
    /// Unit of a number field
    #[arg(long, default_value = "")]
    pub unit: String,
    /// Lowest allowed value of a number field
    #[arg(long, allow_hyphen_values = true)]
    pub min: Option<f64>,
    /// Highest allowed value of a number field
    #[arg(long, allow_hyphen_values = true)]
    pub max: Option<f64>,
    /// A choice of a select or multi_select field (repeat for each)
    #[arg(long = "option", value_name = "CHOICE")]
    pub options: Vec<String>,
    /// An encounter must fill it
    #[arg(long)]
    pub required: bool,
    /// Pre-fill from the patient's previous encounter
    #[arg(long, conflicts_with = "from_vitals")]
    pub last_value: bool,
    /// Pre-fill a number field from the latest vitals value, e.g. weight_kg
    #[arg(long, value_name = "VITAL")]
    pub from_vitals: Option<String>,
    #[command(flatten)]
    pub grid: GridArgs,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
#[value(rename_all = "snake_case")]
pub enum FieldTypeArg {
    Text,
    LongText,
    Number,
    Select,
    MultiSelect,
    Checkbox,
    Date,
    VitalsBlock,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ScopeArg {
    Global,
    Clinic,
    Provider,
}
