//! The replica's clock, for checks that expire (a break-the-glass access): the system
//! clock normally; tests and simulations set another one ([`crate::Replica::set_clock`])
//! so expiry is checked without waiting.

use chrono::{DateTime, Utc};
use std::fmt;
use std::sync::Arc;

/// Where the replica reads the time.
#[derive(Clone)]
pub struct Clock(Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>);

impl Clock {
    /// The system clock.
    pub fn system() -> Self {
        Self(Arc::new(Utc::now))
    }

    /// A clock answering `now()`.
    pub fn from_fn(now: impl Fn() -> DateTime<Utc> + Send + Sync + 'static) -> Self {
        Self(Arc::new(now))
    }

    pub fn now(&self) -> DateTime<Utc> {
        (self.0)()
    }
}

impl fmt::Debug for Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Clock")
    }
}

impl crate::replica::Replica {
    /// Reads the time from `clock` from now on (tests and simulations).
    pub fn set_clock(&mut self, clock: Clock) {
        self.clock = clock;
    }
}
