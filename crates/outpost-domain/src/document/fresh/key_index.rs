//! Key indexes of maps read without the engine (see the `fresh` module docs): a document
//! holding just a map's keys, whose `map_range` lists them in the engine's order.
//!
//! Building one costs a put through the engine's transaction per key, which was a fifth
//! of the CPU time of reading a bootstrap page. Records of one form repeat their maps'
//! key sets (an encounter's answered fields, a template's pages), so an index is shared
//! by every map with the same keys: kept per key set, for at most [`MAX_SETS`] sets a
//! process; past that, each map builds its own as before. An index is never changed
//! once built, so sharing it between threads and documents is safe.

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ScalarValue, ROOT};
use std::collections::HashMap;
use std::hash::BuildHasher;
use std::sync::{Arc, Mutex};

/// Most key sets kept: each kept index stays in memory for the life of the process. A
/// clinic's forms have fewer distinct key sets than this, while maps keyed by ids (a
/// handover's items) never repeat and would only fill it.
const MAX_SETS: usize = 256;

/// A document whose root map holds the keys (with null values).
pub(super) type KeyIndex = Arc<AutoCommit>;

/// Indexes by the hash of their sorted keys; the keys are kept to tell sets apart when
/// hashes collide.
type Sets = HashMap<u64, Vec<(Box<[Box<str>]>, KeyIndex)>>;

static SETS: Mutex<Option<Sets>> = Mutex::new(None);

/// The key index of a map with `keys`, shared with every earlier map of the same keys.
/// `None` when a key cannot be put (the engine then lists the map).
pub(super) fn of<'a>(keys: impl Iterator<Item = &'a str>) -> Option<KeyIndex> {
    let mut keys: Vec<&str> = keys.collect();
    keys.sort_unstable();
    let hash = foldhash::fast::FixedState::with_seed(0).hash_one(&keys);
    let same = |set: &[Box<str>]| set.iter().map(|k| &**k).eq(keys.iter().copied());
    if let Some(index) = lock().as_ref().and_then(|sets| {
        let found = sets.get(&hash)?.iter().find(|(set, _)| same(set));
        found.map(|(_, index)| index.clone())
    }) {
        return Some(index);
    }
    let index = Arc::new(build(&keys)?);
    let mut sets = lock();
    let sets = sets.get_or_insert_with(Default::default);
    let kept: usize = sets.values().map(Vec::len).sum();
    let bucket = sets.entry(hash).or_default();
    if kept < MAX_SETS && !bucket.iter().any(|(set, _)| same(set)) {
        bucket.push((keys.iter().map(|k| Box::from(*k)).collect(), index.clone()));
    }
    Some(index)
}

/// The kept sets. A poisoned lock only means a thread panicked while holding it; the
/// sets are still whole (each is added by one push), so they are used as they are.
fn lock() -> std::sync::MutexGuard<'static, Option<Sets>> {
    SETS.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn build(keys: &[&str]) -> Option<AutoCommit> {
    // Its transaction is never committed: reads see its operations, and committing would
    // only hash a change nobody keeps.
    let mut index = AutoCommit::new();
    for key in keys {
        index.put(ROOT, *key, ScalarValue::Null).ok()?;
    }
    Some(index)
}

#[cfg(test)]
mod tests {
    use super::*;
    use automerge::ReadDoc;

    fn keys(index: &KeyIndex) -> Vec<String> {
        index
            .map_range(ROOT, ..)
            .map(|item| item.key.into_owned())
            .collect()
    }

    #[test]
    fn maps_with_the_same_keys_share_one_index_listing_them_in_order() {
        let first = of(["systolic", "diastolic", "pulse"].into_iter()).unwrap();
        let again = of(["pulse", "systolic", "diastolic"].into_iter()).unwrap();
        assert!(Arc::ptr_eq(&first, &again));
        assert_eq!(keys(&again), ["diastolic", "pulse", "systolic"]);
    }

    #[test]
    fn a_map_with_other_keys_gets_its_own_index() {
        let three = of(["a", "b", "c"].into_iter()).unwrap();
        let two = of(["a", "b"].into_iter()).unwrap();
        assert!(!Arc::ptr_eq(&three, &two));
        assert_eq!(keys(&two), ["a", "b"]);
        assert_eq!(keys(&of(std::iter::empty()).unwrap()), Vec::<String>::new());
    }
}
