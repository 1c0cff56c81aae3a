//! The client side of bootstrap within a sync round: a replica with no documents asks the
//! server for its compacted documents instead of pulling the whole history, page by page,
//! resuming after the last page it applied (see [`crate::bootstrap`]). A small clinic is
//! cheaper to pull than to bootstrap, so below [`BOOTSTRAP_MIN_DOCUMENTS`] the replica
//! pulls as before; a server or transport without bootstrap means the same.

use super::run::{with, SyncError};
use super::transport::{Transport, TransportError};
use crate::bootstrap::{BootstrapProgress, BootstrapStage};
use crate::replica::Replica;
use outpost_domain::protocol::{BootstrapRequest, PROTOCOL_VERSION};
use std::sync::Mutex;

/// Fewest documents for which a new workstation bootstraps rather than pulls: below it
/// the whole history pulls in a few pages, within seconds.
pub const BOOTSTRAP_MIN_DOCUMENTS: u64 = 1_000;

/// Bootstraps the replica if it needs it (first round with no documents, or an
/// interrupted bootstrap), calling `on_progress` after each page. Returns how many
/// documents it stored.
pub(super) async fn bootstrap_if_new<T: Transport>(
    replica: &Mutex<Replica>,
    transport: &T,
    on_progress: &mut (dyn FnMut(&BootstrapProgress) + Send),
) -> Result<u64, SyncError> {
    let mut after = match with(replica, |r| r.bootstrap_stage())? {
        BootstrapStage::Start => None,
        BootstrapStage::Resume(cursor) => Some(cursor),
        BootstrapStage::NotNeeded | BootstrapStage::Finished => return Ok(0),
    };
    // The first request only learns the totals (and brings one document).
    let mut deciding = after.is_none();
    let mut stored = 0u64;
    loop {
        let req = BootstrapRequest {
            protocol: PROTOCOL_VERSION,
            after: after.clone(),
            limit: if deciding { 1 } else { 0 },
        };
        let page = match transport.bootstrap(&req).await {
            Ok(page) => page,
            Err(TransportError::Unsupported(_) | TransportError::Server { status: 404, .. })
                if deciding =>
            {
                tracing::info!("the server offers no bootstrap; pulling instead");
                return Ok(0);
            }
            Err(e) => return Err(e.into()),
        };
        if deciding && page.total_documents < BOOTSTRAP_MIN_DOCUMENTS {
            tracing::info!(
                total_documents = page.total_documents,
                "a small clinic: pulling instead of bootstrapping"
            );
            with(replica, |r| r.skip_bootstrap())?;
            return Ok(0);
        }
        deciding = false;
        let progress = with(replica, |r| r.apply_bootstrap_page(&page))?;
        stored += page.documents.len() as u64;
        on_progress(&progress);
        if progress.finished {
            return Ok(stored);
        }
        after = Some(page.next);
    }
}
