//! Bootstrap of a new workstation from the server's compacted documents instead of a
//! replay of every change.
//!
//! The first page fixes a snapshot in one repeatable-read transaction: the version vector
//! the clinic's applied changes reach (`covers`), the highest arrival position
//! (`snapshot_seq`), and the number and size of the documents that existed then. The
//! cursor carries that snapshot, so every page repeats it and the server stays stateless.
//! Pages serve documents in `doc_id` order, only those created up to `snapshot_seq`;
//! each served document holds at least what `covers` says (documents only grow), perhaps
//! more, which the client's later pull from `covers` re-applies as no-ops. A client that
//! stops halfway asks again with the last cursor it kept and gets only the rest.

use outpost_domain::protocol::{BootstrapDocument, MAX_BOOTSTRAP_PAGE};

/// A page stops growing once its documents reach this many bytes (it always carries at
/// least one document, however large).
pub const PAGE_BYTE_BUDGET: usize = 8 * 1024 * 1024;

/// Page size for a requested limit: at most [`MAX_BOOTSTRAP_PAGE`]; 0 means "as many as
/// allowed".
pub fn page_size(requested: u32) -> usize {
    match usize::try_from(requested) {
        Ok(0) | Err(_) => MAX_BOOTSTRAP_PAGE,
        Ok(n) => n.min(MAX_BOOTSTRAP_PAGE),
    }
}

/// Cuts the documents fetched for a page (`limit + 1` asked for, to learn whether more
/// wait) to at most `limit` and the byte budget; returns them and whether more wait.
pub fn cut_page(
    mut fetched: Vec<BootstrapDocument>,
    limit: usize,
    budget: usize,
) -> (Vec<BootstrapDocument>, bool) {
    let mut bytes = 0usize;
    let mut keep = 0usize;
    for d in fetched.iter().take(limit) {
        if keep > 0 && bytes + d.bytes.0.len() > budget {
            break;
        }
        bytes += d.bytes.0.len();
        keep += 1;
    }
    let more = fetched.len() > keep;
    fetched.truncate(keep);
    (fetched, more)
}

#[cfg(test)]
mod tests {
    use super::*;
    use outpost_domain::document::DocKind;
    use outpost_domain::ids::DocId;
    use outpost_domain::protocol::Bytes;

    fn doc(size: usize) -> BootstrapDocument {
        BootstrapDocument {
            doc_id: DocId::new(),
            kind: DocKind::Patient,
            bytes: Bytes(vec![0; size]),
            heads: vec![],
        }
    }

    #[test]
    fn a_page_keeps_the_limit_and_says_more_wait() {
        let fetched: Vec<_> = (0..4).map(|_| doc(10)).collect();
        let (page, more) = cut_page(fetched.clone(), 3, PAGE_BYTE_BUDGET);
        assert_eq!(page, fetched[..3]);
        assert!(more);
        let (page, more) = cut_page(fetched[..3].to_vec(), 3, PAGE_BYTE_BUDGET);
        assert_eq!(page.len(), 3);
        assert!(!more);
    }

    #[test]
    fn a_page_stops_at_the_byte_budget_but_carries_at_least_one_document() {
        let (page, more) = cut_page(vec![doc(30), doc(30), doc(30)], 10, 50);
        assert_eq!(page.len(), 1);
        assert!(more);
        let (page, more) = cut_page(vec![doc(100)], 10, 50);
        assert_eq!(
            page.len(),
            1,
            "a document larger than the budget still goes"
        );
        assert!(!more);
    }

    #[test]
    fn zero_or_huge_limits_become_the_maximum() {
        assert_eq!(page_size(0), MAX_BOOTSTRAP_PAGE);
        assert_eq!(page_size(u32::MAX), MAX_BOOTSTRAP_PAGE);
        assert_eq!(page_size(7), 7);
    }
}
