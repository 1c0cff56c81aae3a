//! Who may use the records through this window, and for how long. The replica holds the
//! signed-in user (`Replica::author_for`); this module adds what only the window knows:
//! the automatic logoff clock, and the one gate every command goes through, so no record
//! is read or written without a signed-in user whose role permits it.
//!
//! Automatic logoff is enforced twice. The window watches keyboard and mouse input and,
//! at the idle limit, saves pending edits and signs out (ui/src/logic/idle.ts). It reports
//! input here (`report_activity`, at most every few seconds) and every write counts too;
//! when the limit plus [`ENFORCEMENT_GRACE`] passes with neither, the next command ends
//! the session and is refused, so a window that stopped running its timers (hung script,
//! suspended webview) still cannot show or change records.
//!
//! The session also remembers whether its user has signed a record yet (21 CFR Part 11
//! §11.200(a)(1)): the first signing in a session asks for username and password, later
//! ones only for the password. The mark lives with the session's clock, so whatever ends
//! the session (sign-out, another sign-in, the idle limit) forgets it too.

use crate::error::{wait_in_words, CommandError};
use crate::state::AppState;
use outpost_domain::document::DocKind;
use outpost_domain::protocol::users::SignedInUser;
use outpost_domain::roles::Action;
use outpost_replica::{Replica, ReplicaError};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How much longer than the window's limit the shell waits before it ends an idle session
/// itself: the window reports input at most every 30 s and then saves pending edits, which
/// must still be accepted.
pub const ENFORCEMENT_GRACE: Duration = Duration::from_secs(60);

/// The last use of the window by the signed-in user; `None` while nobody is signed in.
#[derive(Debug)]
pub struct IdleClock {
    limit: Duration,
    open: Mutex<Option<OpenSession>>,
    /// Whether the open session was judged by the server (shown in the header).
    online: Mutex<bool>,
}

/// What the window knows of the open session.
#[derive(Debug, Clone, Copy)]
struct OpenSession {
    last_use: Instant,
    /// The user has signed a record in this session (with username and password).
    has_signed: bool,
}

impl IdleClock {
    pub fn new(limit: Duration) -> Self {
        Self {
            limit,
            open: Mutex::new(None),
            online: Mutex::new(false),
        }
    }

    /// The window's limit: idle this long, it signs out.
    pub fn limit(&self) -> Duration {
        self.limit
    }

    fn with<T>(&self, f: impl FnOnce(&mut Option<OpenSession>) -> T) -> T {
        // A panic elsewhere cannot leave the session half-written; keep using it.
        let mut guard = self.open.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut guard)
    }

    /// A session starts now, signed in online (by the server) or not.
    pub fn opened(&self, now: Instant, online: bool) {
        *self.online.lock().unwrap_or_else(|e| e.into_inner()) = online;
        self.with(|t| {
            *t = Some(OpenSession {
                last_use: now,
                has_signed: false,
            })
        });
    }

    /// Whether the open session was signed in by the server.
    pub fn online(&self) -> bool {
        *self.online.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The session ended (sign-out, or someone else signed in and then out).
    pub fn closed(&self) {
        self.with(|t| *t = None);
    }

    /// The user did something at `now` (typed, clicked, saved).
    pub fn touch(&self, now: Instant) {
        self.with(|t| {
            if let Some(open) = t.as_mut() {
                open.last_use = open.last_use.max(now);
            }
        });
    }

    /// Whether the open session's user has signed a record yet (then signing asks only
    /// for the password). False while nobody is signed in.
    pub fn has_signed(&self) -> bool {
        self.with(|t| t.is_some_and(|open| open.has_signed))
    }

    /// The open session's user has just signed a record; no effect when nobody is signed in.
    pub fn signed(&self) {
        self.with(|t| {
            if let Some(open) = t.as_mut() {
                open.has_signed = true;
            }
        });
    }

    /// Where the window's session stands at `now`. An open session unused past the limit
    /// plus the grace is closed here ([`Clock::Expired`]); the caller ends it on the replica.
    pub fn check(&self, now: Instant) -> Clock {
        let enforced = self.limit + ENFORCEMENT_GRACE;
        self.with(|t| match *t {
            None => Clock::NobodySignedIn,
            Some(open) if now.saturating_duration_since(open.last_use) > enforced => {
                *t = None;
                Clock::Expired
            }
            Some(_) => Clock::Open,
        })
    }
}

/// See [`IdleClock::check`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    /// Nobody signed in through this window (a session opened by the command line on the
    /// same replica does not count: the window never shows records it did not sign in for).
    NobodySignedIn,
    /// Signed in and in use.
    Open,
    /// Was signed in, and has just been signed out for idling.
    Expired,
}

/// What a command needs from the signed-in user.
#[derive(Debug, Clone, Copy)]
pub enum Need {
    /// A role that may do `Action` to records of `DocKind`.
    To(DocKind, Action),
    /// Anyone signed in (the command checks the rest, e.g. per record).
    SignedIn,
}

impl AppState {
    /// Runs `f` on the replica for the signed-in user, if there is one, the session is not
    /// past the idle limit, and their role meets `need`. Refuses otherwise, with what to do.
    pub async fn as_user<T, F>(&self, need: Need, f: F) -> Result<T, CommandError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Replica, &SignedInUser) -> Result<T, ReplicaError> + Send + 'static,
    {
        let clock = self.idle.check(Instant::now());
        let limit = self.idle.limit();
        self.with_replica_or(move |r| {
            match clock {
                Clock::Open => {}
                Clock::NobodySignedIn => return Err(ReplicaError::NotSignedIn.into()),
                Clock::Expired => {
                    r.logout().map_err(CommandError::from)?;
                    tracing::info!("signed out after the idle limit");
                    return Err(idle_signed_out(limit));
                }
            }
            let now = chrono::Utc::now();
            let user = match need {
                Need::To(kind, action) => r.author_for(kind, action, now)?,
                Need::SignedIn => r.signed_in_user(now)?.ok_or(ReplicaError::NotSignedIn)?,
            };
            f(r, &user).map_err(CommandError::from)
        })
        .await
    }
}

/// The refusal after an automatic logoff.
pub fn idle_signed_out(limit: Duration) -> CommandError {
    CommandError::signed_out(format!(
        "You were signed out after {} without activity. Sign in to continue.",
        wait_in_words(limit.as_secs())
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_open_session_expires_only_after_the_limit_and_the_grace() {
        let clock = IdleClock::new(Duration::from_secs(600));
        let t0 = Instant::now();
        assert_eq!(
            clock.check(t0 + Duration::from_secs(10_000)),
            Clock::NobodySignedIn
        );
        clock.opened(t0, true);
        let edge = t0 + Duration::from_secs(600) + ENFORCEMENT_GRACE;
        assert_eq!(clock.check(edge), Clock::Open);
        assert_eq!(clock.check(edge + Duration::from_secs(1)), Clock::Expired);
        // Expiring closes it: the next check finds nobody signed in.
        assert_eq!(
            clock.check(edge + Duration::from_secs(2)),
            Clock::NobodySignedIn
        );
    }

    #[test]
    fn use_of_the_window_pushes_the_limit_back() {
        let clock = IdleClock::new(Duration::from_secs(60));
        let t0 = Instant::now();
        clock.opened(t0, true);
        clock.touch(t0 + Duration::from_secs(100));
        // An older report arriving late does not pull the clock back.
        clock.touch(t0 + Duration::from_secs(50));
        let last = t0 + Duration::from_secs(100);
        let limit = Duration::from_secs(60) + ENFORCEMENT_GRACE;
        assert_eq!(clock.check(last + limit), Clock::Open);
        assert_eq!(
            clock.check(last + limit + Duration::from_secs(1)),
            Clock::Expired
        );
    }

    #[test]
    fn the_first_signing_mark_ends_with_the_session() {
        let clock = IdleClock::new(Duration::from_secs(60));
        let t0 = Instant::now();
        clock.signed();
        assert!(!clock.has_signed(), "nobody signed in: nothing to remember");
        clock.opened(t0, false);
        assert!(!clock.has_signed());
        clock.signed();
        assert!(clock.has_signed());
        // Input keeps it; sign-out forgets it, and so does the next sign-in.
        clock.touch(t0 + Duration::from_secs(1));
        assert!(clock.has_signed());
        clock.closed();
        assert!(!clock.has_signed());
        clock.opened(t0, false);
        clock.signed();
        clock.opened(t0 + Duration::from_secs(2), false);
        assert!(!clock.has_signed());
        // The idle limit ends the session and the mark with it.
        clock.signed();
        let late = t0 + Duration::from_secs(2) + Duration::from_secs(60) + ENFORCEMENT_GRACE;
        assert_eq!(clock.check(late + Duration::from_secs(1)), Clock::Expired);
        assert!(!clock.has_signed());
    }

    #[test]
    fn a_closed_session_is_not_reopened_by_input() {
        let clock = IdleClock::new(Duration::from_secs(60));
        let t0 = Instant::now();
        clock.opened(t0, true);
        clock.closed();
        clock.touch(t0 + Duration::from_secs(1));
        assert_eq!(
            clock.check(t0 + Duration::from_secs(10_000)),
            Clock::NobodySignedIn
        );
    }
}
