//! [`EventSender`]: a bounded queue of events drained by worker threads, with delivery reports.

use super::{check_event, PayloadFormat, StreamInner, OPERATION};
use crate::error::Error;
use crate::rate_limit::RateLimiter;
use crate::retry::RetryPolicy;
use std::collections::{BTreeSet, VecDeque};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;

/// The default [`SenderOptions::queue_capacity`]: events held before `send` blocks.
pub const DEFAULT_SENDER_QUEUE_CAPACITY: usize = 1000;

/// The default [`SenderOptions::workers`]: worker threads, each with one request in flight.
pub const DEFAULT_SENDER_WORKERS: usize = 8;

/// The default [`SenderOptions::max_retries`]: retries of an event after its first attempt.
pub const DEFAULT_SENDER_MAX_RETRIES: u32 = 4;

/// The most worker threads a sender starts.
const MAX_WORKERS: usize = 256;

/// How an [`EventSender`] queues and delivers; start from `SenderOptions::default()`.
///
/// Throughput is bounded by the rate limits and by `workers / latency`: 8 workers at 40 ms per
/// request deliver at most 200 events/s, so raise `workers` for a distant service. Memory is
/// bounded by `queue_capacity` times the event size.
///
/// ```
/// use amperity::{PayloadFormat, SenderOptions};
/// let options = SenderOptions { workers: 32, format: PayloadFormat::Json, ..SenderOptions::default() };
/// # let _ = options;
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct SenderOptions {
    /// The payload format of every event of this sender (default JSON; a stream takes one).
    pub format: PayloadFormat,
    /// Events queued and not yet taken by a worker before [`EventSender::send`] blocks and
    /// [`EventSender::try_send`] answers [`SendError::QueueFull`] (default
    /// [`DEFAULT_SENDER_QUEUE_CAPACITY`]); at least 1.
    pub queue_capacity: usize,
    /// Worker threads delivering events, each with one request in flight (default
    /// [`DEFAULT_SENDER_WORKERS`]); 1 to 256. With several workers, events may arrive out of
    /// order.
    pub workers: usize,
    /// An extra cap for this sender, in requests per second (default `None`). Every request
    /// also waits for the client's shared limit ([`StreamClientBuilder::rate_limit`](
    /// crate::StreamClientBuilder::rate_limit), 1000/s by default), so several senders of one
    /// client share its budget.
    pub rate_limit: Option<f64>,
    /// Retries of an event after its first attempt, with the backoff of the client's retry
    /// policy (default [`DEFAULT_SENDER_MAX_RETRIES`]); at most 99.
    pub max_retries: u32,
}

impl Default for SenderOptions {
    fn default() -> Self {
        SenderOptions {
            format: PayloadFormat::Json,
            queue_capacity: DEFAULT_SENDER_QUEUE_CAPACITY,
            workers: DEFAULT_SENDER_WORKERS,
            rate_limit: None,
            max_retries: DEFAULT_SENDER_MAX_RETRIES,
        }
    }
}

impl SenderOptions {
    fn check(&self) -> crate::Result<()> {
        if self.queue_capacity == 0 {
            return Err(Error::invalid_argument("queue_capacity must be at least 1"));
        }
        if !(1..=MAX_WORKERS).contains(&self.workers) {
            return Err(Error::invalid_argument(format!(
                "workers must be from 1 to {MAX_WORKERS}, got {}",
                self.workers
            )));
        }
        if let Some(rate) = self.rate_limit {
            if !(rate.is_finite() && rate > 0.0) {
                return Err(Error::invalid_argument(format!(
                    "the sender's rate limit must be a positive number of requests per second, got {rate}"
                )));
            }
        }
        if self.max_retries > 99 {
            return Err(Error::invalid_argument(format!(
                "max_retries must be at most 99, got {}",
                self.max_retries
            )));
        }
        Ok(())
    }
}

/// Why [`EventSender::send`] or [`EventSender::try_send`] did not take an event; nothing was
/// queued.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SendError {
    /// The event was refused locally ([`Error::InvalidArgument`]): larger than
    /// [`MAX_STREAM_PAYLOAD_BYTES`](crate::MAX_STREAM_PAYLOAD_BYTES), empty, or (JSON) not
    /// exactly one JSON object.
    #[error(transparent)]
    Refused(Error),
    /// [`try_send`](EventSender::try_send) only: the queue is full (the workers are behind).
    #[error("the sender's queue is full ({capacity} events waiting); try again later, or use send, which waits")]
    QueueFull {
        /// The queue's capacity.
        capacity: usize,
    },
    /// The sender was closed; it takes no more events.
    #[error("the sender is closed and takes no more events")]
    Closed,
}

/// What a sender delivered since its previous report ([`EventSender::flush`] or
/// [`EventSender::close`]): reports are incremental, so every accepted event is in exactly one
/// report, as accepted or failed.
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct DeliveryReport {
    /// Events the service accepted (202).
    pub accepted: u64,
    /// Events that failed for good (a refusal such as 400, 401 or 413, or the retries ran out),
    /// each with its error and payload, in the order they failed.
    pub failed: Vec<FailedDelivery>,
    /// Retry attempts made (over all events of the report, failed ones included).
    pub retried: u64,
}

impl DeliveryReport {
    /// Events the report covers: accepted plus failed.
    pub fn delivered_or_failed(&self) -> u64 {
        self.accepted + self.failed.len() as u64
    }
}

/// An event that could not be delivered.
#[non_exhaustive]
pub struct FailedDelivery {
    /// Its sequence number, as [`EventSender::send`] returned it.
    pub sequence: u64,
    /// The last error (its [`Error::attempts`] says how many attempts were made).
    pub error: Error,
    /// The event, to send again or keep elsewhere.
    pub payload: String,
}

impl std::fmt::Debug for FailedDelivery {
    /// Shows the payload's size, not the payload (events hold customer data).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FailedDelivery")
            .field("sequence", &self.sequence)
            .field("error", &self.error)
            .field("payload_bytes", &self.payload.len())
            .finish()
    }
}

struct QueuedEvent {
    sequence: u64,
    payload: String,
}

#[derive(Default)]
struct QueueState {
    queue: VecDeque<QueuedEvent>,
    /// Sequences taken by a worker and not finished.
    in_flight: BTreeSet<u64>,
    next_sequence: u64,
    closed: bool,
    report: DeliveryReport,
}

impl QueueState {
    /// The lowest sequence not finished yet (`next_sequence` when everything is).
    fn lowest_unfinished(&self) -> u64 {
        let queued = self.queue.front().map(|e| e.sequence);
        let taken = self.in_flight.first().copied();
        [queued, taken]
            .into_iter()
            .flatten()
            .min()
            .unwrap_or(self.next_sequence)
    }

    fn idle(&self) -> bool {
        self.queue.is_empty() && self.in_flight.is_empty()
    }
}

struct Shared {
    client: Arc<StreamInner>,
    url: String,
    format: PayloadFormat,
    capacity: usize,
    policy: RetryPolicy,
    limiter: Option<RateLimiter>,
    state: Mutex<QueueState>,
    /// Workers wait here for an event (or the close).
    work_ready: Condvar,
    /// Producers wait here for room in the queue (or the close).
    space_ready: Condvar,
    /// Flushes and closes wait here for events to finish.
    progress: Condvar,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, QueueState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn wait<'a>(
        &self,
        on: &Condvar,
        guard: MutexGuard<'a, QueueState>,
    ) -> MutexGuard<'a, QueueState> {
        on.wait(guard).unwrap_or_else(|e| e.into_inner())
    }

    /// Takes events until the sender is closed and the queue is empty.
    fn work(&self) {
        loop {
            let event = {
                let mut state = self.lock();
                loop {
                    if let Some(event) = state.queue.pop_front() {
                        state.in_flight.insert(event.sequence);
                        self.space_ready.notify_one();
                        break event;
                    }
                    if state.closed {
                        return;
                    }
                    state = self.wait(&self.work_ready, state);
                }
            };
            // A panic (from a request hook, say) fails this event instead of losing it.
            let (result, attempts) = catch_unwind(AssertUnwindSafe(|| {
                self.client.deliver(
                    &self.url,
                    self.format,
                    event.payload.as_bytes(),
                    &self.policy,
                    self.limiter.as_ref(),
                )
            }))
            .unwrap_or_else(|_| {
                let error = Error::Transport {
                    kind: crate::TransportKind::Other,
                    operation: OPERATION.to_owned(),
                    detail: "the delivery panicked (in a request hook?)".to_owned(),
                    attempts: 1,
                };
                (Err(error), 1)
            });
            let mut state = self.lock();
            state.in_flight.remove(&event.sequence);
            state.report.retried += u64::from(attempts.saturating_sub(1));
            match result {
                Ok(()) => state.report.accepted += 1,
                Err(error) => state.report.failed.push(FailedDelivery {
                    sequence: event.sequence,
                    error,
                    payload: event.payload,
                }),
            }
            self.progress.notify_all();
        }
    }
}

/// Sends events to one stream in volume: a bounded queue drained by worker threads that share
/// the client's rate limiter and retry with backoff; created by [`StreamClient::sender`](
/// crate::StreamClient::sender).
///
/// [`send`](Self::send) checks the event at once (a refused event is an error and is not
/// queued), then queues it, waiting while the queue is full (back-pressure);
/// [`try_send`](Self::try_send) answers [`SendError::QueueFull`] instead of waiting.
/// [`flush`](Self::flush) waits until everything sent before it is delivered or failed;
/// [`close`](Self::close) stops taking events, delivers everything still queued and stops the
/// workers. Both return a [`DeliveryReport`] of what finished since the previous report, so no
/// accepted event goes unreported. Dropping the sender closes it (and waits for the deliveries).
///
/// Thread-safe: share it (`&EventSender`, or an `Arc`) between producer threads.
///
/// ```
/// # let server = amperity_mock::MockServer::start(Default::default()).unwrap();
/// use amperity::{SenderOptions, StreamClient};
///
/// let streams = StreamClient::builder("acme")
/// #   .base_url(server.origin())
///     .token("mock-stream-token")
///     .build()?;
/// let sender = streams.sender("is-AbCDefGH", SenderOptions::default())?;
/// std::thread::scope(|scope| {
///     for producer in 0..4 {
///         let sender = &sender;
///         scope.spawn(move || {
///             for n in 0..250 {
///                 sender.send(&format!(r#"{{"producer": {producer}, "n": {n}}}"#)).unwrap();
///             }
///         });
///     }
/// });
/// let report = sender.close();
/// assert_eq!(report.accepted, 1000);
/// assert!(report.failed.is_empty());
/// # assert_eq!(server.stream_events("is-AbCDefGH").accepted, 1000);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct EventSender {
    shared: Arc<Shared>,
    stream_id: String,
    workers: Mutex<Vec<JoinHandle<()>>>,
}

impl std::fmt::Debug for EventSender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventSender")
            .field("stream_id", &self.stream_id)
            .field("format", &self.shared.format)
            .field("capacity", &self.shared.capacity)
            .finish_non_exhaustive()
    }
}

impl EventSender {
    pub(super) fn start(
        client: Arc<StreamInner>,
        stream_id: &str,
        url: String,
        options: SenderOptions,
    ) -> crate::Result<EventSender> {
        options.check()?;
        let mut policy = client.config.retry.clone();
        policy.max_attempts = options.max_retries + 1;
        let shared = Arc::new(Shared {
            client,
            url,
            format: options.format,
            capacity: options.queue_capacity,
            policy,
            limiter: options.rate_limit.map(RateLimiter::new),
            state: Mutex::new(QueueState::default()),
            work_ready: Condvar::new(),
            space_ready: Condvar::new(),
            progress: Condvar::new(),
        });
        let sender = EventSender {
            shared,
            stream_id: stream_id.to_owned(),
            workers: Mutex::new(Vec::with_capacity(options.workers)),
        };
        for n in 0..options.workers {
            let shared = Arc::clone(&sender.shared);
            let spawned = std::thread::Builder::new()
                .name(format!("amperity-stream-{n}"))
                .spawn(move || shared.work());
            match spawned {
                Ok(handle) => sender.lock_workers().push(handle),
                // Dropping the sender closes it and joins the workers already started.
                Err(error) => {
                    return Err(Error::invalid_argument(format!(
                        "could not start the sender's worker threads ({} of {}): {error}",
                        n + 1,
                        options.workers
                    )))
                }
            }
        }
        Ok(sender)
    }

    fn lock_workers(&self) -> MutexGuard<'_, Vec<JoinHandle<()>>> {
        self.workers.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The stream this sender delivers to.
    pub fn stream_id(&self) -> &str {
        &self.stream_id
    }

    /// Checks `event` and queues it, waiting while the queue is full; returns its sequence
    /// number (0 for the sender's first event, then 1, 2, …), which a [`FailedDelivery`] names.
    ///
    /// [`SendError::Refused`] (nothing queued, nothing sent) for an event the Streaming API
    /// would refuse; [`SendError::Closed`] once the sender is closed.
    pub fn send(&self, event: &str) -> Result<u64, SendError> {
        self.enqueue(event, true)
    }

    /// [`send`](Self::send) without waiting: [`SendError::QueueFull`] when the queue is full.
    pub fn try_send(&self, event: &str) -> Result<u64, SendError> {
        self.enqueue(event, false)
    }

    fn enqueue(&self, event: &str, wait: bool) -> Result<u64, SendError> {
        check_event(self.shared.format, event).map_err(SendError::Refused)?;
        let shared = &self.shared;
        let mut state = shared.lock();
        loop {
            if state.closed {
                return Err(SendError::Closed);
            }
            if state.queue.len() < shared.capacity {
                let sequence = state.next_sequence;
                state.next_sequence += 1;
                state.queue.push_back(QueuedEvent {
                    sequence,
                    payload: event.to_owned(),
                });
                shared.work_ready.notify_one();
                return Ok(sequence);
            }
            if !wait {
                return Err(SendError::QueueFull {
                    capacity: shared.capacity,
                });
            }
            state = shared.wait(&shared.space_ready, state);
        }
    }

    /// Events queued or being delivered now.
    pub fn pending(&self) -> usize {
        let state = self.shared.lock();
        state.queue.len() + state.in_flight.len()
    }

    /// Waits until every event sent before this call is delivered or failed, and returns what
    /// finished since the previous report (events sent meanwhile by other threads may be in it
    /// too).
    pub fn flush(&self) -> DeliveryReport {
        let shared = &self.shared;
        let mut state = shared.lock();
        let target = state.next_sequence;
        while state.lowest_unfinished() < target {
            state = shared.wait(&shared.progress, state);
        }
        std::mem::take(&mut state.report)
    }

    /// Stops taking events ([`SendError::Closed`] from then on), delivers everything still
    /// queued, stops the workers and returns what finished since the previous report. A second
    /// close returns an empty report.
    pub fn close(&self) -> DeliveryReport {
        let shared = &self.shared;
        {
            let mut state = shared.lock();
            state.closed = true;
            shared.work_ready.notify_all();
            shared.space_ready.notify_all();
        }
        let workers = std::mem::take(&mut *self.lock_workers());
        for worker in workers {
            // A worker catches the panics of its deliveries; nothing else in it can panic.
            let _ = worker.join();
        }
        let mut state = shared.lock();
        // Another thread's close may be joining the workers: wait for the queue to drain.
        while !state.idle() {
            state = shared.wait(&shared.progress, state);
        }
        std::mem::take(&mut state.report)
    }
}

impl Drop for EventSender {
    fn drop(&mut self) {
        let report = self.close();
        if !report.failed.is_empty() {
            log::warn!(
                "a dropped stream sender for {} had {} undelivered events (close() returns them)",
                self.stream_id,
                report.failed.len()
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn senders_are_shareable_between_threads() {
        assert_send_sync::<EventSender>();
        assert_send_sync::<SendError>();
        assert_send_sync::<DeliveryReport>();
    }

    #[test]
    fn options_out_of_range_are_refused() {
        let ok = SenderOptions::default();
        assert!(ok.check().is_ok());
        for bad in [
            SenderOptions {
                queue_capacity: 0,
                ..ok.clone()
            },
            SenderOptions {
                workers: 0,
                ..ok.clone()
            },
            SenderOptions {
                workers: 257,
                ..ok.clone()
            },
            SenderOptions {
                rate_limit: Some(0.0),
                ..ok.clone()
            },
            SenderOptions {
                rate_limit: Some(f64::NAN),
                ..ok.clone()
            },
            SenderOptions {
                max_retries: 100,
                ..ok.clone()
            },
        ] {
            assert!(
                matches!(bad.check(), Err(Error::InvalidArgument { .. })),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn the_lowest_unfinished_sequence() {
        let mut state = QueueState {
            next_sequence: 10,
            ..QueueState::default()
        };
        assert_eq!(state.lowest_unfinished(), 10);
        state.in_flight.extend([7, 4]);
        state.queue.push_back(QueuedEvent {
            sequence: 8,
            payload: String::new(),
        });
        assert_eq!(state.lowest_unfinished(), 4);
        state.in_flight.clear();
        assert_eq!(state.lowest_unfinished(), 8);
    }
}
