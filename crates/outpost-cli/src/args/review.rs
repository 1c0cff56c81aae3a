//! `outpost conflicts …` and `outpost duplicates …`: what a person must review.

use super::{parse_kind, parse_value};
use clap::Subcommand;
use outpost_replica::outpost_domain::document::DocKind;
use outpost_replica::outpost_domain::ids::DocId;

#[derive(Debug, Subcommand)]
pub enum ConflictsCommand {
    /// List open conflicts (each value with its author and time)
    List {
        /// Only this record's
        #[arg(long, value_name = "ID")]
        doc: Option<DocId>,
        /// Only records of this kind (patient, vitals, encounter, handover, template,
        /// patient_link)
        #[arg(long, value_name = "KIND", value_parser = parse_kind)]
        kind: Option<DocKind>,
        #[arg(long)]
        json: bool,
    },
    /// Keep one of the conflicting values; the choice is recorded and syncs
    Resolve {
        /// Record id
        #[arg(long, value_name = "ID")]
        doc: DocId,
        /// The field's path, as listed (e.g. phone)
        #[arg(long)]
        path: String,
        /// The value to keep, as JSON as listed ("020 7946 0958", 72, true); other input is
        /// taken as text
        #[arg(long, value_parser = parse_value)]
        value: serde_json::Value,
    },
}

#[derive(Debug, Subcommand)]
pub enum DuplicatesCommand {
    /// List pairs of patients that look like the same person
    List {
        #[arg(long)]
        json: bool,
    },
    /// Record that --merged is the same person as --survivor; prints the link id
    Merge {
        /// The patient record that stays
        #[arg(long, value_name = "ID")]
        survivor: DocId,
        /// The patient record shown under the survivor from now on
        #[arg(long, value_name = "ID")]
        merged: DocId,
        #[arg(long)]
        reason: String,
    },
    /// Undo a merge: both patients are listed separately again
    Unmerge {
        /// Link id (from `merge` or `duplicates links`)
        #[arg(long, value_name = "ID")]
        link: DocId,
        #[arg(long)]
        reason: String,
    },
    /// List every merge, active and undone
    Links {
        #[arg(long)]
        json: bool,
    },
}
