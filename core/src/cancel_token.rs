//! Per-call cancellation: a [`CancelToken`] ends the calls made with it, and only those.
//!
//! A call carries its tokens on its thread (a scope entered by [`CancelToken::run`], or by a
//! client from [`Client::with_cancel_token`](crate::Client::with_cancel_token) for each of its
//! calls). Everything that honours [`Client::cancel`](crate::Client::cancel) asks the tokens of
//! the thread too: a sleeping call (backoff, `Retry-After`, rate limiter, a wait's polls)
//! registers its wake-up signal with them, and a call blocked on the network registers the
//! connection it uses (see `crate::interrupt`), which a cancel shuts down: that connection only,
//! so the other calls of the same client go on.

use crate::cancel::Signal;
use crate::interrupt::Connection;
use std::cell::RefCell;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, Weak};

/// Cancels the calls made with it, from any thread, within milliseconds; other calls on the same
/// client go on.
///
/// Cheap to clone (clones are the same token) and `Send + Sync`. A token, once cancelled, stays
/// cancelled: use a new one for the next call. Pass it with
/// [`Client::with_cancel_token`](crate::Client::with_cancel_token) (every call of the returned
/// client, and every page of its walks, carries it), [`Pager::with_cancel_token`](crate::Pager::with_cancel_token),
/// or [`run`](Self::run) (every call made inside the closure on this thread).
///
/// ```
/// # let server = amperity_mock::MockServer::start(Default::default()).unwrap();
/// # let client = amperity::Client::builder("acme").base_url(server.base_url()).token("mock-token").rate_limit(None).build()?;
/// use amperity::{CancelToken, PageOptions};
///
/// let token = CancelToken::new();
/// let view = client.with_cancel_token(&token);
/// let canceller = token.clone();
/// std::thread::spawn(move || canceller.cancel()).join().unwrap();
/// let result = view.list_segments(PageOptions::limit(10)).next_page();
/// assert!(matches!(result, Err(amperity::Error::Cancelled { .. })));
/// // The client itself is untouched.
/// assert!(client.list_segments(PageOptions::limit(10)).next_page().is_ok());
/// # Ok::<(), amperity::Error>(())
/// ```
#[derive(Clone)]
pub struct CancelToken {
    state: Arc<State>,
}

#[derive(Default)]
struct State {
    /// A unique id (connections note who uses them by id, not by a pointer that may be reused).
    id: u64,
    cancelled: AtomicBool,
    watched: Mutex<Watched>,
}

/// What a cancel must wake or shut down: the signals of sleeping calls and the connections the
/// token's calls have used (each shut down only while one of them is using it).
#[derive(Default)]
struct Watched {
    signals: Vec<Weak<Signal>>,
    connections: Vec<Weak<Connection>>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

thread_local! {
    /// The tokens of the call in progress on this thread (innermost last).
    static CURRENT: RefCell<Vec<CancelToken>> = const { RefCell::new(Vec::new()) };
}

impl std::fmt::Debug for CancelToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CancelToken")
            .field("cancelled", &self.is_cancelled())
            .finish()
    }
}

impl Default for CancelToken {
    fn default() -> Self {
        CancelToken::new()
    }
}

impl CancelToken {
    /// A token that is not cancelled.
    pub fn new() -> Self {
        CancelToken {
            state: Arc::new(State {
                id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
                ..State::default()
            }),
        }
    }

    /// Cancels every call made with this token: each ends with
    /// [`Error::Cancelled`](crate::Error::Cancelled) promptly, whether it sleeps or waits for the
    /// network (its own connection is shut down). Calls made with it later fail at once.
    /// Idempotent.
    pub fn cancel(&self) {
        if self.state.cancelled.swap(true, Ordering::SeqCst) {
            return;
        }
        let watched = std::mem::take(&mut *lock(&self.state.watched));
        for signal in watched.signals.iter().filter_map(Weak::upgrade) {
            signal.wake();
        }
        for connection in watched.connections.iter().filter_map(Weak::upgrade) {
            connection.shut_down_if_used_by(self.state.id);
        }
    }

    /// True once [`cancel`](Self::cancel) was called.
    pub fn is_cancelled(&self) -> bool {
        self.state.cancelled.load(Ordering::SeqCst)
    }

    /// Runs `f` with this token carried by every call it makes on this thread (on any client;
    /// the walks and read-ahead of those calls too), and returns its result.
    pub fn run<R>(&self, f: impl FnOnce() -> R) -> R {
        let _scope = self.enter();
        f()
    }

    /// Carries this token on this thread until the scope is dropped.
    pub(crate) fn enter(&self) -> Scope {
        CURRENT.with(|current| current.borrow_mut().push(self.clone()));
        Scope(())
    }

    pub(crate) fn id(&self) -> u64 {
        self.state.id
    }

    /// Wakes `signal` when this token is cancelled (while the signal lives).
    fn watch_signal(&self, signal: &Arc<Signal>) {
        let mut watched = lock(&self.state.watched);
        watched.signals.retain(|s| s.strong_count() > 0);
        if !watched
            .signals
            .iter()
            .any(|s| std::ptr::eq(s.as_ptr(), Arc::as_ptr(signal)))
        {
            watched.signals.push(Arc::downgrade(signal));
        }
    }

    /// Considers `connection` for a shutdown when this token is cancelled.
    pub(crate) fn watch_connection(&self, connection: &Arc<Connection>) {
        let mut watched = lock(&self.state.watched);
        watched.connections.retain(|c| c.strong_count() > 0);
        if !watched
            .connections
            .iter()
            .any(|c| std::ptr::eq(c.as_ptr(), Arc::as_ptr(connection)))
        {
            watched.connections.push(Arc::downgrade(connection));
        }
    }
}

/// The span during which a token is carried on a thread (see [`CancelToken::enter`]).
pub(crate) struct Scope(());

impl Drop for Scope {
    fn drop(&mut self) {
        CURRENT.with(|current| {
            current.borrow_mut().pop();
        });
    }
}

/// The tokens carried on this thread (usually none or one).
pub(crate) fn current() -> Vec<CancelToken> {
    CURRENT.with(|current| current.borrow().clone())
}

/// True when a token carried on this thread was cancelled.
pub(crate) fn current_cancelled() -> bool {
    CURRENT.with(|current| current.borrow().iter().any(CancelToken::is_cancelled))
}

/// Registers `signal` with the tokens of this thread, so that a cancel wakes its sleeper.
pub(crate) fn watch_signal(signal: &Arc<Signal>) {
    CURRENT.with(|current| {
        for token in current.borrow().iter() {
            token.watch_signal(signal);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_nest_and_unwind() {
        let (outer, inner) = (CancelToken::new(), CancelToken::new());
        assert!(!current_cancelled());
        outer.run(|| {
            inner.run(|| {
                assert_eq!(current().len(), 2);
                outer.cancel();
                assert!(current_cancelled());
            });
            assert_eq!(current().len(), 1);
        });
        assert!(current().is_empty() && !current_cancelled());
        assert!(outer.is_cancelled() && !inner.is_cancelled());
        assert_ne!(outer.id(), inner.id());
    }

    #[test]
    fn clones_are_the_same_token() {
        let token = CancelToken::new();
        let clone = token.clone();
        clone.cancel();
        clone.cancel();
        assert!(token.is_cancelled());
        assert!(format!("{token:?}").contains("true"));
    }
}
