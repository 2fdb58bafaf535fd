//! A per-connection request rate limit (the generic cell rate algorithm): requests are spaced
//! `1/rate` apart, with up to `burst` of them allowed back to back. Sources publish limits; staying
//! under them is cheaper than being answered 429.

use std::time::{Duration, Instant};

use tokio::sync::Mutex;

#[derive(Debug)]
pub struct RateLimiter {
    interval: Duration,
    burst: u32,
    /// The earliest time the next request may go if no burst allowance were left.
    next: Mutex<Instant>,
}

impl RateLimiter {
    pub fn new(per_second: u32, burst: u32) -> RateLimiter {
        RateLimiter {
            interval: Duration::from_secs(1) / per_second.max(1),
            burst: burst.max(1),
            next: Mutex::new(Instant::now()),
        }
    }

    /// How long the caller must wait before its request may go, reserving its slot.
    pub async fn reserve(&self, now: Instant) -> Duration {
        let mut next = self.next.lock().await;
        let allowance = self.interval * (self.burst - 1);
        let earliest = now.checked_sub(allowance).unwrap_or(now);
        let slot = (*next).max(earliest);
        *next = slot + self.interval;
        slot.saturating_duration_since(now)
    }

    /// Waits for the next slot.
    pub async fn acquire(&self) {
        let wait = self.reserve(Instant::now()).await;
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_burst_goes_at_once_then_requests_are_spaced() {
        let limiter = RateLimiter::new(10, 3);
        let now = Instant::now() + Duration::from_secs(1);
        let waits: Vec<Duration> = {
            let mut v = Vec::new();
            for _ in 0..5 {
                v.push(limiter.reserve(now).await);
            }
            v
        };
        assert_eq!(&waits[..3], &[Duration::ZERO; 3]);
        assert_eq!(waits[3], Duration::from_millis(100));
        assert_eq!(waits[4], Duration::from_millis(200));
        // After a quiet second the burst is available again.
        let later = now + Duration::from_secs(2);
        assert_eq!(limiter.reserve(later).await, Duration::ZERO);
    }
}
