//! Hybrid logical clock. Every change carries the author's wall clock *and* an HLC so that
//! causally later changes always sort later even when workstation clocks disagree. The
//! caller passes the wall time in; nothing here reads a clock.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS,
)]
#[ts(export, export_to = "../../../ui/src/bindings/")]
pub struct Hlc {
    /// Milliseconds since the Unix epoch, never behind any HLC this clock has seen.
    #[ts(type = "number")]
    pub wall_ms: i64,
    /// Tie breaker within one millisecond.
    pub logical: u32,
}

impl Hlc {
    /// The next timestamp for a local event at wall time `now_ms`.
    pub fn tick(self, now_ms: i64) -> Hlc {
        if now_ms > self.wall_ms {
            Hlc {
                wall_ms: now_ms,
                logical: 0,
            }
        } else {
            Hlc {
                wall_ms: self.wall_ms,
                logical: self.logical.saturating_add(1),
            }
        }
    }

    /// The clock after receiving `remote` at wall time `now_ms`.
    pub fn observe(self, remote: Hlc, now_ms: i64) -> Hlc {
        let wall_ms = now_ms.max(self.wall_ms).max(remote.wall_ms);
        let logical = if wall_ms == self.wall_ms && wall_ms == remote.wall_ms {
            self.logical.max(remote.logical).saturating_add(1)
        } else if wall_ms == self.wall_ms {
            self.logical.saturating_add(1)
        } else if wall_ms == remote.wall_ms {
            remote.logical.saturating_add(1)
        } else {
            0
        };
        Hlc { wall_ms, logical }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_clock_behind_the_last_event_still_moves_forward() {
        let c = Hlc {
            wall_ms: 1_000,
            logical: 3,
        };
        assert_eq!(
            c.tick(900),
            Hlc {
                wall_ms: 1_000,
                logical: 4
            }
        );
        assert_eq!(
            c.tick(2_000),
            Hlc {
                wall_ms: 2_000,
                logical: 0
            }
        );
    }

    proptest! {
        #[test]
        fn observed_events_are_always_ordered_after_both_inputs(
            a in 0i64..10_000, al in 0u32..5, b in 0i64..10_000, bl in 0u32..5, now in 0i64..10_000
        ) {
            let local = Hlc { wall_ms: a, logical: al };
            let remote = Hlc { wall_ms: b, logical: bl };
            let next = local.observe(remote, now);
            prop_assert!(next > local);
            prop_assert!(next > remote);
            prop_assert!(next.tick(now) > next);
        }
    }
}
