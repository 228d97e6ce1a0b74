//! Retry policy: which failures are retried and how long to wait between attempts.

use crate::error::{Error, Result, TransportKind};
use std::time::{Duration, SystemTime};

/// How a request may be retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RetryClass {
    /// Safe to repeat: retried on 429, 500, 502, 503, 504 and connection failures.
    Idempotent,
    /// Not safe to repeat (`POST /workflow/runs`): retried only when the server refused it (429)
    /// or the connection could not be opened, never after a timeout or a 5xx.
    OnlyWhenRefused,
}

/// Capped exponential backoff with full jitter, in the spirit of the AWS SDK's standard mode.
///
/// The wait before retry `n` (1-based) is a random duration in `[0, min(max_backoff,
/// initial_backoff × 2^(n-1))]`. A `Retry-After` header overrides it when it asks for no more
/// than `max_retry_after`; a longer demand ends the retries and returns the 429 to the caller.
///
/// ```
/// use amperity::{Client, RetryPolicy};
/// use std::time::Duration;
///
/// // 5 attempts, backoff ceilings 0.5 s, 1 s, 2 s, 4 s (capped at 10 s), Retry-After up to 30 s.
/// let policy = RetryPolicy::new(5, Duration::from_millis(500), Duration::from_secs(10))
///     .with_max_retry_after(Duration::from_secs(30));
/// let client = Client::builder("acme").token("t").retry_policy(policy).build()?;
/// let no_retries = Client::builder("acme").token("t").retry_policy(RetryPolicy::disabled()).build()?;
/// # let _ = (client, no_retries);
/// # Ok::<(), amperity::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Total attempts including the first (1 disables retries). Default 3.
    pub max_attempts: u32,
    /// Backoff ceiling for the first retry. Default 1 s.
    pub initial_backoff: Duration,
    /// Cap on any single backoff. Default 20 s.
    pub max_backoff: Duration,
    /// Longest `Retry-After` honoured. Default 60 s.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(20),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries.
    pub fn disabled() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// A policy with these attempts and backoff bounds (and the default `max_retry_after`).
    pub fn new(max_attempts: u32, initial_backoff: Duration, max_backoff: Duration) -> Self {
        RetryPolicy {
            max_attempts,
            initial_backoff,
            max_backoff,
            ..Self::default()
        }
    }

    /// Sets the longest `Retry-After` the client will wait for.
    pub fn with_max_retry_after(mut self, max: Duration) -> Self {
        self.max_retry_after = max;
        self
    }

    pub(crate) fn validate(&self) -> Result<()> {
        if self.max_attempts == 0 {
            return Err(Error::config("retry max_attempts must be at least 1"));
        }
        if self.max_attempts > 100 {
            return Err(Error::config("retry max_attempts must be at most 100"));
        }
        if self.initial_backoff > self.max_backoff {
            return Err(Error::config(
                "retry initial_backoff is larger than max_backoff",
            ));
        }
        Ok(())
    }

    /// The wait before retrying after `error`, or `None` when it must not be retried.
    /// `attempt` is the number of attempts already made (1 after the first).
    pub(crate) fn delay_for(
        &self,
        class: RetryClass,
        error: &Error,
        attempt: u32,
    ) -> Option<Duration> {
        if attempt >= self.max_attempts || !is_retryable(class, error) {
            return None;
        }
        if let Some(wait) = error.as_api().and_then(|api| api.retry_after) {
            return (wait <= self.max_retry_after).then_some(wait);
        }
        let exp = 2u32.saturating_pow(attempt.saturating_sub(1).min(30));
        let ceiling = self
            .initial_backoff
            .saturating_mul(exp)
            .min(self.max_backoff);
        Some(ceiling.mul_f64(jitter()))
    }
}

fn is_retryable(class: RetryClass, error: &Error) -> bool {
    match (class, error) {
        (_, Error::Api(api)) if api.status == 429 => true,
        (RetryClass::Idempotent, Error::Api(api)) => matches!(api.status, 500 | 502 | 503 | 504),
        (RetryClass::Idempotent, Error::Transport { kind, .. }) => matches!(
            kind,
            TransportKind::Connect | TransportKind::ConnectionReset | TransportKind::Timeout
        ),
        (RetryClass::OnlyWhenRefused, Error::Transport { kind, .. }) => {
            *kind == TransportKind::Connect
        }
        _ => false,
    }
}

/// A uniform random number in `[0, 1)` from a per-thread xorshift seeded by the clock.
fn jitter() -> f64 {
    use std::cell::Cell;
    thread_local! {
        static STATE: Cell<u64> = Cell::new({
            let nanos = SystemTime::now()
                .duration_since(SystemTime::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos() as u64);
            let addr = &nanos as *const u64 as u64;
            (nanos ^ addr.rotate_left(32)) | 1
        });
    }
    STATE.with(|state| {
        let mut x = state.get();
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        state.set(x);
        (x >> 11) as f64 / (1u64 << 53) as f64
    })
}

/// Parses `Retry-After`: delay seconds or an HTTP date (IMF-fixdate, as HTTP requires).
pub(crate) fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = parse_http_date(value)?;
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

/// Parses an IMF-fixdate such as `Wed, 21 Oct 2015 07:28:00 GMT`.
pub(crate) fn parse_http_date(value: &str) -> Option<SystemTime> {
    let mut parts = value.split_whitespace();
    let _weekday = parts.next()?;
    let day: u32 = parts.next()?.parse().ok()?;
    let month = match parts.next()? {
        "Jan" => 1,
        "Feb" => 2,
        "Mar" => 3,
        "Apr" => 4,
        "May" => 5,
        "Jun" => 6,
        "Jul" => 7,
        "Aug" => 8,
        "Sep" => 9,
        "Oct" => 10,
        "Nov" => 11,
        "Dec" => 12,
        _ => return None,
    };
    let year: u32 = parts.next()?.parse().ok()?;
    let time = parts.next()?;
    if parts.next()? != "GMT" {
        return None;
    }
    let text = format!("{year:04}-{month:02}-{day:02}T{time}Z");
    crate::Timestamp::parse(&text).ok().map(SystemTime::from)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{ApiError, ApiErrorKind};

    fn api(status: u16, retry_after: Option<Duration>) -> Error {
        Error::Api(ApiError {
            status,
            kind: ApiErrorKind::from_status(status),
            message: String::new(),
            request_id: None,
            trace_id: None,
            operation: "op".into(),
            retry_after,
            attempts: 1,
        })
    }

    #[test]
    fn classes() {
        let p = RetryPolicy::default();
        assert!(p
            .delay_for(RetryClass::Idempotent, &api(503, None), 1)
            .is_some());
        assert!(p
            .delay_for(RetryClass::Idempotent, &api(404, None), 1)
            .is_none());
        assert!(p
            .delay_for(RetryClass::Idempotent, &api(503, None), 3)
            .is_none());
        assert!(p
            .delay_for(RetryClass::OnlyWhenRefused, &api(500, None), 1)
            .is_none());
        assert!(p
            .delay_for(RetryClass::OnlyWhenRefused, &api(429, None), 1)
            .is_some());
        let timeout = Error::Transport {
            kind: TransportKind::Timeout,
            operation: "op".into(),
            detail: String::new(),
            attempts: 1,
        };
        assert!(p.delay_for(RetryClass::Idempotent, &timeout, 1).is_some());
        assert!(p
            .delay_for(RetryClass::OnlyWhenRefused, &timeout, 1)
            .is_none());
    }

    #[test]
    fn backoff_is_capped_with_full_jitter() {
        let p = RetryPolicy::new(10, Duration::from_millis(100), Duration::from_millis(400));
        for attempt in 1..9 {
            let d = p
                .delay_for(RetryClass::Idempotent, &api(500, None), attempt)
                .unwrap();
            let cap =
                Duration::from_millis(100 * 2u64.pow(attempt - 1)).min(Duration::from_millis(400));
            assert!(d <= cap, "{d:?} > {cap:?}");
        }
        assert_eq!(
            p.delay_for(
                RetryClass::Idempotent,
                &api(429, Some(Duration::from_secs(2))),
                1
            ),
            Some(Duration::from_secs(2))
        );
        assert_eq!(
            p.delay_for(
                RetryClass::Idempotent,
                &api(429, Some(Duration::from_secs(3600))),
                1
            ),
            None
        );
    }

    #[test]
    fn retry_after_forms() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_445_412_470);
        assert_eq!(parse_retry_after("5", now), Some(Duration::from_secs(5)));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now),
            Some(Duration::from_secs(10))
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:27:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
    }
}
