//! Client-wide cancellation: [`Client::cancel`](crate::Client::cancel) ends every call in
//! progress on the client, promptly, and leaves the client usable for the calls after it.
//!
//! A cancel bumps a generation counter and wakes every sleeping call (backoff, `Retry-After`,
//! rate limiter, the wait helper's polls); the transport also shuts the connections in use, so
//! a request blocked on the network returns at once. A call remembers the generation it started
//! in (per thread, through [`CallGuard`]; nested steps of one call, such as the polls of a wait,
//! keep the outer call's), and is cancelled when the generation moved on.

use std::cell::Cell;
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// The cancellation state of one client.
#[derive(Debug, Default)]
pub(crate) struct Canceller {
    generation: Mutex<u64>,
    wake: Condvar,
}

thread_local! {
    /// The call in progress on this thread: which canceller (by address) and its generation.
    static CURRENT: Cell<Option<(usize, u64)>> = const { Cell::new(None) };
}

/// Marks the span of one call on this thread; restores the outer state when dropped.
pub(crate) struct CallGuard {
    previous: Option<(usize, u64)>,
    entered: bool,
}

impl Drop for CallGuard {
    fn drop(&mut self) {
        if self.entered {
            CURRENT.with(|current| current.set(self.previous));
        }
    }
}

impl Canceller {
    fn id(&self) -> usize {
        self as *const Canceller as usize
    }

    fn lock(&self) -> MutexGuard<'_, u64> {
        self.generation.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Starts a call on this thread (a no-op inside a call of the same client).
    pub(crate) fn begin(&self) -> CallGuard {
        let id = self.id();
        let previous = CURRENT.with(Cell::get);
        if matches!(previous, Some((current, _)) if current == id) {
            return CallGuard {
                previous,
                entered: false,
            };
        }
        let generation = *self.lock();
        CURRENT.with(|current| current.set(Some((id, generation))));
        CallGuard {
            previous,
            entered: true,
        }
    }

    /// The generation of the call in progress on this thread (the current one outside a call).
    fn call_generation(&self, now: u64) -> u64 {
        match CURRENT.with(Cell::get) {
            Some((id, generation)) if id == self.id() => generation,
            _ => now,
        }
    }

    /// True when the call in progress on this thread was cancelled.
    pub(crate) fn is_cancelled(&self) -> bool {
        let now = *self.lock();
        self.call_generation(now) != now
    }

    /// Cancels every call in progress and wakes those that sleep.
    pub(crate) fn cancel(&self) {
        *self.lock() += 1;
        self.wake.notify_all();
    }

    /// Sleeps for `duration`; `false` when the call was cancelled before the end.
    pub(crate) fn sleep(&self, duration: Duration) -> bool {
        let deadline = Instant::now() + duration;
        let mut now_generation = self.lock();
        let generation = self.call_generation(*now_generation);
        loop {
            if *now_generation != generation {
                return false;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return true;
            }
            now_generation = self
                .wake
                .wait_timeout(now_generation, left)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn a_cancel_wakes_a_sleeping_call_and_spares_the_next() {
        let canceller = Arc::new(Canceller::default());
        let sleeper = {
            let canceller = Arc::clone(&canceller);
            std::thread::spawn(move || {
                let _call = canceller.begin();
                let start = Instant::now();
                let slept = canceller.sleep(Duration::from_secs(30));
                (slept, start.elapsed(), canceller.is_cancelled())
            })
        };
        std::thread::sleep(Duration::from_millis(100));
        canceller.cancel();
        let (slept, took, cancelled) = sleeper.join().unwrap();
        assert!(
            !slept && cancelled && took < Duration::from_secs(5),
            "{took:?}"
        );
        // A call that starts after the cancel is not affected.
        let _call = canceller.begin();
        assert!(!canceller.is_cancelled());
        assert!(canceller.sleep(Duration::from_millis(1)));
    }

    #[test]
    fn nested_calls_keep_the_outer_generation() {
        let canceller = Canceller::default();
        let _outer = canceller.begin();
        canceller.cancel();
        let _inner = canceller.begin();
        assert!(canceller.is_cancelled());
    }
}
