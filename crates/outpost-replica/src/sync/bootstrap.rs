//! The client side of bootstrap within a sync round: a replica with no documents asks the
//! server for its compacted documents instead of pulling the whole history, page by page,
//! resuming after the last page it applied (see [`crate::bootstrap`]). A small clinic is
//! cheaper to pull than to bootstrap, so below [`BOOTSTRAP_MIN_DOCUMENTS`] the replica
//! pulls as before; a server or transport without bootstrap means the same.

use super::run::{joined, with, SyncError};
use super::transport::{Transport, TransportError};
use crate::bootstrap::{BootstrapProgress, BootstrapStage, PreparedPage};
use crate::replica::Replica;
use outpost_domain::protocol::{
    BootstrapCursor, BootstrapRequest, BootstrapResponse, PROTOCOL_VERSION,
};
use std::future::Future;
use std::sync::Mutex;
use std::task::Poll;

/// Fewest documents for which a new workstation bootstraps rather than pulls: below it
/// the whole history pulls in a few pages, within seconds.
pub const BOOTSTRAP_MIN_DOCUMENTS: u64 = 1_000;

/// Bootstraps the replica if it needs it (first round with no documents, or an
/// interrupted bootstrap), calling `on_progress` after each page. Returns how many
/// documents it stored.
///
/// While one page is stored, the next one is read (on worker threads) and the one after
/// it is already asked for, so the server's work, the download and the reading overlap
/// the storing; pages are still stored one after the other, each in its own transaction.
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
    let page = if after.is_none() {
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
    // Three pages are in flight at once: page N is stored (on this thread, in its own
    // transaction) while page N+1, already downloaded, is read on worker threads and the
    // server prepares page N+2.
    let second = request_after(&page);
    let mut current = joined(read_off_thread(page)).await?;
    let mut next = match second {
        Some(req) => Some(transport.bootstrap(&req).await?),
        None => None,
    };
    let mut stored = 0u64;
    loop {
        let after = next.as_ref().and_then(request_after);
        let reading = next.take().map(read_off_thread);
        let mut fetching = std::pin::pin!(async {
            match &after {
                Some(req) => Some(transport.bootstrap(req).await),
                None => None,
            }
        });
        // One poll sends the request; the answer waits in the connection while this
        // thread stores the page.
        let early = std::future::poll_fn(|cx| Poll::Ready(fetching.as_mut().poll(cx))).await;
        let (count, progress) = store(replica, current)?;
        stored += count;
        on_progress(&progress);
        let Some(reading) = reading.filter(|_| !progress.finished) else {
            return Ok(stored);
        };
        let fetched = match early {
            Poll::Ready(fetched) => fetched,
            Poll::Pending => fetching.await,
        };
        current = joined(reading).await?;
        next = match fetched {
            None => None,
            Some(Ok(page)) => Some(page),
            Some(Err(e)) => {
                // The page already downloaded and read is stored before giving up, so a
                // resumed bootstrap does not download it again.
                let (_, progress) = store(replica, current)?;
                on_progress(&progress);
                return Err(e.into());
            }
        };
    }
}

/// Stores one read page; returns how many documents it held and the progress after it.
fn store(
    replica: &Mutex<Replica>,
    page: PreparedPage,
) -> Result<(u64, BootstrapProgress), SyncError> {
    let count = page.documents() as u64;
    let progress = with(replica, |r| r.apply_prepared_bootstrap_page(page))?;
    Ok((count, progress))
}

/// Starts reading a page's documents on the blocking pool (they need no database).
fn read_off_thread(page: BootstrapResponse) -> tokio::task::JoinHandle<PreparedPage> {
    tokio::task::spawn_blocking(move || PreparedPage::read(page))
}

/// The request for the page after `page`, if there is one.
fn request_after(page: &BootstrapResponse) -> Option<BootstrapRequest> {
    page.more.then(|| request(Some(page.next.clone()), 0))
}

fn request(after: Option<BootstrapCursor>, limit: u32) -> BootstrapRequest {
    BootstrapRequest {
        protocol: PROTOCOL_VERSION,
        after,
        limit,
    }
}
