//! A circuit breaker per connection: after repeated failures the engine stops calling a source
//! for a cool-down, then lets one trial through. Pure: time is passed in.

use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CircuitState {
    /// Calls go through.
    Closed,
    /// Calls are refused until the cool-down ends.
    Open,
    /// The cool-down ended: the next call is a trial.
    HalfOpen,
}

impl CircuitState {
    pub fn as_str(self) -> &'static str {
        match self {
            CircuitState::Closed => "closed",
            CircuitState::Open => "open",
            CircuitState::HalfOpen => "half_open",
        }
    }
}

#[derive(Debug, Clone)]
pub struct CircuitBreaker {
    threshold: u32,
    cool_down: Duration,
    consecutive_failures: u32,
    open_until: Option<Instant>,
}

impl Default for CircuitBreaker {
    fn default() -> Self {
        CircuitBreaker::new(5, Duration::from_secs(30))
    }
}

impl CircuitBreaker {
    pub fn new(threshold: u32, cool_down: Duration) -> Self {
        CircuitBreaker {
            threshold: threshold.max(1),
            cool_down,
            consecutive_failures: 0,
            open_until: None,
        }
    }

    pub fn state(&self, now: Instant) -> CircuitState {
        match self.open_until {
            None => CircuitState::Closed,
            Some(until) if now < until => CircuitState::Open,
            Some(_) => CircuitState::HalfOpen,
        }
    }

    /// Whether a call may go out now.
    pub fn allow(&self, now: Instant) -> bool {
        self.state(now) != CircuitState::Open
    }

    pub fn record_success(&mut self) {
        self.consecutive_failures = 0;
        self.open_until = None;
    }

    /// A failed trial reopens at once; otherwise the circuit opens at the threshold.
    pub fn record_failure(&mut self, now: Instant) {
        self.consecutive_failures += 1;
        let trial_failed = self.state(now) == CircuitState::HalfOpen;
        if trial_failed || self.consecutive_failures >= self.threshold {
            self.open_until = Some(now + self.cool_down);
        }
    }

    pub fn consecutive_failures(&self) -> u32 {
        self.consecutive_failures
    }

    /// When the circuit lets a trial through, if it is open.
    pub fn retry_at(&self, now: Instant) -> Option<Instant> {
        self.open_until.filter(|until| now < *until)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_at_the_threshold_and_lets_one_trial_through_after_the_cool_down() {
        let t0 = Instant::now();
        let mut b = CircuitBreaker::new(3, Duration::from_secs(30));
        b.record_failure(t0);
        b.record_failure(t0);
        assert_eq!(b.state(t0), CircuitState::Closed);
        b.record_failure(t0);
        assert_eq!(b.state(t0), CircuitState::Open);
        assert!(!b.allow(t0 + Duration::from_secs(29)));
        let later = t0 + Duration::from_secs(31);
        assert_eq!(b.state(later), CircuitState::HalfOpen);
        assert!(b.allow(later));
        // The trial fails: open again for a full cool-down.
        b.record_failure(later);
        assert_eq!(b.state(later + Duration::from_secs(29)), CircuitState::Open);
        // A successful trial closes it.
        let much_later = later + Duration::from_secs(31);
        b.record_success();
        assert_eq!(b.state(much_later), CircuitState::Closed);
        assert_eq!(b.consecutive_failures(), 0);
    }

    #[test]
    fn a_success_resets_the_count() {
        let t0 = Instant::now();
        let mut b = CircuitBreaker::new(2, Duration::from_secs(5));
        b.record_failure(t0);
        b.record_success();
        b.record_failure(t0);
        assert_eq!(b.state(t0), CircuitState::Closed);
    }
}
