//! Client-wide cancellation: [`Client::cancel`](crate::Client::cancel) ends every call in
//! progress on the client, promptly, and leaves the client usable for the calls after it.
//!
//! A cancel bumps a generation counter and wakes every sleeping call (backoff, `Retry-After`,
//! rate limiter, the wait helper's polls); the transport also shuts the connections in use, so
//! a request blocked on the network returns at once. A call remembers the generation it started
//! in (per thread, through [`CallGuard`]; nested steps of one call, such as the polls of a wait,
//! keep the outer call's), and is cancelled when the generation moved on.
//!
//! The same checks and sleeps honour the [`CancelToken`](crate::CancelToken)s carried on the
//! thread (see `cancel_token.rs`): a sleeping call registers its [`Signal`] with them.

use crate::cancel_token;
use std::cell::Cell;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// The cancellation state of one client.
#[derive(Debug, Default)]
pub(crate) struct Canceller {
    signal: Arc<Signal>,
}

/// The generation counter and the wake-up of the client's sleeping calls (shared with the
/// per-call tokens that must wake them too).
#[derive(Debug, Default)]
pub(crate) struct Signal {
    generation: Mutex<u64>,
    wake: Condvar,
}

impl Signal {
    /// Wakes every sleeper, which then checks what was cancelled.
    pub(crate) fn wake(&self) {
        // Taking the lock orders this after a sleeper's checks (no lost wake-up).
        let _generation = self.generation.lock().unwrap_or_else(|e| e.into_inner());
        self.wake.notify_all();
    }
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
        self.signal
            .generation
            .lock()
            .unwrap_or_else(|e| e.into_inner())
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

    /// True when the call in progress on this thread was cancelled (the whole client, or a
    /// token the call carries).
    pub(crate) fn is_cancelled(&self) -> bool {
        if cancel_token::current_cancelled() {
            return true;
        }
        let now = *self.lock();
        self.call_generation(now) != now
    }

    /// Cancels every call in progress and wakes those that sleep.
    pub(crate) fn cancel(&self) {
        *self.lock() += 1;
        self.signal.wake.notify_all();
    }

    /// Sleeps for `duration`; `false` when the call was cancelled before the end.
    pub(crate) fn sleep(&self, duration: Duration) -> bool {
        let deadline = Instant::now() + duration;
        let mut now_generation = self.lock();
        let generation = self.call_generation(*now_generation);
        // Under the lock: a token cancelled after the check below wakes this sleeper.
        cancel_token::watch_signal(&self.signal);
        loop {
            if *now_generation != generation || cancel_token::current_cancelled() {
                return false;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return true;
            }
            now_generation = self
                .signal
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
    fn a_token_wakes_its_own_sleeper_only() {
        let canceller = Arc::new(Canceller::default());
        let token = crate::CancelToken::new();
        let sleeper = |token: Option<crate::CancelToken>| {
            let canceller = Arc::clone(&canceller);
            std::thread::spawn(move || {
                let _scope = token.as_ref().map(crate::CancelToken::enter);
                let _call = canceller.begin();
                let start = Instant::now();
                let slept = canceller.sleep(Duration::from_millis(1500));
                (slept, start.elapsed())
            })
        };
        let (mine, other) = (sleeper(Some(token.clone())), sleeper(None));
        std::thread::sleep(Duration::from_millis(100));
        token.cancel();
        let (slept, took) = mine.join().unwrap();
        assert!(!slept && took < Duration::from_millis(1000), "{took:?}");
        let (slept, took) = other.join().unwrap();
        assert!(slept && took >= Duration::from_millis(1500), "{took:?}");
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
