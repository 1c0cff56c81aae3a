//! Pure sync decisions: what a push answer means for the outbox, whether pushing is making
//! progress, and whether to ask for another pull page. No I/O, so every rule is unit-tested
//! directly.

use super::run::SyncError;

/// The server's answer to one push, as far as the outbox is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PushAnswer {
    /// 200: the server holds this replica's changes `1..=stored_through`.
    Stored { stored_through: u64 },
    /// 409 `gap`: the server expects `expected_counter` next.
    Gap { expected_counter: u64 },
}

/// How far the server holds this replica's changes after `answer`, given that this
/// replica has made changes `1..=local_counter`. A server claiming more than was ever made
/// is refused rather than believed (marking unsent changes as pushed would lose them).
pub fn server_holds(answer: PushAnswer, local_counter: u64) -> Result<u64, SyncError> {
    let holds = match answer {
        PushAnswer::Stored { stored_through } => stored_through,
        PushAnswer::Gap {
            expected_counter: 0,
        } => {
            return Err(SyncError::Protocol(
                "it expects change 0, but counters start at 1".into(),
            ))
        }
        PushAnswer::Gap { expected_counter } => expected_counter - 1,
    };
    if holds > local_counter {
        return Err(SyncError::Protocol(format!(
            "it claims to hold change {holds} of this replica, which has made only {local_counter}"
        )));
    }
    Ok(holds)
}

/// Detects a push loop that does not move: the same first change sent twice in a row
/// without the server accepting it.
#[derive(Debug, Clone, Copy, Default)]
pub struct PushProgress {
    refused_first: Option<u64>,
}

impl PushProgress {
    /// Records one round: the batch started at `first_sent`, and the server now holds
    /// through `holds`.
    pub fn record(&mut self, first_sent: u64, holds: u64) -> Result<(), SyncError> {
        if holds >= first_sent {
            self.refused_first = None;
            return Ok(());
        }
        if self.refused_first == Some(first_sent) {
            return Err(SyncError::Protocol(format!(
                "it keeps refusing change {first_sent} of this replica while asking for it"
            )));
        }
        self.refused_first = Some(first_sent);
        Ok(())
    }
}

/// After applying a pull page: whether to ask for the next one. A page that says `more`
/// but brought nothing new would be asked for again forever, so it is an error.
pub fn check_pull_page(fresh: u64, page_len: usize, more: bool) -> Result<bool, SyncError> {
    if more && fresh == 0 {
        return Err(SyncError::Protocol(format!(
            "it says more changes are waiting but sent {page_len} this replica already holds"
        )));
    }
    Ok(more)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design
mod tests {
    use super::*;

    #[test]
    fn a_stored_answer_acknowledges_through_its_counter() {
        let a = PushAnswer::Stored { stored_through: 7 };
        assert_eq!(server_holds(a, 9).unwrap(), 7);
    }

    #[test]
    fn a_gap_means_everything_from_the_expected_counter_goes_again() {
        let a = PushAnswer::Gap {
            expected_counter: 3,
        };
        assert_eq!(server_holds(a, 9).unwrap(), 2);
        let fresh_server = PushAnswer::Gap {
            expected_counter: 1,
        };
        assert_eq!(server_holds(fresh_server, 9).unwrap(), 0);
    }

    #[test]
    fn a_server_claiming_unmade_changes_is_refused() {
        assert!(server_holds(PushAnswer::Stored { stored_through: 10 }, 9).is_err());
        assert!(server_holds(
            PushAnswer::Gap {
                expected_counter: 11
            },
            9
        )
        .is_err());
        assert!(server_holds(
            PushAnswer::Gap {
                expected_counter: 0
            },
            9
        )
        .is_err());
        // expecting the next new change is fine: it holds everything
        assert_eq!(
            server_holds(
                PushAnswer::Gap {
                    expected_counter: 10
                },
                9
            )
            .unwrap(),
            9
        );
    }

    #[test]
    fn one_rewind_is_allowed_but_a_repeated_refusal_stops_the_loop() {
        let mut p = PushProgress::default();
        p.record(1, 500).unwrap();
        // the server lost everything (restored from an old backup): rewind once
        p.record(501, 0).unwrap();
        let mut q = PushProgress::default();
        q.record(1, 0).unwrap();
        let err = q.record(1, 0).unwrap_err();
        assert!(err.to_string().contains("keeps refusing change 1"), "{err}");
    }

    #[test]
    fn pull_stops_when_done_and_refuses_an_empty_page_that_claims_more() {
        assert!(!check_pull_page(3, 3, false).unwrap());
        assert!(check_pull_page(500, 500, true).unwrap());
        assert!(!check_pull_page(0, 0, false).unwrap());
        assert!(check_pull_page(0, 12, true).is_err());
    }
}
