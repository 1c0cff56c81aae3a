//! `outpost handover …`: a ward's shift handover, its items and their acknowledgements.

use clap::{Subcommand, ValueEnum};
use outpost_replica::outpost_domain::document::handover::HandoverPriority;
use outpost_replica::outpost_domain::ids::DocId;

#[derive(Debug, Subcommand)]
pub enum HandoverCommand {
    /// Open a handover for a ward; prints the new id
    New {
        #[arg(long)]
        ward: String,
        /// Date of the shift handing over, YYYY-MM-DD [default: today]
        #[arg(long, value_name = "YYYY-MM-DD")]
        from_date: Option<String>,
        /// Name of the shift handing over, e.g. day
        #[arg(long, value_name = "NAME")]
        from_shift: String,
        /// Date of the receiving shift, YYYY-MM-DD [default: the --from-date]
        #[arg(long, value_name = "YYYY-MM-DD")]
        to_date: Option<String>,
        /// Name of the receiving shift, e.g. night
        #[arg(long, value_name = "NAME")]
        to_shift: String,
        #[arg(long)]
        json: bool,
    },
    /// Add an item (one patient, SBAR); prints the item id
    Item {
        /// Handover id
        #[arg(long, value_name = "ID")]
        id: DocId,
        /// Patient id
        #[arg(long, value_name = "ID")]
        patient: DocId,
        #[arg(long, value_enum, default_value = "routine")]
        priority: PriorityArg,
        /// Item id (letters, digits, _ or -) [default: a new unique id]
        #[arg(long, value_name = "ITEM")]
        item_id: Option<String>,
        #[arg(long, default_value = "")]
        situation: String,
        #[arg(long, default_value = "")]
        background: String,
        #[arg(long, default_value = "")]
        assessment: String,
        #[arg(long, default_value = "")]
        recommendation: String,
        /// What the receiving shift must do
        #[arg(long, default_value = "")]
        action: String,
    },
    /// Acknowledge an item as the receiving nurse (the acting user)
    Ack {
        #[arg(long, value_name = "ID")]
        id: DocId,
        #[arg(long, value_name = "ITEM")]
        item: String,
    },
    /// Show a handover with its items and acknowledgements
    Show {
        #[arg(long, value_name = "ID")]
        id: DocId,
        #[arg(long)]
        json: bool,
    },
    /// List handovers, newest shift first
    List {
        /// Only this ward's
        #[arg(long)]
        ward: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum PriorityArg {
    Routine,
    Watch,
    Urgent,
}

impl From<PriorityArg> for HandoverPriority {
    fn from(p: PriorityArg) -> Self {
        match p {
            PriorityArg::Routine => Self::Routine,
            PriorityArg::Watch => Self::Watch,
            PriorityArg::Urgent => Self::Urgent,
        }
    }
}
