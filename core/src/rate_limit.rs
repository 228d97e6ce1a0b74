//! A token bucket shared by every thread that uses one client.

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Allows `rate` requests per second on average with bursts of up to `rate` (at least 1).
#[derive(Debug)]
pub(crate) struct RateLimiter {
    rate: f64,
    burst: f64,
    state: Mutex<Bucket>,
}

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    updated: Instant,
}

impl RateLimiter {
    pub(crate) fn new(rate: f64) -> Self {
        let burst = rate.max(1.0);
        RateLimiter {
            rate,
            burst,
            state: Mutex::new(Bucket {
                tokens: burst,
                updated: Instant::now(),
            }),
        }
    }

    /// Takes one token and returns how long to wait before using it (zero when one was there);
    /// the caller sleeps, without the lock, so that a cancel can cut the wait short.
    pub(crate) fn reserve(&self) -> Duration {
        let wait = {
            let mut bucket = self.state.lock().unwrap_or_else(|e| e.into_inner());
            let now = Instant::now();
            let elapsed = now.saturating_duration_since(bucket.updated).as_secs_f64();
            bucket.tokens = (bucket.tokens + elapsed * self.rate).min(self.burst);
            bucket.updated = now;
            // Reserve the token now, even if it is not there yet: callers queue up in order and
            // each sleeps for its own share of the deficit.
            bucket.tokens -= 1.0;
            if bucket.tokens >= 0.0 {
                return Duration::ZERO;
            }
            Duration::from_secs_f64(-bucket.tokens / self.rate)
        };
        wait
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bursts_then_paces() {
        let limiter = RateLimiter::new(50.0);
        let start = Instant::now();
        for _ in 0..60 {
            std::thread::sleep(limiter.reserve());
        }
        // A burst of 50, then 10 more tokens at 50 per second: at least 200 ms in all.
        assert!(
            start.elapsed() >= Duration::from_millis(195),
            "{:?}",
            start.elapsed()
        );
    }
}
