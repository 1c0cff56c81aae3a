//! The client side of bootstrap within a sync round: a replica with no documents asks the
//! server for its compacted documents instead of pulling the whole history, page by page,
//! resuming after the last page it applied (see [`crate::bootstrap`]). A small clinic is
//! cheaper to pull than to bootstrap, so below [`BOOTSTRAP_MIN_DOCUMENTS`] the replica
//! pulls as before; a server or transport without bootstrap means the same.

use super::run::{with, SyncError};
use super::transport::{Transport, TransportError};
use crate::bootstrap::{BootstrapProgress, BootstrapStage, PreparedPage};
use crate::replica::Replica;
use outpost_domain::protocol::{BootstrapCursor, BootstrapRequest, PROTOCOL_VERSION};
use std::sync::Mutex;

/// Fewest documents for which a new workstation bootstraps rather than pulls: below it
/// the whole history pulls in a few pages, within seconds.
pub const BOOTSTRAP_MIN_DOCUMENTS: u64 = 1_000;

/// Bootstraps the replica if it needs it (first round with no documents, or an
/// interrupted bootstrap), calling `on_progress` after each page. Returns how many
/// documents it stored.
///
/// While one page is read (on a worker thread) and stored, the next one is already asked
/// for, so the server's work and the download overlap the replica's; pages are still
/// stored one after the other, each in its own transaction.
pub(super) async fn bootstrap_if_new<T: Transport>(
    replica: &Mutex<Replica>,
    transport: &T,
    on_progress: &mut (dyn FnMut(&BootstrapProgress) + Send),
) -> Result<u64, SyncError> {
    let after = match with(replica, |r| r.bootstrap_stage())? {
        BootstrapStage::Start => None,
        BootstrapStage::Resume(cursor) => Some(cursor),
        BootstrapStage::NotNeeded | BootstrapStage::Finished => return Ok(0),
    };
    let mut page = if after.is_none() {
        // The first request only learns the totals (and brings one document).
        match transport.bootstrap(&request(None, 1)).await {
            Ok(page) if page.total_documents < BOOTSTRAP_MIN_DOCUMENTS => {
                tracing::info!(
                    total_documents = page.total_documents,
                    "a small clinic: pulling instead of bootstrapping"
                );
                with(replica, |r| r.skip_bootstrap())?;
                return Ok(0);
            }
            Ok(page) => page,
            Err(TransportError::Unsupported(_) | TransportError::Server { status: 404, .. }) => {
                tracing::info!("the server offers no bootstrap; pulling instead");
                return Ok(0);
            }
            Err(e) => return Err(e.into()),
        }
    } else {
        transport.bootstrap(&request(after, 0)).await?
    };
    let mut stored = 0u64;
    loop {
        let count = page.documents.len() as u64;
        let next = page.more.then(|| request(Some(page.next.clone()), 0));
        let applying = async {
            let prepared = tokio::task::spawn_blocking(move || PreparedPage::read(page))
                .await
                .map_err(|e| match e.try_into_panic() {
                    Ok(panic) => std::panic::resume_unwind(panic),
                    Err(_) => SyncError::ShuttingDown,
                })?;
            with(replica, |r| r.apply_prepared_bootstrap_page(prepared))
        };
        let (progress, fetched) = match &next {
            Some(req) => {
                let (fetched, progress) = tokio::join!(transport.bootstrap(req), applying);
                (progress?, Some(fetched))
            }
            None => (applying.await?, None),
        };
        stored += count;
        on_progress(&progress);
        match fetched {
            Some(fetched) if !progress.finished => page = fetched?,
            _ => return Ok(stored),
        }
    }
}

fn request(after: Option<BootstrapCursor>, limit: u32) -> BootstrapRequest {
    BootstrapRequest {
        protocol: PROTOCOL_VERSION,
        after,
        limit,
    }
}
