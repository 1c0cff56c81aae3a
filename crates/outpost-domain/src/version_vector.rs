//! Version vectors: for each replica, the highest counter of that replica's changes that a
//! peer holds without gaps. Two vectors say exactly which changes one side lacks.

use crate::ids::ReplicaId;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::ToSchema),
    schema(value_type = std::collections::BTreeMap<uuid::Uuid, u64>)
)]
pub struct VersionVector(pub BTreeMap<ReplicaId, u64>);

impl VersionVector {
    /// Highest contiguous counter held for `replica` (0 = none).
    pub fn get(&self, replica: &ReplicaId) -> u64 {
        self.0.get(replica).copied().unwrap_or(0)
    }

    /// Whether the change `(replica, counter)` is already covered.
    pub fn covers(&self, replica: &ReplicaId, counter: u64) -> bool {
        counter <= self.get(replica)
    }

    /// Records `(replica, counter)` if it is the next one in sequence. Returns `false`
    /// (and changes nothing) for a gap, so a vector never claims what it lacks.
    pub fn advance(&mut self, replica: ReplicaId, counter: u64) -> bool {
        let have = self.get(&replica);
        if counter == have + 1 {
            self.0.insert(replica, counter);
            true
        } else {
            counter <= have
        }
    }

    /// Pointwise maximum.
    pub fn merge(&mut self, other: &VersionVector) {
        for (r, c) in &other.0 {
            let e = self.0.entry(*r).or_insert(0);
            *e = (*e).max(*c);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gaps_are_never_claimed() {
        let r = ReplicaId::new();
        let mut vv = VersionVector::default();
        assert!(vv.advance(r, 1));
        assert!(!vv.advance(r, 3), "3 after 1 is a gap");
        assert_eq!(vv.get(&r), 1);
        assert!(vv.advance(r, 2));
        assert!(vv.advance(r, 1), "already held is fine");
        assert!(vv.covers(&r, 2) && !vv.covers(&r, 3));
    }

    #[test]
    fn merge_takes_the_maximum() {
        let (a, b) = (ReplicaId::new(), ReplicaId::new());
        let mut x = VersionVector::default();
        x.0.insert(a, 5);
        let mut y = VersionVector::default();
        y.0.insert(a, 2);
        y.0.insert(b, 7);
        x.merge(&y);
        assert_eq!((x.get(&a), x.get(&b)), (5, 7));
    }
}
