//! The pull half of a sync round: pages of the changes above the replica's version vector
//! until the server has nothing more, each page applied in its own transaction.
//!
//! Pages overlap as a bootstrap's do: while page N is stored (on this thread, holding the
//! replica), page N+1, already downloaded, is read on worker threads ([`PreparedPull`])
//! and page N+2 is asked for. The request for a page not yet stored names the vector the
//! replica will hold once the pages before it are stored (`after`): a page that does not
//! apply ends the round with its error, and nothing asked for beyond it is stored.

use super::plan::check_pull_page;
use super::run::{joined, with, SyncError};
use super::transport::Transport;
use crate::remote::PreparedPull;
use crate::replica::Replica;
use outpost_domain::protocol::{PullRequest, PullResponse, MAX_BATCH, PROTOCOL_VERSION};
use outpost_domain::version_vector::VersionVector;
use std::future::Future;
use std::sync::Mutex;
use std::task::Poll;

/// Pulls and applies pages until the server has nothing more. Returns how many changes
/// were new here.
#[tracing::instrument(skip_all)]
pub(super) async fn pull_all<T: Transport>(
    replica: &Mutex<Replica>,
    transport: &T,
) -> Result<u64, SyncError> {
    let mut have = with(replica, |r| r.version_vector())?;
    let first = transport.pull(&request(&have)).await?;
    let mut more = first.more;
    have = after(have, &first);
    let mut current = joined(read_off_thread(first.changes)).await?;
    let mut next = match more {
        true => Some(transport.pull(&request(&have)).await),
        false => None,
    };
    // Documents held before this round's pulls, counted once a first page says more follow.
    let mut held: Option<u64> = None;
    let mut offered: u64 = 0;
    let mut pulled: u64 = 0;
    loop {
        offered += current.len() as u64;
        let bulk = more && {
            let held = match held {
                Some(n) => n,
                None => *held.insert(with(replica, |r| r.document_count())?),
            };
            in_bulk(offered, held)
        };
        let next_page = match next.take() {
            None => None,
            Some(Ok(page)) => Some(page),
            Some(Err(e)) => {
                // The page already downloaded and read is stored before giving up, so the
                // next round does not download it again.
                store(replica, current, bulk)?;
                return Err(e.into());
            }
        };
        let next_more = next_page.as_ref().is_some_and(|p| p.more);
        let reading = next_page.map(|page| {
            have = after(std::mem::take(&mut have), &page);
            read_off_thread(page.changes)
        });
        let ask = next_more.then(|| request(&have));
        let mut fetching = std::pin::pin!(async {
            match &ask {
                Some(req) => Some(transport.pull(req).await),
                None => None,
            }
        });
        // One poll sends the request; the answer waits in the connection while this
        // thread stores the page.
        let early = std::future::poll_fn(|cx| Poll::Ready(fetching.as_mut().poll(cx))).await;
        let page_len = current.len();
        let fresh = store(replica, current, bulk)?;
        pulled += fresh;
        if !check_pull_page(fresh, page_len, more)? {
            return Ok(pulled);
        }
        let Some(reading) = reading else {
            return Err(SyncError::Protocol(
                "it said more changes were waiting but sent no further page".into(),
            ));
        };
        next = match early {
            Poll::Ready(fetched) => fetched,
            Poll::Pending => fetching.await,
        };
        current = joined(reading).await?;
        more = next_more;
    }
}

/// Stores one read page; returns how many of its changes were new here.
fn store(replica: &Mutex<Replica>, page: PreparedPull, bulk: bool) -> Result<u64, SyncError> {
    with(replica, |r| {
        if bulk {
            r.apply_prepared_pull_in_bulk(page)
        } else {
            r.apply_prepared_pull(page)
        }
    })
}

fn request(have: &VersionVector) -> PullRequest {
    PullRequest {
        protocol: PROTOCOL_VERSION,
        have: have.clone(),
        limit: MAX_BATCH as u32,
    }
}

/// The vector the replica holds once `page` is stored on top of `have`: each change
/// advances its replica's counter; a gap is never claimed (the page is then refused when
/// it is applied).
fn after(mut have: VersionVector, page: &PullResponse) -> VersionVector {
    for c in &page.changes {
        have.advance(c.replica_id, c.counter);
    }
    have
}

/// Starts reading a page's changes on the blocking pool (that needs no database).
fn read_off_thread(
    changes: Vec<outpost_domain::protocol::WireChange>,
) -> tokio::task::JoinHandle<PreparedPull> {
    tokio::task::spawn_blocking(move || PreparedPull::read(changes))
}

/// Whether a pulled page with more to come is applied in bulk (the per-patient indexes
/// set aside and built once by the round's last page): when the round has been offered at
/// least as many changes as the replica held documents before it. Building an index once
/// costs about what keeping it up to date costs for a table's worth of random inserts, so
/// a catch-up that doubles the replica (a small clinic's first pulls, a long time offline)
/// gains, and the everyday round of a few changes never pays for a rebuild.
fn in_bulk(offered: u64, held: u64) -> bool {
    offered >= held
}

#[cfg(test)]
mod tests {
    use super::*;
    use outpost_domain::document::DocKind;
    use outpost_domain::ids::{DocId, ReplicaId};
    use outpost_domain::protocol::{Bytes, WireChange};

    #[test]
    fn a_first_pull_is_in_bulk_and_an_everyday_catch_up_is_not() {
        // A new workstation of a small clinic (nothing held): every page but the last.
        assert!(in_bulk(500, 0));
        // A workstation holding 40,000 documents back after a night offline: never.
        assert!(!in_bulk(1_000, 40_000));
        // Back after long enough that the catch-up doubles what it holds.
        assert!(in_bulk(40_000, 40_000));
    }

    fn change(replica: ReplicaId, counter: u64) -> WireChange {
        WireChange {
            replica_id: replica,
            counter,
            doc_id: DocId::new(),
            kind: DocKind::Vitals,
            digest: String::new(),
            bytes: Bytes(Vec::new()),
            received_at: None,
        }
    }

    #[test]
    fn the_next_page_is_asked_for_with_what_the_replica_holds_once_this_one_is_stored() {
        let (a, b) = (ReplicaId::new(), ReplicaId::new());
        let mut have = VersionVector::default();
        have.advance(a, 1);
        let page = PullResponse {
            changes: vec![change(a, 2), change(b, 1), change(a, 3), change(b, 2)],
            more: true,
            server_time: chrono::Utc::now(),
        };
        let next = after(have, &page);
        assert_eq!((next.get(&a), next.get(&b)), (3, 2));
    }

    #[test]
    fn a_page_with_a_gap_does_not_move_the_next_request_past_it() {
        let a = ReplicaId::new();
        let page = PullResponse {
            changes: vec![change(a, 1), change(a, 3)],
            more: true,
            server_time: chrono::Utc::now(),
        };
        let next = after(VersionVector::default(), &page);
        assert_eq!(next.get(&a), 1, "the vector never claims change 2");
    }
}
