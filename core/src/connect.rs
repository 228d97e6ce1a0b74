//! TCP connections whose connect can be interrupted. ureq's own `TcpConnector` blocks the calling
//! thread in `connect(2)` until the server answers or the connect timeout passes, out of reach of
//! a cancel. Here the connect runs on a short-lived helper thread while the calling thread waits
//! for its result or for a shutdown of the connection attempt (a [`CancelToken`] cancel through
//! `crate::interrupt`, or [`Client::cancel`] through the agent's shutdown), whichever comes
//! first; an abandoned helper ends with its connect (the timeout bounds it) and closes the socket.
//!
//! [`TcpTransport`] is the transport over the connected socket: the same I/O, timeouts and
//! shutdown handle as ureq's own (which is not public).
//!
//! [`CancelToken`]: crate::CancelToken
//! [`Client::cancel`]: crate::Client::cancel

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, Weak};
use std::time::{Duration, Instant};
use ureq::unversioned::transport::{
    Buffers, ConnectionDetails, Connector, Either, LazyBuffers, NextTimeout, ShutdownHandle,
    Transport,
};

/// Opens plain TCP connections (the place of ureq's `TcpConnector` in the connector chain).
#[derive(Debug, Default)]
pub(crate) struct InterruptibleTcpConnector;

impl<In: Transport> Connector<In> for InterruptibleTcpConnector {
    type Out = Either<In, TcpTransport>;

    fn connect(
        &self,
        details: &ConnectionDetails,
        chained: Option<In>,
    ) -> Result<Option<Self::Out>, ureq::Error> {
        if let Some(transport) = chained {
            // A proxy connector already made the connection.
            return Ok(Some(Either::A(transport)));
        }
        let attempt = Arc::new(Attempt::default());
        (details.register_shutdown)(Arc::downgrade(&attempt) as Weak<dyn ShutdownHandle>)?;
        // A token cancelled before the registration above found no attempt to shut down.
        if crate::cancel_token::current_cancelled() {
            return Err(crate::interrupt::cancelled());
        }
        let addrs: Vec<SocketAddr> = details.addrs.iter().copied().collect();
        let budget = details.timeout.not_zero().map(|after| *after);
        let reason = details.timeout.reason;
        let helper = Arc::clone(&attempt);
        std::thread::Builder::new()
            .name("amperity-connect".into())
            .spawn(move || helper.finish(connect_any(&addrs, budget, reason)))
            .map_err(ureq::Error::Io)?;
        let stream = attempt.wait()?;
        if details.config.no_delay() {
            stream.set_nodelay(true)?;
        }
        let buffers = LazyBuffers::new(
            details.config.input_buffer_size(),
            details.config.output_buffer_size(),
        );
        let transport = TcpTransport::new(stream, buffers);
        (details.register_shutdown)(transport.shutdown_handle())?;
        Ok(Some(Either::B(transport)))
    }
}

/// One connect in progress: its result once the helper thread has it, or the shutdown that
/// ended the wait for it.
#[derive(Default)]
struct Attempt {
    state: Mutex<AttemptState>,
    changed: Condvar,
}

#[derive(Default)]
enum AttemptState {
    #[default]
    Connecting,
    Done(Result<TcpStream, ureq::Error>),
    ShutDown,
    Over,
}

impl Attempt {
    fn lock(&self) -> MutexGuard<'_, AttemptState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Hands over the helper's result (dropped, closing its socket, when the wait was shut down).
    fn finish(&self, result: Result<TcpStream, ureq::Error>) {
        let mut state = self.lock();
        if matches!(*state, AttemptState::Connecting) {
            *state = AttemptState::Done(result);
            self.changed.notify_all();
        }
    }

    /// Waits for the helper's result or a shutdown.
    fn wait(&self) -> Result<TcpStream, ureq::Error> {
        let mut state = self.lock();
        while matches!(*state, AttemptState::Connecting) {
            state = self.changed.wait(state).unwrap_or_else(|e| e.into_inner());
        }
        // Whatever happens next, the attempt is over: a late shutdown or result is ignored.
        match std::mem::replace(&mut *state, AttemptState::Over) {
            AttemptState::Done(result) => result,
            _ => Err(crate::interrupt::cancelled()),
        }
    }
}

impl ShutdownHandle for Attempt {
    fn shutdown(&self) {
        let mut state = self.lock();
        if matches!(*state, AttemptState::Connecting) {
            *state = AttemptState::ShutDown;
            self.changed.notify_all();
        }
    }
}

/// Tries the addresses in order, sharing the budget between them as ureq does (halving it for
/// each next address, 10 ms at least), and moving on after failures that concern one address.
fn connect_any(
    addrs: &[SocketAddr],
    budget: Option<Duration>,
    reason: ureq::Timeout,
) -> Result<TcpStream, ureq::Error> {
    let start = Instant::now();
    let total_weight = 2.0 * (1.0 - 0.5_f64.powi(i32::try_from(addrs.len()).unwrap_or(i32::MAX)));
    let mut weight = 1.0_f64;
    let mut last_error = None;
    for addr in addrs {
        let per_address = budget.map(|total| {
            total
                .mul_f64(weight / total_weight)
                .max(Duration::from_millis(10))
        });
        weight /= 2.0;
        let attempt = match per_address {
            Some(limit) => TcpStream::connect_timeout(addr, limit),
            None => TcpStream::connect(addr),
        };
        match attempt {
            Ok(stream) => return Ok(stream),
            Err(e) if is_timeout(&e) => {
                if budget.is_some_and(|total| start.elapsed() >= total) {
                    return Err(ureq::Error::Timeout(reason));
                }
                last_error = Some(ureq::Error::Timeout(ureq::Timeout::Connect));
            }
            Err(e) if is_address_specific(&e) => last_error = Some(ureq::Error::Io(e)),
            Err(e) => return Err(ureq::Error::Io(e)),
        }
    }
    Err(last_error.unwrap_or_else(|| {
        ureq::Error::Io(io::Error::new(
            io::ErrorKind::ConnectionRefused,
            "no address to connect to",
        ))
    }))
}

/// A connect or I/O that ran out of time (a timed-out blocking socket says `WouldBlock` on Unix).
fn is_timeout(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock
    )
}

/// Failures after which the host's next address may still work (refused, or no route, as for
/// a host with IPv6 addresses first and no IPv6 route).
fn is_address_specific(e: &io::Error) -> bool {
    #[cfg(windows)]
    if e.raw_os_error() == Some(10013) {
        // WSAEACCES: a firewall or VPN refusing one address family.
        return true;
    }
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::HostUnreachable
            | io::ErrorKind::NetworkUnreachable
            | io::ErrorKind::NetworkDown
            | io::ErrorKind::AddrNotAvailable
    )
}

/// A connected TCP socket as a ureq transport.
pub(crate) struct TcpTransport {
    /// Shared (weakly) with the shutdown handle, which shuts the socket down while it is in use.
    stream: Arc<TcpStream>,
    buffers: LazyBuffers,
    read_timeout: Option<Duration>,
    write_timeout: Option<Duration>,
}

impl std::fmt::Debug for TcpTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TcpTransport")
            .field("peer", &self.stream.peer_addr().ok())
            .finish()
    }
}

impl TcpTransport {
    fn new(stream: TcpStream, buffers: LazyBuffers) -> Self {
        TcpTransport {
            stream: Arc::new(stream),
            buffers,
            read_timeout: None,
            write_timeout: None,
        }
    }

    fn shutdown_handle(&self) -> Weak<dyn ShutdownHandle> {
        Arc::downgrade(&self.stream) as Weak<dyn ShutdownHandle>
    }
}

/// The time left of `timeout` (`None`: no limit), or the timeout error when none is left.
fn time_left(timeout: NextTimeout) -> Result<Option<Duration>, ureq::Error> {
    if timeout.after.is_zero() {
        return Err(ureq::Error::Timeout(timeout.reason));
    }
    Ok(timeout.not_zero().map(|after| *after))
}

/// `wanted` rounded up to whole milliseconds: what a socket timeout is set to.
///
/// The time left of a request's deadline moves by microseconds between one read or write and
/// the next, and between one request and the next; set exactly, it would cost a system call per
/// read and per write. Rounded up (never earlier than asked, and finer than the kernel's own
/// timer resolution), it stays the same from request to request while the connection is fast.
fn whole_millis(wanted: Option<Duration>) -> Option<Duration> {
    wanted.map(|left| {
        let millis = left.as_nanos().div_ceil(1_000_000);
        Duration::from_millis(u64::try_from(millis).unwrap_or(u64::MAX))
    })
}

/// Sets a socket timeout (rounded up to whole milliseconds) only when it changes: one system
/// call saved per read or write.
fn update_timeout(
    cached: &mut Option<Duration>,
    wanted: Option<Duration>,
    set: impl FnOnce(Option<Duration>) -> io::Result<()>,
) -> io::Result<()> {
    let wanted = whole_millis(wanted);
    if *cached != wanted {
        match set(wanted) {
            Ok(()) => *cached = wanted,
            // macOS refuses to change a timeout after the peer closed with unread request
            // data; the I/O that follows reports what happened.
            Err(e) if cfg!(target_os = "macos") && e.kind() == io::ErrorKind::InvalidInput => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

impl Transport for TcpTransport {
    fn buffers(&mut self) -> &mut dyn Buffers {
        &mut self.buffers
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), ureq::Error> {
        let timeout = timeout.for_write();
        let left = time_left(timeout)?;
        let stream = Arc::clone(&self.stream);
        update_timeout(&mut self.write_timeout, left, |t| {
            stream.set_write_timeout(t)
        })?;
        let output = &self.buffers.output()[..amount];
        match (&*self.stream).write_all(output) {
            Ok(()) => Ok(()),
            Err(e) if is_timeout(&e) => Err(ureq::Error::Timeout(timeout.reason)),
            Err(e) => Err(ureq::Error::Io(e)),
        }
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        let timeout = timeout.for_read();
        let limit = time_left(timeout)?;
        let started = Instant::now();
        let stream = Arc::clone(&self.stream);
        let mut left = limit;
        let amount = loop {
            update_timeout(&mut self.read_timeout, left, |t| stream.set_read_timeout(t))?;
            match (&*stream).read(self.buffers.input_append_buf()) {
                Ok(amount) => break amount,
                // A signal interrupted the read: read again with what is left of the time.
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {
                    left = match limit {
                        Some(limit) => match limit.checked_sub(started.elapsed()) {
                            Some(rest) if !rest.is_zero() => Some(rest),
                            _ => return Err(ureq::Error::Timeout(timeout.reason)),
                        },
                        None => None,
                    };
                }
                Err(e) if is_timeout(&e) => return Err(ureq::Error::Timeout(timeout.reason)),
                Err(e) => return Err(ureq::Error::Io(e)),
            }
        };
        self.buffers.input_appended(amount);
        Ok(amount > 0)
    }

    fn is_open(&mut self) -> bool {
        probe(&self.stream).unwrap_or(false)
    }
}

/// Whether a pooled connection is still usable: nothing to read (the server closed it, or sent
/// bytes nobody asked for, otherwise).
#[cfg(unix)]
fn probe(stream: &TcpStream) -> io::Result<bool> {
    // One system call, ureq asks twice a request: a peek that does not wait, where switching
    // the socket to non-blocking mode for a read and back takes three.
    let mut byte = [std::mem::MaybeUninit::<u8>::uninit()];
    let peeked = socket2::SockRef::from(stream)
        .recv_with_flags(&mut byte, libc::MSG_PEEK | libc::MSG_DONTWAIT);
    Ok(matches!(peeked, Err(e) if e.kind() == io::ErrorKind::WouldBlock))
}

/// `probe` of Unix, where a peek cannot be asked not to wait: the socket is non-blocking for
/// one read.
#[cfg(not(unix))]
fn probe(mut stream: &TcpStream) -> io::Result<bool> {
    stream.set_nonblocking(true)?;
    let mut byte = [0u8];
    let open = matches!(stream.read(&mut byte), Err(e) if e.kind() == io::ErrorKind::WouldBlock);
    stream.set_nonblocking(false)?;
    Ok(open)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_probe_tells_an_idle_connection_from_one_the_server_wrote_to_or_closed() {
        use std::net::TcpListener;
        use std::thread::sleep;

        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let connect = || TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let settle = || sleep(Duration::from_millis(50)); // for the bytes or the FIN to arrive

        let idle = connect();
        let (_server_side, _) = listener.accept().unwrap();
        assert!(probe(&idle).unwrap(), "an idle connection is usable");
        assert!(
            probe(&idle).unwrap(),
            "and stays so: the probe does not wait or change it"
        );

        let written_to = connect();
        let (mut server_side, _) = listener.accept().unwrap();
        server_side.write_all(b"x").unwrap();
        settle();
        assert!(!probe(&written_to).unwrap(), "bytes nobody asked for");

        let closed = connect();
        let (server_side, _) = listener.accept().unwrap();
        drop(server_side);
        settle();
        assert!(!probe(&closed).unwrap(), "closed by the server");
        // The idle socket is still in blocking mode: a read waits for its timeout.
        idle.set_read_timeout(Some(Duration::from_millis(100)))
            .unwrap();
        let started = Instant::now();
        assert!((&idle).read(&mut [0u8; 1]).is_err());
        assert!(
            started.elapsed() >= Duration::from_millis(80),
            "{:?}",
            started.elapsed()
        );
    }

    #[test]
    fn socket_timeouts_are_rounded_up_to_whole_milliseconds() {
        let ms = Duration::from_millis;
        assert_eq!(whole_millis(None), None);
        assert_eq!(whole_millis(Some(ms(30_000))), Some(ms(30_000)));
        assert_eq!(
            whole_millis(Some(ms(30_000) - Duration::from_micros(40))),
            Some(ms(30_000))
        );
        assert_eq!(whole_millis(Some(Duration::from_nanos(1))), Some(ms(1)));
        assert_eq!(
            whole_millis(Some(ms(1) + Duration::from_nanos(1))),
            Some(ms(2))
        );
        assert_eq!(whole_millis(Some(Duration::MAX)), Some(ms(u64::MAX)));
    }

    #[test]
    fn a_timeout_is_set_again_only_when_its_whole_milliseconds_change() {
        let mut cached = None;
        let mut set = Vec::new();
        let deadline = Duration::from_secs(30);
        // Successive reads and requests, microseconds apart: one system call.
        for elapsed_micros in [20, 45, 60, 25, 50] {
            let left = deadline - Duration::from_micros(elapsed_micros);
            update_timeout(&mut cached, Some(left), |t| {
                set.push(t);
                Ok(())
            })
            .unwrap();
        }
        assert_eq!(set, [Some(deadline)]);
        // A read 20 ms into the request, then no limit: set each time, never below what is left.
        for left in [Some(deadline - Duration::from_millis(20)), None] {
            update_timeout(&mut cached, left, |t| {
                set.push(t);
                Ok(())
            })
            .unwrap();
        }
        assert_eq!(
            set,
            [Some(deadline), Some(Duration::from_millis(29_980)), None]
        );
        // A failed set leaves the cache as it was, so the next read tries again.
        let failed = update_timeout(&mut cached, Some(deadline), |_| {
            Err(io::Error::other("refused"))
        });
        assert!(failed.is_err() && cached.is_none());
    }
}
