//! The one source of "now".

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use jiff::{SignedDuration, Timestamp};

/// Where "now" comes from: the system clock in production, or a simulated
/// clock that a test sets and advances. Every part of Abide that asks the
/// time asks a `Clock` — the store's ([`Store::clock`](crate::Store::clock)),
/// which the web layer and the workers share — so schedules, leases, caches,
/// catch-up and morning mail across DST changes are tested by moving this
/// clock, never by sleeping.
///
/// Cheap to clone; clones share the same time.
#[derive(Debug, Clone, Default)]
pub struct Clock {
    simulated: Option<Arc<AtomicI64>>,
}

/// [`Clock::set`] or [`Clock::advance`] on the system clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the system clock cannot be set; use Clock::simulated")]
pub struct NotSimulated;

impl Clock {
    /// The system clock.
    pub fn system() -> Self {
        Self::default()
    }

    /// A clock that stands at `start` until it is set or advanced.
    pub fn simulated(start: Timestamp) -> Self {
        Self {
            simulated: Some(Arc::new(AtomicI64::new(start.as_millisecond()))),
        }
    }

    /// Whether this is a simulated clock.
    pub fn is_simulated(&self) -> bool {
        self.simulated.is_some()
    }

    /// The current instant, to the millisecond.
    pub fn now(&self) -> Timestamp {
        Timestamp::from_millisecond(self.now_ms()).unwrap_or(Timestamp::UNIX_EPOCH)
    }

    /// The current instant as UTC milliseconds since the Unix epoch, the form
    /// in which every instant is stored.
    pub fn now_ms(&self) -> i64 {
        match &self.simulated {
            Some(ms) => ms.load(Ordering::SeqCst),
            None => Timestamp::now().as_millisecond(),
        }
    }

    /// Moves a simulated clock to `to` (backwards too).
    pub fn set(&self, to: Timestamp) -> Result<(), NotSimulated> {
        let ms = self.simulated.as_ref().ok_or(NotSimulated)?;
        ms.store(to.as_millisecond(), Ordering::SeqCst);
        Ok(())
    }

    /// Moves a simulated clock on by `by`.
    pub fn advance(&self, by: SignedDuration) -> Result<(), NotSimulated> {
        let ms = self.simulated.as_ref().ok_or(NotSimulated)?;
        let by = i64::try_from(by.as_millis()).unwrap_or(i64::MAX);
        ms.fetch_add(by, Ordering::SeqCst);
        Ok(())
    }
}

/// A duration in the stored unit (milliseconds), saturating far beyond any
/// lease or lifetime rather than overflowing when added to an instant.
pub(crate) fn millis(duration: std::time::Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX / 4)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_simulated_clock_moves_only_when_told() {
        let start: Timestamp = "2027-03-14T05:59:00Z".parse().unwrap();
        let clock = Clock::simulated(start);
        let shared = clock.clone();
        assert_eq!(clock.now(), start);
        shared.advance(SignedDuration::from_mins(2)).unwrap();
        assert_eq!(
            clock.now(),
            "2027-03-14T06:01:00Z".parse::<Timestamp>().unwrap()
        );
        clock.set(start).unwrap();
        assert_eq!(shared.now_ms(), start.as_millisecond());
    }

    #[test]
    fn the_system_clock_cannot_be_moved() {
        let clock = Clock::system();
        assert!(!clock.is_simulated());
        assert_eq!(
            clock.advance(SignedDuration::from_secs(1)),
            Err(NotSimulated)
        );
        let before = Timestamp::now().as_millisecond();
        assert!(clock.now_ms() >= before);
    }
}
