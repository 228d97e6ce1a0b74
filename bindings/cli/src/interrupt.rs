//! Ctrl-C: cancel the call in progress at once, exit 130.
//!
//! The signal handler only records the signal (and, on Unix, writes one byte to a socket pair,
//! which is async-signal-safe). A watcher thread does the rest outside the handler: it runs the
//! cancel actions the running command registered ([`Client::cancel`](amperity::Client::cancel),
//! [`StreamClient::cancel`](amperity::StreamClient::cancel)), so the command's call returns
//! `Cancelled` and the command exits 130 (measured: about 1.5 ms after the signal); if the
//! command has not exited 100 ms later (one blocked reading stdin, say `stream send -`, cannot
//! notice), the watcher exits the process with 130 itself. A command that stops gracefully on
//! Ctrl-C (`amperity mock`) waits for it with [`wait`] instead.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex, OnceLock};
use std::time::Duration;

/// How long the command gets to unwind after its call was cancelled.
const GRACE: Duration = Duration::from_millis(100);

type Action = Box<dyn Fn() + Send + Sync>;

struct State {
    interrupted: AtomicBool,
    graceful: AtomicBool,
    actions: Mutex<Vec<Action>>,
    signalled: Mutex<bool>,
    wake: Condvar,
}

fn state() -> &'static State {
    static STATE: OnceLock<State> = OnceLock::new();
    STATE.get_or_init(|| State {
        interrupted: AtomicBool::new(false),
        graceful: AtomicBool::new(false),
        actions: Mutex::new(Vec::new()),
        signalled: Mutex::new(false),
        wake: Condvar::new(),
    })
}

/// True once Ctrl-C was pressed.
pub fn interrupted() -> bool {
    state().interrupted.load(Ordering::SeqCst)
}

/// Runs `action` on Ctrl-C (from the watcher thread), to cancel what the command is doing.
pub fn on_interrupt(action: impl Fn() + Send + Sync + 'static) {
    let mut actions = state().actions.lock().unwrap_or_else(|e| e.into_inner());
    actions.push(Box::new(action));
}

/// Blocks until Ctrl-C, for a command that stops gracefully (the process is then not ended by
/// the watcher).
pub fn wait() {
    let state = state();
    state.graceful.store(true, Ordering::SeqCst);
    let mut signalled = state.signalled.lock().unwrap_or_else(|e| e.into_inner());
    while !*signalled {
        signalled = state
            .wake
            .wait(signalled)
            .unwrap_or_else(|e| e.into_inner());
    }
}

fn on_signal() {
    let state = state();
    if state.interrupted.swap(true, Ordering::SeqCst) {
        // A second Ctrl-C: no more waiting.
        std::process::exit(130);
    }
    *state.signalled.lock().unwrap_or_else(|e| e.into_inner()) = true;
    state.wake.notify_all();
    if state.graceful.load(Ordering::SeqCst) {
        return;
    }
    for action in state
        .actions
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .iter()
    {
        action();
    }
    std::thread::sleep(GRACE);
    eprintln!("amperity: cancelled: interrupted");
    std::process::exit(130);
}

/// Installs the SIGINT handler and starts the watcher thread.
#[cfg(unix)]
pub fn install() -> std::io::Result<()> {
    use std::io::{Read, Write};
    use std::os::unix::net::UnixStream;
    let (mut reader, writer) = UnixStream::pair()?;
    writer.set_nonblocking(true)?;
    // SAFETY: the handler only writes to a non-blocking socket (write(2) is async-signal-safe)
    // and neither allocates nor locks.
    unsafe {
        signal_hook_registry::register(libc::SIGINT, move || {
            let _ = (&writer).write(&[1]);
        })
    }?;
    std::thread::Builder::new()
        .name("amperity-interrupt".into())
        .spawn(move || {
            let mut byte = [0u8; 1];
            while let Ok(1) = reader.read(&mut byte) {
                std::thread::spawn(on_signal);
            }
        })?;
    Ok(())
}

/// Installs the Ctrl-C handler and starts the watcher thread.
#[cfg(not(unix))]
pub fn install() -> std::io::Result<()> {
    static RAISED: AtomicBool = AtomicBool::new(false);
    // SAFETY: the handler only stores to an atomic.
    unsafe {
        signal_hook_registry::register(libc::SIGINT, || {
            RAISED.store(true, Ordering::SeqCst);
        })
    }?;
    std::thread::Builder::new()
        .name("amperity-interrupt".into())
        .spawn(|| loop {
            std::thread::sleep(Duration::from_millis(20));
            if RAISED.swap(false, Ordering::SeqCst) {
                std::thread::spawn(on_signal);
            }
        })?;
    Ok(())
}
